/** Reading the sandbox's call log: wait for a call, count calls by operation. */
import { setTimeout as sleep } from "node:timers/promises";
import type { CallRecord } from "../../src/sandbox/index.ts";

export type CallMatch = (call: CallRecord) => boolean;

/** Resolves with the first call from index `from` on that matches, or undefined after `timeoutMs`. */
export async function waitForCall(
  calls: readonly CallRecord[],
  match: CallMatch,
  timeoutMs: number,
  from = 0,
): Promise<CallRecord | undefined> {
  const deadline = Date.now() + timeoutMs;
  let i = from;
  for (;;) {
    for (; i < calls.length; i++) if (match(calls[i]!)) return calls[i];
    if (Date.now() >= deadline) return undefined;
    await sleep(5);
  }
}

export const isOp =
  (operation: string, after = -Infinity): CallMatch =>
  (c) =>
    c.operation === operation && c.at >= after && c.status < 300;

/** Calls by operation name (successful and failed alike: each one counts against the rate limit). */
export function countByOperation(calls: readonly CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.operation] = (out[c.operation] ?? 0) + 1;
  return out;
}

export function countByService(calls: readonly CallRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of calls) out[c.service] = (out[c.service] ?? 0) + 1;
  return out;
}
