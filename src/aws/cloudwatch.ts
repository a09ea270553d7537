/**
 * AlarmsPort over CloudWatch: resolves alarm names (100 a call) and prefixes, metric and composite, and
 * reads state updates from DescribeAlarmHistory with one paged call for every alarm.
 */
import type { CloudWatchClient, CompositeAlarm, MetricAlarm } from "@aws-sdk/client-cloudwatch";
import type { AlarmReading, AlarmsPort, AlarmStateValue, AlarmTransition } from "../engine/ports.ts";
import { requireAnswer } from "./answers.ts";
import type { Caller } from "./retry.ts";

export interface AlarmsPortDeps {
  client: () => Promise<CloudWatchClient>;
  caller: Caller;
}

/** Without AlarmTypes, CloudWatch answers with metric alarms only. */
const BOTH = ["MetricAlarm", "CompositeAlarm"] as const;
const NAMES_PER_CALL = 100;

const sdk = () => import("@aws-sdk/client-cloudwatch");

export function createAlarmsPort(deps: AlarmsPortDeps): AlarmsPort {
  const { caller } = deps;

  async function describePaged(
    input: { AlarmNames?: string[]; AlarmNamePrefix?: string },
    signal?: AbortSignal,
  ): Promise<AlarmReading[]> {
    const { DescribeAlarmsCommand } = await sdk();
    const client = await deps.client();
    const out: AlarmReading[] = [];
    let token: string | undefined;
    do {
      const page = await caller.call(
        "cloudwatch:DescribeAlarms",
        (abortSignal) =>
          client
            .send(
              new DescribeAlarmsCommand({
                ...input,
                AlarmTypes: [...BOTH],
                MaxRecords: 100,
                NextToken: token,
              }),
              { abortSignal },
            )
            // CloudWatch sends both lists, empty or not; neither means the answer came from elsewhere.
            .then((o) =>
              requireAnswer(
                o,
                Array.isArray(o.MetricAlarms) || Array.isArray(o.CompositeAlarms),
                "CloudWatch",
                "`MetricAlarms` or `CompositeAlarms`",
              ),
            ),
        signal,
      );
      for (const a of page.MetricAlarms ?? []) out.push(reading(a, "metric"));
      for (const a of page.CompositeAlarms ?? []) out.push(reading(a, "composite"));
      token = page.NextToken || undefined;
    } while (token);
    return out;
  }

  return {
    async describe(selector, options = {}) {
      const byName = new Map<string, AlarmReading>();
      const missing: string[] = [];
      const names = [...new Set(selector.names)];
      for (let i = 0; i < names.length; i += NAMES_PER_CALL) {
        const chunk = names.slice(i, i + NAMES_PER_CALL);
        for (const a of await describePaged({ AlarmNames: chunk }, options.signal)) byName.set(a.name, a);
      }
      for (const n of names) if (!byName.has(n)) missing.push(n);
      for (const prefix of new Set(selector.prefixes)) {
        const found = await describePaged({ AlarmNamePrefix: prefix }, options.signal);
        if (found.length === 0) missing.push(`${prefix}*`);
        for (const a of found) byName.set(a.name, a);
      }
      return { alarms: [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1)), missing };
    },

    async history(since, names, options = {}) {
      const { DescribeAlarmHistoryCommand } = await sdk();
      const client = await deps.client();
      const wanted = new Set(names);
      const out: AlarmTransition[] = [];
      let token: string | undefined;
      do {
        const page = await caller.call(
          "cloudwatch:DescribeAlarmHistory",
          (abortSignal) =>
            client
              .send(
                new DescribeAlarmHistoryCommand({
                  HistoryItemType: "StateUpdate",
                  AlarmTypes: [...BOTH],
                  StartDate: since,
                  ScanBy: "TimestampAscending",
                  MaxRecords: 100,
                  NextToken: token,
                }),
                { abortSignal },
              )
              .then((o) =>
                requireAnswer(o, Array.isArray(o.AlarmHistoryItems), "CloudWatch", "`AlarmHistoryItems`"),
              ),
          options.signal,
        );
        for (const item of page.AlarmHistoryItems ?? []) {
          if (!item.AlarmName || !wanted.has(item.AlarmName)) continue;
          const t = parseTransition(item.HistoryData, item.HistorySummary);
          if (!t) continue;
          out.push({
            name: item.AlarmName,
            at: (item.Timestamp ?? since).toISOString(),
            from: t.from,
            to: t.to,
            summary: item.HistorySummary ?? "",
          });
        }
        token = page.NextToken || undefined;
      } while (token);
      return out.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    },
  };
}

function reading(a: MetricAlarm | CompositeAlarm, kind: "metric" | "composite"): AlarmReading {
  return {
    name: a.AlarmName ?? "",
    kind,
    state: asState(a.StateValue) ?? "INSUFFICIENT_DATA",
    reason: a.StateReason ?? "",
    updatedAt: (a.StateUpdatedTimestamp ?? a.AlarmConfigurationUpdatedTimestamp ?? new Date(0)).toISOString(),
  };
}

function asState(v: unknown): AlarmStateValue | undefined {
  return v === "OK" || v === "ALARM" || v === "INSUFFICIENT_DATA" ? v : undefined;
}

/**
 * HistoryData of a StateUpdate is JSON: `{"oldState":{"stateValue":"OK",…},"newState":{"stateValue":"ALARM",…}}`.
 * The summary ("Alarm updated from OK to ALARM") is the fallback when the data is absent or damaged.
 */
export function parseTransition(
  data: string | undefined,
  summary: string | undefined,
): { from: AlarmStateValue | undefined; to: AlarmStateValue } | undefined {
  if (data) {
    try {
      const parsed = JSON.parse(data) as {
        oldState?: { stateValue?: unknown };
        newState?: { stateValue?: unknown };
      };
      const to = asState(parsed.newState?.stateValue);
      if (to) return { from: asState(parsed.oldState?.stateValue), to };
    } catch {
      // fall through to the summary
    }
  }
  const m = /from (OK|ALARM|INSUFFICIENT_DATA) to (OK|ALARM|INSUFFICIENT_DATA)/.exec(summary ?? "");
  if (m) return { from: asState(m[1]), to: asState(m[2])! };
  return undefined;
}
