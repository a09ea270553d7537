import { afterAll, describe, expect, it } from "vitest";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runIamPolicy, type IamLookups } from "../../src/cli/commands/iam-policy.ts";
import { testContext } from "../support/context.ts";
import { AwsError, ExitCode, type ToolError } from "../../src/errors.ts";
import type { PolicyDocument } from "../../src/security/iam-policy.ts";

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function planFile(records: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ebg-iam-"));
  dirs.push(dir);
  const file = join(dir, "plan.yaml");
  await writeFile(
    file,
    `apiVersion: eks-bluegreen/v1
metadata: { name: shop }
region: eu-west-1
clusters:
  blue: { name: shop-1-30 }
  green: { name: shop-1-31, kubernetesVersion: "1.31" }
traffic:
  records:
${records}
steps: [{ green: 100 }]
alarms: { names: [shop-5xx] }
`,
  );
  return file;
}

const BY_ID = "    - { zoneId: Z0AAA, name: shop.example.com, blue: b, green: g }";
const BY_NAME = "    - { zoneName: example.com, name: shop.example.com, blue: b, green: g }";

const context = (output: "text" | "json" = "text") => testContext(output, "2026-03-01T10:00:00Z");

function lookups(over: Partial<IamLookups> = {}): IamLookups & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    accountId: over.accountId ?? (async () => (calls.push("sts"), "999988887777")),
    zoneIds: over.zoneIds ?? (async () => (calls.push("zones"), new Map([["example.com", "Z0FOUND"]]))),
  };
}

const failing = (code: string) => async (): Promise<never> => {
  throw new AwsError({ awsCode: code, message: "no way", operation: "x" });
};

describe("iam-policy command", () => {
  it("with --account-id and zone ids in the plan, asks AWS nothing", async () => {
    const { ctx, out } = context();
    const l = lookups();
    const result = await runIamPolicy({ file: await planFile(BY_ID), accountId: "123456789012" }, ctx, l);
    expect(l.calls).toEqual([]);
    expect(result.exitCode).toBe(ExitCode.Ok);
    const printed = out.lines.filter((x) => x.stream === "print").map((x) => x.text);
    expect(printed).toHaveLength(1);
    expect(JSON.parse(printed[0]!)).toEqual(result.json);
    expect(printed[0]).toContain("arn:aws:eks:eu-west-1:123456789012:cluster/shop-1-30");
    expect(out.lines.filter((x) => x.stream === "info").map((x) => x.code)).toEqual(["iam-policy-written"]);
  });

  it("without --account-id, takes the account from STS; zones by name are looked up", async () => {
    const { ctx } = context("json");
    const l = lookups();
    const result = await runIamPolicy({ file: await planFile(BY_NAME) }, ctx, l);
    expect(l.calls.sort()).toEqual(["sts", "zones"]);
    const text = JSON.stringify(result.json as PolicyDocument);
    expect(text).toContain(":999988887777:cluster/shop-1-31");
    expect(text).toContain("hostedzone/Z0FOUND");
  });

  it("a failed zone lookup leaves a placeholder and says so", async () => {
    const { ctx, out } = context();
    const result = await runIamPolicy(
      { file: await planFile(BY_NAME), accountId: "123456789012" },
      ctx,
      lookups({ zoneIds: failing("AccessDenied") }),
    );
    expect(result.exitCode).toBe(ExitCode.Ok);
    expect(JSON.stringify(result.json)).toContain("hostedzone/ZONE_ID_OF_EXAMPLE.COM");
    const warnings = out.lines.filter((x) => x.stream === "warn");
    expect(warnings.map((x) => x.code)).toEqual(["iam-zone-lookup-failed", "iam-zone-placeholders"]);
    expect(warnings.map((x) => x.text).join("\n")).toMatch(/Replace the placeholder/);
  });

  it("a failed STS call is exit 4 with the --account-id hint", async () => {
    const { ctx } = context();
    const error = (await runIamPolicy(
      { file: await planFile(BY_ID) },
      ctx,
      lookups({ accountId: failing("ExpiredToken") }),
    ).catch((e: unknown) => e)) as ToolError;
    expect(error).toBeInstanceOf(AwsError);
    expect(error.exitCode).toBe(ExitCode.NeedsPerson);
    expect(error.message).toContain("sts:GetCallerIdentity");
    expect(error.hint).toContain("--account-id");
  });

  it("rejects a malformed --account-id with exit 2 before reading anything", async () => {
    const { ctx } = context();
    const error = (await runIamPolicy({ file: "missing.yaml", accountId: "12-34" }, ctx, lookups()).catch(
      (e: unknown) => e,
    )) as ToolError;
    expect(error.exitCode).toBe(ExitCode.Usage);
    expect(error.message).toMatch(/12-digit/);
  });
});
