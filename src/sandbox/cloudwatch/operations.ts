/**
 * CloudWatch operations, independent of the wire protocol: input as parsed from AWS JSON 1.0 or from
 * query parameters (numbers may arrive as strings), output with Date timestamps for the renderer.
 */
import { SandboxError, readTimestamp } from "../http.ts";
import { decodeToken, encodeToken } from "../ids.ts";
import { getMetricData, putMetricData } from "./metric-operations.ts";
import {
  ALARM_STATES,
  type Alarm,
  type AlarmStateValue,
  type AlarmType,
  type CloudWatchWorld,
} from "./world.ts";

type Input = Record<string, unknown>;
export type Output = Record<string, unknown>;

/** JSON error names and their query-protocol codes, from the service model's awsQueryError traits. */
const ERRORS = {
  ResourceNotFound: ["ResourceNotFound", 404],
  InvalidParameterValueException: ["InvalidParameterValue", 400],
  InvalidParameterCombinationException: ["InvalidParameterCombination", 400],
  InvalidNextToken: ["InvalidNextToken", 400],
  MissingRequiredParameterException: ["MissingParameter", 400],
  InvalidFormatFault: ["InvalidFormat", 400],
} as const;

export function cwError(name: keyof typeof ERRORS, message: string): SandboxError {
  const [queryCode, status] = ERRORS[name];
  return new SandboxError(status, name, message, { queryCode });
}

export interface Operation {
  mutating: boolean;
  run(world: CloudWatchWorld, input: Input): Output;
}

export const OPERATIONS: Record<string, Operation> = {
  DescribeAlarms: { mutating: false, run: describeAlarms },
  DescribeAlarmHistory: { mutating: false, run: describeAlarmHistory },
  PutMetricAlarm: { mutating: true, run: putMetricAlarm },
  PutCompositeAlarm: { mutating: true, run: putCompositeAlarm },
  SetAlarmState: { mutating: true, run: setAlarmState },
  DeleteAlarms: { mutating: true, run: deleteAlarms },
  PutMetricData: { mutating: true, run: putMetricData },
  GetMetricData: { mutating: false, run: getMetricData },
};

function str(input: Input, key: string, required = false): string | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === "") {
    if (required) throw cwError("MissingRequiredParameterException", `The parameter ${key} is required.`);
    return undefined;
  }
  if (typeof value !== "string")
    throw cwError("InvalidParameterValueException", `The parameter ${key} must be a string.`);
  return value;
}

function num(input: Input, key: string): number | undefined {
  const value = input[key];
  if (value === undefined || value === null || value === "") return undefined;
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n))
    throw cwError("InvalidParameterValueException", `The parameter ${key} must be a number.`);
  return n;
}

function bool(input: Input, key: string): boolean | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  return value === true || value === "true";
}

function strings(input: Input, key: string): string[] | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw cwError("InvalidParameterValueException", `The parameter ${key} must be a list of strings.`);
  }
  return value as string[];
}

function page(input: Input, max: number, fallback: number): { start: number; size: number } {
  const size = num(input, "MaxRecords") ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw cwError("InvalidParameterValueException", `The parameter MaxRecords must be between 1 and ${max}.`);
  }
  const token = str(input, "NextToken");
  const start = token === undefined ? 0 : decodeToken(token);
  if (start === undefined) throw cwError("InvalidNextToken", "The service returned an invalid next token.");
  return { start, size };
}

function alarmTypes(input: Input): Set<AlarmType> {
  const types = strings(input, "AlarmTypes");
  // Without AlarmTypes, AWS answers metric alarms only.
  if (!types || types.length === 0) return new Set(["MetricAlarm"]);
  for (const t of types) {
    if (t !== "MetricAlarm" && t !== "CompositeAlarm") {
      throw cwError(
        "InvalidParameterValueException",
        `The value ${t} for parameter AlarmTypes is not valid.`,
      );
    }
  }
  return new Set(types as AlarmType[]);
}

