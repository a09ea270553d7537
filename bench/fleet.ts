/**
 * Fleets: `fleet status` (the built CLI) over 10, 50 and 200 upgrades whose state is in S3 on the
 * sandbox; a third not started, the rest baking. Wall time (median of 3) and the S3 calls of one run.
 * Goal: 200 upgrades ≤ 2 s.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { newState, serializeState } from "../src/engine/state.ts";
import { parsePlan } from "../src/plan/load.ts";
import { startSandbox } from "../src/sandbox/index.ts";
import { runCli } from "./lib/cli.ts";
import { median } from "./lib/stats.ts";
import type { Bench, Figure } from "./run.ts";

export const FLEET_SIZES = [10, 50, 200];
const BUCKET = "fleet-bench-state";
const RUNS = 3;

function plan(name: string) {
  return {
    apiVersion: "eks-bluegreen/v1",
    metadata: { name },
    region: "us-east-1",
    clusters: { blue: { name: `${name}-blue` }, green: { name: `${name}-green`, kubernetesVersion: "1.31" } },
    traffic: { records: [{ zoneName: "example.com", name: `${name}.example.com`, blue: "b", green: "g" }] },
    steps: [{ green: 10 }, { green: 100 }],
    alarms: { names: [`${name}-5xx`] },
    state: { backend: "s3", bucket: BUCKET, key: `fleet/${name}.json` },
  };
}

async function measure(size: number): Promise<Figure[]> {
  const sandbox = await startSandbox();
  const dir = await mkdtemp(join(tmpdir(), "ebg-bench-fleet-"));
  try {
    sandbox.world.s3.createBucket(BUCKET);
    const names = Array.from({ length: size }, (_, i) => `app-${String(i).padStart(3, "0")}`);
    for (const [i, name] of names.entries()) {
      const doc = plan(name);
      await writeFile(join(dir, `${name}.yaml`), stringify(doc));
      if (i % 3 === 0) continue; // not started
      const compiled = parsePlan(stringify(doc), `${name}.yaml`);
      const state = {
        ...newState(compiled, new Date()),
        phase: "baking" as const,
        step: 1,
        writtenGreen: 10,
      };
      sandbox.world.s3.put(BUCKET, `fleet/${name}.json`, serializeState(state));
    }
    // Three waves, as a campaign would have them.
    const third = Math.ceil(size / 3);
    const waves = [0, 1, 2].map((w) => ({
      name: `wave-${w + 1}`,
      plans: names.slice(w * third, (w + 1) * third).map((n) => `${n}.yaml`),
    }));
    await writeFile(
      join(dir, "fleet.yaml"),
      stringify({
        apiVersion: "eks-bluegreen/v1",
        kind: "Fleet",
        metadata: { name: "bench" },
        waves: waves.filter((w) => w.plans.length > 0),
      }),
    );
    const env = sandbox.env;
    const wall: number[] = [];
    let calls = 0;
    let code = 0;
    for (let i = 0; i < RUNS; i++) {
      const before = sandbox.calls.length;
      const r = await runCli(["--output", "json", "fleet", "status", "fleet.yaml"], { cwd: dir, env });
      code = r.code;
      wall.push(r.wallMs);
      calls = sandbox.calls.slice(before).filter((c) => c.service === "s3").length;
    }
    return [
      {
        name: `fleet status: ${size} upgrades, S3 state on the sandbox (median of ${RUNS})`,
        value: median(wall),
        unit: "ms",
        ...(size === 200 ? { goal: 2000 } : {}),
        note: `exit ${code}; a third not started, the rest baking`,
      },
      {
        name: `fleet status: ${size} upgrades, S3 calls of one run`,
        value: calls,
        unit: "count",
        note: "one GetObject per state; a lock only where a tick waits inside it",
      },
    ];
  } finally {
    await sandbox.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export const bench: Bench = {
  name: "fleet",
  async run() {
    const figures: Figure[] = [];
    for (const size of FLEET_SIZES) figures.push(...(await measure(size)));
    return figures;
  },
};
