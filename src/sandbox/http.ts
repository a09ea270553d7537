/** The request and response shapes every service protocol works with, and the error they throw. */
import type { IncomingHttpHeaders } from "node:http";
import { randomUUID } from "node:crypto";

export type ServiceName =
  | "route53"
  | "eks"
  | "monitoring"
  | "s3"
  | "sts"
  | "elasticloadbalancing"
  | "globalaccelerator"
  | "ec2"
  | "sns";

export interface SandboxRequest {
  method: string;
  /** Decoded path, without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  requestId: string;
}

export interface SandboxResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** An AWS error as a service answers it; each protocol renders it in its own wire format. */
export class SandboxError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: {
      type?: "Sender" | "Receiver";
      /** Extra members of the error body (Route 53 `Messages`, S3 `Condition`, EKS `clusterName`). */
      extra?: Record<string, unknown>;
      /** Query-protocol code when it differs from the JSON error name (CloudWatch). */
      queryCode?: string;
    } = {},
  ) {
    super(message);
  }
  get type(): "Sender" | "Receiver" {
    return this.options.type ?? (this.status >= 500 ? "Receiver" : "Sender");
  }
}

/** One recognised operation: its name, whether it changes anything, and the code that answers it. */
export interface Route {
  operation: string;
  mutating: boolean;
  run(): SandboxResponse | Promise<SandboxResponse>;
}

export interface ServiceProtocol {
  service: ServiceName;
  /** The operation this request asks for, or undefined when the sandbox does not implement it. */
  route(request: SandboxRequest): Route | undefined;
  renderError(error: SandboxError, request: SandboxRequest): SandboxResponse;
  /** The code, status and message this service answers when it throttles. */
  throttling: { status: number; code: string; message: string };
}

export function newRequestId(): string {
  return randomUUID();
}

export function xmlResponse(
  status: number,
  body: string,
  requestId: string,
  extra: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId, ...extra },
    body,
  };
}

export function jsonResponse(
  status: number,
  body: unknown,
  requestId: string,
  contentType = "application/json",
  extra: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { "content-type": contentType, "x-amzn-requestid": requestId, ...extra },
    body: JSON.stringify(body),
  };
}

/** Parses a JSON request body; an empty body is `{}`. */
export function readJson(request: SandboxRequest): Record<string, unknown> {
  const text = request.body.toString("utf8").trim();
  if (text === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new SandboxError(400, "SerializationException", "The request body is not a JSON object.");
}

/** Epoch seconds (JSON protocols) or an ISO-8601 string (query protocol, CLI) to milliseconds. */
export function readTimestamp(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number") return value * 1000;
  if (typeof value === "string") {
    const asNumber = Number(value);
    const ms = Number.isFinite(asNumber) ? asNumber * 1000 : Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  throw new SandboxError(400, "ValidationError", `${field} is not a valid timestamp.`, {
    queryCode: "InvalidParameterValue",
  });
}
