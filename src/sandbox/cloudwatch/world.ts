/**
 * CloudWatch alarms as data: metric and composite alarms, their states, and the alarm history that
 * every state change writes (as AWS does), including flips scheduled ahead by fault injection.
 */
import { MetricStore } from "./metric-store.ts";

export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";
export type AlarmType = "MetricAlarm" | "CompositeAlarm";
export const ALARM_STATES: readonly AlarmStateValue[] = ["OK", "ALARM", "INSUFFICIENT_DATA"];

export interface AlarmState {
  StateValue: AlarmStateValue;
  StateReason: string;
  StateReasonData?: string;
  /** Epoch ms. */
  StateUpdatedTimestamp: number;
  StateTransitionedTimestamp: number;
}

export interface MetricAlarmConfig {
  AlarmName: string;
  AlarmDescription?: string;
  ActionsEnabled?: boolean;
  AlarmActions?: string[];
  OKActions?: string[];
  InsufficientDataActions?: string[];
  MetricName?: string;
  Namespace?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Dimensions?: { Name: string; Value: string }[];
  Period?: number;
  Unit?: string;
  EvaluationPeriods?: number;
  DatapointsToAlarm?: number;
  Threshold?: number;
  ComparisonOperator?: string;
  TreatMissingData?: string;
}

export interface CompositeAlarmConfig {
  AlarmName: string;
  AlarmRule: string;
  AlarmDescription?: string;
  ActionsEnabled?: boolean;
  AlarmActions?: string[];
  OKActions?: string[];
  InsufficientDataActions?: string[];
}

export type Alarm =
  | ({
      type: "MetricAlarm";
      AlarmArn: string;
      AlarmConfigurationUpdatedTimestamp: number;
    } & MetricAlarmConfig &
      AlarmState)
  | ({
      type: "CompositeAlarm";
      AlarmArn: string;
      AlarmConfigurationUpdatedTimestamp: number;
    } & CompositeAlarmConfig &
      AlarmState);

export interface HistoryItem {
  AlarmName: string;
  AlarmType: AlarmType;
  /** Epoch ms. */
  Timestamp: number;
  HistoryItemType: "StateUpdate" | "ConfigurationUpdate" | "Action";
  HistorySummary: string;
  HistoryData: string;
}

interface Scheduled {
  name: string;
  state: AlarmStateValue;
  at: number;
  reason: string;
}

export class CloudWatchWorld {
  /** Datapoints from PutMetricData (and the traffic model), read by GetMetricData. */
  readonly metrics = new MetricStore();
  /** Brings generated metrics (the traffic model) up to now before a read. */
  beforeMetricsRead: () => void = () => {};
  private readonly alarms = new Map<string, Alarm>();
  private readonly historyItems: HistoryItem[] = [];
  private scheduled: Scheduled[] = [];

