/**
 * Security leftovers of issue 6: no output, log, state or lock ever holds the credentials (a whole
 * upgrade with a recognisable fake secret key and session token in the environment, under --debug);
 * state and lock files are 0600; and deleting blue is impossible without an explicit `approve`, even
 * though the plan asks for it (a plan with `retire.approval: false` and mode delete is refused), and then
 * goes in the order EKS requires.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { setup, type Env } from "./support/harness.ts";
import { lockPath } from "./support/outcome.ts";
import { reliabilityPlan } from "./support/plans.ts";

// The tests run concurrently (each waits on child processes most of the time), each in its own sandbox.
const envs: Env[] = [];
afterAll(async () => {
  await Promise.all(envs.map((e) => e.close()));
});
const track = (e: Env): Env => (envs.push(e), e);

const SECRET_KEY = "fakeSECRETkey0rel6/K7MDENG+bPxRfiCYzzzzSECRET";
const SESSION_TOKEN = "FwoGZXIvYXdzEFAKESESSIONTOKENrel6//////////wEaDPLEASEdontLEAK==";
const CREDENTIALS = {
  AWS_ACCESS_KEY_ID: "AKIAFAKEREL6EXAMPLE",
  AWS_SECRET_ACCESS_KEY: SECRET_KEY,
  AWS_SESSION_TOKEN: SESSION_TOKEN,
};

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

function expectNoSecret(label: string, text: string): void {
  for (const secret of [SECRET_KEY, SESSION_TOKEN, SECRET_KEY.slice(0, 16), SESSION_TOKEN.slice(0, 16)]) {
    expect(text.includes(secret), `${label} contains a credential`).toBe(false);
  }
}

describe("security", () => {
  it.concurrent(
    "no output, debug log, state or lock holds the credentials; files are 0600",
    async () => {
      const env = track(await setup(reliabilityPlan({ zones: [1, 1], retire: { blueRecords: "delete" } })));
      const outputs: [string, string][] = [];
      // A killed run leaves its lock and state behind: both are read below.
      const killed = await env.cli(["--debug", "advance", env.planFile], {
        ...CREDENTIALS,
        EKS_BLUEGREEN_CRASH_AT: "before-unlock",
      });
      expect(killed.signal).toBe("SIGKILL");
      outputs.push(["killed advance", killed.stdout + killed.stderr]);
      const lock = await readFile(lockPath(env), "utf8");
      expectNoSecret("lock.json", lock);
      expect((await stat(lockPath(env))).mode & 0o777).toBe(0o600);

      for (const args of [
        ["--debug", "run", env.planFile],
        ["--debug", "--output", "json", "status", env.planFile],
        ["--debug", "--output", "json", "history", env.planFile],
        ["--debug", "history", env.planFile],
        ["--debug", "--output", "json", "advance", "missing.yaml"],
      ]) {
        const r = await env.cli(args, CREDENTIALS);
        outputs.push([args.join(" "), r.stdout + r.stderr]);
      }
      expect(outputs[1]![1]).toMatch(/completed/);
      // Throttled and failing calls put AWS errors into the debug log: they must not carry the secret either.
      env.sandbox.faults.throttle(0.5);
      const noisy = await env.cli(["--debug", "--output", "json", "status", env.planFile], CREDENTIALS);
      env.sandbox.faults.reset();
      outputs.push(["status under throttling", noisy.stdout + noisy.stderr]);
      expect(noisy.stderr).toMatch(/retry/);

      for (const [label, text] of outputs) expectNoSecret(label, text);
      const files = await filesUnder(join(env.dir, ".eks-bluegreen"));
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        expectNoSecret(file, await readFile(file, "utf8"));
        if (/state\.json$|lock\.json$/.test(file)) expect((await stat(file)).mode & 0o777).toBe(0o600);
      }
      expect((await stat(join(env.dir, ".eks-bluegreen/rel"))).mode & 0o777).toBe(0o700);
    },
    90_000,
  );

  it.concurrent(
    "deleting blue waits for `approve` (no plan setting waives it), then goes in EKS order",
    async () => {
      const retire = { mode: "delete" as const, after: "1s", approval: true, blueRecords: "keep" as const };
      const env = track(await setup(reliabilityPlan({ zones: [1], bake: "0s", retire }), { eksDelayMs: 0 }));
      const e = env;
      // A plan that tries to waive it is refused before anything happens.
      await env.writePlan(
        reliabilityPlan({ zones: [1], bake: "0s", retire: { ...retire, approval: false } }),
      );
      const waived = await env.cli(["advance", env.planFile]);
      expect(waived.code).toBe(2);
      expect(waived.stderr).toMatch(/approval cannot be false with mode delete/);
      await env.writePlan(reliabilityPlan({ zones: [1], bake: "0s", retire }));

      const blue = () => e.sandbox.world.eks.cluster("shop-blue");
      const run = env.spawnCli(["run", env.planFile]);
      let phase = "";
      for (let i = 0; i < 100 && phase !== "waiting-to-retire"; i++) {
        await new Promise((done) => setTimeout(done, 200));
        const st = await env.cli(["--output", "json", "status", env.planFile]);
        expect(st.code, st.stdout + st.stderr).toBe(0);
        phase = st.json?.phase;
      }
      expect(phase).toBe("waiting-to-retire");
      // Well past retire.after: still waiting, blue untouched.
      await new Promise((done) => setTimeout(done, 1500));
      const status = await env.cli(["--output", "json", "status", env.planFile]);
      expect(status.json.phase).toBe("waiting-to-retire");
      expect(status.json.reason).toMatch(/approve/);
      expect(blue()?.status).toBe("ACTIVE");
      expect(env.sandbox.calls.filter((c) => c.operation.startsWith("Delete"))).toEqual([]);
      expect(run.child.exitCode).toBeNull();

      const approve = await env.cli(["approve", env.planFile, "--by", "release-manager"]);
      expect(approve.code, approve.stderr).toBe(0);
      const done = await run.done;
      expect(done.code, done.stderr).toBe(0);
      expect(blue()).toBeUndefined();
      const deletes = env.sandbox.calls
        .filter((c) => c.operation.startsWith("Delete"))
        .map((c) => c.operation);
      expect(deletes).toContain("DeleteNodegroup");
      expect(deletes).toContain("DeleteFargateProfile");
      expect(deletes[deletes.length - 1]).toBe("DeleteCluster");
      expect(deletes.filter((d) => d === "DeleteCluster")).toHaveLength(1);
      const h = await env.cli(["--output", "json", "history", env.planFile]);
      const approved = h.json.events.find((ev: { type: string }) => ev.type === "approved");
      expect(approved.evidence.approvedBy).toBe("release-manager");
    },
    90_000,
  );
});
