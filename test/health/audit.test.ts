import { describe, expect, test } from "vitest";
import { loadManifests } from "../../src/health/audit/manifests.ts";
import { parseQuantity, sameQuantity } from "../../src/health/audit/quantity.ts";
import { NEWEST_KNOWN, REMOVED_APIS, minorOf } from "../../src/health/audit/removed-apis.ts";
import { audit, type AuditObject } from "../../src/health/audit/rules.ts";
import { auditSnapshot } from "../../src/health/audit/live.ts";
import { KubeStore } from "../../src/sandbox/k8s/store.ts";
import type { ClusterSnapshot } from "../../src/health/kubernetes/objects.ts";
import { MANIFESTS } from "./support.ts";

const probe = { httpGet: { path: "/", port: 80 } };
const liveness = { httpGet: { path: "/live", port: 80 } };
const container = (extra: object = {}) => ({
  name: "app",
  image: "app:1",
  readinessProbe: probe,
  livenessProbe: liveness,
  resources: { requests: { cpu: "100m", memory: "64Mi" } },
  ...extra,
});
const spread = {
  topologySpreadConstraints: [
    { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" },
  ],
};

function deployment(
  name: string,
  replicas: number,
  podSpec: object = {},
  labels = { app: name },
): AuditObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "shop" },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [container()], ...spread, ...podSpec } },
    },
  };
}
const pdb = (name: string, spec: object, apiVersion = "policy/v1"): AuditObject => ({
  apiVersion,
  kind: "PodDisruptionBudget",
  metadata: { name, namespace: "shop" },
  spec: { selector: { matchLabels: { app: name } }, ...spec },
});

const run = (objects: AuditObject[], options: Partial<Parameters<typeof audit>[1]> = {}) =>
  audit({ objects }, { targetVersion: "1.31", ...options });
const codes = (objects: AuditObject[], options: Partial<Parameters<typeof audit>[1]> = {}) =>
  run(objects, options).map((f) => `${f.code} ${f.subject}`);

