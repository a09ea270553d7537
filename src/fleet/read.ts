/**
 * Reads the states of every plan of a fleet, concurrently with a bounded pool: local folders and S3
 * through the same state store the commands use. Every S3 call goes through one retry layer (one
 * Caller) and one client per region and role, so 200 plans in one bucket share one client. A state that
 * cannot be read or parsed is a `damaged` reading with its code and message, never an abort.
 */
import type { AwsSettings } from "../aws/settings.ts";
import type { ObjectStorePort } from "../engine/ports.ts";
import { ToolError } from "../errors.ts";
import { parseState, type UpgradeState } from "../engine/state.ts";
import type { LockInfo, StateStore } from "../state/store.ts";
import type { PlanSummary } from "./rules.ts";
import type { FleetPlan } from "./schema.ts";

export const DEFAULT_CONCURRENCY = 16;

export interface PlanReading {
  plan: FleetPlan;
  summary: PlanSummary;
  state?: UpgradeState;
  lock?: LockInfo;
  location: string;
}

export interface ReadOptions {
  cwd: string;
  aws: AwsSettings;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  concurrency?: number;
  onRetry?: (info: unknown) => void;
  /** Tests inject stores; default: the plan's own (openStateStore). */
  storeFor?: (plan: FleetPlan) => StateStore;
}

/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
export async function mapPool<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Phases whose tick holds the lock while it waits on AWS (INSYNC, blue's retirement): worth a lock read. */
const LOCKED_WHILE_WAITING = new Set(["preflight", "shifting", "rolling-back", "retiring"]);

/** The state stores of the fleet's plans, sharing one S3 client per region/role and one retry layer. */
export async function fleetStores(
  plans: readonly FleetPlan[],
  options: ReadOptions,
): Promise<(p: FleetPlan) => StateStore> {
  const { openStateStore } = await import("../state/index.ts");
  const needsS3 = plans.some((p) => p.plan.doc.state.backend === "s3");
  let objectsFor: ((p: FleetPlan) => ObjectStorePort) | undefined;
  if (needsS3) {
    const { createClientFactory } = await import("../aws/clients.ts");
    const { createCaller } = await import("../aws/retry.ts");
    const { createObjectStore } = await import("../aws/s3.ts");
    const clients = createClientFactory({ settings: options.aws, env: options.env });
    const caller = createCaller({ signal: options.signal, onRetry: options.onRetry });
    const byBucket = new Map<string, ObjectStorePort>();
    objectsFor = (p) => {
      const { doc } = p.plan;
      if (doc.state.backend !== "s3") throw new Error("not an S3 state");
      // The region rule of createPorts: the bucket's own region, else --region, else the plan's.
      const region = doc.state.region ?? options.aws.region ?? doc.region;
      const scope = { region, ...(doc.roleArn ? { roleArn: doc.roleArn } : {}) };
      const key = `${doc.state.bucket}\u0000${region}\u0000${doc.roleArn ?? ""}`;
      let objects = byBucket.get(key);
      if (!objects) {
        objects = createObjectStore({ client: () => clients.s3(scope), caller, bucket: doc.state.bucket });
        byBucket.set(key, objects);
      }
      return objects;
    };
  }
  return (p) =>
    openStateStore(p.plan, {
      cwd: options.cwd,
      ...(objectsFor && p.plan.doc.state.backend === "s3" ? { objects: objectsFor(p) } : {}),
    });
}

function damaged(error: unknown): PlanSummary {
  if (error instanceof ToolError) return { kind: "damaged", code: error.code, message: error.message };
  return {
    kind: "damaged",
    code: "internal",
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Reads one plan's state (and, for an upgrade in progress, its lock). Never throws. */
export async function readOne(p: FleetPlan, store: StateStore): Promise<PlanReading> {
  const location = store.location;
  let state: UpgradeState | undefined;
  try {
    const stored = await store.read();
    if (!stored) return { plan: p, summary: { kind: "not-started" }, location };
    state = parseState(stored.text, p.name, location);
  } catch (error) {
    return { plan: p, summary: damaged(error), location };
  }
  const summary: PlanSummary = {
    kind: "started",
    phase: state.phase,
    step: state.step,
    green: state.writtenGreen,
    ...(state.pause ? { pauseCode: state.pause.code } : {}),
  };
  // Who holds the lock is read only where a tick waits inside it; a bake or a gate costs no second call
  // (`status <plan>` shows the lock of one upgrade).
  const lock = LOCKED_WHILE_WAITING.has(state.phase)
    ? await store.readLock().catch(() => undefined)
    : undefined;
  return { plan: p, summary, state, location, ...(lock ? { lock } : {}) };
}

/** Every plan's reading, in fleet order; at most `concurrency` reads at once. */
export async function readFleet(plans: readonly FleetPlan[], options: ReadOptions): Promise<PlanReading[]> {
  const storeFor = options.storeFor ?? (await fleetStores(plans, options));
  return mapPool(plans, options.concurrency ?? DEFAULT_CONCURRENCY, async (p) => {
    let store: StateStore;
    try {
      store = storeFor(p);
    } catch (error) {
      return { plan: p, summary: damaged(error), location: "(unknown)" };
    }
    return readOne(p, store);
  });
}
