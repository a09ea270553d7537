/** The audit as a user runs it: the built CLI, against manifest files and against the sandbox's green cluster. */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedFromPlan, startSandbox } from "../../src/sandbox/index.ts";
import { attachKubernetes } from "../../src/sandbox/k8s/attach.ts";
import { loadPlan } from "../../src/plan/load.ts";
import { freePort } from "../support/moto.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const BIN = join(ROOT, "bin/eks-bluegreen.js");
const run = promisify(execFile);

async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run("node", [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
const PLAN = (extra: string) => `apiVersion: eks-bluegreen/v1
metadata: { name: shop }
region: us-east-1
clusters:
  blue: { name: shop-blue }
  green: { name: shop-green, kubernetesVersion: "1.31" }
traffic:
  records: [{ zoneName: example.com, name: shop.example.com, blue: blue, green: green }]
steps: [{ green: 100, bake: 1m }]
${extra}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ebg-audit-cli-"));
  await writeFile(
    join(dir, "plan.yaml"),
    PLAN("health:\n  audit:\n    critical: [shop/checkout]\n    block: [no-spread]\n"),
  );
});

describe("eks-bluegreen audit --manifests", () => {
  test("prints the findings an engineer expects of the example shop, and exits 4 on removed APIs", async () => {
    const { code, stdout, stderr } = await cli(["audit", "--manifests", "plans/manifests"]);
    expect(stderr).toBe("");
    expect(code).toBe(4);
    expect(stdout).toContain(
      "Audit of plans/manifests (14 objects) against Kubernetes 1.34: 3 errors, 5 warnings, 1 info",
    );
    const rows = stdout
      .split("\n")
      .filter((l) => /^(error|warning|info) /.test(l))
      .map((l) =>
        l
          .split(/\s{2,}/)
          .slice(0, 3)
          .join(" | "),
      );
    expect(rows).toEqual([
      "error | removed-api | cronjob/shop/nightly-report",
      "error | removed-api | ingress/shop/admin",
      "error | removed-api | poddisruptionbudget/shop/checkout",
      "warning | no-readiness-probe | deployment/shop/checkout",
      "warning | no-pdb | deployment/shop/payments",
      "warning | no-spread | deployment/shop/payments",
      "warning | single-replica | deployment/shop/recommendations",
      "warning | pdb-blocks-drain | statefulset/shop/orders-db",
      "info | no-liveness-probe | deployment/shop/checkout",
    ]);
    // The well-configured storefront and the DaemonSet have nothing to fix.
    expect(stdout).not.toContain("storefront");
    expect(stdout).not.toContain("fluent-bit");
    expect(stdout).toContain("batch/v1beta1, which Kubernetes 1.25 removed (target 1.34): use batch/v1");
    expect(stdout).toContain("3 blocking findings");
  });

  test("--output json gives {findings} and the same exit code", async () => {
    const { code, stdout } = await cli(["--output", "json", "audit", "--manifests", "plans/manifests"]);
    expect(code).toBe(4);
    const doc = JSON.parse(stdout);
    expect(doc.targetVersion).toBe("1.34");
    expect(doc.summary).toEqual({ error: 3, warning: 5, info: 1, blocking: 3 });
    expect(doc.findings[0]).toEqual({
      severity: "error",
      code: "removed-api",
      subject: "cronjob/shop/nightly-report",
      message: expect.stringContaining("batch/v1beta1"),
      blocking: true,
      source: "plans/manifests/legacy.yaml#1",
    });
  });

  test("--target-version before the removals makes them notices, and nothing blocks (exit 0)", async () => {
    const { code, stdout } = await cli([
      "--output",
      "json",
      "audit",
      "--manifests",
      "plans/manifests",
      "--target-version",
      "1.21",
    ]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.findings.filter((f: { code: string }) => f.code === "deprecated-api")).toHaveLength(3);
    expect(doc.summary.blocking).toBe(0);
  });

  test("with --plan: its critical workloads and blocking codes apply, and its green version is the target", async () => {
    const { code, stdout } = await cli([
      "--output",
      "json",
      "audit",
      "--manifests",
      "plans/manifests",
      "--plan",
      join(dir, "plan.yaml"),
    ]);
    expect(code).toBe(4);
    const doc = JSON.parse(stdout);
    expect(doc.targetVersion).toBe("1.31");
    const by = (c: string) => doc.findings.filter((f: { code: string }) => f.code === c);
    expect(by("not-guaranteed-qos")).toMatchObject([
      {
        subject: "deployment/shop/checkout",
        severity: "warning",
        message: expect.stringContaining("requests 250m cpu but is limited to 1"),
      },
    ]);
    expect(by("no-spread")).toMatchObject([
      { subject: "deployment/shop/payments", severity: "error", blocking: true },
    ]);
  });

  test.each([
    [["audit"], "needs --manifests DIR, --plan PLAN, or both"],
    [
      ["audit", "--manifests", "plans/manifests", "--target-version", "latest"],
      "is not a Kubernetes minor version",
    ],
    [["audit", "--manifests", "plans/nope"], "no such file or directory"],
    [
      ["audit", "--manifests", "plans/manifests/checkout.yaml/x.yaml"],
      "Cannot read plans/manifests/checkout.yaml/x.yaml: a part of the path is not a directory (ENOTDIR).",
    ],
  ])("bad input exits 2 with a clear message: %j", async (args, message) => {
    const { code, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe("eks-bluegreen sandbox --k8s, then audit --plan against green live", () => {
  let sandbox: ReturnType<typeof spawn>;
  let env: Record<string, string>;

  beforeAll(async () => {
    const plan = join(dir, "live.yaml");
    await writeFile(
      plan,
      PLAN(
        "health:\n  kubernetes: { namespaces: [shop, logging] }\n  audit: { critical: [shop/storefront] }\n",
      ),
    );
    sandbox = spawn(
      "node",
      [
        BIN,
        "--output",
        "json",
        "sandbox",
        "--plan",
        plan,
        "--k8s",
        "shop-green=plans/manifests",
        "--insync-delay",
        "0s",
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const doc = await new Promise<{ env: Record<string, string> }>((resolve, reject) => {
      let text = "";
      sandbox.stdout!.on("data", (chunk) => {
        text += chunk;
        try {
          resolve(JSON.parse(text));
        } catch {
          // not the whole document yet
        }
      });
      sandbox.once("exit", (c) => reject(new Error(`sandbox exited ${c}`)));
    });
    env = doc.env;
  });
  afterAll(() => {
    sandbox?.kill("SIGTERM");
  });

  test("reaches green's Kubernetes API through DescribeCluster and an EKS token, and audits placement too", async () => {
    const { code, stdout, stderr } = await cli(
      ["--output", "json", "audit", "--plan", join(dir, "live.yaml")],
      env,
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.source).toEqual({ cluster: "shop-green" });
    const rows = doc.findings.map((f: { code: string; subject: string }) => `${f.code} ${f.subject}`);
    expect(rows).toEqual(
      expect.arrayContaining([
        "no-readiness-probe deployment/shop/checkout",
        "no-spread deployment/shop/payments",
        "single-replica deployment/shop/recommendations",
        "no-pdb deployment/shop/checkout",
      ]),
    );
    // Live, the API serves current versions only: the v1beta1 budget and the legacy objects are not there.
    expect(rows.some((r: string) => r.startsWith("removed-api"))).toBe(false);
    expect(rows.some((r: string) => r.includes("storefront"))).toBe(false);
  });

  test("a cluster the sandbox does not know is a usage error", async () => {
    const { code, stderr } = await cli([
      "sandbox",
      "--k8s",
      "nope=plans/manifests",
      "--plan",
      join(dir, "live.yaml"),
    ]);
    expect(code).toBe(2);
    expect(stderr).toContain("the sandbox has no cluster named nope");
  });
});

describe("audit --plan when green's API cannot be used", () => {
  test("refused credentials (401) and an API that is down exit 4 with the reason", async () => {
    const file = join(dir, "plan.yaml");
    const sandbox = await startSandbox();
    try {
      seedFromPlan(sandbox, (await loadPlan(file)).doc);
      const apis = await attachKubernetes(sandbox, [{ cluster: "shop-green", path: "plans/manifests" }]);
      try {
        const refused = await cli(["audit", "--plan", file], {
          ...sandbox.env,
          AWS_SECRET_ACCESS_KEY: "not-the-sandbox-secret",
        });
        expect(refused.code).toBe(4);
        expect(refused.stderr).toContain("401 Unauthorized");
        expect(refused.stderr).toContain("hint: Check that green's API endpoint is reachable");
      } finally {
        await Promise.all([...apis.values()].map((a) => a.close()));
      }
      sandbox.world.eks.cluster("shop-green")!.endpoint = `https://127.0.0.1:${await freePort()}`;
      const down = await cli(["--output", "json", "audit", "--plan", file], sandbox.env);
      expect(down.code).toBe(4);
      expect(JSON.parse(down.stdout).error).toMatchObject({ code: "kubernetes-unreachable" });
    } finally {
      await sandbox.close();
    }
  });
});
