/**
 * Retires a cluster in the order EKS requires (node groups, then Fargate profiles one at a time, then the
 * cluster), or scales its node groups to zero, polling while EKS works. The clock and the sleep come from
 * the caller, so a test drives the waits without waiting.
 */
import { ExitCode, ToolError } from "../../errors.ts";
import type { CallOptions, RetireProgress } from "../../engine/ports.ts";
import { ignoring, sdk, type EksCall } from "./api.ts";
import { clusterGone } from "./cluster.ts";
import { listNames } from "./lists.ts";
import { describeNodegroup } from "./nodegroups.ts";

/** Polling while EKS works: first delay, growth factor and ceiling. */
export interface PollPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_POLL: PollPolicy = { initialMs: 5_000, factor: 1.5, maxMs: 30_000 };

/** Waits `ms`, or rejects with the signal's reason when it aborts (`sleepOrReject` outside tests). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface RetirerDeps {
  call: EksCall;
  poll: PollPolicy;
  /** The clock the deadline is measured on. */
  now: () => Date;
  sleep: Sleep;
}

export type RetireOptions = CallOptions & { timeoutMs: number; onProgress?: RetireProgress };

export interface Retirer {
  deleteCluster(name: string, options: RetireOptions): Promise<void>;
  scaleToZero(name: string, options: RetireOptions): Promise<void>;
}

/**
 * Polls `done` until it holds, sleeping `poll.initialMs` growing by `poll.factor` up to `poll.maxMs`, and
 * never past `deadline` (ms on `now`); throws `retire-timeout` (exit 4) once the deadline has passed.
 */
export async function waitUntil(
  deps: Pick<RetirerDeps, "poll" | "now" | "sleep">,
  what: string,
  done: () => Promise<boolean>,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  let delay = deps.poll.initialMs;
  for (;;) {
    if (await done()) return;
    const left = deadline - deps.now().getTime();
    if (left <= 0) {
      throw new ToolError("retire-timeout", `Timed out waiting for ${what}.`, {
        hint: "EKS may still be working: check the console, then run the command again (it picks up where it stopped).",
        exitCode: ExitCode.NeedsPerson,
        fault: "aws",
      });
    }
    await deps.sleep(Math.min(delay, left), signal);
    delay = Math.min(deps.poll.maxMs, delay * deps.poll.factor);
  }
}

export function createRetirer(deps: RetirerDeps): Retirer {
  const { call } = deps;
  const deadlineIn = (timeoutMs: number) => deps.now().getTime() + timeoutMs;
  const waitFor = (what: string, done: () => Promise<boolean>, deadline: number, signal?: AbortSignal) =>
    waitUntil(deps, what, done, deadline, signal);

  return {
    async deleteCluster(name, options) {
      const { DeleteNodegroupCommand, DeleteFargateProfileCommand, DeleteClusterCommand } = await sdk();
      const { signal } = options;
      const progress: RetireProgress = options.onProgress ?? (() => {});
      const deadline = deadlineIn(options.timeoutMs);
      if (await clusterGone(call, name, signal)) {
        progress(`cluster ${name} is already gone`);
        return;
      }

      const nodegroups = await listNames(call, "nodegroups", name, signal);
      for (const ng of nodegroups) {
        progress(`deleting node group ${ng}`);
        await ignoring(["ResourceNotFoundException", "ResourceInUseException"], () =>
          call(
            "DeleteNodegroup",
            (c, s) =>
              c.send(new DeleteNodegroupCommand({ clusterName: name, nodegroupName: ng }), {
                abortSignal: s,
              }),
            signal,
          ),
        );
      }

      // EKS deletes one Fargate profile of a cluster at a time; the next waits for the previous to go.
      for (const fp of await listNames(call, "fargateProfiles", name, signal)) {
        progress(`deleting Fargate profile ${fp}`);
        await ignoring(["ResourceNotFoundException"], () =>
          call(
            "DeleteFargateProfile",
            (c, s) =>
              c.send(new DeleteFargateProfileCommand({ clusterName: name, fargateProfileName: fp }), {
                abortSignal: s,
              }),
            signal,
          ),
        );
        await waitFor(
          `Fargate profile ${fp} to be deleted`,
          async () => !(await listNames(call, "fargateProfiles", name, signal)).includes(fp),
          deadline,
          signal,
        );
      }

      if (nodegroups.length > 0) {
        await waitFor(
          `the node groups of ${name} to be deleted`,
          () => nodegroupsGone(call, name, signal),
          deadline,
          signal,
        );
      }

      progress(`deleting cluster ${name}`);
      await ignoring(["ResourceNotFoundException"], () =>
        call(
          "DeleteCluster",
          (c, s) => c.send(new DeleteClusterCommand({ name }), { abortSignal: s }),
          signal,
        ),
      );
      await waitFor(`cluster ${name} to be deleted`, () => clusterGone(call, name, signal), deadline, signal);
      progress(`cluster ${name} deleted`);
    },

    async scaleToZero(name, options) {
      const { UpdateNodegroupConfigCommand } = await sdk();
      const { signal } = options;
      const progress: RetireProgress = options.onProgress ?? (() => {});
      const deadline = deadlineIn(options.timeoutMs);
      const names = await listNames(call, "nodegroups", name, signal);
      for (const ng of names) {
        const current = await describeNodegroup(call, name, ng, signal);
        const scaling = current?.scalingConfig;
        if (!current || (scaling?.minSize === 0 && scaling.desiredSize === 0)) continue;
        progress(`scaling node group ${ng} to 0`);
        await call(
          "UpdateNodegroupConfig",
          (c, s) =>
            c.send(
              new UpdateNodegroupConfigCommand({
                clusterName: name,
                nodegroupName: ng,
                // maxSize must stay ≥ 1.
                scalingConfig: { minSize: 0, desiredSize: 0, maxSize: Math.max(1, scaling?.maxSize ?? 1) },
              }),
              { abortSignal: s },
            ),
          signal,
        );
      }
      for (const ng of names) {
        await waitFor(
          `node group ${ng} of ${name} to be ACTIVE at 0 nodes`,
          async () => {
            const now = await describeNodegroup(call, name, ng, signal);
            return !now || (now.status === "ACTIVE" && now.scalingConfig?.desiredSize === 0);
          },
          deadline,
          signal,
        );
      }
      progress(`node groups of ${name} scaled to 0`);
    },
  };
}

/** True when no node group is left; throws `retire-failed` (exit 4) when one is DELETE_FAILED. */
async function nodegroupsGone(call: EksCall, name: string, signal?: AbortSignal): Promise<boolean> {
  const left = await listNames(call, "nodegroups", name, signal);
  for (const ng of left) {
    const status = (await describeNodegroup(call, name, ng, signal))?.status;
    if (status === "DELETE_FAILED") {
      throw new ToolError(
        "retire-failed",
        `EKS could not delete node group ${ng} of ${name} (DELETE_FAILED).`,
        {
          hint: "Look at the node group's health issues in the console, fix them, and retire again.",
          exitCode: ExitCode.NeedsPerson,
          fault: "aws",
        },
      );
    }
  }
  return left.length === 0;
}
