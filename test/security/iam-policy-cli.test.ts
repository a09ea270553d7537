/**
 * `eks-bluegreen iam-policy` as a user runs it (`npm run build` first), against the sandbox: the account
 * id comes from STS GetCallerIdentity and zones given by name are looked up; no secret reaches the output.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { loadPlan } from "../../src/plan/load.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import type { PolicyDocument } from "../../src/security/iam-policy.ts";

const BIN = join(process.cwd(), "bin/eks-bluegreen.js");
const PLAN = "plans/s3-state.yaml";
const SECRET = "FAKE-SESSION-TOKEN-a7f3c9e1-must-never-appear";
let sandbox: Sandbox;

async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("iam-policy (built CLI) against the sandbox", () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ accountId: "210987654321", region: "eu-central-1" });
    seedFromPlan(sandbox, (await loadPlan(PLAN)).doc);
  });
  afterAll(async () => sandbox?.close());

  it("asks STS for the account and Route 53 for the zone id", async () => {
    const r = await cli(["iam-policy", PLAN, "-o", "json"], {
      ...sandbox.env,
      AWS_SESSION_TOKEN: SECRET,
    });
    // Under --output json each message is one JSON line on stderr, with its code.
    const messages = r.stderr
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { code: string; level: string; text: string });
    expect(messages).toEqual([
      {
        code: "iam-policy-written",
        level: "result",
        text: expect.stringMatching(
          /^Least-privilege IAM policy for plan search-1-32 in account 210987654321/,
        ),
      },
    ]);
    expect(r.code).toBe(0);
    const policy = JSON.parse(r.stdout) as PolicyDocument;
    const text = JSON.stringify(policy);
    expect(text).toContain("arn:aws:eks:eu-central-1:210987654321:cluster/search-1-32");
    expect(text).toMatch(/arn:aws:route53:::hostedzone\/Z[A-Z0-9]+"/);
    expect(text).not.toContain("ZONE_ID_OF_");
    const calls = sandbox.calls.map((c) => c.operation);
    expect(calls).toContain("GetCallerIdentity");
    expect(calls).toContain("ListHostedZonesByName");
    for (const out of [r.stdout, r.stderr]) {
      expect(out).not.toContain(SECRET);
      expect(out).not.toContain(sandbox.env.AWS_SECRET_ACCESS_KEY);
    }
  });

  it("with --account-id and an unreachable AWS, still prints the policy, with placeholders and a warning", async () => {
    const r = await cli(["iam-policy", PLAN, "--account-id", "123456789012"], {
      ...sandbox.env,
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    });
    expect(r.code).toBe(0);
    // Plain text: the words alone, no code.
    expect(r.stderr).toMatch(/^warning: could not look up hosted zones by name/m);
    expect(r.stderr).not.toContain("iam-zone-lookup-failed");
    expect(JSON.parse(r.stdout)).toMatchObject({ Version: "2012-10-17" });
    expect(r.stdout).toContain("hostedzone/ZONE_ID_OF_EXAMPLE.COM");
    expect(r.stderr).not.toMatch(/^\s+at .+[:(]/m);
  });

  it("with --debug, each message line carries its code; the policy on stdout is unchanged", async () => {
    const env = { ...sandbox.env, AWS_ENDPOINT_URL: "http://127.0.0.1:9" };
    const plain = await cli(["iam-policy", PLAN, "--account-id", "123456789012"], env);
    const r = await cli(["--debug", "iam-policy", PLAN, "--account-id", "123456789012"], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stderr).toMatch(/^warning \[iam-zone-lookup-failed\]: could not look up hosted zones by name/m);
    expect(r.stderr).toMatch(/^warning \[iam-zone-placeholders\]: Replace the placeholder/m);
    expect(r.stderr).toMatch(/^info \[iam-policy-written\]: Least-privilege IAM policy/m);
  });
});
