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
  /** the ALB listeners show the step's weights; the accelerators and Route 53 are not yet changed */
  "after-apply-listeners",
  /** the Global Accelerator endpoint groups show the step's weights; Route 53 is not yet changed */
  "after-apply-endpoint-groups",
  /** every target accepted the change (Route 53 gave its ids); nothing of it is in the state yet */
  "after-apply",
  /** the change id is written; INSYNC not yet awaited (the lock is still held: it is released next) */
  "after-submitted",
  /** Route 53 reported INSYNC, the lock is held again and the state unchanged; the bake start is not yet written */
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
/**
 * Test only: `<point>:<ms>` (or `<point>:<ms>:<n>` for the n-th hit) makes the tick sleep `ms` at that
 * point, holding whatever it holds there (the lock, except during the INSYNC wait), and prints
 * `eks-bluegreen paused-at <point>:<n>` on stderr when the sleep starts. The tests use it to issue a
 * `rollback` from another process at each named moment of a tick.
 */
export const PAUSE_ENV = "EKS_BLUEGREEN_PAUSE_AT";
/** Set to 1 to print `eks-bluegreen crash-point <point>:<n>` on stderr at every point reached (for the crash matrix). */
export const CRASH_TRACE_ENV = "EKS_BLUEGREEN_CRASH_TRACE";

/** Hits of each point in this process: `point:N` names the N-th (a `run` counts across its ticks). */
const hits = new Map<string, number>();
const pauseHits = new Map<string, number>();

/** `after-write` (first hit) or `after-write:3` (third hit in this process). */
export function parseCrashTarget(value: string): { point: string; nth: number } {
  const m = /^(.*?)(?::(\d+))?$/.exec(value.trim())!;
  return { point: m[1]!, nth: m[2] === undefined ? 1 : Number(m[2]) };
}

/** A hook called at every named point; it may kill the process (crash tests) or sleep there (pause tests). */
export type PointHook = (point: CrashPoint) => void | Promise<void>;

/** The hooks the environment asks for: the crash hook and the pause hook, in that order. */
export function pointHooksFromEnv(env: NodeJS.ProcessEnv): PointHook {
  const crash = crashFromEnv(env);
  const pause = pauseFromEnv(env);
  return (point) => {
    crash(point);
    return pause(point);
  };
}

/** `after-apply:1500` sleeps 1.5 s at the first hit of after-apply; `after-write:1500:3` at the third. */
export function pauseFromEnv(env: NodeJS.ProcessEnv): PointHook {
  const wanted = env[PAUSE_ENV];
  const m = wanted ? /^([a-z-]+):(\d+)(?::(\d+))?$/.exec(wanted.trim()) : null;
  if (!m) return () => {};
  const [, at, ms, nth] = m;
  return (point) => {
    // Counted per process, like the crash hits: a `run` counts across its ticks.
    const n = (pauseHits.get(point) ?? 0) + 1;
    pauseHits.set(point, n);
    if (point !== at || n !== Number(nth ?? 1)) return;
    process.stderr.write(`eks-bluegreen paused-at ${point}:${n}\n`);
    return new Promise((resolve) => setTimeout(resolve, Number(ms)));
  };
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
