/**
 * The state document of one upgrade: where it is, what it wrote last, what it is about to do, and the
 * append-only event log. Versioned and checked on every read: a damaged, foreign or hand-edited
 * document is a StateError (exit 4), never a crash and never a guess.
 */
import { z } from "zod";
import { StateError } from "../errors.ts";
import { AnalysisState } from "./analysis-state.ts";
import { EVENT_TYPES, PAUSE_CODES, REASON_CODES } from "./vocabulary.ts";

/**
 * 2 since reasons are stored as a code and its parameters (1 stored a sentence). A version-1 state still
 * reads (its sentence becomes a `legacy` reason) and is written back as 2, so an older release that meets
 * it says "upgrade this one" (`state-version`) instead of calling it damaged.
 */
export const STATE_VERSION = 2;
/** Versions this release reads. */
const READABLE_VERSIONS: readonly unknown[] = [1, STATE_VERSION];
export const STATE_KIND = "UpgradeState";

export const PHASES = [
  "pending",
  "preflight",
  "shifting",
  "baking",
  "awaiting-approval",
  "holding",
  "waiting-to-retire",
  "retiring",
  "completed",
  "rolling-back",
  "rolled-back",
  "paused",
] as const;
export const Phase = z.enum(PHASES);
export type Phase = z.infer<typeof Phase>;

const Iso = z.iso.datetime({ offset: true });

/** A side effect the driver is about to perform (persisted before it starts, cleared once its outcome is recorded). */
export const Intent = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("shift"),
    green: z.number().min(0).max(100),
    step: z.number().int().min(0),
    at: Iso,
  }),
  z.strictObject({ action: z.literal("retire"), mode: z.enum(["delete", "scale-to-zero"]), at: Iso }),
  z.strictObject({ action: z.literal("delete-blue-records"), at: Iso }),
]);
export type Intent = z.infer<typeof Intent>;

export const Approval = z.strictObject({
  by: z.string().min(1),
  at: Iso,
  /** `step-3` (the gate before step 3) or `retire`. */
  gate: z.string().min(1),
  /** Set once the gate it opened has been passed; a used approval opens nothing again. */
  usedAt: Iso.optional(),
  /** Set by the tick that found it lapsed (`approvals.expireAfter`) and logged `approval-expired`. */
  expiredAt: Iso.optional(),
});
export type Approval = z.infer<typeof Approval>;

export const PairWeights = z.strictObject({
  name: z.string(),
  blue: z.number().nullable(),
  green: z.number().nullable(),
  /** green ÷ (blue + green) in percent; null when both are 0 or a record is missing. */
  percent: z.number().nullable(),
});
export type PairWeights = z.infer<typeof PairWeights>;

export const Evidence = z
  .object({
    alarms: z.array(z.strictObject({ name: z.string(), state: z.string() })).optional(),
    alarmHistory: z.array(z.strictObject({ name: z.string(), at: z.string(), to: z.string() })).optional(),
    weights: z.array(PairWeights).optional(),
    expectedGreen: z.number().optional(),
    approvedBy: z.string().optional(),
    findings: z
      .array(z.strictObject({ severity: z.string(), code: z.string(), message: z.string() }))
      .optional(),
    changeIds: z.array(z.string()).optional(),
    verdict: z.string().optional(),
    planHash: z.string().optional(),
    tookOverFrom: z.string().optional(),
    error: z.string().optional(),
    /** An unreadable gap in a bake that ended: its length, and whether alarm history covered it. */
    gapMs: z.number().optional(),
    gapCovered: z.boolean().optional(),
    /** Unwatched time added to the current bake so far. */
    bakeUnwatchedMs: z.number().optional(),
    /** On `paused`, `drift`, `drift-fight`: the pause's code; on `rollback-started`: set after a hold timeout. */
    pauseCode: z.enum(PAUSE_CODES).optional(),
    holdTimeout: z.boolean().optional(),
    /** On `notified` / `notify-failed`: the sink's name and the seq of the event it was about. */
    sink: z.string().optional(),
    eventSeq: z.number().int().optional(),
    attempt: z.number().int().optional(),
  })
  .loose();
export type Evidence = z.infer<typeof Evidence>;

export const EventRecord = z.strictObject({
  seq: z.number().int().min(1),
  at: Iso,
  type: z.enum(EVENT_TYPES),
  from: Phase.optional(),
  to: Phase.optional(),
  step: z.number().int().min(0).optional(),
  message: z.string(),
  evidence: Evidence.optional(),
});
export type EventRecord = z.infer<typeof EventRecord>;

export const Pause = z.strictObject({
  /** Stable code: drift, hold-timeout, verdict-fail, … (vocabulary.ts PAUSE_CODES) */
  code: z.enum(PAUSE_CODES),
  reason: z.string(),
  /** Phase to go back to on `resume`. */
  resumeTo: Phase,
  since: Iso,
  expectedGreen: z.number().optional(),
  live: z.array(PairWeights).optional(),
});
export type Pause = z.infer<typeof Pause>;

