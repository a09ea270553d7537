/**
 * The named moments at which a tick can be killed, so crash tests can stop the process exactly there
 * (`EKS_BLUEGREEN_CRASH_AT=<point>` or `<point>:<n>` for the n-th hit kills the process with SIGKILL there) and prove
 * the next tick resumes without losing or repeating a step. Every boundary between two durable effects
 * (a state write, a Route 53 change, an EKS call) has a name here.
 */
export const CRASH_POINTS = [
  /** the lock is held, nothing read yet */
  "after-lock",
  /** the state after the transition (with the intent of the next side effect) is written */
  "after-intent",
  /** a state without an in-flight intent is written (an outcome, a wait, a phase change) */
  "after-write",
  /** Route 53 accepted the change; its id is not yet in the state */
  "after-apply",
  /** the change id is written; INSYNC not yet awaited */
  "after-submitted",
  /** Route 53 reported INSYNC; the bake start is not yet written */
  "after-insync",
  /** blue's retirement finished; not yet recorded */
  "after-retire",
  /** blue's records are deleted; not yet recorded */
  "after-delete-records",
  /** the final state of the tick is written; the lock is still held */
  "before-unlock",
] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];

export const CRASH_ENV = "EKS_BLUEGREEN_CRASH_AT";
/** Set to 1 to print `eks-bluegreen crash-point <point>:<n>` on stderr at every point reached (for the crash matrix). */
export const CRASH_TRACE_ENV = "EKS_BLUEGREEN_CRASH_TRACE";

/** Hits of each point in this process: `point:N` names the N-th (a `run` counts across its ticks). */
const hits = new Map<string, number>();

/** `after-write` (first hit) or `after-write:3` (third hit in this process). */
export function parseCrashTarget(value: string): { point: string; nth: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(value.trim())!;
  return { point: m[1]!, nth: m[2] === undefined ? 1 : Number(m[2]) };
}

/** The default hook: SIGKILL at the point named in the environment (no cleanup runs, like a real kill). */
export function crashFromEnv(env: NodeJS.ProcessEnv): (point: CrashPoint) => void {
  const wanted = env[CRASH_ENV];
  const trace = env[CRASH_TRACE_ENV] === "1";
  if (!wanted && !trace) return () => {};
  const target = wanted ? parseCrashTarget(wanted) : undefined;
  return (point) => {
    const n = (hits.get(point) ?? 0) + 1;
    hits.set(point, n);
    // stderr is a pipe or a terminal: written synchronously, so the line survives the kill below.
    if (trace) process.stderr.write(`eks-bluegreen crash-point ${point}:${n}\n`);
    if (target && point === target.point && n === target.nth) process.kill(process.pid, "SIGKILL");
  };
}
