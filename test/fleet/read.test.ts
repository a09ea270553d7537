/** Reading many plans' states: S3 on the sandbox through the one retry layer, a bounded pool, damaged rows. */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";
import { newState, serializeState } from "../../src/engine/state.ts";
import { mapPool, readFleet } from "../../src/fleet/read.ts";
import type { FleetPlan } from "../../src/fleet/schema.ts";
import { parsePlan } from "../../src/plan/load.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { fleetPlan } from "./support.ts";

const BUCKET = "fleet-state";
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.world.s3.createBucket(BUCKET);
  // The SDK reads credentials from process.env.
  for (const [k, v] of Object.entries(sandbox.env)) vi.stubEnv(k, v);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sandbox.close();
});

function s3Plans(n: number): FleetPlan[] {
  return Array.from({ length: n }, (_, i) => {
    const name = `app-${i}`;
    const doc = fleetPlan(name, {
      state: { backend: "s3", bucket: BUCKET, key: `upgrades/${name}/state.json` },
    });
    const plan = parsePlan(stringify(doc), `${name}.yaml`);
    return { name, ref: `${name}.yaml`, file: `${name}.yaml`, wave: 0, plan };
  });
}

describe("readFleet", () => {
  it("reads 40 S3 states through one retry layer: started, not started, damaged (never an abort)", async () => {
    const plans = s3Plans(40);
    plans.forEach((p, i) => {
      const key = `upgrades/${p.name}/state.json`;
      if (i % 3 === 0) return; // not started
      if (i === 4) return void sandbox.world.s3.put(BUCKET, key, "{ truncated");
      const state = {
        ...newState(p.plan, new Date("2026-01-01T00:00:00Z")),
        phase: "baking" as const,
        step: 1,
        writtenGreen: 10,
      };
      sandbox.world.s3.put(BUCKET, key, serializeState(state));
    });
    sandbox.faults.throttle(1, { service: "s3", times: 6 });
    const retries: unknown[] = [];
    const calls = sandbox.calls.length;
    const readings = await readFleet(plans, {
      cwd: process.cwd(),
      aws: { endpointUrl: sandbox.endpoint },
      env: sandbox.env,
      concurrency: 8,
      onRetry: (info) => retries.push(info),
    });
    expect(retries.length).toBe(6);
    expect(readings.map((r) => r.plan.name)).toEqual(plans.map((p) => p.name));
    expect(readings[0]!.summary).toEqual({ kind: "not-started" });
    expect(readings[1]!.summary).toMatchObject({ kind: "started", phase: "baking", step: 1, green: 10 });
    expect(readings[4]!.summary).toMatchObject({ kind: "damaged", code: "state-damaged" });
    expect(readings[4]!.location).toBe(`s3://${BUCKET}/upgrades/app-4/state.json`);
    // One GetObject per state (a bake's lock is not read), plus the retries.
    const gets = sandbox.calls.slice(calls).filter((c) => c.operation === "GetObject").length;
    expect(gets).toBe(40 + 6);
  });

  it("an unreadable bucket is a damaged row with the AWS code", async () => {
    const plans = s3Plans(2).map((p) => ({
      ...p,
      plan: {
        ...p.plan,
        doc: { ...p.plan.doc, state: { backend: "s3" as const, bucket: "no-such-bucket", key: "k" } },
      },
    }));
    const readings = await readFleet(plans, {
      cwd: process.cwd(),
      aws: { endpointUrl: sandbox.endpoint },
      env: sandbox.env,
    });
    expect(readings.map((r) => r.summary.kind)).toEqual(["damaged", "damaged"]);
    expect(readings[0]!.summary).toMatchObject({ code: "aws-error" });
  });

  it("mapPool keeps at most `limit` calls in flight and the input order", async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapPool([...Array(50).keys()], 16, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((done) => setTimeout(done, (i * 7) % 5));
      inFlight--;
      return i * 2;
    });
    expect(most).toBe(16);
    expect(out).toEqual([...Array(50).keys()].map((i) => i * 2));
  });
});