/**
 * Why the upgrade waits or stopped: a code (vocabulary.ts REASON_CODES) and its parameters, turned into
 * a sentence only where shown (`reasonText`, reason.ts). `text` holds the free part a code cannot
 * rebuild (an event's message, a verdict's reasons); decisions read `code` and the typed fields.
 */
export const ReasonRecord = z.strictObject({
  code: z.enum(REASON_CODES),
  step: z.number().int().min(0).optional(),
  green: z.number().optional(),
  /** The end of a countdown (bake, hold, retire.after, rollback step, split) or when a window opens. */
  until: Iso.optional(),
  /** Unwatched time added to a bake (ms). */
  unwatchedMs: z.number().min(0).optional(),
  /** `holding`: the verdict's kind. */
  verdict: z.enum(["error", "inconclusive"]).optional(),
  /** `entered`: the event that changed the phase. */
  event: z.enum(EVENT_TYPES).optional(),
  /** `awaiting-approval`, `approved`: the gate. */
  gate: z.string().optional(),
  /** `action-failed`: the action's type. */
  action: z.string().optional(),
  /** `split`: what follows the wait (split.onNoConvergence). */
  then: z.string().optional(),
  text: z.string().optional(),
});
export type Reason = z.infer<typeof ReasonRecord>;

/** A state written before reasons had codes stored a sentence: read as `{ code: "legacy", text }`. */
export const StoredReason = z.union([
  ReasonRecord,
  z.string().transform((text): Reason => ({ code: "legacy", text })),
]);

/**
 * A traffic target this upgrade has written (or adopted): retirement re-reads every one of them, even
 * those a changed plan no longer names. A union on `kind`: Route 53 record pairs, ALB listeners or
 * rules, Global Accelerator endpoint groups.
 */
export const RecordTarget = z.strictObject({
  kind: z.literal("record"),
  zoneId: z.string().optional(),
  zoneName: z.string().optional(),
  name: z.string().min(1),
  type: z.string().min(1),
  /** SetIdentifier of blue's weighted record */
  blue: z.string(),
  /** SetIdentifier of green's weighted record */
  green: z.string(),
});
export const ListenerTargetState = z.strictObject({
  kind: z.literal("listener"),
  listenerArn: z.string().min(1),
  ruleArn: z.string().optional(),
  /** Target groups, by ARN or name, as the plan gave them. */
  blue: z.string(),
  green: z.string(),
});
export const AcceleratorTargetState = z.strictObject({
  kind: z.literal("accelerator"),
  endpointGroupArn: z.string().min(1),
  /** Endpoint ids (load balancer ARNs). */
  blue: z.string(),
  green: z.string(),
});
export const Target = z.discriminatedUnion("kind", [
  RecordTarget,
  ListenerTargetState,
  AcceleratorTargetState,
]);
export type Target = z.infer<typeof Target>;

export const UpgradeState = z.strictObject({
  version: z
    .union([z.literal(1), z.literal(STATE_VERSION)])
    .transform((): typeof STATE_VERSION => STATE_VERSION),
  kind: z.literal(STATE_KIND),
  plan: z.strictObject({ name: z.string().min(1), hash: z.string().min(1) }),
  createdAt: Iso,
  updatedAt: Iso,
  phase: Phase,
  /** Last step whose shift was applied (0 = before the first shift). */
  step: z.number().int().min(0),
  /** Green percent last written to Route 53 (0 before the first shift: "all on blue"). */
  writtenGreen: z.number().min(0).max(100),
  intent: Intent.optional(),
  change: z.strictObject({ ids: z.array(z.string()), submittedAt: Iso, green: z.number() }).optional(),
  /** Alarm history counts from here: the current step's submit time, or a later `resume`. */
  alarmsSince: Iso.optional(),
  bakeStartedAt: Iso.optional(),
  /** Unwatched time added to the current bake: unreadable gaps that alarm history did not cover (ms). */
  bakeUnwatchedMs: z.number().min(0).optional(),
  /** An unreadable gap of the current bake still open: since when, and whether only the alarms were unreadable. */
  unreadable: z.strictObject({ since: Iso, alarmsOnly: z.boolean() }).optional(),
  /** Set when the current step's `bake-complete` is logged (once, even while a gate or window then waits). */
  bakeCompletedAt: Iso.optional(),
  /** When green reached 100% (INSYNC); retire.after counts from here. */
  fullSince: Iso.optional(),
  /** Since when an inconclusive or error verdict holds the upgrade. */
  holdSince: Iso.optional(),
  /** Blue's ready replicas per workload (`Kind/namespace/name`) when the upgrade started (plan `capacity`). */
  blueReplicasAtStart: z.record(z.string(), z.number().int().min(0)).optional(),
  approvals: z.array(Approval),
  pause: Pause.optional(),
  /** Why the upgrade waits or stopped, for `status`: a code and its parameters (a sentence in older states). */
  reason: StoredReason,
  rollbackReason: z.string().optional(),
  /** Container restart counts when the current bake began (Kubernetes health). */
  restartBaseline: z.record(z.string(), z.number()).optional(),
  /** Every traffic target this upgrade has ever written, recorded with the shift's intent (absent in older states). */
  targets: z.array(Target).optional(),
  /** Metric analysis: evaluation times, limit counts within the step, the observed split (plans with `analysis`). */
  analysis: AnalysisState.optional(),
  events: z.array(EventRecord),
});
export type UpgradeState = z.infer<typeof UpgradeState>;