describe("resilience audit rules", () => {
  test("a well-configured workload has no findings", () => {
    expect(run([deployment("web", 3), pdb("web", { maxUnavailable: 1 })])).toEqual([]);
  });

  test("probes: readiness missing is a warning, liveness missing is info; not for Jobs", () => {
    const noProbes = deployment("web", 3, {
      containers: [{ name: "app", image: "app:1", resources: { requests: { cpu: "1", memory: "1Gi" } } }],
    });
    expect(run([noProbes, pdb("web", { maxUnavailable: 1 })]).map((f) => [f.severity, f.code])).toEqual([
      ["warning", "no-readiness-probe"],
      ["info", "no-liveness-probe"],
    ]);
    const job: AuditObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j" },
      spec: { template: { spec: { containers: [{ name: "x" }] } } },
    };
    expect(run([job])).toEqual([]);
  });

  test("spread: replicas > 1 need anti-affinity or a topology spread constraint", () => {
    const bare = deployment("web", 2, { topologySpreadConstraints: [] });
    expect(codes([bare, pdb("web", { maxUnavailable: 1 })])).toEqual(["no-spread deployment/shop/web"]);
    const anti = deployment("web", 2, {
      topologySpreadConstraints: [],
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 1, podAffinityTerm: { topologyKey: "kubernetes.io/hostname" } },
          ],
        },
      },
    });
    expect(codes([anti, pdb("web", { maxUnavailable: 1 })])).toEqual([]);
  });

  test("single replica, missing budget, and a budget that blocks drains", () => {
    expect(codes([deployment("web", 1)])).toEqual(["single-replica deployment/shop/web"]);
    expect(codes([deployment("web", 3)])).toEqual(["no-pdb deployment/shop/web"]);
    expect(codes([deployment("web", 3), pdb("other", { maxUnavailable: 1 })])).toEqual([
      "no-pdb deployment/shop/web",
    ]);
    expect(codes([deployment("web", 3), pdb("web", { minAvailable: 3 })])).toEqual([
      "pdb-blocks-drain deployment/shop/web",
    ]);
    expect(codes([deployment("web", 3), pdb("web", { maxUnavailable: "0%" })])).toEqual([
      "pdb-blocks-drain deployment/shop/web",
    ]);
    expect(codes([deployment("web", 3), pdb("web", { minAvailable: "50%" })])).toEqual([]);
  });

  test("critical workloads need Guaranteed QoS: requests = limits for cpu and memory in every container", () => {
    const guaranteed = deployment("pay", 1, {
      containers: [
        container({
          resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: 0.5, memory: "1024Mi" } },
        }),
      ],
    });
    const limitsOnly = deployment("pay", 1, {
      containers: [container({ resources: { limits: { cpu: "1", memory: "1Gi" } } })],
    });
    const burstable = deployment("pay", 1, {
      containers: [
        container({
          resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        }),
      ],
    });
    const noMemoryLimit = deployment("pay", 1, {
      containers: [container({ resources: { limits: { cpu: "1" } } })],
    });
    const opts = { critical: ["shop/pay"] };
    // Critical workloads also need minReadySeconds (issue 16): these leave it at 0.
    const expected = ["min-ready-seconds-zero deployment/shop/pay", "single-replica deployment/shop/pay"];
    expect(codes([guaranteed], opts)).toEqual(expected);
    expect(codes([limitsOnly], opts)).toEqual(expected);
    const f = run([burstable], opts).find((x) => x.code === "not-guaranteed-qos")!;
    expect(f.message).toContain("container app requests 250m cpu but is limited to 1");
    expect(run([noMemoryLimit], opts).find((x) => x.code === "not-guaranteed-qos")!.message).toContain(
      "no memory limit",
    );
    expect(codes([burstable])).toEqual(["single-replica deployment/shop/pay"]);
    expect(codes([], { critical: ["shop/gone"] })).toEqual(["critical-not-found workload/shop/gone"]);
  });

  test("removed APIs: error at or after the removing release, info before it", () => {
    const cron: AuditObject = {
      apiVersion: "batch/v1beta1",
      kind: "CronJob",
      metadata: { name: "nightly", namespace: "shop" },
      spec: {},
    };
    expect(run([cron], { targetVersion: "1.25" })).toMatchObject([
      { severity: "error", code: "removed-api", blocking: true },
    ]);
    expect(run([cron], { targetVersion: "1.24" })).toMatchObject([
      { severity: "info", code: "deprecated-api", blocking: false },
    ]);
    const flow: AuditObject = {
      apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3",
      kind: "FlowSchema",
      metadata: { name: "f" },
    };
    expect(run([flow], { targetVersion: "1.31" })[0]!.code).toBe("deprecated-api");
    expect(run([flow], { targetVersion: "1.32" })[0]!.message).toContain("flowcontrol.apiserver.k8s.io/v1");
    const current: AuditObject = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "ok" } };
    expect(run([current], { targetVersion: NEWEST_KNOWN })).toEqual([]);
  });

  test("the table has the removals the deprecation guide lists", () => {
    const at = (apiVersion: string, kind: string) =>
      REMOVED_APIS.find((r) => r.apiVersion === apiVersion && r.kinds.includes(kind))?.removedIn;
    expect(at("extensions/v1beta1", "Ingress")).toBe("1.22");
    expect(at("policy/v1beta1", "PodDisruptionBudget")).toBe("1.25");
    expect(at("policy/v1beta1", "PodSecurityPolicy")).toBe("1.25");
    expect(at("autoscaling/v2beta1", "HorizontalPodAutoscaler")).toBe("1.25");
    expect(at("autoscaling/v2beta2", "HorizontalPodAutoscaler")).toBe("1.26");
    expect(at("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema")).toBe("1.26");
    expect(at("storage.k8s.io/v1beta1", "CSIStorageCapacity")).toBe("1.27");
    expect(at("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration")).toBe("1.29");
    for (const r of REMOVED_APIS) expect(minorOf(r.removedIn)).toBeLessThanOrEqual(minorOf(NEWEST_KNOWN));
    expect(() => minorOf("2.0")).toThrow(/not a Kubernetes version/);
  });

  test("the plan's block list turns any code into a blocking error", () => {
    const f = run([deployment("web", 1)], { block: ["single-replica"] });
    expect(f).toMatchObject([{ severity: "error", code: "single-replica", blocking: true }]);
  });

  test("EKS insights in WARNING or ERROR become findings", () => {
    const f = audit(
      {
        objects: [],
        insights: [
          {
            id: "1",
            name: "Deprecated APIs removed in Kubernetes v1.32",
            category: "UPGRADE_READINESS",
            status: "ERROR",
            reason: "Deprecated API usage detected within last 30 days.",
          },
          {
            id: "2",
            name: "Kubelet version skew",
            category: "UPGRADE_READINESS",
            status: "PASSING",
            reason: "",
          },
        ],
      },
      { targetVersion: "1.32" },
    );
    expect(f).toMatchObject([
      {
        severity: "error",
        code: "eks-insight",
        subject: "insight/1",
      },
    ]);
  });
});

