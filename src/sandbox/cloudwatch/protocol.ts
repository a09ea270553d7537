/**
 * CloudWatch over AWS JSON 1.0 (what @aws-sdk/client-cloudwatch and AWS CLI v1.45 send, marked
 * query-compatible) and over the older query protocol (Action=DescribeAlarms&...). AWS accepts both.
 */
import { gunzipSync } from "node:zlib";
import type { SandboxError } from "../http.ts";
import {
  jsonResponse,
  readJson,
  xmlResponse,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "../http.ts";
import { queryDocument, queryErrorDocument, queryParams, unflatten } from "../query.ts";
import { OPERATIONS } from "./operations.ts";
import type { CloudWatchWorld } from "./world.ts";

const TARGET_PREFIX = "GraniteServiceVersion20100801.";
const QUERY_NS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const JSON_CONTENT_TYPE = "application/x-amz-json-1.0";

function isJson(request: SandboxRequest): boolean {
  return String(request.headers["x-amz-target"] ?? "").startsWith(TARGET_PREFIX);
}

export function cloudwatchProtocol(world: CloudWatchWorld): ServiceProtocol {
  return {
    service: "monitoring",
    throttling: { status: 400, code: "Throttling", message: "Rate exceeded" },
    renderError,
    route(request) {
      const json = isJson(request);
      const params = json ? undefined : queryParams(inflated(request));
      const action = json
        ? String(request.headers["x-amz-target"]).slice(TARGET_PREFIX.length)
        : params!.get("Action");
      if (!action) return undefined;
      const operation = OPERATIONS[action];
      if (!operation) return undefined;
      return {
        operation: action,
        mutating: operation.mutating,
        run(): SandboxResponse {
          const input = json ? readJson(inflated(request)) : unflatten(params!);
          const output = operation.run(world, input);
          if (json) return jsonResponse(200, toJsonShape(output), request.requestId, JSON_CONTENT_TYPE);
          return xmlResponse(
            200,
            queryDocument(action, QUERY_NS, output, request.requestId),
            request.requestId,
          );
        },
      };
    },
  };
}

/** PutMetricData bodies may come gzip-compressed (the SDK's request compression for large payloads). */
function inflated(request: SandboxRequest): SandboxRequest {
  const encoding = String(request.headers["content-encoding"] ?? "");
  return encoding.includes("gzip") ? { ...request, body: gunzipSync(request.body) } : request;
}

/** JSON 1.0 wants timestamps as epoch seconds. */
function toJsonShape(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toJsonShape);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toJsonShape(v)]),
    );
  }
  return value;
}

function renderError(error: SandboxError, request: SandboxRequest): SandboxResponse {
  const queryCode = error.options.queryCode ?? error.code;
  if (isJson(request)) {
    // Query-compatible JSON: clients take the code from x-amzn-query-error, the shape from __type.
    return jsonResponse(
      error.status,
      { __type: `com.amazonaws.cloudwatch#${error.code}`, message: error.message },
      request.requestId,
      JSON_CONTENT_TYPE,
      { "x-amzn-query-error": `${queryCode};${error.type}` },
    );
  }
  return xmlResponse(
    error.status,
    queryErrorDocument(QUERY_NS, error.type, queryCode, error.message, request.requestId),
    request.requestId,
  );
}