function describeAlarms(world: CloudWatchWorld, input: Input): Output {
  const names = strings(input, "AlarmNames");
  const prefix = str(input, "AlarmNamePrefix");
  if (names && names.length > 100) {
    throw cwError(
      "InvalidParameterValueException",
      "The collection AlarmNames must not have a size greater than 100.",
    );
  }
  if (names && names.length > 0 && prefix !== undefined) {
    throw cwError(
      "InvalidParameterCombinationException",
      "AlarmNames and AlarmNamePrefix cannot be used together.",
    );
  }
  const state = str(input, "StateValue");
  if (state !== undefined && !ALARM_STATES.includes(state as AlarmStateValue)) {
    throw cwError(
      "InvalidParameterValueException",
      `The value ${state} for parameter StateValue is not valid.`,
    );
  }
  const types = alarmTypes(input);
  const wanted = names && names.length > 0 ? new Set(names) : undefined;
  const matching = world
    .list()
    .filter((a) => types.has(a.type))
    .filter((a) => !wanted || wanted.has(a.AlarmName))
    .filter((a) => prefix === undefined || a.AlarmName.startsWith(prefix))
    .filter((a) => state === undefined || a.StateValue === state);
  // Metric alarms first, then composite ones, each by name: one cursor pages through both lists.
  const ordered = [
    ...matching.filter((a) => a.type === "MetricAlarm"),
    ...matching.filter((a) => a.type === "CompositeAlarm"),
  ];
  const { start, size } = page(input, 100, 50);
  const slice = ordered.slice(start, start + size);
  const more = start + size < ordered.length;
  return {
    MetricAlarms: slice.filter((a) => a.type === "MetricAlarm").map(metricAlarmOut),
    CompositeAlarms: types.has("CompositeAlarm")
      ? slice.filter((a) => a.type === "CompositeAlarm").map(compositeAlarmOut)
      : undefined,
    NextToken: more ? encodeToken(start + size) : undefined,
  };
}

function stateOut(a: Alarm): Output {
  return {
    StateValue: a.StateValue,
    StateReason: a.StateReason,
    StateReasonData: a.StateReasonData,
    StateUpdatedTimestamp: new Date(a.StateUpdatedTimestamp),
    StateTransitionedTimestamp: new Date(a.StateTransitionedTimestamp),
  };
}

function actionsOut(a: Alarm): Output {
  return {
    AlarmName: a.AlarmName,
    AlarmArn: a.AlarmArn,
    AlarmDescription: a.AlarmDescription,
    AlarmConfigurationUpdatedTimestamp: new Date(a.AlarmConfigurationUpdatedTimestamp),
    ActionsEnabled: a.ActionsEnabled ?? true,
    OKActions: a.OKActions ?? [],
    AlarmActions: a.AlarmActions ?? [],
    InsufficientDataActions: a.InsufficientDataActions ?? [],
  };
}

function metricAlarmOut(a: Alarm): Output {
  if (a.type !== "MetricAlarm") throw new Error("not a metric alarm");
  return {
    ...actionsOut(a),
    ...stateOut(a),
    MetricName: a.MetricName,
    Namespace: a.Namespace,
    Statistic: a.Statistic,
    ExtendedStatistic: a.ExtendedStatistic,
    Dimensions: a.Dimensions ?? [],
    Period: a.Period,
    Unit: a.Unit,
    EvaluationPeriods: a.EvaluationPeriods,
    DatapointsToAlarm: a.DatapointsToAlarm,
    Threshold: a.Threshold,
    ComparisonOperator: a.ComparisonOperator,
    TreatMissingData: a.TreatMissingData,
  };
}

function compositeAlarmOut(a: Alarm): Output {
  if (a.type !== "CompositeAlarm") throw new Error("not a composite alarm");
  return { ...actionsOut(a), ...stateOut(a), AlarmRule: a.AlarmRule };
}

function describeAlarmHistory(world: CloudWatchWorld, input: Input): Output {
  const name = str(input, "AlarmName");
  const itemType = str(input, "HistoryItemType");
  if (
    itemType !== undefined &&
    ![
      "ConfigurationUpdate",
      "StateUpdate",
      "Action",
      "AlarmContributorStateUpdate",
      "AlarmContributorAction",
    ].includes(itemType)
  ) {
    throw cwError(
      "InvalidParameterValueException",
      `The value ${itemType} for parameter HistoryItemType is not valid.`,
    );
  }
  const from = readTimestamp(input["StartDate"], "StartDate");
  const to = readTimestamp(input["EndDate"], "EndDate");
  const scanBy = str(input, "ScanBy") ?? "TimestampDescending";
  if (scanBy !== "TimestampDescending" && scanBy !== "TimestampAscending") {
    throw cwError("InvalidParameterValueException", `The value ${scanBy} for parameter ScanBy is not valid.`);
  }
  const types = alarmTypes(input);
  const items = world
    .history()
    .filter((h) => types.has(h.AlarmType))
    .filter((h) => name === undefined || h.AlarmName === name)
    .filter((h) => itemType === undefined || h.HistoryItemType === itemType)
    .filter((h) => from === undefined || h.Timestamp >= from)
    .filter((h) => to === undefined || h.Timestamp <= to);
  const ordered = items
    .map((h, i) => ({ h, i }))
    .sort((a, b) => (scanBy === "TimestampAscending" ? 1 : -1) * (a.h.Timestamp - b.h.Timestamp || a.i - b.i))
    .map((x) => x.h);
  const { start, size } = page(input, 100, 100);
  return {
    AlarmHistoryItems: ordered
      .slice(start, start + size)
      .map((h) => ({ ...h, Timestamp: new Date(h.Timestamp) })),
    NextToken: start + size < ordered.length ? encodeToken(start + size) : undefined,
  };
}