  constructor(
    readonly now: () => number,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  private arn(name: string): string {
    return `arn:aws:cloudwatch:${this.region}:${this.accountId}:alarm:${name}`;
  }

  /** Creates or updates a metric alarm; a new one starts in INSUFFICIENT_DATA, as on AWS. */
  putMetricAlarm(config: MetricAlarmConfig): Alarm {
    return this.put({ ...config, type: "MetricAlarm" });
  }

  putCompositeAlarm(config: CompositeAlarmConfig): Alarm {
    return this.put({ ...config, type: "CompositeAlarm" });
  }

  private put(
    config:
      (MetricAlarmConfig & { type: "MetricAlarm" }) | (CompositeAlarmConfig & { type: "CompositeAlarm" }),
  ): Alarm {
    this.settle();
    const now = this.now();
    const existing = this.alarms.get(config.AlarmName);
    if (existing && existing.type !== config.type) {
      throw new Error(`alarm ${config.AlarmName} already exists as a ${existing.type}`);
    }
    const state: AlarmState = existing
      ? pickState(existing)
      : {
          StateValue: "INSUFFICIENT_DATA",
          StateReason: "Unchecked: Initial alarm creation",
          StateUpdatedTimestamp: now,
          StateTransitionedTimestamp: now,
        };
    const alarm = {
      ActionsEnabled: true,
      ...config,
      ...state,
      AlarmArn: this.arn(config.AlarmName),
      AlarmConfigurationUpdatedTimestamp: now,
    } as Alarm;
    this.alarms.set(config.AlarmName, alarm);
    this.historyItems.push({
      AlarmName: config.AlarmName,
      AlarmType: config.type,
      Timestamp: now,
      HistoryItemType: "ConfigurationUpdate",
      HistorySummary: `Alarm "${config.AlarmName}" ${existing ? "updated" : "created"}`,
      HistoryData: JSON.stringify({ version: "1.0", type: existing ? "Update" : "Create" }),
    });
    return alarm;
  }

  alarm(name: string): Alarm | undefined {
    this.settle();
    return this.alarms.get(name);
  }

  /** Every alarm, sorted by name (the order DescribeAlarms answers in). */
  list(): Alarm[] {
    this.settle();
    return [...this.alarms.values()].sort((a, b) =>
      a.AlarmName < b.AlarmName ? -1 : a.AlarmName > b.AlarmName ? 1 : 0,
    );
  }

  deleteAlarm(name: string): boolean {
    this.settle();
    return this.alarms.delete(name);
  }

  /** Sets an alarm's state as SetAlarmState does, writing a StateUpdate history item when it changes. */
  setAlarmState(
    name: string,
    state: AlarmStateValue,
    reason = `Set by the sandbox to ${state}`,
    reasonData?: string,
    at?: number,
  ): Alarm {
    if (at === undefined) this.settle();
    const alarm = this.alarms.get(name);
    if (!alarm) throw new Error(`no alarm named ${name}`);
    if (!ALARM_STATES.includes(state))
      throw new Error(`state must be one of ${ALARM_STATES.join(", ")}, got ${state}`);
    const when = at ?? this.now();
    const old = { stateValue: alarm.StateValue, stateReason: alarm.StateReason };
    alarm.StateReason = reason;
    alarm.StateUpdatedTimestamp = when;
    if (reasonData === undefined) delete alarm.StateReasonData;
    else alarm.StateReasonData = reasonData;
    if (old.stateValue !== state) {
      alarm.StateValue = state;
      alarm.StateTransitionedTimestamp = when;
      const newState: Record<string, unknown> = { stateValue: state, stateReason: reason };
      if (reasonData !== undefined) newState["stateReasonData"] = safeJson(reasonData);
      this.historyItems.push({
        AlarmName: name,
        AlarmType: alarm.type,
        Timestamp: when,
        HistoryItemType: "StateUpdate",
        HistorySummary: `Alarm updated from ${old.stateValue} to ${state}`,
        HistoryData: JSON.stringify({ version: "1.0", oldState: old, newState }),
      });
    }
    return alarm;
  }

  /** Queues a state change at `at` (epoch ms); applied, with that timestamp, before the next read. */
  schedule(
    name: string,
    state: AlarmStateValue,
    at: number,
    reason = `Scripted by the sandbox: ${state}`,
  ): void {
    if (!ALARM_STATES.includes(state))
      throw new Error(`state must be one of ${ALARM_STATES.join(", ")}, got ${state}`);
    this.scheduled.push({ name, state, at, reason });
    this.scheduled.sort((a, b) => a.at - b.at);
  }

  pendingSchedules(): readonly { name: string; state: AlarmStateValue; at: number }[] {
    return this.scheduled;
  }

  history(): HistoryItem[] {
    this.settle();
    return [...this.historyItems];
  }

  /** Applies every scheduled flip whose time has come. */
  settle(): void {
    const now = this.now();
    while (this.scheduled.length > 0 && this.scheduled[0]!.at <= now) {
      const next = this.scheduled.shift()!;
      if (this.alarms.has(next.name))
        this.setAlarmState(next.name, next.state, next.reason, undefined, next.at);
    }
  }
}

function pickState(alarm: Alarm): AlarmState {
  return {
    StateValue: alarm.StateValue,
    StateReason: alarm.StateReason,
    StateUpdatedTimestamp: alarm.StateUpdatedTimestamp,
    StateTransitionedTimestamp: alarm.StateTransitionedTimestamp,
    ...(alarm.StateReasonData === undefined ? {} : { StateReasonData: alarm.StateReasonData }),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
