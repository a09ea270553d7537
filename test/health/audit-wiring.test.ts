// `eks-bluegreen audit --plan` and the preflight audit (KubernetesPort.audit) read a plan's audit settings
// through one function (health/audit/plan-audit.ts): for the same plan they audit green with the same
// scope and options. The live audit itself is replaced by a recorder; green's API is never called.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import type { ClusterReading, ClustersPort } from "../../src/engine/ports.ts";
import { handler } from "../../src/cli/commands/audit.ts";
import type * as Live from "../../src/health/audit/live.ts";
import { createKubernetesPort } from "../../src/health/kubernetes/port.ts";
import { loadPlan } from "../../src/plan/load.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { testContext } from "../support/context.ts";

const auditLive = vi.hoisted(() => vi.fn(async () => []));
vi.mock("../../src/health/audit/live.ts", async (importOriginal) => ({
  ...(await importOriginal<typeof Live>()),
  auditLive,
}));

const PLAN = `apiVersion: eks-bluegreen/v1
metadata: { name: shop }
region: us-east-1
clusters:
  blue: { name: shop-blue }
  green: { name: shop-green, kubernetesVersion: "1.31" }
traffic:
  records: [{ zoneName: example.com, name: shop.example.com, blue: blue, green: green }]
steps: [{ green: 100, bake: 1m }]
health:
  kubernetes: { namespaces: [shop, logging], labelSelector: "tier=web" }
  audit: { critical: [shop/checkout], block: [no-spread] }
`;

let sandbox: Sandbox;
let file: string;
beforeAll(async () => {
  file = join(await mkdtemp(join(tmpdir(), "ebg-audit-wiring-")), "plan.yaml");
  await writeFile(file, PLAN);
  sandbox = await startSandbox();
  seedFromPlan(sandbox, (await loadPlan(file)).doc);
  for (const [k, v] of Object.entries(sandbox.env)) vi.stubEnv(k, v);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await sandbox?.close();
});

test("audit --plan and the preflight audit see the same scope, target version, critical and blocking codes", async () => {
  const plan = await loadPlan(file);
  const { ctx } = testContext("json");
  ctx.env = sandbox.env;
  await handler({ plan: file }, ctx);
  expect(auditLive).toHaveBeenCalledTimes(1);

  const reading = greenReading(plan.doc.clusters.green.name);
  const blue = {} as ClustersPort; // preflight's audit reads green only
  await createKubernetesPort(plan, {}, blue, sandbox.env).audit(reading, {});
  expect(auditLive).toHaveBeenCalledTimes(2);

  const [cli, preflight] = auditLive.mock.calls.map((args: unknown[]) => args.slice(1, 3));
  expect(cli).toEqual(preflight);
  expect(preflight).toEqual([
    { namespaces: ["shop", "logging"], labelSelector: "tier=web" },
    { targetVersion: "1.31", critical: ["shop/checkout"], block: ["no-spread"] },
  ]);
});

/** Green as DescribeCluster shows it: what the preflight audit is handed. */
function greenReading(name: string): ClusterReading {
  return {
    name,
    exists: true,
    status: "ACTIVE",
    version: "1.31",
    platformVersion: "eks.1",
    endpoint: "https://127.0.0.1:9",
    certificateAuthority: Buffer.from("not a real CA").toString("base64"),
    arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
    issues: [],
    nodegroups: [],
    fargateProfiles: [],
    addons: [],
    insights: undefined,
  };
}
