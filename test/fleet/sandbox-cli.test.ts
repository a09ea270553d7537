/** `sandbox --fleet` and `sandbox --plan A --plan B` through the built CLI, then `fleet status` on S3 state. */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, ensureBuilt, ROOT } from "../cli/harness.ts";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGTERM");
});

async function sandbox(
  args: string[],
): Promise<{ env: Record<string, string>; seeded: Record<string, number>; plan: string }> {
  ensureBuilt();
  const child = spawn(process.execPath, [BIN, "--output", "json", "sandbox", ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 300; i++) {
    try {
      return JSON.parse(out);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error("the sandbox did not start");
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function cli(args: string[], env: Record<string, string>): Promise<{ code: number; json: any }> {
  return new Promise((done) =>
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? "", ...env } },
      (error, stdout) => done({ code: error ? Number(error.code ?? 1) : 0, json: JSON.parse(stdout) }),
    ),
  );
}

describe("sandbox with several plans", () => {
  it("--fleet seeds every plan of the fleet; fleet status then reads their S3 states", async () => {
    const s = await sandbox(["--fleet", "plans/fleet/fleet.yaml"]);
    expect(s.seeded).toMatchObject({ clusters: 6, hostedZones: 3, buckets: 1 });
    expect(s.plan).toBe("plans/fleet/dev.yaml, plans/fleet/staging.yaml, plans/fleet/prod.yaml");
    const status = await cli(["-o", "json", "fleet", "status", "plans/fleet/fleet.yaml"], s.env);
    expect(status.code).toBe(0);
    expect(
      status.json.upgrades.map((u: { phase: string; location: string }) => [u.phase, u.location]),
    ).toEqual([
      ["pending", "s3://example-eks-bluegreen-state/fleets/shop-1-31/dev.json"],
      ["pending", "s3://example-eks-bluegreen-state/fleets/shop-1-31/staging.json"],
      ["pending", "s3://example-eks-bluegreen-state/fleets/shop-1-31/prod.json"],
    ]);
  });

  it("--plan twice seeds both plans", async () => {
    const s = await sandbox(["--plan", "plans/minimal.yaml", "--plan", "plans/s3-state.yaml"]);
    expect(s.seeded).toMatchObject({ clusters: 4, buckets: 1 });
  });
});
