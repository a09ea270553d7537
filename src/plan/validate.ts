/**
 * Rules that cut across fields, run after the schema accepted the plan. Pure: a PlanDoc in, issues out
 * (paths as arrays; load.ts adds lines and columns).
 */
import type { PlanDoc } from "./schema.ts";
import { parseDuration, formatDuration } from "./duration.ts";
import type { FieldPath } from "./source.ts";
import { analysisDurations, checkAnalysis } from "./validate-analysis.ts";

export interface SemanticIssue {
  code: string;
  path: FieldPath;
  message: string;
  hint?: string;
}

export interface Validation {
  errors: SemanticIssue[];
  warnings: SemanticIssue[];
}

/** No duration in a plan needs more than a year; longer ones are typos (and overflow timers). */
const MAX_DURATION_MS = 366 * 86_400_000;

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, "");
}

function zoneKey(r: { zoneId?: string; zoneName?: string }): string {
  return r.zoneId
    ? `id:${r.zoneId.replace(/^\/hostedzone\//, "")}`
    : `name:${normalizeName(r.zoneName ?? "")}`;
}

function durations(doc: PlanDoc): { path: FieldPath; text: string }[] {
  const list: { path: FieldPath; text: string }[] = doc.steps.map((s, i) => ({
    path: ["steps", i, "bake"],
    text: s.bake,
  }));
  list.push(
    { path: ["alarms", "pollInterval"], text: doc.alarms.pollInterval },
    { path: ["rollback", "holdTimeout"], text: doc.rollback.holdTimeout },
    { path: ["retire", "after"], text: doc.retire.after },
  );
  if (doc.approvals.expireAfter !== undefined) {
    list.push({ path: ["approvals", "expireAfter"], text: doc.approvals.expireAfter });
  }
  if (doc.health?.kubernetes) {
    list.push({ path: ["health", "kubernetes", "pendingGrace"], text: doc.health.kubernetes.pendingGrace });
  }
  list.push(...analysisDurations(doc));
  return list;
}

function checkDurations(doc: PlanDoc, errors: SemanticIssue[]): boolean {
  let ok = true;
  for (const { path, text } of durations(doc)) {
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch {
      errors.push({
        code: "invalid-duration",
        path,
        message: `"${text}" is not a duration`,
        hint: "use e.g. 90s, 10m, 1h30m",
      });
      ok = false;
      continue;
    }
    if (!Number.isSafeInteger(ms) || ms > MAX_DURATION_MS) {
      errors.push({
        code: "duration-too-long",
        path,
        message: `"${text}" is longer than 366 days`,
        hint: "check the number and unit",
      });
      ok = false;
    }
  }
  const poll = safeMs(doc.alarms.pollInterval);
  if (poll !== undefined && poll < 1000) {
    errors.push({
      code: "poll-too-fast",
      path: ["alarms", "pollInterval"],
      message: `must be at least 1s, not ${doc.alarms.pollInterval}`,
      hint: "CloudWatch evaluates alarms once a minute at best; 30s is a good default",
    });
  }
  return ok;
}

function safeMs(text: string): number | undefined {
  try {
    return parseDuration(text);
  } catch {
    return undefined;
  }
}

function checkSteps(doc: PlanDoc, errors: SemanticIssue[], warnings: SemanticIssue[]): void {
  doc.steps.forEach((step, i) => {
    const previous = i === 0 ? 0 : doc.steps[i - 1]!.green;
    if (i > 0 && step.green <= previous) {
      errors.push({
        code: "weights-not-increasing",
        path: ["steps", i, "green"],
        message: `green's share must grow at every step: ${step.green} follows ${previous}`,
        hint: `use a value above ${previous}, or remove this step`,
      });
    }
  });
  const last = doc.steps[doc.steps.length - 1]!;
  if (last.green !== 100) {
    errors.push({
      code: "last-step-not-100",
      path: ["steps", doc.steps.length - 1, "green"],
      message: `the last step must send 100% to green, not ${last.green}`,
      hint: "add a final step with `green: 100`",
    });
  }
  if (doc.steps.length === 1 && last.green === 100) {
    warnings.push({
      code: "single-step",
      path: ["steps", 0, "green"],
      message: "one step moves all traffic to green at once; a regression hits every user",
      hint: "shift in steps, e.g. 10, 50, 100",
    });
  }
  const poll = safeMs(doc.alarms.pollInterval);
  doc.steps.forEach((step, i) => {
    const bake = safeMs(step.bake);
    if (poll !== undefined && bake !== undefined && bake < poll) {
      warnings.push({
        code: "bake-shorter-than-poll",
        path: ["steps", i, "bake"],
        message: `bake ${step.bake} is shorter than the alarm poll interval ${doc.alarms.pollInterval}: alarms may not be read during this step`,
        hint: `bake at least ${formatDuration(poll)}, or poll more often`,
      });
    }
  });
}

function checkClusters(doc: PlanDoc, errors: SemanticIssue[]): void {
  const { blue, green } = doc.clusters;
  const blueRegion = blue.region ?? doc.region;
  const greenRegion = green.region ?? doc.region;
  if (blue.name === green.name && blueRegion === greenRegion) {
    errors.push({
      code: "same-cluster",
      path: ["clusters", "green", "name"],
      message: `blue and green are the same cluster (${green.name} in ${greenRegion})`,
      hint: "green must be the new cluster at the target version",
    });
  }
}

