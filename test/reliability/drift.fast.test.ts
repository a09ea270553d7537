/**
 * Drift: weights edited by hand between two ticks pause the upgrade (exit 4) and nothing is written
 * over them; a writer that keeps putting the old weights back (a misconfigured ExternalDNS) is reported
 * as a fight over the records after the second drift, and the tool stops adopting instead of looping.
 */
import { afterAll, describe, expect, it } from "vitest";
import { recordFigure } from "./support/figures.ts";
import { setup, type Env } from "./support/harness.ts";
import { liveWeights } from "./support/outcome.ts";
import { reliabilityPlan, type PlanShape } from "./support/plans.ts";
import { watchWorld } from "./support/world-log.ts";

// The tests run concurrently (each waits on child processes most of the time), each in its own sandbox.
const envs: Env[] = [];
afterAll(async () => {
  await Promise.all(envs.map((e) => e.close()));
});
const track = (e: Env): Env => (envs.push(e), e);

const SHAPE: PlanShape = { zones: [2, 1] };

function setWeights(e: Env, pairIndex: number, blue: number, green: number): void {
  const r53 = e.sandbox.world.route53;
  const zone = r53.zoneByName("zone0.example.com")!;
  const name = `r${pairIndex}.zone0.example.com`;
  r53.setWeight(zone.id, name, "A", `r${pairIndex}-blue`, blue);
  r53.setWeight(zone.id, name, "A", `r${pairIndex}-green`, green);
}

describe("drift", () => {
  it.concurrent(
    "a hand edit between ticks pauses (exit 4) and is never overwritten",
    async () => {
      const env = track(await setup(reliabilityPlan({ ...SHAPE, bake: "0s" })));
      const log = watchWorld(env.sandbox);
      let r = await env.cli(["--output", "json", "advance", env.planFile]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.json.step).toBe(1);

      setWeights(env, 0, 70, 30);
      const changesAtEdit = log.changes.length;
      for (const command of ["advance", "run", "advance"]) {
        r = await env.cli(["--output", "json", command, env.planFile]);
        expect(r.code, `${command}: ${r.stdout}${r.stderr}`).toBe(4);
        expect(r.json.phase).toBe("paused");
        expect(r.json.reason).toMatch(/[Dd]rift/);
        expect(r.json.reason).toMatch(/r0\.zone0\.example\.com/);
      }
      expect(log.changes.length).toBe(changesAtEdit);
      expect(liveWeights(env, SHAPE).get("r0.zone0.example.com")).toEqual({ blue: 70, green: 30 });
      expect(liveWeights(env, SHAPE).get("r1.zone0.example.com")).toEqual({ blue: 90, green: 10 });
    },
    60_000,
  );

  it.concurrent(
    "a writer that keeps restoring the old weights is called a fight over the records, not looped on",
    async () => {
      // Step 1 bakes 0s, so right after adopting the tool would move on, and the writer undoes it.
      const env = track(await setup(reliabilityPlan({ ...SHAPE, bake: "0s" })));
      const e = env;
      const log = watchWorld(env.sandbox);
      let r = await env.cli(["--output", "json", "advance", env.planFile]);
      expect(r.code, r.stderr).toBe(0);

      // ExternalDNS-like: every 300 ms, puts blue 100 / green 0 back on every pair.
      const restore = () => {
        const r53 = e.sandbox.world.route53;
        for (const z of r53.zones()) {
          for (const rec of r53.records(z.id)) {
            if (rec.SetIdentifier?.endsWith("-blue")) rec.Weight = 100;
            if (rec.SetIdentifier?.endsWith("-green")) rec.Weight = 0;
          }
        }
      };
      restore();
      const writer = setInterval(restore, 300);
      const transcript: string[] = [];
      let fightAt = -1;
      try {
        for (let i = 0; i < 12 && fightAt < 0; i++) {
          r = await env.cli(["--output", "json", "advance", env.planFile]);
          transcript.push(`advance→${r.code}`);
          if (r.code === 4 && r.json?.phase === "paused") {
            r = await env.cli(["--output", "json", "resume", env.planFile, "--adopt"]);
            transcript.push(`resume --adopt→${r.code}${r.code === 1 ? ` ${r.stdout}${r.stderr}` : ""}`);
            const text = JSON.stringify(r.json);
            if (/keeps? (re)?writ|fight/i.test(text)) fightAt = log.changes.length;
          }
          await new Promise((done) => setTimeout(done, 350));
        }
        expect(fightAt, transcript.join(", ")).toBeGreaterThanOrEqual(0);
        expect(r.code).toBe(4);
        expect(JSON.stringify(r.json)).toMatch(/something keeps rewriting the records/i);
        // Once the fight is named, neither command writes again while the writer runs.
        for (const command of ["advance", "resume --adopt", "advance"]) {
          const res = await env.cli([
            "--output",
            "json",
            ...command.split(" ").slice(0, 1),
            env.planFile,
            ...command.split(" ").slice(1),
          ]);
          transcript.push(`${command}→${res.code}`);
          expect(res.code, res.stdout).toBe(4);
        }
        expect(log.changes.length).toBe(fightAt);
      } finally {
        clearInterval(writer);
      }
      recordFigure("drift", "fight transcript", transcript.join(", "));
    },
    90_000,
  );
});
