/**
 * A tick whose state write lost the race (another run wrote first) re-reads the state and says what that
 * other run did, from the events it added: "Meanwhile: Manual rollback by alice: emergency." Exit 5, as
 * for a lock held by another run; the words fit the backend (PreconditionFailedError's own).
 */
import { PreconditionFailedError } from "../errors.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import type { StateStore } from "../state/store.ts";
import { parseState } from "../engine/state.ts";

const SHOWN = 5;

/** `error` itself unless it is a lost write; then a PreconditionFailedError that tells what happened. */
export async function explainLostWrite(
  error: unknown,
  store: StateStore,
  plan: CompiledPlan,
  /** How many events the version this run tried to replace had. */
  knownEvents: number,
): Promise<unknown> {
  if (!(error instanceof PreconditionFailedError)) return error;
  let detail: string;
  try {
    const stored = await store.read();
    if (!stored) {
      detail = " The state is gone now (removed by someone).";
    } else {
      const state = parseState(stored.text, plan.name, store.location);
      const added = state.events.slice(knownEvents);
      detail =
        added.length === 0
          ? ` The state is now at phase ${state.phase}, step ${state.step}.`
          : ` Meanwhile another run recorded: ${added
              .slice(-SHOWN)
              .map((e) => `${e.message} [${e.type}]`)
              .join(
                " ",
              )}${added.length > SHOWN ? ` (${added.length - SHOWN} earlier events in \`history\`)` : ""} It is now at phase ${state.phase}, step ${state.step}.`;
    }
  } catch {
    detail = "";
  }
  return new PreconditionFailedError(error.where, error.backend, detail, plan.file);
}
