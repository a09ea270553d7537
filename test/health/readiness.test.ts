import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createClientFactory } from "../../src/aws/clients.ts";
import { createSubnetsPort } from "../../src/aws/ec2.ts";
import { createClustersPort } from "../../src/aws/eks.ts";
import type { Ports } from "../../src/engine/ports.ts";
import { createCaller, sleepOrReject } from "../../src/aws/retry.ts";
import {
  DEFAULT_READINESS,
  READINESS_CODES,
  readinessFindings,
  readReadiness,
  type ReadinessReading,
} from "../../src/health/readiness.ts";
import { compilePlan } from "../../src/plan/compile.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { testPlan } from "../sandbox/support.ts";
import { useFakeCredentials } from "../support/backends.ts";

const NOW = new Date("2026-12-03T08:00:00Z");

function reading(overrides: Partial<ReadinessReading> = {}): ReadinessReading {
  return { cluster: "green", kubernetesVersion: "1.33", nodegroups: [], ...overrides };
}

const codes = (r: ReadinessReading, settings = DEFAULT_READINESS) =>
  readinessFindings(r, settings, NOW).map((f) => `${f.severity}:${f.code}`);

describe("readiness rules (pure)", () => {
  it("an add-on at a version not published for green's version is an error; not the default, a warning", () => {
    const versions = {
      ok: true as const,
      value: [
        { version: "v1.20.0", isDefault: true },
        { version: "v1.19.2", isDefault: false },
      ],
    };
    const r = reading({
      addons: [
        { name: "vpc-cni", version: "v1.18.0", versions },
        { name: "coredns", version: "v1.19.2", versions },
        { name: "kube-proxy", version: "v1.20.0", versions },
      ],
      kubernetes: { ok: true, value: { nodes: [], bluePods: { ok: true, count: 0 } } },
    });
    const found = readinessFindings(r, DEFAULT_READINESS, NOW);
    expect(found.map((f) => [f.severity, f.code, f.subject])).toEqual([
      ["error", "addon-version-unsupported", "addon/vpc-cni"],
      ["warning", "addon-version-not-default", "addon/coredns"],
    ]);
    expect(found[0]!.message).toContain("update it to v1.20.0");
  });

  it("AL2 node groups on 1.33+ are an error, old AMI releases a warning", () => {
    const ng = (name: string, amiType: string, releaseVersion: string) => ({
      name,
      status: "ACTIVE",
      version: "1.33",
      issues: [],
      scaling: undefined,
      amiType,
      releaseVersion,
    });
    const r = reading({
      nodegroups: [
        ng("old-al2", "AL2_x86_64", "1.33.0-20261201"),
        ng("stale", "AL2023_x86_64_STANDARD", "1.33.0-20260101"),
        ng("fresh", "AL2023_x86_64_STANDARD", "1.33.0-20261120"),
      ],
    });
    expect(codes(r)).toEqual([
      "error:ami-type-unsupported",
      "warning:ami-release-old",
      "info:readiness-needs-kubernetes",
    ]);
    expect(codes({ ...r, kubernetesVersion: "1.32" })).not.toContain("error:ami-type-unsupported");
    expect(codes(r, { ...DEFAULT_READINESS, amiMaxAgeDays: 400 })).not.toContain("warning:ami-release-old");
  });

  it("a Ready node whose kubelet minor differs from the control plane's is an error", () => {
    const r = reading({
      kubernetes: {
        ok: true,
        value: {
          nodes: [
            { name: "a", ready: true, kubeletVersion: "v1.33.1-eks-1" },
            { name: "b", ready: true, kubeletVersion: "v1.32.4-eks-1" },
            { name: "c", ready: false, kubeletVersion: "v1.31.0-eks-1" },
          ],
          bluePods: { ok: true, count: 3 },
        },
      },
    });
    const found = readinessFindings(r, DEFAULT_READINESS, NOW);
    expect(found.map((f) => `${f.code} ${f.subject}`)).toEqual(["kubelet-version-skew node/b"]);
  });

  it("says once, as info, what it cannot check without Kubernetes access", () => {
    const found = readinessFindings(reading(), { ...DEFAULT_READINESS, subnets: true }, NOW);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ severity: "info", code: "readiness-needs-kubernetes" });
    expect(found[0]!.message).toContain("subnet check");
  });

  it("fewer free IPs in green's subnets than blue's pods is an error naming the numbers", () => {
    const r = reading({
      subnets: {
        ok: true,
        value: [
          { subnetId: "subnet-a", free: 3 },
          { subnetId: "subnet-b", free: 4 },
        ],
      },
      kubernetes: { ok: true, value: { nodes: [], bluePods: { ok: true, count: 12 } } },
    });
    const found = readinessFindings(r, { ...DEFAULT_READINESS, subnets: true }, NOW);
    expect(found.map((f) => f.code)).toEqual(["subnet-ips-short"]);
    expect(found[0]!.message).toContain("7 free IP");
    expect(found[0]!.message).toContain("12 pods");
  });

  it("a non-ACTIVE Fargate profile is an error", () => {
    const r = reading({
      fargate: {
        ok: true,
        value: [
          { name: "fp-a", status: "ACTIVE" },
          { name: "fp-b", status: "CREATE_FAILED" },
        ],
      },
      kubernetes: { ok: true, value: { nodes: [], bluePods: { ok: true, count: 0 } } },
    });
    expect(codes(r)).toEqual(["error:fargate-profile-not-active"]);
  });

  it("every code is kebab-case and has a row in docs/health.md", async () => {
    const { readFile } = await import("node:fs/promises");
    const doc = await readFile(new URL("../../docs/health.md", import.meta.url), "utf8");
    for (const code of READINESS_CODES) {
      expect(code).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(doc, code).toContain(`| \`${code}\``);
    }
  });
});

