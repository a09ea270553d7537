import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeResourceRecordSetsCommand,
  GetHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { ListClustersCommand } from "@aws-sdk/client-eks";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { clientsFor, rejection, testPlan } from "./support.ts";

let sandbox: Sandbox;
let clients: ReturnType<typeof clientsFor>;
let zoneId: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  seedFromPlan(sandbox, testPlan());
  clients = clientsFor(sandbox);
  zoneId = sandbox.world.route53.zoneByName("example.com")!.id;
});
afterEach(() => sandbox.faults.reset());
afterAll(() => sandbox.close());

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.endpoint}/__sandbox/${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("fault injection", () => {
  it("throttles every service with its own error when the rate is 1, and records the calls as throttled", async () => {
    sandbox.faults.throttle(1);
    sandbox.calls.length = 0;
    expect((await rejection(clients.route53.send(new GetHostedZoneCommand({ Id: zoneId })))).name).toBe(
      "Throttling",
    );
    expect(await rejection(clients.cloudwatch.send(new DescribeAlarmsCommand({})))).toMatchObject({
      name: "Throttling",
    });
    const eks = await rejection(clients.eks.send(new ListClustersCommand({})));
    expect(eks.name).toBe("ThrottlingException");
    expect(eks.$metadata?.httpStatusCode).toBe(429);
    const s3 = await rejection(clients.s3.send(new GetObjectCommand({ Bucket: "upgrade-state", Key: "x" })));
    expect(s3.name).toBe("SlowDown");
    expect(sandbox.calls.map((c) => [c.service, c.operation, c.throttled])).toEqual([
      ["route53", "GetHostedZone", true],
      ["monitoring", "DescribeAlarms", true],
      ["eks", "ListClusters", true],
      ["s3", "GetObject", true],
    ]);
  });

  it("throttles only the scoped operation, only `times` times", async () => {
    sandbox.faults.throttle(1, { operation: "ListResourceRecordSets", times: 2 });
    await clients.route53.send(new GetHostedZoneCommand({ Id: zoneId }));
    for (let i = 0; i < 2; i++) {
      expect(
        (await rejection(clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))))
          .name,
      ).toBe("Throttling");
    }
    await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
  });

  it("answers PriorRequestNotComplete for the chosen operation and changes nothing", async () => {
    sandbox.faults.error({
      operation: "ChangeResourceRecordSets",
      code: "PriorRequestNotComplete",
      times: 1,
    });
    const blue = {
      ...sandbox.world.route53.record(zoneId, "api.example.com", "A", "blue")!,
    } as ResourceRecordSet;
    const batch = new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: [{ Action: "UPSERT", ResourceRecordSet: { ...blue, Weight: 50 } }] },
    });
    const error = await rejection(clients.route53.send(batch));
    expect(error.name).toBe("PriorRequestNotComplete");
    expect(sandbox.world.route53.record(zoneId, "api.example.com", "A", "blue")?.Weight).toBe(100);
    await clients.route53.send(batch);
    expect(sandbox.world.route53.record(zoneId, "api.example.com", "A", "blue")?.Weight).toBe(50);
  });

  it("adds latency to every answer", async () => {
    sandbox.faults.latency(150);
    const started = performance.now();
    await clients.eks.send(new ListClustersCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("answers a text/html 502 page in HTML error mode, which the SDK cannot parse as AWS", async () => {
    sandbox.faults.htmlErrors(1);
    const error = await rejection(clients.eks.send(new ListClustersCommand({})));
    expect(error.$metadata?.httpStatusCode).toBe(502);
    const raw = await fetch(`${sandbox.endpoint}/clusters`);
    expect(raw.status).toBe(502);
    expect(raw.headers.get("content-type")).toBe("text/html");
  });

  it("answers an HTML page with status 200 on one path only, set over the admin endpoint", async () => {
    const set = await admin("POST", "faults", { html: [{ service: "route53", status: 200, times: 1 }] });
    expect(set.json.html).toEqual([{ service: "route53", status: 200, times: 1 }]);
    const page = await fetch(`${sandbox.endpoint}/2013-04-01/hostedzone/${zoneId}/rrset`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/^<html>/);
    // Other services answer as usual; the rule is used up after one page.
    expect((await clients.eks.send(new ListClustersCommand({}))).clusters).toBeDefined();
    const listing = await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }));
    expect(listing.ResourceRecordSets?.length).toBeGreaterThan(0);
    expect((await admin("POST", "faults", { html: [{ status: 99 }] })).status).toBe(400);
  });

  it("accepts and never answers a call under the hang fault, until the client gives up", async () => {
    await admin("POST", "faults", { hang: [{ service: "eks" }] });
    const error = await fetch(`${sandbox.endpoint}/clusters`, { signal: AbortSignal.timeout(300) }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe("TimeoutError");
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "eks", operation: "ListClusters", status: 0 });
  });

  it("flips a scheduled alarm at its time, with history stamped at that time", async () => {
    // Margins wide enough for a loaded machine: the first read must come before the first flip.
    const at = Date.now() + 1_500;
    sandbox.faults.scheduleAlarm("checkout-5xx", "ALARM", { atMs: at }, "scripted");
    sandbox.faults.scheduleAlarm("checkout-5xx", "OK", { afterMs: 2_000 });
    const before = await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ["checkout-5xx"] }));
    expect(before.MetricAlarms?.[0]?.StateValue).toBe("OK");
    await new Promise((r) => setTimeout(r, Math.max(0, at + 700 - Date.now())));
    const history = await clients.cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: "checkout-5xx",
        HistoryItemType: "StateUpdate",
        StartDate: new Date(at - 10),
      }),
    );
    expect(history.AlarmHistoryItems?.map((h) => h.HistorySummary)).toEqual([
      "Alarm updated from ALARM to OK",
      "Alarm updated from OK to ALARM",
    ]);
    expect(history.AlarmHistoryItems?.[1]?.Timestamp?.getTime()).toBe(at);
  });

  it("refuses a rate outside 0..1", () => {
    expect(() => sandbox.faults.throttle(2)).toThrow(/between 0 and 1/);
  });
});

