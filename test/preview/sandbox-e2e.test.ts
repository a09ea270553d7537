/**
 * `plan` without --offline, end to end: the built CLI against the local sandbox over the real AWS
 * protocols (`npm run build` first). Proves the preview reads and never writes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, seedFromPlan, type Sandbox } from "../../src/sandbox/index.ts";
import { loadPlan } from "../../src/plan/load.ts";

const BIN = join(process.cwd(), "bin/eks-bluegreen.js");
const dir = mkdtempSync(join(tmpdir(), "plan-e2e-"));

/** Async on purpose: the sandbox answers from this process's event loop. */
function cli(env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      { env: { ...process.env, ...env } },
      (_e, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

/** production.yaml without its roleArn: the sandbox's STS does not assume roles. */
function productionWithoutRole(): string {
  const path = join(dir, "production.yaml");
  writeFileSync(path, readFileSync("plans/production.yaml", "utf8").replace(/^roleArn: .*\n/m, ""));
  return path;
}

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function seeded(file: string): Promise<Sandbox> {
  sandbox = await startSandbox();
  seedFromPlan(sandbox, (await loadPlan(file)).doc);
  return sandbox;
}

describe("eks-bluegreen plan against the sandbox", () => {
  it.each([["plans/minimal.yaml"], [productionWithoutRole()]])(
    "previews %s live and exactly, exit 0, with no mutating AWS call",
    async (file) => {
      const sb = await seeded(file);
      const r = await cli(sb.env, "--output", "json", "plan", file);
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.mode).toBe("live");
      expect(doc.changeBatches.exact).toBe(true);
      expect(doc.summary.errors).toBe(0);
      expect(doc.findings.map((f: { code: string }) => f.code)).toContain("record-found");
      const step1 = doc.changeBatches.steps[0].batches[0].changes[0].ResourceRecordSet;
      expect(typeof step1.TTL).toBe("number");
      const operations = sb.calls.map((c) => `${c.service}:${c.operation}`);
      expect(operations).toEqual(
        expect.arrayContaining(["route53:ListResourceRecordSets", "eks:DescribeCluster"]),
      );
      expect(sb.calls.filter((c) => c.mutating)).toEqual([]);
    },
  );

  it("exits 4 with the reason when an alarm is already firing, still without writing", async () => {
    const sb = await seeded("plans/minimal.yaml");
    sb.world.cloudwatch.setAlarmState("shop-5xx-rate", "ALARM", "5xx above 1%");
    const r = await cli(sb.env, "plan", "plans/minimal.yaml");
    expect(r.code).toBe(4);
    expect(r.stdout).toContain("alarm-firing");
    expect(r.stdout).toContain("5xx above 1%");
    expect(sb.calls.filter((c) => c.mutating)).toEqual([]);
  });

  it("reports a missing green cluster and a missing record as errors", async () => {
    const sb = await seeded("plans/minimal.yaml");
    const other = join(dir, "other.yaml");
    writeFileSync(
      other,
      readFileSync("plans/minimal.yaml", "utf8")
        .replace("name: shop-1-31\n    kubernetesVersion", "name: nowhere\n    kubernetesVersion")
        .replace("green: shop-green", "green: shop-purple"),
    );
    const r = await cli(sb.env, "-o", "json", "plan", other);
    expect(r.code).toBe(4);
    const codes = JSON.parse(r.stdout).findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(["green-cluster-missing", "record-missing"]));
    expect(sb.calls.filter((c) => c.mutating)).toEqual([]);
  });
});
