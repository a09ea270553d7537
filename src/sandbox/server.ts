/**
 * The HTTP side of the sandbox: one port on 127.0.0.1 for every service. Reads the request, finds the
 * service and operation, applies faults, runs the operation and records the call.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  SandboxError,
  newRequestId,
  type SandboxRequest,
  type Route,
  type SandboxResponse,
  type ServiceName,
  type ServiceProtocol,
} from "./http.ts";
import { serviceOf } from "./router.ts";
import { queryParams } from "./query.ts";
import type { Faults } from "./faults.ts";

export interface CallRecord {
  service: string;
  operation: string;
  /** Epoch ms when the call arrived. */
  at: number;
  mutating: boolean;
  status: number;
  throttled?: boolean;
}

export interface ServerParts {
  protocols: Record<ServiceName, ServiceProtocol>;
  faults: Faults;
  calls: CallRecord[];
  now: () => number;
  admin(request: SandboxRequest): Promise<SandboxResponse> | SandboxResponse;
}

export async function listen(parts: ServerParts, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    handle(parts, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(`sandbox failure: ${(error as Error).message}`);
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(parts: ServerParts, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const request: SandboxRequest = {
    method: req.method ?? "GET",
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: await readBody(req),
    requestId: newRequestId(),
  };
  if (request.path.startsWith("/__sandbox/")) {
    return send(res, request, await parts.admin(request));
  }
  const at = parts.now();
  const service = serviceOf(request, () => queryParams(request).get("Action"));
  const protocol = parts.protocols[service];
  let route: Route | undefined;
  let unroutable: SandboxError | undefined;
  try {
    route = protocol.route(request);
  } catch (error) {
    // A path that cannot even be decoded (a stray `%`) is the caller's fault, answered in AWS's format.
    unroutable = new SandboxError(
      400,
      "InvalidInput",
      `The request cannot be read: ${(error as Error).message}`,
    );
  }
  const operation = route?.operation ?? "Unknown";
  const mutating = route?.mutating ?? false;
  const decision = parts.faults.decide(service, operation);
  if (decision.kind === "hang") {
    // Accepted and never answered: the client's timeout is what ends it (close() drops the socket).
    parts.calls.push({ service, operation, at, mutating, status: 0 });
    return;
  }
  if (parts.faults.latencyMs > 0) await sleep(parts.faults.latencyMs);
  let response: SandboxResponse;
  if (decision.kind === "html") {
    response = htmlPage(request, decision.status);
  } else if (decision.kind === "throttle") {
    const { status, code, message } = protocol.throttling;
    response = protocol.renderError(new SandboxError(status, code, message), request);
  } else if (decision.kind === "error") {
    response = protocol.renderError(
      new SandboxError(decision.status, decision.code, decision.message),
      request,
    );
  } else if (unroutable) {
    response = protocol.renderError(unroutable, request);
  } else if (!route) {
    response = protocol.renderError(
      new SandboxError(
        400,
        "InvalidAction",
        `The sandbox does not implement ${request.method} ${request.path} for ${service}.`,
      ),
      request,
    );
  } else {
    try {
      response = await route.run();
    } catch (error) {
      const failure =
        error instanceof SandboxError
          ? error
          : new SandboxError(500, "InternalFailure", `Sandbox failure: ${(error as Error).message}`);
      response = protocol.renderError(failure, request);
    }
  }
  parts.calls.push({
    service,
    operation,
    at,
    mutating,
    status: response.status,
    ...(decision.kind === "throttle" ? { throttled: true } : {}),
  });
  send(res, request, response);
}

/**
 * Not AWS's format: what a load balancer with no healthy target sends (502), or a captive portal, proxy
 * login or web server the endpoint variable points at by mistake (200).
 */
function htmlPage(request: SandboxRequest, status: number): SandboxResponse {
  const title = status === 502 ? "502 Bad Gateway" : status === 200 ? "Welcome" : `${status}`;
  return {
    status,
    headers: { "content-type": "text/html" },
    body: `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><!-- ${request.requestId} --></body></html>`,
  };
}

function send(res: ServerResponse, request: SandboxRequest, response: SandboxResponse): void {
  const body = typeof response.body === "string" ? Buffer.from(response.body, "utf8") : response.body;
  const headers: Record<string, string> = { ...response.headers };
  // HEAD answers carry the length of the body they do not send (S3 HeadObject sets it itself).
  if (!("content-length" in headers)) headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(request.method === "HEAD" ? undefined : body);
}
