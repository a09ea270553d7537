/**
 * The outcome of a tick's notification deliveries, as events (pure; called by `transition` for the
 * `notified` input). Neither the phase nor the reason changes: delivery never steers the upgrade.
 * No URL ever reaches these records: the sink's name, the event's seq and a short error only.
 */
import type { Draft } from "./draft.ts";

export interface NotifyResult {
  sink: string;
  eventSeq: number;
  attempt: number;
  ok: boolean;
  /** Short and URL-free: `HTTP 500`, `ECONNREFUSED`, `no answer within 5s`, an AWS error code. */
  error?: string;
}

export function recordNotified(d: Draft, results: readonly NotifyResult[]): void {
  for (const r of results) {
    const evidence = {
      sink: r.sink,
      eventSeq: r.eventSeq,
      attempt: r.attempt,
      ...(r.error ? { error: r.error } : {}),
    };
    if (r.ok) d.event("notified", `Notified ${r.sink} of event ${r.eventSeq}.`, { evidence });
    else {
      d.event(
        "notify-failed",
        `Could not notify ${r.sink} of event ${r.eventSeq} (attempt ${r.attempt}): ${r.error ?? "failed"}.`,
        { evidence },
      );
    }
  }
}