describe("readiness reads against the sandbox", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    useFakeCredentials();
    sandbox = await startSandbox({ eksDelayMs: 10 });
  });
  afterAll(() => sandbox.close());
  afterEach(() => sandbox.faults.reset());

  function setup(name: string, readiness: Record<string, unknown> = {}) {
    const doc = testPlan({
      metadata: { name },
      clusters: {
        blue: { name: `${name}-blue` },
        green: { name: `${name}-green`, kubernetesVersion: "1.33" },
      },
      health: { readiness },
    } as never);
    seedFromPlan(sandbox, doc);
    const plan = compilePlan(doc, `${name}.yaml`);
    const clients = createClientFactory({ settings: { endpointUrl: sandbox.endpoint, region: "us-east-1" } });
    const caller = createCaller({ policy: { retries: 0, budgetMs: 2_000 } });
    const clusters = createClustersPort({
      client: () => clients.eks({}),
      caller,
      now: () => new Date(),
      sleep: sleepOrReject,
    });
    const ports = {
      clusters: { blue: clusters, green: clusters },
      subnets: createSubnetsPort({ client: () => clients.ec2({}), caller }),
    } as unknown as Ports;
    return { plan, clusters, ports, green: `${name}-green` };
  }

  it("DescribeAddonVersions lists the table's versions with the default marked", async () => {
    const { clusters } = setup("versions");
    const v33 = await clusters.addonVersions!("vpc-cni", "1.33");
    expect(v33).toEqual([
      { version: "v1.20.0-eksbuild.1", isDefault: true },
      { version: "v1.19.2-eksbuild.1", isDefault: false },
    ]);
    expect(await clusters.addonVersions!("not-an-addon", "1.33")).toEqual([]);
  });

  it("a seeded green is ready; an add-on left at blue's version and an AL2 node group are not", async () => {
    const { plan, clusters, ports, green } = setup("seeded");
    const fresh = await clusters.describe(green);
    const clean = readinessFindings(await readReadiness(ports, plan, fresh), DEFAULT_READINESS, NOW);
    expect(clean.map((f) => f.code)).toEqual(["readiness-needs-kubernetes"]);

    sandbox.world.eks.createAddon(green, "coredns", { status: "ACTIVE", version: "v1.11.4-eksbuild.2" });
    sandbox.world.eks.createNodegroup(green, "legacy", { status: "ACTIVE", amiType: "AL2_x86_64" });
    const after = await clusters.describe(green);
    const found = readinessFindings(await readReadiness(ports, plan, after), DEFAULT_READINESS, NOW);
    expect(found.map((f) => `${f.code} ${f.subject ?? ""}`)).toEqual([
      "addon-version-unsupported addon/coredns",
      "ami-type-unsupported nodegroup/legacy",
      "readiness-needs-kubernetes ",
    ]);
  });

  it("a denied DescribeAddonVersions or DescribeSubnets is one info finding naming the permission", async () => {
    const { plan, clusters, ports, green } = setup("denied", { subnets: true });
    const vpc = sandbox.world.ec2.createVpc("10.0.0.0/16");
    const subnet = sandbox.world.ec2.createSubnet(vpc.vpcId, "10.0.1.0/24", "us-east-1a");
    sandbox.world.eks.cluster(green)!.subnetIds = [subnet.subnetId];
    sandbox.world.eks.createAddon(green, "coredns", { status: "ACTIVE" });
    sandbox.faults.error({ operation: "DescribeAddonVersions", code: "AccessDeniedException", status: 403 });
    sandbox.faults.error({ operation: "DescribeSubnets", code: "UnauthorizedOperation", status: 403 });
    const r = await readReadiness(ports, plan, await clusters.describe(green));
    const found = readinessFindings(r, { ...DEFAULT_READINESS, subnets: true }, NOW);
    const denied = found.filter((f) => f.code === "readiness-permission-denied");
    expect(denied.map((f) => f.severity)).toEqual(["info", "info"]);
    expect(denied[0]!.message).toContain("eks:DescribeAddonVersions");
    expect(denied[1]!.message).toContain("ec2:DescribeSubnets");
    expect(found.some((f) => f.severity === "error")).toBe(false);
  });

  it("reads green's subnets from DescribeCluster and their free IPs from EC2", async () => {
    const { plan, clusters, ports, green } = setup("subnets", { subnets: true });
    const vpc = sandbox.world.ec2.createVpc("10.1.0.0/16");
    const a = sandbox.world.ec2.createSubnet(vpc.vpcId, "10.1.1.0/28", "us-east-1a");
    sandbox.world.eks.cluster(green)!.subnetIds = [a.subnetId];
    const r = await readReadiness(ports, plan, await clusters.describe(green));
    expect(r.subnets).toEqual({ ok: true, value: [{ subnetId: a.subnetId, free: 11 }] });
  });
});

