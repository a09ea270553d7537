/**
 * Opens the store a plan asks for: a local folder per plan under `state.dir` (default `.eks-bluegreen/`,
 * relative to the working directory), or S3 through the adapters' ObjectStorePort.
 */
import { resolve } from "node:path";
import { ToolError, ExitCode } from "../errors.ts";
import type { ObjectStorePort } from "../aws/ports.ts";
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
}

export function openStateStore(plan: CompiledPlan, deps: StateStoreDeps): StateStore {
  const state = plan.doc.state;
  if (state.backend === "local") {
    // The plan name is validated as a DNS-label-like name, so it is one safe path segment.
    const dir = resolve(deps.cwd, state.dir, plan.name);
    return withFsErrors(new LocalStateStore({ dir, planFile: plan.file, cwd: deps.cwd, now: deps.now }), dir);
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
  });
}
