/**
 * Opens the store a plan asks for: a local folder per plan under `state.dir` (default `.eks-bluegreen/`,
 * relative to the working directory), or S3 through the adapters' ObjectStorePort.
 */
import { resolve } from "node:path";
import { ToolError, ExitCode, UsageError } from "../errors.ts";
import type { ObjectStorePort } from "../engine/ports.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { LocalStateStore } from "./local.ts";
import { withFsErrors } from "./fs-errors.ts";
import { S3StateStore } from "./s3.ts";
import type { StateStore } from "./store.ts";

export type { StateStore, Lease, LockInfo, LockOwner, StoredState } from "./store.ts";

export interface StateStoreDeps {
  cwd: string;
  /** Required for `state.backend: s3` (from `createPorts(...).objects`). */
  objects?: ObjectStorePort;
  /** Tests inject a clock; defaults to the system clock. */
  now?: () => Date;
  /** EKS_BLUEGREEN_LEASE_MS is read from here. */
  env?: NodeJS.ProcessEnv;
}

export const LEASE_ENV = "EKS_BLUEGREEN_LEASE_MS";
const MIN_LEASE_MS = 1_000;
const MAX_LEASE_MS = 24 * 3_600_000;

/**
 * EKS_BLUEGREEN_LEASE_MS: how long a lock lasts unrenewed (the holder renews it every third of that).
 * Unset: each tick asks for its longest wait plus a margin (5 minutes by default). A shorter lease lets
 * another run take over sooner after a runner died on another host; on S3 it is judged by S3's clock.
 */
export function leaseFromEnv(env: NodeJS.ProcessEnv = {}): number | undefined {
  const raw = env[LEASE_ENV];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < MIN_LEASE_MS || n > MAX_LEASE_MS) {
    throw new UsageError(
      `${LEASE_ENV}=${JSON.stringify(raw)} is not a lease length: it must be a whole number of milliseconds from ${MIN_LEASE_MS} to ${MAX_LEASE_MS}.`,
      `Set it to e.g. 30000 (30 s), or unset it to use the default (the tick's longest wait plus 2 minutes).`,
    );
  }
  return n;
}

export function openStateStore(plan: CompiledPlan, deps: StateStoreDeps): StateStore {
  const state = plan.doc.state;
  const leaseMs = leaseFromEnv(deps.env);
  const lease = leaseMs === undefined ? {} : { leaseMs };
  if (state.backend === "local") {
    // The plan name is validated as a DNS-label-like name, so it is one safe path segment.
    const dir = resolve(deps.cwd, state.dir, plan.name);
    return withFsErrors(
      new LocalStateStore({ dir, planFile: plan.file, cwd: deps.cwd, now: deps.now, ...lease }),
      dir,
    );
  }
  if (!deps.objects) {
    throw new ToolError("internal", "The S3 state store was opened without an S3 client.", {
      exitCode: ExitCode.Bug,
      fault: "tool",
    });
  }
  return new S3StateStore({
    objects: deps.objects,
    bucket: state.bucket,
    key: state.key,
    planFile: plan.file,
    now: deps.now,
    ...lease,
  });
}