describe("admin endpoint", () => {
  it("lists calls and forgets them", async () => {
    await clients.eks.send(new ListClustersCommand({}));
    const { json } = await admin("GET", "calls");
    expect((json["calls"] as { operation: string }[]).at(-1)).toMatchObject({
      service: "eks",
      operation: "ListClusters",
      mutating: false,
      status: 200,
    });
    await admin("POST", "reset-calls");
    expect(sandbox.calls).toEqual([]);
  });

  it("sets faults over HTTP", async () => {
    const { json } = await admin("POST", "faults", { throttleRate: 1, throttle: { service: "eks" } });
    expect(json["throttleRate"]).toBe(1);
    expect((await rejection(clients.eks.send(new ListClustersCommand({})))).name).toBe("ThrottlingException");
    await clients.route53.send(new GetHostedZoneCommand({ Id: zoneId }));
    await admin("POST", "faults", {
      reset: true,
      errors: [{ operation: "DescribeAlarms", code: "InternalServiceError", status: 500 }],
    });
    await clients.eks.send(new ListClustersCommand({}));
    const error = await rejection(clients.cloudwatch.send(new DescribeAlarmsCommand({})));
    expect(error.$metadata?.httpStatusCode).toBe(500);
    const bad = await admin("POST", "faults", { throttleRate: 5 });
    expect(bad.status).toBe(400);
  });

  it("sets an alarm state now or later", async () => {
    const now = await admin("POST", "alarm-state", {
      name: "checkout-latency",
      state: "ALARM",
      reason: "by hand",
    });
    expect(now.json).toEqual({ name: "checkout-latency", state: "ALARM" });
    await admin("POST", "alarm-state", { name: "checkout-latency", state: "OK", afterMs: 0 });
    expect(sandbox.world.cloudwatch.alarm("checkout-latency")?.StateValue).toBe("OK");
    const missing = await admin("POST", "alarm-state", { name: "nope", state: "OK" });
    expect(missing.status).toBe(400);
  });
});
