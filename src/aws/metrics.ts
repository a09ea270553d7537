/**
 * MetricsPort over CloudWatch GetMetricData: every query of one evaluation in as few calls as the API
 * allows (500 queries a call), following NextToken, with the pieces of a result that paging split
 * merged back by query id. Reports what CloudWatch said (status, messages); judging is elsewhere.
 */
import type { CloudWatchClient, MetricDataQuery as SdkQuery } from "@aws-sdk/client-cloudwatch";
import type { MetricDataQuery, MetricSeries, MetricsPort } from "../engine/ports.ts";
import type { Caller } from "./retry.ts";

export interface MetricsPortDeps {
  client: () => Promise<CloudWatchClient>;
  caller: Caller;
}

/** GetMetricData's limit on MetricDataQueries per call. */
export const QUERIES_PER_CALL = 500;

const sdk = () => import("@aws-sdk/client-cloudwatch");

/**
 * Splits queries into calls of at most 500, keeping each expression in the call of the queries it
 * names (an expression can only refer to ids of its own request).
 */
export function splitQueries(
  queries: readonly MetricDataQuery[],
  limit = QUERIES_PER_CALL,
): MetricDataQuery[][] {
  const groups = connectedGroups(queries);
  const calls: MetricDataQuery[][] = [];
  let current: MetricDataQuery[] = [];
  for (const group of groups) {
    if (group.length > limit) {
      throw new Error(
        `${group.length} metric queries refer to each other; one GetMetricData call takes at most ${limit}.`,
      );
    }
    if (current.length + group.length > limit) {
      calls.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) calls.push(current);
  return calls;
}

/** Queries linked by expression references, each group in its original order. */
function connectedGroups(queries: readonly MetricDataQuery[]): MetricDataQuery[][] {
  const parent = queries.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const index = new Map(queries.map((q, i) => [q.Id, i]));
  queries.forEach((q, i) => {
    if (!q.Expression) return;
    for (const token of q.Expression.match(/[a-z][a-zA-Z0-9_]*/g) ?? []) {
      const j = index.get(token);
      if (j !== undefined) parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, MetricDataQuery[]>();
  queries.forEach((q, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), q]);
  });
  return [...groups.values()];
}

export function createMetricsPort(deps: MetricsPortDeps): MetricsPort {
  return {
    async getData(queries, window, options = {}) {
      const { GetMetricDataCommand } = await sdk();
      const client = await deps.client();
      const byId = new Map<string, MetricSeries>();
      const messages: string[] = [];
      let calls = 0;
      for (const chunk of splitQueries(queries)) {
        let token: string | undefined;
        do {
          calls += 1;
          const page = await deps.caller.call(
            "cloudwatch:GetMetricData",
            (abortSignal) =>
              client.send(
                new GetMetricDataCommand({
                  MetricDataQueries: chunk as SdkQuery[],
                  StartTime: window.start,
                  EndTime: window.end,
                  ScanBy: "TimestampAscending",
                  NextToken: token,
                }),
                { abortSignal },
              ),
            options.signal,
          );
          for (const m of page.Messages ?? []) messages.push(`${m.Code ?? ""}: ${m.Value ?? ""}`);
          for (const r of page.MetricDataResults ?? []) {
            const id = r.Id ?? "";
            const series = byId.get(id) ?? {
              id,
              label: r.Label ?? id,
              timestamps: [],
              values: [],
              status: "Complete",
              messages: [],
            };
            const stamps = r.Timestamps ?? [];
            const values = r.Values ?? [];
            for (let i = 0; i < Math.min(stamps.length, values.length); i++) {
              series.timestamps.push(new Date(stamps[i]!).toISOString());
              series.values.push(values[i]!);
            }
            // A result split by paging is PartialData until its last piece; keep the worst other status.
            if (r.StatusCode && r.StatusCode !== "Complete" && r.StatusCode !== "PartialData")
              series.status = r.StatusCode;
            else if (r.StatusCode === "PartialData" && series.status === "Complete")
              series.status = "PartialData";
            else if (r.StatusCode === "Complete" && series.status === "PartialData")
              series.status = "Complete";
            for (const m of r.Messages ?? []) series.messages.push(`${m.Code ?? ""}: ${m.Value ?? ""}`);
            byId.set(id, series);
          }
          token = page.NextToken || undefined;
        } while (token);
      }
      return { series: [...byId.values()], messages, calls };
    },
  };
}
