/**
 * The named moments at which a tick can be killed, so crash tests can stop the process exactly there
 * (`EKS_BLUEGREEN_CRASH_AT=<point>` kills the process with SIGKILL when it reaches that point) and prove
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

/** The default hook: SIGKILL at the point named in the environment (no cleanup runs, like a real kill). */
export function crashFromEnv(env: NodeJS.ProcessEnv): (point: CrashPoint) => void {
  const wanted = env[CRASH_ENV];
  if (!wanted) return () => {};
  return (point) => {
    if (point === wanted) process.kill(process.pid, "SIGKILL");
  };
}
