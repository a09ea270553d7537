// The retirer's waits run on an injected clock and sleep: these tests drive EKS's slow deletes and the
// deadline without waiting. EKS itself is a tiny in-memory fake behind a pass-through caller.
import { describe, expect, it } from "vitest";
import type { EKSClient } from "@aws-sdk/client-eks";
import { createClustersPort } from "../../src/aws/eks.ts";
import type { Caller } from "../../src/aws/retry.ts";
import { AwsError, ExitCode, ToolError } from "../../src/errors.ts";

/** A cluster that stays for `describesUntilGone` DescribeCluster answers after DeleteCluster. */
function fakeEks(opts: { describesUntilGone: number }) {
  const calls: string[] = [];
  let deleted = false;
  let describesAfterDelete = 0;
  const client = {
    async send(command: { constructor: { name: string } }) {
      const op = command.constructor.name.replace(/Command$/, "");
      calls.push(op);
      switch (op) {
        case "DescribeCluster":
          if (deleted && ++describesAfterDelete > opts.describesUntilGone) {
            throw new AwsError({ awsCode: "ResourceNotFoundException", message: "gone", operation: op });
          }
          return { cluster: { name: "blue", status: deleted ? "DELETING" : "ACTIVE" } };
        case "ListNodegroups":
          return { nodegroups: [] };
        case "ListFargateProfiles":
          return { fargateProfileNames: [] };
        case "DeleteCluster":
          deleted = true;
          return {};
        default:
          throw new Error(`unexpected ${op}`);
      }
    },
  };
  return { client: client as unknown as EKSClient, calls };
}

const passThrough: Caller = { call: (_operation, fn, signal) => fn(signal) };

/** A clock that moves only when the retirer sleeps; every sleep is recorded. */
function fakeTime(start = Date.UTC(2026, 0, 1)) {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(t),
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      t += ms;
    },
  };
}

describe("EKS retirer with an injected clock and sleep", () => {
  it("polls with growing delays until the cluster is gone, without real waiting", async () => {
    const eks = fakeEks({ describesUntilGone: 3 });
    const time = fakeTime();
    const progress: string[] = [];
    const port = createClustersPort({
      client: async () => eks.client,
      caller: passThrough,
      poll: { initialMs: 1_000, factor: 2, maxMs: 3_000 },
      now: time.now,
      sleep: time.sleep,
    });
    await port.deleteCluster("blue", { timeoutMs: 60_000, onProgress: (m) => progress.push(m) });
    expect(time.sleeps).toEqual([1_000, 2_000, 3_000]);
    expect(eks.calls.filter((c) => c === "DescribeCluster")).toHaveLength(5);
    expect(progress).toEqual(["deleting cluster blue", "cluster blue deleted"]);
  });

  it("stops at the deadline measured on the injected clock: retire-timeout, exit 4", async () => {
    const eks = fakeEks({ describesUntilGone: Number.POSITIVE_INFINITY });
    const time = fakeTime();
    const port = createClustersPort({
      client: async () => eks.client,
      caller: passThrough,
      poll: { initialMs: 4_000, factor: 1.5, maxMs: 30_000 },
      now: time.now,
      sleep: time.sleep,
    });
    const error = await port.deleteCluster("blue", { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({ code: "retire-timeout", exitCode: ExitCode.NeedsPerson });
    // 4 s, then 6 s would pass the deadline: the last sleep is cut to what is left.
    expect(time.sleeps).toEqual([4_000, 6_000]);
  });

  it("passes the abort signal to the sleep, which ends the wait", async () => {
    const eks = fakeEks({ describesUntilGone: Number.POSITIVE_INFINITY });
    const controller = new AbortController();
    const reason = new Error("interrupted");
    const port = createClustersPort({
      client: async () => eks.client,
      caller: passThrough,
      now: () => new Date(0),
      sleep: async (_ms, signal) => {
        controller.abort(reason);
        if (signal?.aborted) throw signal.reason;
      },
    });
    await expect(port.deleteCluster("blue", { timeoutMs: 60_000, signal: controller.signal })).rejects.toBe(
      reason,
    );
  });
});
