import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  PutCompositeAlarmCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
} from "@aws-sdk/client-cloudwatch";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { clientsFor, rejection, testPlan } from "./support.ts";

let sandbox: Sandbox;
let cloudwatch: ReturnType<typeof clientsFor>["cloudwatch"];

beforeAll(async () => {
  sandbox = await startSandbox();
  seedFromPlan(sandbox, testPlan());
  cloudwatch = clientsFor(sandbox).cloudwatch;
  await cloudwatch.send(
    new PutCompositeAlarmCommand({
      AlarmName: "checkout-composite",
      AlarmRule: 'ALARM("checkout-5xx") OR ALARM("checkout-latency")',
    }),
  );
});
afterAll(() => sandbox.close());

const metricAlarm = (name: string) =>
  new PutMetricAlarmCommand({
    AlarmName: name,
    MetricName: "Errors",
    Namespace: "Test",
    Statistic: "Sum",
    Period: 60,
    EvaluationPeriods: 1,
    Threshold: 1,
    ComparisonOperator: "GreaterThanThreshold",
  });

async function form(params: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await fetch(sandbox.endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: new URLSearchParams({ Version: "2010-08-01", ...params }).toString(),
  });
  return { status: response.status, text: await response.text() };
}

describe("CloudWatch over AWS JSON 1.0 (the SDK)", () => {
  it("describes the seeded alarms by name, all OK", async () => {
    const out = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: ["checkout-5xx", "checkout-latency", "missing"] }),
    );
    expect(out.MetricAlarms?.map((a) => [a.AlarmName, a.StateValue])).toEqual([
      ["checkout-5xx", "OK"],
      ["checkout-latency", "OK"],
    ]);
    expect(out.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
  });

  it("returns two seeded alarms per prefix", async () => {
    const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: "checkout-slo-" }));
    expect(out.MetricAlarms).toHaveLength(2);
  });

  it("applies AlarmTypes as AWS does: metric alarms only unless composite ones are asked for", async () => {
    const plain = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ["checkout-composite"] }));
    expect(plain.MetricAlarms).toEqual([]);
    expect(plain.CompositeAlarms ?? []).toEqual([]);
    const both = await cloudwatch.send(
      new DescribeAlarmsCommand({
        AlarmNames: ["checkout-composite", "checkout-5xx"],
        AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
      }),
    );
    expect(both.MetricAlarms?.map((a) => a.AlarmName)).toEqual(["checkout-5xx"]);
    expect(both.CompositeAlarms?.map((a) => [a.AlarmName, a.StateValue])).toEqual([
      ["checkout-composite", "INSUFFICIENT_DATA"],
    ]);
  });

  it("refuses more than 100 names, and names together with a prefix", async () => {
    const names = Array.from({ length: 101 }, (_, i) => `a-${i}`);
    const tooMany = await rejection(cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names })));
    expect(tooMany.name).toBe("InvalidParameterValueException");
    const both = await rejection(
      cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ["a"], AlarmNamePrefix: "b" })),
    );
    expect(both.name).toBe("InvalidParameterCombinationException");
  });

  it("pages with MaxRecords and NextToken", async () => {
    for (let i = 0; i < 7; i++) await cloudwatch.send(metricAlarm(`paged-${i}`));
    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNamePrefix: "paged-", MaxRecords: 3, NextToken: token }),
      );
      names.push(...out.MetricAlarms!.map((a) => a.AlarmName!));
      token = out.NextToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(Array.from({ length: 7 }, (_, i) => `paged-${i}`));
    const bad = await rejection(cloudwatch.send(new DescribeAlarmsCommand({ NextToken: "not-a-token" })));
    expect(bad.name).toBe("InvalidNextToken");
  });

  it("records a state flip in history, readable without an alarm name, since a time", async () => {
    const since = new Date();
    await cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: "checkout-latency",
        StateValue: "ALARM",
        StateReason: "p99 over 2s",
      }),
    );
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: "checkout-latency", StateValue: "OK", StateReason: "recovered" }),
    );
    const out = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({ HistoryItemType: "StateUpdate", StartDate: since }),
    );
    const items = out.AlarmHistoryItems!.filter((h) => h.AlarmName === "checkout-latency");
    expect(items.map((h) => h.HistorySummary)).toEqual([
      "Alarm updated from ALARM to OK",
      "Alarm updated from OK to ALARM",
    ]);
    const data = JSON.parse(items[1]!.HistoryData!);
    expect(data).toMatchObject({
      version: "1.0",
      oldState: { stateValue: "OK" },
      newState: { stateValue: "ALARM", stateReason: "p99 over 2s" },
    });
    const alarm = (await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ["checkout-latency"] })))
      .MetricAlarms![0]!;
    expect(alarm.StateValue).toBe("OK");
  });

  it("keeps composite alarms' history out unless AlarmTypes asks for it, and keeps history after a delete", async () => {
    sandbox.world.cloudwatch.setAlarmState("checkout-composite", "ALARM", "child in ALARM");
    const plain = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: "checkout-composite" }));
    expect(plain.AlarmHistoryItems).toEqual([]);
    const composite = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: "checkout-composite",
        AlarmTypes: ["CompositeAlarm"],
        HistoryItemType: "StateUpdate",
      }),
    );
    expect(composite.AlarmHistoryItems?.map((h) => [h.AlarmType, h.HistorySummary])).toEqual([
      ["CompositeAlarm", "Alarm updated from INSUFFICIENT_DATA to ALARM"],
    ]);
    await cloudwatch.send(metricAlarm("short-lived"));
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ["short-lived"] }));
    const kept = await cloudwatch.send(new DescribeAlarmHistoryCommand({ AlarmName: "short-lived" }));
    expect(kept.AlarmHistoryItems?.[0]?.HistoryItemType).toBe("ConfigurationUpdate");
  });

  it("pages history with NextToken and filters by alarm name", async () => {
    for (let i = 0; i < 3; i++) {
      sandbox.world.cloudwatch.setAlarmState("checkout-5xx", i % 2 === 0 ? "ALARM" : "OK", `flip ${i}`);
    }
    const first = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: "checkout-5xx",
        HistoryItemType: "StateUpdate",
        MaxRecords: 2,
      }),
    );
    expect(first.AlarmHistoryItems).toHaveLength(2);
    expect(first.NextToken).toBeTruthy();
    const rest = await cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: "checkout-5xx",
        HistoryItemType: "StateUpdate",
        NextToken: first.NextToken,
      }),
    );
    expect(rest.AlarmHistoryItems!.every((h) => h.AlarmName === "checkout-5xx")).toBe(true);
    expect(first.AlarmHistoryItems!.length + rest.AlarmHistoryItems!.length).toBe(4); // seed's OK + 3 flips
  });

  it("answers ResourceNotFound for SetAlarmState and DeleteAlarms of a missing alarm, and deletes", async () => {
    const set = await rejection(
      cloudwatch.send(new SetAlarmStateCommand({ AlarmName: "nope", StateValue: "ALARM", StateReason: "x" })),
    );
    expect(set.name).toBe("ResourceNotFound");
    expect(set.$metadata?.httpStatusCode).toBe(404);
    await cloudwatch.send(metricAlarm("to-delete"));
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ["to-delete"] }));
    expect(sandbox.world.cloudwatch.alarm("to-delete")).toBeUndefined();
    const gone = await rejection(cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: ["to-delete"] })));
    expect(gone.name).toBe("ResourceNotFound");
  });
});