function checkRecords(doc: PlanDoc, errors: SemanticIssue[]): void {
  const owners = new Map<string, number>();
  doc.traffic.records.forEach((r, i) => {
    const base: FieldPath = ["traffic", "records", i];
    if ((r.zoneId === undefined) === (r.zoneName === undefined)) {
      errors.push({
        code: "zone-ambiguous",
        path: base,
        message: r.zoneId === undefined ? "names no hosted zone" : "names both zoneId and zoneName",
        hint: "give exactly one of zoneId or zoneName",
      });
    }
    if (r.zoneName !== undefined) {
      const zone = normalizeName(r.zoneName);
      const name = normalizeName(r.name);
      if (name !== zone && !name.endsWith(`.${zone}`)) {
        errors.push({
          code: "record-outside-zone",
          path: [...base, "name"],
          message: `${r.name} is not inside the zone ${r.zoneName}`,
          hint: "check the record name or the zone",
        });
      }
    }
    if (r.blue === r.green) {
      errors.push({
        code: "same-set-identifier",
        path: [...base, "green"],
        message: `blue and green use the same set identifier "${r.green}"`,
        hint: "each cluster has its own weighted record, with its own SetIdentifier",
      });
    }
    for (const [side, set] of [
      ["blue", r.blue],
      ["green", r.green],
    ] as const) {
      const key = `${zoneKey(r)}\u0000${normalizeName(r.name)}\u0000${r.type}\u0000${set}`;
      const first = owners.get(key);
      if (first !== undefined && first !== i) {
        errors.push({
          code: "duplicate-record",
          path: [...base, side],
          message: `the record ${r.name} ${r.type} "${set}" is already used by traffic.records[${first}]`,
          hint: "list each weighted record in one pair only",
        });
      } else {
        owners.set(key, i);
      }
    }
  });
}

function checkTargets(doc: PlanDoc, errors: SemanticIssue[]): void {
  const { records, listeners, accelerators } = doc.traffic;
  if (records.length + listeners.length + accelerators.length === 0) {
    errors.push({
      code: "no-targets",
      path: ["traffic"],
      message: "names nothing that splits traffic",
      hint: "list at least one of traffic.records, traffic.listeners or traffic.accelerators",
    });
  }
  const seen = new Map<string, string>();
  const once = (key: string, path: FieldPath, where: string, what: string) => {
    const first = seen.get(key);
    if (first !== undefined) {
      errors.push({
        code: "duplicate-target",
        path,
        message: `${what} is already listed at ${first}`,
        hint: "list each listener, rule and endpoint group once",
      });
    } else seen.set(key, where);
  };
  listeners.forEach((l, i) => {
    const base: FieldPath = ["traffic", "listeners", i];
    if (l.blue === l.green) {
      errors.push({
        code: "same-target-group",
        path: [...base, "green"],
        message: `blue and green use the same target group "${l.green}"`,
        hint: "each cluster binds its own target group",
      });
    }
    const key = l.ruleArn ? `rule\u0000${l.ruleArn}` : `listener\u0000${l.listenerArn}`;
    once(
      key,
      [...base, l.ruleArn ? "ruleArn" : "listenerArn"],
      `traffic.listeners[${i}]`,
      l.ruleArn ? `the rule ${l.ruleArn}` : `the listener ${l.listenerArn}`,
    );
  });
  accelerators.forEach((a, i) => {
    const base: FieldPath = ["traffic", "accelerators", i];
    if (a.blue === a.green) {
      errors.push({
        code: "same-endpoint",
        path: [...base, "green"],
        message: `blue and green use the same endpoint "${a.green}"`,
        hint: "each cluster has its own load balancer in the endpoint group",
      });
    }
    once(
      `group\u0000${a.endpointGroupArn}`,
      [...base, "endpointGroupArn"],
      `traffic.accelerators[${i}]`,
      `the endpoint group ${a.endpointGroupArn}`,
    );
  });
}

function checkRetire(doc: PlanDoc, errors: SemanticIssue[]): void {
  if (doc.retire.mode === "delete" && !doc.retire.approval) {
    errors.push({
      code: "delete-needs-approval",
      path: ["retire", "approval"],
      message:
        "deleting blue always needs an explicit `eks-bluegreen approve`; approval cannot be false with mode delete",
      hint: "remove `approval: false`, or use mode scale-to-zero or keep",
    });
  }
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkWindows(doc: PlanDoc, errors: SemanticIssue[]): void {
  doc.changeWindows.forEach((w, i) => {
    if (!validTimeZone(w.timeZone)) {
      errors.push({
        code: "invalid-time-zone",
        path: ["changeWindows", i, "timeZone"],
        message: `"${w.timeZone}" is not an IANA time zone`,
        hint: "use a name like UTC, Europe/Berlin or America/New_York",
      });
    }
    if (w.start === w.end) {
      errors.push({
        code: "empty-window",
        path: ["changeWindows", i, "end"],
        message: `the window starts and ends at ${w.start}, so it never opens`,
        hint: "give an end different from start",
      });
    }
  });
}

function checkAlarms(doc: PlanDoc, warnings: SemanticIssue[]): void {
  const metricGates = (doc.analysis?.metrics.length ?? 0) > 0;
  if (doc.alarms.names.length === 0 && doc.alarms.prefixes.length === 0 && !metricGates) {
    warnings.push({
      code: "no-alarms",
      path: ["alarms"],
      message: "no alarms are watched: a regression on green will not roll the upgrade back",
      hint: "list alarm names or prefixes under alarms",
    });
  }
}

export function validatePlan(doc: PlanDoc): Validation {
  const errors: SemanticIssue[] = [];
  const warnings: SemanticIssue[] = [];
  const durationsOk = checkDurations(doc, errors);
  checkSteps(doc, errors, durationsOk ? warnings : []);
  checkClusters(doc, errors);
  checkRecords(doc, errors);
  checkTargets(doc, errors);
  checkRetire(doc, errors);
  checkWindows(doc, errors);
  checkAlarms(doc, warnings);
  checkAnalysis(doc, errors, durationsOk ? warnings : []);
  return { errors, warnings };
}
