/**
 * Which engine events each notification event stands for, and which deliveries are due. Pure: the
 * selector reads the event log only (a `notified` record ends an event's deliveries to that sink; each
 * `notify-failed` record is one attempt), so a crash between a delivery and its record repeats the
 * delivery with the same idempotency key, never a different one.
 */
import type { NotificationSinkDoc, NotifyEventName, PlanDoc } from "../plan/schema.ts";
import type { EventRecord, UpgradeState } from "../engine/state.ts";
import type { Finding } from "../engine/observation.ts";

/** A sink with its resolved name. */
export type Sink = NotificationSinkDoc & { name: string };

export interface Delivery {
  sink: Sink;
  event: EventRecord;
  /** 1 for the first attempt. */
  attempt: number;
  /** `<plan name>:<event seq>`: the same for every attempt and every sink. */
  idempotencyKey: string;
  /** The notification events of the plan this engine event stands for (what the sink asked for). */
  matched: NotifyEventName[];
}

/** Event types the engine logs for each notification event (architecture.md, "The event log"). */
export function notifyEventsOf(event: EventRecord): NotifyEventName[] {
  const e = event.evidence;
  const out: NotifyEventName[] = [];
  switch (event.type) {
    case "rollback-started":
      out.push("rollback-started");
      if (e?.holdTimeout === true) out.push("hold-timeout");
      break;
    case "rolled-back":
      out.push("rolled-back");
      break;
    case "paused":
      out.push("paused");
      if (e?.pauseCode === "hold-timeout") out.push("hold-timeout");
      break;
    case "drift":
    case "drift-fight":
      out.push("paused", "drift");
      break;
    case "awaiting-approval":
    case "waiting-to-retire":
      out.push("awaiting-approval");
      break;
    case "bake-complete":
    case "holding":
      out.push("step-done");
      break;
    case "completed":
      out.push("completed");
      break;
    case "retired":
      out.push("retired");
      break;
  }
  return out;
}

export function sinksOf(doc: PlanDoc): Sink[] {
  return (doc.notifications?.sinks ?? []).map((s, i) => ({ ...s, name: s.name ?? `${s.kind}-${i + 1}` }));
}

export function idempotencyKey(planName: string, seq: number): string {
  return `${planName}:${seq}`;
}

/** At most this many deliveries per tick, so a long backlog never keeps a tick (and its lock) long. */
export const MAX_DELIVERIES_PER_TICK = 20;

/** Deliveries due now: events a sink wants with no `notified` record and fewer than maxAttempts failures. */
export function dueDeliveries(state: UpgradeState, sinks: readonly Sink[]): Delivery[] {
  if (sinks.length === 0) return [];
  const done = new Set<string>();
  const failures = new Map<string, number>();
  for (const e of state.events) {
    if (e.type !== "notified" && e.type !== "notify-failed") continue;
    const sink = e.evidence?.sink;
    const seq = e.evidence?.eventSeq;
    if (typeof sink !== "string" || typeof seq !== "number") continue;
    const key = `${sink}#${seq}`;
    if (e.type === "notified") done.add(key);
    else failures.set(key, (failures.get(key) ?? 0) + 1);
  }
  const out: Delivery[] = [];
  for (const event of state.events) {
    const kinds = notifyEventsOf(event);
    if (kinds.length === 0) continue;
    for (const sink of sinks) {
      const matched = kinds.filter((k) => sink.events.includes(k));
      if (matched.length === 0) continue;
      const key = `${sink.name}#${event.seq}`;
      const failed = failures.get(key) ?? 0;
      if (done.has(key) || failed >= sink.maxAttempts) continue;
      out.push({
        sink,
        event,
        attempt: failed + 1,
        idempotencyKey: idempotencyKey(state.plan.name, event.seq),
        matched,
      });
      if (out.length >= MAX_DELIVERIES_PER_TICK) return out;
    }
  }
  return out;
}

/** Environment variables the plan's sinks name that are unset or empty (a preflight error). */
export function unsetUrlEnv(doc: PlanDoc, env: NodeJS.ProcessEnv): string[] {
  const names = sinksOf(doc).flatMap((s) => (s.kind === "sns" ? [] : [s.urlEnv]));
  return [...new Set(names)].filter((n) => !env[n]);
}

/** The preflight findings for unset URL variables (given to preflight as data by the shell). */
export function notificationFindings(doc: PlanDoc, env: NodeJS.ProcessEnv): Finding[] {
  return unsetUrlEnv(doc, env).map((name) => ({
    severity: "error" as const,
    code: "notification-url-unset",
    message: `A notification sink reads its URL from the environment variable ${name}, which is not set; set it (the URL is a secret, so it never goes in the plan) or remove the sink from notifications.sinks.`,
    subject: `env/${name}`,
  }));
}