describe("placement, live only", () => {
  async function snapshotOf(objects: AuditObject[], nodes?: number): Promise<ClusterSnapshot> {
    const store = new KubeStore({ nodes });
    store.load(objects as never);
    const all = store.all();
    return {
      nodes: all.filter((o) => o.kind === "Node") as never,
      pods: all.filter((o) => o.kind === "Pod") as never,
      workloads: all
        .filter((o) => o.kind === "Deployment")
        .map((object) => ({ kind: "Deployment" as const, object: object as never })),
      pdbs: all.filter((o) => o.kind === "PodDisruptionBudget") as never,
      applications: undefined,
    };
  }
  test("replicas spread over nodes in several zones pass", async () => {
    const s = await snapshotOf([deployment("web", 3), pdb("web", { maxUnavailable: 1 })]);
    expect(auditSnapshot(s, { targetVersion: "1.31" })).toEqual([]);
  });
  test("all replicas on one node, or in one zone, are findings", async () => {
    const one = await snapshotOf([deployment("web", 3), pdb("web", { maxUnavailable: 1 })], 1);
    expect(auditSnapshot(one, { targetVersion: "1.31" }).map((f) => f.code)).toEqual(["replicas-one-node"]);
    const s = await snapshotOf([deployment("web", 2), pdb("web", { maxUnavailable: 1 })], 3);
    for (const n of s.nodes) n.metadata!.labels!["topology.kubernetes.io/zone"] = "us-east-1a";
    expect(auditSnapshot(s, { targetVersion: "1.31" })).toMatchObject([
      { code: "replicas-one-zone", message: expect.stringContaining("zone us-east-1a") },
    ]);
  });
});

describe("manifests and quantities", () => {
  test("reads every YAML document under a directory, recursively, with its source", async () => {
    const objects = await loadManifests(MANIFESTS, new URL("../..", import.meta.url).pathname);
    expect(objects.map((o) => o.object.kind)).toContain("DaemonSet");
    expect(objects.find((o) => o.object.kind === "CronJob")!.source).toBe("plans/manifests/legacy.yaml#1");
  });
  test("bad YAML and non-objects are usage errors naming the place", async () => {
    const { mkdtemp, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join((await import("node:os")).tmpdir(), "ebg-manifests-"));
    await writeFile(join(dir, "bad.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n");
    await expect(loadManifests(dir, dir)).rejects.toMatchObject({
      code: "invalid-manifest",
      exitCode: 2,
      message: expect.stringMatching(/^bad\.yaml:\d+:\d+: not valid YAML/),
    });
    await writeFile(join(dir, "bad.yaml"), "just a string\n");
    await expect(loadManifests(dir, dir)).rejects.toMatchObject({
      message: expect.stringContaining("needs apiVersion and kind"),
    });
    await expect(loadManifests(join(dir, "missing"))).rejects.toMatchObject({
      code: "manifests-not-found",
      exitCode: 2,
    });
  });
  test("a path that exists but cannot be read names its real cause, not 'no such file'", async () => {
    const { chmod, mkdtemp, writeFile } = await import("node:fs/promises");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join((await import("node:os")).tmpdir(), "ebg-manifests-"));
    const file = join(dir, "app.yaml");
    await writeFile(file, "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n");
    // As root a mode-000 file is still readable: there, a path through a file (ENOTDIR) is the case.
    const root = process.getuid?.() === 0;
    if (!root) await chmod(file, 0o000);
    const path = root ? join(file, "more.yaml") : file;
    const expected = root ? "a part of the path is not a directory (ENOTDIR)" : "permission denied (EACCES)";
    const error = await loadManifests(path, dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "manifests-unreadable", exitCode: 2 });
    expect((error as Error).message).toContain(root ? path : "app.yaml");
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain("no such file");
    // A path that does not exist keeps its own code and words.
    await expect(loadManifests(join(dir, "missing.yaml"), dir)).rejects.toMatchObject({
      code: "manifests-not-found",
      message: expect.stringContaining("no such file or directory"),
    });
  });
  test("quantities compare across units", () => {
    expect(parseQuantity("500m")).toBe(0.5);
    expect(parseQuantity("1Gi")).toBe(2 ** 30);
    expect(sameQuantity("1Gi", "1024Mi")).toBe(true);
    expect(sameQuantity("1G", "1Gi")).toBe(false);
    expect(parseQuantity("lots")).toBeUndefined();
  });
});
