/**
 * What every engine command needs before its first tick: the plan, the ports, the state store and the
 * lock owner. The imperative shell's wiring, kept in one place so commands stay short.
 */
import { hostname } from "node:os";
import type { ShellContext } from "./context.ts";
import type { Ports } from "../engine/ports.ts";
import { loadPlan, type LoadedPlan } from "../plan/load.ts";
import type { StateStore } from "../state/store.ts";
import { describeServerTime } from "../state/lock-info.ts";
import type { DriverDeps } from "./driver.ts";
import { observe, retryLog } from "./observe.ts";

export interface Session {
  plan: LoadedPlan;
  ports: Ports;
  store: StateStore;
  deps: DriverDeps;
  /** Reads and compiles the plan file again (`run` does at every tick, so an edit is refused). */
  reloadPlan(): Promise<LoadedPlan>;
}

/** Route 53 INSYNC timeout for one tick; the sandbox and tests shorten it with the environment. */
function insyncTimeout(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.EKS_BLUEGREEN_INSYNC_TIMEOUT_MS;
  const n = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export async function openSession(file: string, ctx: ShellContext, command: string): Promise<Session> {
  const plan = await loadPlan(file);
  for (const w of plan.warnings) ctx.out.debug("plan-warning", `plan warning: ${w.path}: ${w.message}`);
  const { createPorts } = await import("./ports.ts");
  // The SDK loads before any lock is taken, so a locked tick is I/O, not seconds of module loading.
  if (command !== "unlock") await (await import("../aws/preload.ts")).preloadSdk();
  const { openStateStore } = await import("../state/index.ts");
  // No port-wide abort signal: a Route 53 change that has started must finish (or fail) on its own;
  // the driver passes Ctrl-C to the reads and waits, where stopping early is safe.
  // Reads that succeed only after retrying were unreadable meanwhile: the engine counts that time as unwatched.
  const retries = retryLog(ctx.now);
  const ports = await createPorts(plan, ctx.aws, {
    env: ctx.env,
    onRetry: (info) => {
      retries.note(info.operation);
      ctx.out.debug("aws-retry", `retry: ${JSON.stringify(info)}`);
    },
    log: (line) => ctx.out.debug("aws-sdk-log", line),
    onServerTime: (t) =>
      ctx.out.debug("s3-server-clock", `clock: ${t.operation} ${t.key}: ${describeServerTime(t)}`),
  });
  const store = openStateStore(plan, {
    cwd: ctx.cwd,
    env: ctx.env,
    ...(ports.objects ? { objects: ports.objects } : {}),
  });
  const timeout = insyncTimeout(ctx.env);
  const deps: DriverDeps = {
    plan,
    store,
    ports,
    now: ctx.now,
    owner: { host: hostname(), pid: process.pid, startedAt: ctx.now().toISOString(), command },
    signal: ctx.signal,
    env: ctx.env,
    retries,
    debug: (code, m) => ctx.out.debug(code, m),
    warn: (code, m) => ctx.out.warn(code, m),
    ...(timeout ? { insyncTimeoutMs: timeout } : {}),
  };
  if (plan.doc.notifications) await wireNotifications(deps, plan, ctx, file);
  return { plan, ports, store, deps, reloadPlan: () => loadPlan(file) };
}

/** Notifications: the deliverer as the driver's hook, and unset URL variables as preflight findings. */
async function wireNotifications(deps: DriverDeps, plan: LoadedPlan, ctx: ShellContext, file: string) {
  const { createNotifier, notificationFindings } = await import("../notify/index.ts");
  const { createClientFactory } = await import("../aws/clients.ts");
  const clients = createClientFactory({ settings: ctx.aws, planRegion: plan.doc.region, env: ctx.env });
  const notify = createNotifier(plan.doc, { env: ctx.env, file, sns: () => clients.sns() });
  if (notify) deps.notify = notify;
  const config = notificationFindings(plan.doc, ctx.env);
  if (config.length > 0) {
    const inner = deps.observe ?? observe;
    deps.observe = async (ports, p, options) => ({ ...(await inner(ports, p, options)), config });
  }
}
