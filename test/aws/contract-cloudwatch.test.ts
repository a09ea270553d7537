import { beforeAll, expect, it } from "vitest";
import {
  DescribeAlarmsCommand,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { AwsError } from "../../src/errors.ts";
import { CAPABILITIES, describeEachBackend, type Backend } from "../support/backends.ts";
import { adapters, failure, useBackend } from "./harness.ts";

async function putAlarm(b: Backend, name: string): Promise<void> {
  await b.raw.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      Namespace: "App",
      MetricName: "5xx",
      Statistic: "Sum",
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "GreaterThanThreshold",
    }),
  );
}

async function setState(b: Backend, name: string, state: "OK" | "ALARM"): Promise<void> {
  await b.raw.cloudwatch.send(
    new SetAlarmStateCommand({ AlarmName: name, StateValue: state, StateReason: `test sets ${state}` }),
  );
}

describeEachBackend("CloudWatch alarms adapter", (spec) => {
  const backend = useBackend(spec);
  const caps = CAPABILITIES[spec.name];
  const many = Array.from({ length: 130 }, (_, i) => `bulk-${String(i).padStart(3, "0")}`);

  // Fixture for every test below: 130 metric alarms and two prefixed ones.
  beforeAll(async () => {
    const b = backend.current;
    for (const name of [...many, "green-latency", "green-errors"]) await putAlarm(b, name);
    await setState(b, "green-errors", "ALARM");
  });

  it("resolves names in calls of at most 100 names, reporting missing names", async () => {
    const a = adapters(backend.current);
    const { alarms, missing } = await a.alarms.describe({ names: [...many, "no-such-alarm"], prefixes: [] });
    expect(alarms).toHaveLength(130);
    expect(alarms.every((x) => x.kind === "metric")).toBe(true);
    expect(missing).toEqual(["no-such-alarm"]);
    // 131 names: two DescribeAlarms calls (100 + 31); more only if a backend pages within a call.
    expect(a.ops.filter((o) => o === "cloudwatch:DescribeAlarms").length).toBeGreaterThanOrEqual(2);
    expect(a.ops.filter((o) => o === "cloudwatch:DescribeAlarms").length).toBeLessThanOrEqual(4);
  });

  it("resolves prefixes (paged) with states and reasons, reporting prefixes that match nothing", async () => {
    const a = adapters(backend.current);
    const { alarms, missing } = await a.alarms.describe({ names: [], prefixes: ["green-", "absent-"] });
    expect(alarms.map((x) => [x.name, x.state])).toEqual([
      ["green-errors", "ALARM"],
      ["green-latency", expect.stringMatching(/^(OK|INSUFFICIENT_DATA)$/)],
    ]);
    expect(alarms[0]!.reason).toBe("test sets ALARM");
    expect(Date.parse(alarms[0]!.updatedAt)).not.toBeNaN();
    expect(missing).toEqual(["absent-*"]);
    const bulk = await a.alarms.describe({ names: [], prefixes: ["bulk-"] });
    expect(bulk.alarms).toHaveLength(130);
  });

  if (caps.compositeAlarms) {
    it("reads composite alarms next to metric alarms (AlarmTypes asks for both)", async () => {
      const b = backend.current;
      await b.raw.cloudwatch.send(
        new PutCompositeAlarmCommand({ AlarmName: "green-composite", AlarmRule: 'ALARM("green-errors")' }),
      );
      // Without AlarmTypes, CloudWatch returns metric alarms only.
      const plain = await b.raw.cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ["green-composite"] }),
      );
      expect(plain.CompositeAlarms ?? []).toEqual([]);
      const { alarms, missing } = await adapters(b).alarms.describe({
        names: ["green-composite", "green-latency"],
        prefixes: [],
      });
      expect(missing).toEqual([]);
      expect(alarms.map((x) => [x.name, x.kind])).toEqual([
        ["green-composite", "composite"],
        ["green-latency", "metric"],
      ]);
    });
  } else {
    it("PutCompositeAlarm does not exist: an HTML page becomes an AwsError with the HTTP status (documented difference)", async () => {
      const b = backend.current;
      const a = adapters(b, { retry: { retries: 2 } });
      const error = await failure(() =>
        a.caller.call("cloudwatch:PutCompositeAlarm", (abortSignal) =>
          b.raw.cloudwatch.send(
            new PutCompositeAlarmCommand({
              AlarmName: "green-composite",
              AlarmRule: 'ALARM("green-errors")',
            }),
            { abortSignal },
          ),
        ),
      );
      expect(error).toBeInstanceOf(AwsError);
      expect(error).toMatchObject({
        awsCode: "HTTP 500",
        httpStatus: 500,
        operation: "cloudwatch:PutCompositeAlarm",
      });
      // A 5xx non-AWS answer is retried within the budget, never forever.
      expect(a.retries).toHaveLength(2);
    });
  }

  if (caps.alarmHistory) {
    it("finds an ALARM that came and went between two polls in one paged history call", async () => {
      const b = backend.current;
      const since = new Date(Date.now() - 1000);
      await setState(b, "green-latency", "ALARM");
      await setState(b, "green-latency", "OK");
      await setState(b, "bulk-000", "ALARM");
      const a = adapters(b);
      const history = await a.alarms.history(since, ["green-latency"]);
      expect(history.map((h) => [h.name, h.from, h.to])).toEqual([
        ["green-latency", expect.any(String), "ALARM"],
        ["green-latency", "ALARM", "OK"],
      ]);
      expect(history[0]!.summary).toMatch(/ALARM/);
      expect(a.ops).toEqual(["cloudwatch:DescribeAlarmHistory"]);
      expect(await a.alarms.history(new Date(Date.now() + 60_000), ["green-latency"])).toEqual([]);
    });
  } else {
    it("DescribeAlarmHistory does not exist: history() fails with a named AwsError, retried only within budget (documented difference)", async () => {
      const a = adapters(backend.current, { retry: { retries: 1 } });
      const error = await failure(() => a.alarms.history(new Date(Date.now() - 1000), ["green-latency"]));
      expect(error).toBeInstanceOf(AwsError);
      expect(error).toMatchObject({
        awsCode: "HTTP 500",
        httpStatus: 500,
        operation: "cloudwatch:DescribeAlarmHistory",
      });
      expect((error as AwsError).hint).toMatch(/not answer like AWS/);
      expect(a.retries.map((r) => r.code)).toEqual(["HTTP 500"]);
    });
  }
});
