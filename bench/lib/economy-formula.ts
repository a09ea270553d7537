/**
 * The API-economy model: how many AWS calls one forward step should take (observe + apply + INSYNC
 * wait), from Route 53's page and batch limits, CloudWatch's 100 names a call and the EKS checks; and
 * what the shell-script way (one record pair per call) takes for the same step. Pure, so the bench
 * can check measured counts against it and test/bench can check the arithmetic.
 */

export interface StepShape {
  pairs: number;
  zones: number;
  /** Alarm names in the plan (DescribeAlarms takes up to 100 names a call). */
  alarms: number;
  /** Node groups and add-ons named in the plan: one Describe call each. */
  nodegroups: number;
  addons: number;
  insights: boolean;
  /** ResourceRecord values per record (the bench's A records have one). */
  valuesPerRecord?: number;
  /** Records of each zone besides the pairs (the apex NS and SOA). */
  otherRecordsPerZone?: number;
  /** GetChange rounds until INSYNC (1 when Route 53 says INSYNC at the first look). */
  insyncRounds?: number;
  /** Alarm-history items since the step's change (DescribeAlarmHistory pages 100 at a time). */
  historyItems?: number;
}

/** Calls by operation name, as the sandbox records them. */
export type CallCounts = Record<string, number>;

export const ROUTE53_PAGE = 300;
export const ROUTE53_BATCH_ELEMENTS = 1000;
export const ALARM_NAMES_PER_CALL = 100;
export const HISTORY_PAGE = 100;
export const ROUTE53_OPERATIONS = new Set([
  "ListHostedZonesByName",
  "ListResourceRecordSets",
  "ChangeResourceRecordSets",
  "GetChange",
]);

/** Pairs per zone when pairs are dealt round-robin over the zones (zones left empty are dropped). */
export function pairsPerZone(pairs: number, zones: number): number[] {
  const out: number[] = [];
  for (let z = 0; z < zones; z++) out.push(Math.floor(pairs / zones) + (z < pairs % zones ? 1 : 0));
  return out.filter((n) => n > 0);
}

/** Pairs that fit one ChangeResourceRecordSets: both records UPSERTed, each value counting twice. */
export function pairsPerBatch(valuesPerRecord = 1): number {
  return Math.floor(ROUTE53_BATCH_ELEMENTS / (2 * 2 * Math.max(1, valuesPerRecord)));
}

const ceil = (a: number, b: number) => Math.ceil(a / b);

/** What one forward step should cost the tool, by operation. */
export function expectedStepCalls(shape: StepShape): CallCounts {
  const zones = pairsPerZone(shape.pairs, shape.zones);
  const other = shape.otherRecordsPerZone ?? 2;
  const perBatch = pairsPerBatch(shape.valuesPerRecord);
  // A zone with a single pair is listed from that name: one page.
  const pages = zones.reduce((s, p) => s + (p === 1 ? 1 : ceil(2 * p + other, ROUTE53_PAGE)), 0);
  const batches = zones.reduce((s, p) => s + ceil(p, perBatch), 0);
  const calls: CallCounts = {
    ListResourceRecordSets: pages,
    ChangeResourceRecordSets: batches,
    GetChange: batches * (shape.insyncRounds ?? 1),
    DescribeCluster: 1,
    DescribeNodegroup: shape.nodegroups,
    ListFargateProfiles: 1,
    DescribeAddon: shape.addons,
  };
  if (shape.alarms > 0) {
    calls["DescribeAlarms"] = ceil(shape.alarms, ALARM_NAMES_PER_CALL);
    calls["DescribeAlarmHistory"] = Math.max(1, ceil(shape.historyItems ?? 0, HISTORY_PAGE));
  }
  if (shape.insights) calls["ListInsights"] = 1;
  return withoutZeros(calls);
}

/**
 * The shell-script way: per pair one read (list-resource-record-sets), one change and its GetChange
 * polls; per alarm one describe-alarms. EKS checks are left out, which only flatters the baseline.
 */
export function baselineStepCalls(shape: StepShape): CallCounts {
  return withoutZeros({
    ListResourceRecordSets: shape.pairs,
    ChangeResourceRecordSets: shape.pairs,
    GetChange: shape.pairs * (shape.insyncRounds ?? 1),
    DescribeAlarms: shape.alarms,
  });
}

export function totalCalls(calls: CallCounts): number {
  return Object.values(calls).reduce((s, n) => s + n, 0);
}

export function route53Calls(calls: CallCounts): number {
  return Object.entries(calls).reduce((s, [op, n]) => s + (ROUTE53_OPERATIONS.has(op) ? n : 0), 0);
}

/**
 * Least time `requests` Route 53 calls take under a token bucket of `burst` tokens refilled at `rate`
 * a second. The long-documented limit is 5 a second with no burst; since a recent update of Route 53's throttling it is
 * 10 a second with a burst of 50 per account.
 */
export function secondsUnderRateLimit(requests: number, rate: number, burst = 0): number {
  return Math.max(0, requests - burst) / rate;
}

/** Operations whose measured count differs from the expected one (both directions). */
export function differences(
  measured: CallCounts,
  expected: CallCounts,
): { operation: string; measured: number; expected: number }[] {
  const ops = new Set([...Object.keys(measured), ...Object.keys(expected)]);
  return [...ops]
    .sort()
    .map((operation) => ({
      operation,
      measured: measured[operation] ?? 0,
      expected: expected[operation] ?? 0,
    }))
    .filter((d) => d.measured !== d.expected);
}

/** GetChange's polling in the adapter: first look at once, then 0.5 s growing ×1.5 up to 10 s. */
export const GETCHANGE_POLL = { initialMs: 500, factor: 1.5, maxMs: 10_000 };

/** Rounds of GetChange until a change that takes `insyncMs` to propagate is seen INSYNC. */
export function insyncRounds(insyncMs: number, poll = GETCHANGE_POLL): number {
  let rounds = 1;
  let waited = 0;
  let delay = poll.initialMs;
  while (waited < insyncMs) {
    waited += delay;
    delay = Math.min(poll.maxMs, delay * poll.factor);
    rounds += 1;
  }
  return rounds;
}

function withoutZeros(calls: CallCounts): CallCounts {
  return Object.fromEntries(Object.entries(calls).filter(([, n]) => n > 0));
}
