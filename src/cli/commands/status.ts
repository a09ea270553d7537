/**
 * `status <plan>`: where the upgrade is and why it waits. Read-only and lock-free: it reads the state and
 * the live world, and asks the transition (pure) what the next tick would say, without performing it.
 */
import { trafficError } from "../../engine/traffic.ts";
import type { CommandContext, CommandResult } from "../context.ts";
import { ExitCode, StateError, ToolError } from "../../errors.ts";
import { loadState } from "../../runner/driver.ts";
import { observe } from "../../runner/observe.ts";
import { openSession } from "../../runner/session.ts";
import { transition } from "../../engine/transition.ts";
import type { ErrorCode, ReasonCode } from "../../engine/vocabulary.ts";
import { statusJson, statusText } from "../render/text.ts";
import { describeSkew, SKEW_SHOWN_MS } from "../../state/lock-info.ts";
import { reportToGitHub } from "../github.ts";
import { statusKubernetesJson, statusKubernetesText } from "../render/status-kubernetes.ts";
import { statusAnalysisJson, statusAnalysisText } from "../render/status-analysis.ts";

export async function handler(options: { file: string }, ctx: CommandContext): Promise<CommandResult> {
  const { plan, ports, store } = await openSession(options.file, ctx, "status");
  // A damaged state still gets the live weights shown: the operator needs to know where traffic is.
  let damaged: ToolError | undefined;
  let lockError: Error | undefined;
  const [state, lock] = await Promise.all([
    loadState(store, plan).catch((error: unknown) => {
      if (!(error instanceof ToolError)) throw error;
      damaged = error;
      return undefined;
    }),
    // A lock that cannot be read is shown as such, never as "free".
    store.readLock().catch((error: unknown) => {
      lockError = error instanceof Error ? error : new Error(String(error));
      return undefined;
    }),
  ]);
  const skewMs = store.clockSkewMs?.();
  const observation = await observe(ports, plan, {
    ...(state?.alarmsSince ? { historySince: new Date(state.alarmsSince) } : {}),
    signal: ctx.signal,
    // Green's Kubernetes health and the resilience audit, when the plan enables them.
    now: ctx.now(),
    audit: true,
  });
  let reason = damaged
    ? `${damaged.message} ${damaged.hint ?? ""}`.trim()
    : "Not started: run `eks-bluegreen run` or `eks-bluegreen advance`.";
  let reasonCode: ReasonCode | null = damaged ? null : "not-started";
  let refusalCode: ErrorCode | undefined;
  if (state) {
    reasonCode = state.reason.code;
    try {
      const preview = transition(state, observation, plan, ctx.now());
      reason = preview.refusal ? `${preview.refusal.message} ${preview.refusal.hint}` : preview.reason;
      reasonCode = preview.state.reason.code;
      refusalCode = preview.refusal?.code;
    } catch (error) {
      if (!(error instanceof ToolError)) throw error;
      reason = error.message;
      refusalCode = error.code;
    }
  }
  const stateProblem = damaged
    ? {
        phase: damaged instanceof StateError ? ("damaged" as const) : ("unreadable" as const),
        code: damaged.code,
      }
    : undefined;
  const input = {
    plan,
    state,
    observation,
    lock,
    reason,
    reasonCode,
    ...(refusalCode ? { refusalCode } : {}),
    location: store.location,
    stateProblem,
    now: ctx.now(),
  };
  // Green's Kubernetes lines go after the alarms, before the reason and the lock.
  const text = statusText(input, {
    afterAlarms: [...statusKubernetesText(plan, observation), ...statusAnalysisText(plan, state)],
    ...(lockError ? { lock: `unreadable: ${lockError.message}` } : {}),
  });
  text.push(...skewLines(skewMs));
  for (const line of text) ctx.out.print(line);
  // An AWS read that failed (timed out, not an AWS answer, refused) needs a person: exit 4, as `plan`.
  const unreadable =
    trafficError(observation) !== undefined || !observation.alarms.ok || !observation.green.ok;
  const exitCode = damaged ? damaged.exitCode : unreadable ? ExitCode.NeedsPerson : ExitCode.Ok;
  await reportToGitHub(ctx, {
    command: "status",
    planName: plan.name,
    planFile: plan.file,
    state,
    observation,
    reason,
    exitCode,
    events: [],
  });
  return {
    exitCode,
    json: {
      ...statusJson(input),
      ...statusKubernetesJson(plan, observation),
      ...statusAnalysisJson(plan, state),
      ...(damaged ? { error: { code: damaged.code, message: damaged.message } } : {}),
      ...(lockError
        ? {
            lockError: {
              code: lockError instanceof ToolError ? lockError.code : "lock-unreadable",
              message: lockError.message,
            },
          }
        : {}),
      ...(skewMs === undefined ? {} : { clockSkewMs: Math.round(skewMs) }),
    },
  };
}

/** The clock skew, past 5 s. */
function skewLines(skewMs: number | undefined): string[] {
  return skewMs !== undefined && Math.abs(skewMs) > SKEW_SHOWN_MS
    ? [`  clock    ${describeSkew(skewMs)} (locks are judged by S3's clock, so this does not affect them)`]
    : [];
}