describe("iam-policy and the readiness checks", () => {
  const actionsOf = async (readiness: Record<string, unknown> | undefined) => {
    const { buildIamPolicy } = await import("../../src/security/iam-policy.ts");
    const doc = testPlan(readiness ? ({ health: { readiness } } as never) : {});
    return buildIamPolicy({ doc, accountId: "111122223333" }).policy.Statement.flatMap((s) => s.Action);
  };

  it("adds DescribeAddonVersions, DescribeFargateProfile and DescribeSubnets only when the plan asks", async () => {
    const none = await actionsOf(undefined);
    expect(none).not.toContain("eks:DescribeAddonVersions");
    expect(none).not.toContain("ec2:DescribeSubnets");
    const asked = await actionsOf({ subnets: true });
    expect(asked).toEqual(
      expect.arrayContaining([
        "eks:DescribeAddonVersions",
        "eks:DescribeFargateProfile",
        "ec2:DescribeSubnets",
      ]),
    );
    const noSubnets = await actionsOf({ addons: true });
    expect(noSubnets).toContain("eks:DescribeAddonVersions");
    expect(noSubnets).not.toContain("ec2:DescribeSubnets");
  });
});

describe("sandbox nodes and the kubelet check", () => {
  it("the sandbox's synthesized nodes run the control plane's version, so a seeded green has no skew", async () => {
    const { KubeStore } = await import("../../src/sandbox/k8s/store.ts");
    const store = new KubeStore({ kubernetesVersion: "1.33" });
    store.load([]);
    const kubelets = store
      .all()
      .filter((o) => o.kind === "Node")
      .map((o) => (o.status as { nodeInfo: { kubeletVersion: string } }).nodeInfo.kubeletVersion);
    expect(kubelets).toEqual(["v1.33.0-eks", "v1.33.0-eks", "v1.33.0-eks"]);
    const nodes = kubelets.map((kubeletVersion, i) => ({ name: `n${i}`, ready: true, kubeletVersion }));
    const r = reading({ kubernetes: { ok: true, value: { nodes } } });
    expect(readinessFindings(r, DEFAULT_READINESS, NOW)).toEqual([]);
  });
});