export function newState(plan: { name: string; hash: string }, now: Date): UpgradeState {
  return {
    version: STATE_VERSION,
    kind: STATE_KIND,
    plan: { name: plan.name, hash: plan.hash },
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    phase: "pending",
    step: 0,
    writtenGreen: 0,
    approvals: [],
    reason: { code: "not-started" },
    events: [],
  };
}

const DAMAGED_HINT =
  "Restore the file from a backup (S3 versioning or your VCS), or if no traffic has moved yet delete it and start again. `eks-bluegreen status` shows the live weights.";

/** Parses a stored document, checking version, plan name and internal consistency. */
export function parseState(text: string, planName: string, where: string): UpgradeState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new StateError(
      "state-damaged",
      `The state ${where} is not valid JSON (${(error as Error).message}); it may be truncated.`,
      DAMAGED_HINT,
    );
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new StateError("state-damaged", `The state ${where} is not a JSON object.`, DAMAGED_HINT);
  }
  const head = raw as { version?: unknown; kind?: unknown; plan?: { name?: unknown } };
  if (head.kind !== STATE_KIND) {
    throw new StateError(
      "state-damaged",
      `The state ${where} is not an eks-bluegreen state document (kind ${JSON.stringify(head.kind)}).`,
      DAMAGED_HINT,
    );
  }
  if (!READABLE_VERSIONS.includes(head.version)) {
    throw new StateError(
      "state-version",
      `The state ${where} has version ${JSON.stringify(head.version)}; this eks-bluegreen reads versions ${READABLE_VERSIONS.join(" and ")}.`,
      "Use the eks-bluegreen release that wrote it, or upgrade this one.",
    );
  }
  if (head.plan && typeof head.plan === "object" && head.plan.name !== planName) {
    throw new StateError(
      "state-other-plan",
      `The state ${where} belongs to the plan "${String(head.plan.name)}", not "${planName}".`,
      "Point the plan's `state` at its own file or key; two upgrades must never share one state.",
    );
  }
  const result = UpgradeState.safeParse(raw);
  if (!result.success) {
    const first = result.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new StateError("state-damaged", `The state ${where} is damaged: ${first}.`, DAMAGED_HINT);
  }
  const problems = inconsistencies(result.data);
  if (problems.length > 0) {
    throw new StateError(
      "state-inconsistent",
      `The state ${where} contradicts itself (edited by hand?): ${problems.join("; ")}.`,
      DAMAGED_HINT,
    );
  }
  return result.data;
}

function inconsistencies(s: UpgradeState): string[] {
  const out: string[] = [];
  s.events.forEach((e, i) => {
    if (e.seq !== i + 1) out.push(`event ${i + 1} has sequence number ${e.seq} (the log must be gap-free)`);
  });
  if (s.events.length > 0) {
    const last = s.events[s.events.length - 1]!;
    if (last.to !== undefined && last.to !== s.phase && !s.events.some((e) => e.to === s.phase)) {
      out.push(`phase is ${s.phase} but the event log never entered it`);
    }
  }
  if (s.phase === "paused" && !s.pause) out.push("phase is paused but no pause reason is recorded");
  if (s.phase !== "paused" && s.pause) out.push(`a pause is recorded but the phase is ${s.phase}`);
  if (s.step > 0 && s.phase === "pending") out.push(`phase pending at step ${s.step}`);
  // A step over ALB listeners and endpoint groups only has no Route 53 change id (they show the weights at
  // once), so an empty change is consistent there. Where the upgrade writes records, a change without ids
  // would skip the INSYNC wait, so it stays an inconsistency (states without `targets` wrote records).
  const writesRecords = s.targets === undefined || s.targets.some((t) => t.kind === "record");
  if (s.change && s.change.ids.length === 0 && s.phase === "shifting" && writesRecords) {
    out.push("a change without ids");
  }
  return out;
}

export function serializeState(state: UpgradeState): string {
  return `${JSON.stringify(state, null, 2)}\n`;
}
