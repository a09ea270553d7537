/**
 * The admin endpoint, JSON over HTTP under /__sandbox/, for tests and people in another shell:
 *   GET  /__sandbox/calls          every call so far
 *   POST /__sandbox/reset-calls    forget them
 *   GET  /__sandbox/faults         current fault settings
 *   POST /__sandbox/faults         {"reset"?, "throttleRate"?, "throttle"?, "latencyMs"?, "htmlErrorRate"?, "errors"?,
 *                                   "html"? [{"service"?, "operation"?, "status"?, "times"?}], "hang"? [{"service"?, …}]}
 *   POST /__sandbox/alarm-state    {"name", "state", "reason"?, "atMs"? | "afterMs"?}
 *   GET  /__sandbox/world          a summary of zones, alarms, clusters and buckets
 *   GET  /__sandbox/traffic        the traffic model's settings, written and effective green share
 *   POST /__sandbox/traffic        {"record", "loadBalancers", "requestsPerSecond"?, "dnsDelayMs"?,
 *                                   "behaviour"?: {"green": {"errorRate", "latencySeconds"}}, "rules"?, "seed"?}
 */
import { jsonResponse, type SandboxRequest, type SandboxResponse } from "./http.ts";
import type { FaultSettings, Faults } from "./faults.ts";
import type { CallRecord } from "./server.ts";
import type { World } from "./world.ts";
import type { AlarmStateValue } from "./cloudwatch/world.ts";

export function adminHandler(
  world: World,
  faults: Faults,
  calls: CallRecord[],
): (request: SandboxRequest) => SandboxResponse {
  return (request) => {
    const reply = (status: number, body: unknown): SandboxResponse =>
      jsonResponse(status, body, request.requestId);
    try {
      const route = `${request.method} ${request.path.replace(/\/+$/, "")}`;
      switch (route) {
        case "GET /__sandbox/calls":
          return reply(200, { calls });
        case "POST /__sandbox/reset-calls":
          calls.length = 0;
          return reply(200, { calls: [] });
        case "GET /__sandbox/faults":
          return reply(200, faults.describe());
        case "POST /__sandbox/faults": {
          const body = readBody(request) as FaultSettings & { reset?: boolean };
          if (body.reset) faults.reset();
          faults.configure(body);
          return reply(200, faults.describe());
        }
        case "POST /__sandbox/alarm-state": {
          const body = readBody(request) as {
            name?: string;
            state?: AlarmStateValue;
            reason?: string;
            atMs?: number;
            afterMs?: number;
          };
          if (typeof body.name !== "string" || typeof body.state !== "string")
            throw new Error("name and state are required");
          if (body.atMs !== undefined || body.afterMs !== undefined) {
            const when = body.atMs !== undefined ? { atMs: body.atMs } : { afterMs: body.afterMs! };
            faults.scheduleAlarm(body.name, body.state, when, body.reason);
            return reply(200, { scheduled: true });
          }
          const alarm = world.cloudwatch.setAlarmState(body.name, body.state, body.reason);
          return reply(200, { name: alarm.AlarmName, state: alarm.StateValue });
        }
        case "GET /__sandbox/traffic":
          return reply(200, world.traffic.describe() ?? { configured: false });
        case "POST /__sandbox/traffic": {
          const body = readBody(request) as Parameters<World["traffic"]["configure"]>[0];
          if (!body.record || !body.loadBalancers) throw new Error("record and loadBalancers are required");
          world.traffic.configure(body);
          return reply(200, world.traffic.describe());
        }
        case "GET /__sandbox/world":
          return reply(200, summary(world));
        default:
          return reply(404, { error: `no admin route ${route}` });
      }
    } catch (error) {
      return reply(400, { error: (error as Error).message });
    }
  };
}

function readBody(request: SandboxRequest): Record<string, unknown> {
  const text = request.body.toString("utf8").trim();
  if (text === "") return {};
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new Error("the body must be a JSON object");
  return value as Record<string, unknown>;
}

function summary(world: World): unknown {
  return {
    zones: world.route53
      .zones()
      .map((z) => ({ id: z.id, name: z.name, records: world.route53.records(z.id).length })),
    alarms: world.cloudwatch.list().map((a) => ({ name: a.AlarmName, type: a.type, state: a.StateValue })),
    clusters: world.eks.clusterNames().map((name) => {
      const c = world.eks.cluster(name)!;
      return { name, status: c.status, version: c.version };
    }),
    buckets: world.s3.bucketNames(),
  };
}