describe("CloudWatch over the query protocol (a raw form POST)", () => {
  it("answers DescribeAlarms with member lists, composite alarms when asked", async () => {
    const { status, text } = await form({
      Action: "DescribeAlarms",
      "AlarmNames.member.1": "checkout-5xx",
      "AlarmNames.member.2": "checkout-composite",
      "AlarmTypes.member.1": "MetricAlarm",
      "AlarmTypes.member.2": "CompositeAlarm",
    });
    expect(status).toBe(200);
    expect(text).toContain(
      '<DescribeAlarmsResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">',
    );
    expect(text).toMatch(/<MetricAlarms><member>.*<AlarmName>checkout-5xx<\/AlarmName>/);
    expect(text).toMatch(/<CompositeAlarms><member>.*<AlarmName>checkout-composite<\/AlarmName>/);
    expect(text).toMatch(/<ResponseMetadata><RequestId>[0-9a-f-]+<\/RequestId><\/ResponseMetadata>/);
  });

  it("sets a state and reads the history with ISO timestamps", async () => {
    const set = await form({
      Action: "SetAlarmState",
      AlarmName: "checkout-slo-5xx-rate",
      StateValue: "ALARM",
      StateReason: "query",
    });
    expect(set.status).toBe(200);
    expect(set.text).toContain("<SetAlarmStateResponse");
    const history = await form({
      Action: "DescribeAlarmHistory",
      AlarmName: "checkout-slo-5xx-rate",
      HistoryItemType: "StateUpdate",
      StartDate: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(history.text).toMatch(/<HistorySummary>Alarm updated from OK to ALARM<\/HistorySummary>/);
    expect(history.text).toMatch(/<Timestamp>\d{4}-\d\d-\d\dT[\d:.]+Z<\/Timestamp>/);
  });

  it("answers errors as <ErrorResponse> with the query code", async () => {
    const { status, text } = await form({
      Action: "SetAlarmState",
      AlarmName: "nope",
      StateValue: "ALARM",
      StateReason: "x",
    });
    expect(status).toBe(404);
    expect(text).toContain("<Error><Type>Sender</Type><Code>ResourceNotFound</Code>");
    const bad = await form({ Action: "DescribeAlarms", AlarmNamePrefix: "a", "AlarmNames.member.1": "b" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("<Code>InvalidParameterCombination</Code>");
  });
});
