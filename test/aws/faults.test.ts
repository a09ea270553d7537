/**
 * Retries, backoff and named errors under injected faults. Only the sandbox can inject faults; moto has
 * no such switch, which the moto block states and checks rather than skipping.
 */
import { beforeAll, beforeEach, expect, it } from "vitest";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from "@aws-sdk/client-route-53";
import { PutMetricAlarmCommand } from "@aws-sdk/client-cloudwatch";
import { AwsError } from "../../src/errors.ts";
import type { RecordPairRef } from "../../src/engine/ports.ts";
import { CAPABILITIES, describeEachBackend, type SandboxFaults } from "../support/backends.ts";
import { adapters, failure, useBackend } from "./harness.ts";

describeEachBackend("retries under injected faults", (spec) => {
  const backend = useBackend(spec);
  if (!CAPABILITIES[spec.name].faultInjection) {
    it(`${spec.name} has no fault injection (documented difference): these behaviours are proven against the sandbox`, () => {
      expect(backend.current.faults).toBeUndefined();
    });
    return;
  }

  let faults: SandboxFaults;
  let pair: RecordPairRef;
  beforeEach(() => {
    faults = backend.current.faults!;
    faults.reset();
  });

  // Fixture for every test below: a zone with a pair and an alarm.
  beforeAll(async () => {
    const b = backend.current;
    const zone = await b.raw.route53.send(
      new CreateHostedZoneCommand({ Name: "faults.test", CallerReference: "f" }),
    );
    const rec = (set: string, weight: number) => ({
      Action: "CREATE" as const,
      ResourceRecordSet: {
        Name: "api.faults.test",
        Type: "A" as const,
        SetIdentifier: set,
        Weight: weight,
        TTL: 60,
        ResourceRecords: [{ Value: `10.0.0.${weight}` }],
      },
    });
    await b.raw.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.HostedZone!.Id!,
        ChangeBatch: { Changes: [rec("blue", 100), rec("green", 0)] },
      }),
    );
    await b.raw.cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: "f-alarm",
        Namespace: "A",
        MetricName: "m",
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanThreshold",
      }),
    );
    pair = { zoneName: "faults.test", name: "api.faults.test", type: "A", blue: "blue", green: "green" };
  });

  it("retries Throttling with growing, jittered delays and reports each retry", async () => {
    faults.throttle(1, { service: "route53", operation: "ListResourceRecordSets", times: 3 });
    const a = adapters(backend.current, { retry: { retries: 5, baseDelayMs: 40, maxDelayMs: 1_000 } });
    const [r] = await a.traffic.read([pair]);
    expect(r!.blue?.Weight).toBe(100);
    expect(a.retries.map((x) => [x.operation, x.attempt, x.code])).toEqual([
      ["route53:ListResourceRecordSets", 1, "Throttling"],
      ["route53:ListResourceRecordSets", 2, "Throttling"],
      ["route53:ListResourceRecordSets", 3, "Throttling"],
    ]);
    // Full jitter: each delay lies in [0, base · 2^(attempt−1)].
    a.retries.forEach((x) => expect(x.delayMs).toBeLessThanOrEqual(40 * 2 ** (x.attempt - 1)));
  });

  it("retries PriorRequestNotComplete on ChangeResourceRecordSets, and the step lands once", async () => {
    faults.error({
      service: "route53",
      operation: "ChangeResourceRecordSets",
      code: "PriorRequestNotComplete",
      times: 2,
    });
    const a = adapters(backend.current);
    const readings = await a.traffic.read([pair]);
    const [change] = await a.traffic.apply(readings, 10);
    expect(a.retries.map((x) => [x.code, x.httpStatus])).toEqual([
      ["PriorRequestNotComplete", 400],
      ["PriorRequestNotComplete", 400],
    ]);
    expect(await a.traffic.waitInSync([change!.changeId], { timeoutMs: 5_000 })).toEqual([]);
    const [after] = await a.traffic.read([pair]);
    expect([after!.blue?.Weight, after!.green?.Weight]).toEqual([90, 10]);
  });

  it("gives up when throttling outlasts the budget, with an AwsError that keeps the code", async () => {
    faults.throttle(1, { service: "monitoring" });
    const a = adapters(backend.current, { retry: { retries: 3 } });
    const error = await failure(() => a.alarms.describe({ names: ["f-alarm"], prefixes: [] }));
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ operation: "cloudwatch:DescribeAlarms", retryable: true, exitCode: 4 });
    expect((error as AwsError).awsCode).toMatch(/^Throttling/);
    expect(a.retries).toHaveLength(3);
  });

  it("does not retry an error a retry cannot fix (AccessDenied), and keeps its code", async () => {
    faults.error({ service: "eks", code: "AccessDeniedException", status: 403 });
    const a = adapters(backend.current);
    const error = await failure(() => a.clusters.describe("green"));
    expect(error).toMatchObject({
      awsCode: "AccessDeniedException",
      httpStatus: 403,
      operation: "eks:DescribeCluster",
      retryable: false,
    });
    expect(a.retries).toEqual([]);
  });

  it("an HTML page from a proxy is an AwsError with the HTTP status, retried within the budget and no further", async () => {
    faults.htmlErrors(1);
    const a = adapters(backend.current, { retry: { retries: 2 } });
    const error = await failure(() => a.traffic.read([pair]));
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ awsCode: "HTTP 502", httpStatus: 502 });
    expect(a.retries.map((x) => x.code)).toEqual(["HTTP 502", "HTTP 502"]);
  });

  it("retries a 5xx InternalError and then succeeds", async () => {
    faults.error({ service: "s3", code: "InternalError", times: 1 });
    const a = adapters(backend.current);
    await expect(a.objects("missing-bucket-for-faults").get("k")).rejects.toMatchObject({
      awsCode: "NoSuchBucket",
    });
    expect(a.retries.map((x) => [x.code, x.httpStatus])).toEqual([["InternalError", 500]]);
  });

  it("an abort signal stops a slow call at once, even in the middle of a request", async () => {
    faults.latency(2_000);
    const controller = new AbortController();
    const a = adapters(backend.current, { signal: controller.signal });
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("operator pressed Ctrl-C")), 100);
    const error = await failure(() => a.traffic.read([pair]));
    expect((error as Error).message).toBe("operator pressed Ctrl-C");
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it("an abort signal also stops the wait between retries", async () => {
    faults.throttle(1, { service: "route53" });
    const controller = new AbortController();
    const a = adapters(backend.current, { retry: { retries: 10, baseDelayMs: 5_000, maxDelayMs: 5_000 } });
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("stop")), 150);
    const error = await failure(() => a.traffic.read([pair], { signal: controller.signal }));
    expect((error as Error).message).toBe("stop");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