function dimensions(input: Input): { Name: string; Value: string }[] | undefined {
  const value = input["Dimensions"];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw cwError("InvalidParameterValueException", "Dimensions must be a list.");
  return value.map((d: unknown) => {
    const { Name, Value } = (d ?? {}) as Record<string, unknown>;
    if (typeof Name !== "string" || typeof Value !== "string") {
      throw cwError("InvalidParameterValueException", "Each dimension needs a Name and a Value.");
    }
    return { Name, Value };
  });
}

function putMetricAlarm(world: CloudWatchWorld, input: Input): Output {
  const config = {
    AlarmName: str(input, "AlarmName", true)!,
    AlarmDescription: str(input, "AlarmDescription"),
    ActionsEnabled: bool(input, "ActionsEnabled"),
    AlarmActions: strings(input, "AlarmActions"),
    OKActions: strings(input, "OKActions"),
    InsufficientDataActions: strings(input, "InsufficientDataActions"),
    MetricName: str(input, "MetricName"),
    Namespace: str(input, "Namespace"),
    Statistic: str(input, "Statistic"),
    ExtendedStatistic: str(input, "ExtendedStatistic"),
    Dimensions: dimensions(input),
    Period: num(input, "Period"),
    Unit: str(input, "Unit"),
    EvaluationPeriods: num(input, "EvaluationPeriods"),
    DatapointsToAlarm: num(input, "DatapointsToAlarm"),
    Threshold: num(input, "Threshold"),
    ComparisonOperator: str(input, "ComparisonOperator", true),
    TreatMissingData: str(input, "TreatMissingData"),
  };
  if (config.EvaluationPeriods === undefined) {
    throw cwError("MissingRequiredParameterException", "The parameter EvaluationPeriods is required.");
  }
  guardType(world, config.AlarmName, "MetricAlarm");
  world.putMetricAlarm(withoutUndefined(config));
  return {};
}

function putCompositeAlarm(world: CloudWatchWorld, input: Input): Output {
  const config = {
    AlarmName: str(input, "AlarmName", true)!,
    AlarmRule: str(input, "AlarmRule", true)!,
    AlarmDescription: str(input, "AlarmDescription"),
    ActionsEnabled: bool(input, "ActionsEnabled"),
    AlarmActions: strings(input, "AlarmActions"),
    OKActions: strings(input, "OKActions"),
    InsufficientDataActions: strings(input, "InsufficientDataActions"),
  };
  guardType(world, config.AlarmName, "CompositeAlarm");
  world.putCompositeAlarm(withoutUndefined(config));
  return {};
}

function guardType(world: CloudWatchWorld, name: string, type: AlarmType): void {
  const existing = world.alarm(name);
  if (existing && existing.type !== type) {
    throw cwError(
      "InvalidParameterValueException",
      `An alarm named ${name} already exists as a ${existing.type}.`,
    );
  }
}

function setAlarmState(world: CloudWatchWorld, input: Input): Output {
  const name = str(input, "AlarmName", true)!;
  const state = str(input, "StateValue", true)!;
  const reason = str(input, "StateReason", true)!;
  const reasonData = str(input, "StateReasonData");
  if (!ALARM_STATES.includes(state as AlarmStateValue)) {
    throw cwError(
      "InvalidParameterValueException",
      `The value ${state} for parameter StateValue is not valid.`,
    );
  }
  if (reasonData !== undefined) {
    try {
      JSON.parse(reasonData);
    } catch {
      throw cwError("InvalidFormatFault", "StateReasonData is not valid JSON.");
    }
  }
  if (!world.alarm(name)) throw cwError("ResourceNotFound", `Alarm ${name} not found`);
  world.setAlarmState(name, state as AlarmStateValue, reason, reasonData);
  return {};
}

function deleteAlarms(world: CloudWatchWorld, input: Input): Output {
  const names = strings(input, "AlarmNames") ?? [];
  const missing = names.filter((n) => !world.alarm(n));
  if (missing.length > 0)
    throw cwError(
      "ResourceNotFound",
      `${missing.length === 1 ? "Alarm" : "Alarms"} ${missing.join(", ")} not found`,
    );
  for (const n of names) world.deleteAlarm(n);
  return {};
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
