/**
 * The sandbox's stored metric datapoints and CloudWatch's statistics over them. Datapoints arrive as
 * PutMetricData sends them (a value, values with counts, or a statistic set) and are kept as they came;
 * statistics are computed per period bucket when GetMetricData asks, as CloudWatch does.
 */

export interface Dimension {
  Name: string;
  Value: string;
}

export interface MetricId {
  Namespace: string;
  MetricName: string;
  Dimensions: Dimension[];
}

/** Raw values (each repeated `count` times) or a pre-aggregated statistic set. */
export type Sample =
  | { at: number; value: number; count: number }
  | { at: number; set: { sampleCount: number; sum: number; min: number; max: number } };

/** A series: values by bucket start (ms), and the period (s) it was aggregated at. */
export interface Series {
  period: number;
  points: Map<number, number>;
}

const BASIC_STATS = ["SampleCount", "Sum", "Average", "Minimum", "Maximum"] as const;
const PERCENTILE = /^p(\d{1,2}(\.\d{1,10})?|100)$/;

/** Whether CloudWatch knows this statistic (the subset the sandbox computes: the basic five and pNN). */
export function knownStatistic(stat: string): boolean {
  return (BASIC_STATS as readonly string[]).includes(stat) || PERCENTILE.test(stat);
}

/** Metrics are identified by namespace, name and the full set of dimensions, order-insensitive. */
export function metricKey(metric: MetricId): string {
  const dims = [...metric.Dimensions]
    .sort((a, b) => a.Name.localeCompare(b.Name))
    .map((d) => `${d.Name}=${d.Value}`);
  return `${metric.Namespace}\u0000${metric.MetricName}\u0000${dims.join("\u0000")}`;
}

export class MetricStore {
  private readonly samples = new Map<string, Sample[]>();

  put(metric: MetricId, sample: Sample): void {
    const key = metricKey(metric);
    const list = this.samples.get(key);
    if (list) list.push(sample);
    else this.samples.set(key, [sample]);
  }

  /** Number of stored samples, all metrics (for the admin API). */
  get size(): number {
    let n = 0;
    for (const list of this.samples.values()) n += list.length;
    return n;
  }

  clear(): void {
    this.samples.clear();
  }

  /** The statistic per period bucket within [start, end): buckets are aligned to the period, as on AWS. */
  statistic(metric: MetricId, stat: string, periodSeconds: number, start: number, end: number): Series {
    const periodMs = periodSeconds * 1000;
    const buckets = new Map<number, Sample[]>();
    for (const sample of this.samples.get(metricKey(metric)) ?? []) {
      if (sample.at < start || sample.at >= end) continue;
      const bucket = Math.floor(sample.at / periodMs) * periodMs;
      const list = buckets.get(bucket);
      if (list) list.push(sample);
      else buckets.set(bucket, [sample]);
    }
    const points = new Map<number, number>();
    for (const [bucket, list] of buckets) {
      const value = aggregate(list, stat);
      if (value !== undefined) points.set(bucket, value);
    }
    return { period: periodSeconds, points };
  }
}

function aggregate(samples: readonly Sample[], stat: string): number | undefined {
  let count = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  const raw: { value: number; count: number }[] = [];
  for (const s of samples) {
    if ("set" in s) {
      count += s.set.sampleCount;
      sum += s.set.sum;
      min = Math.min(min, s.set.min);
      max = Math.max(max, s.set.max);
    } else {
      count += s.count;
      sum += s.value * s.count;
      min = Math.min(min, s.value);
      max = Math.max(max, s.value);
      raw.push(s);
    }
  }
  if (count === 0) return undefined;
  switch (stat) {
    case "SampleCount":
      return count;
    case "Sum":
      return sum;
    case "Average":
      return sum / count;
    case "Minimum":
      return min;
    case "Maximum":
      return max;
  }
  const match = PERCENTILE.exec(stat);
  // Percentiles need the values themselves; statistic sets alone cannot give one (CloudWatch alike).
  if (!match || raw.length === 0) return undefined;
  return percentile(raw, Number(stat.slice(1)));
}

/** Nearest-rank percentile over values weighted by their counts. */
function percentile(values: { value: number; count: number }[], p: number): number {
  const sorted = [...values].sort((a, b) => a.value - b.value);
  const total = sorted.reduce((n, v) => n + v.count, 0);
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const v of sorted) {
    seen += v.count;
    if (seen >= rank) return v.value;
  }
  return sorted[sorted.length - 1]!.value;
}
