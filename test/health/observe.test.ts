import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import type { KubernetesObservation, Part } from "../../src/engine/observation.ts";
import { excessRestarts } from "../../src/engine/verdict.ts";
import { connectKubeconfig } from "../../src/health/kubernetes/connect.ts";
import {
  DEFAULT_KUBERNETES_SETTINGS,
  kubernetesSettings,
  observeKubernetes,
  readBlueInventory,
} from "../../src/health/kubernetes/observe.ts";
import { readSnapshot } from "../../src/health/kubernetes/snapshot.ts";
import { eksToken } from "../../src/health/kubernetes/token.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import type { KubernetesApi } from "../../src/sandbox/k8s/index.ts";
import { CREDENTIALS, access, planWith, readingFor, startApi } from "./support.ts";

const started: KubernetesApi[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.close()));
});

async function green(options: Parameters<typeof startApi>[1] = {}): Promise<KubernetesApi> {
  const api = await startApi("green", options);
  started.push(api);
  return api;
}

type K8s = NonNullable<PlanInput["health"]>["kubernetes"];

async function observe(
  api: KubernetesApi,
  k8s: K8s = {},
  extra: Partial<Parameters<typeof observeKubernetes>[3]> = {},
) {
  const plan = planWith({ kubernetes: { minZones: 3, ...k8s } });
  return observeKubernetes(plan, readingFor("green", api), access, { now: new Date(), ...extra });
}

function value(part: Part<KubernetesObservation>): KubernetesObservation {
  if (!part.ok) throw new Error(`expected a reading, got: ${part.error}`);
  return part.value;
}

const codes = (part: Part<KubernetesObservation>) =>
  value(part).findings.map((f) => `${f.code} ${f.subject}`);

describe("Kubernetes health through the sandbox's API (EKS token, own CA)", () => {
  test("a healthy shop has no findings, and restart counts per container", async () => {
    const api = await green();
    const obs = value(await observe(api));
    expect(obs.findings).toEqual([]);
    expect(Object.keys(obs.restarts)).toHaveLength(15);
    expect(Object.keys(obs.restarts).every((k) => /^(shop|logging)\/[^/]+\/[^/]+$/.test(k))).toBe(true);
  });

  test("nodes: a node not ready, and too few zones", async () => {
    const api = await green();
    api.objects.setNodeReady("ip-10-0-2-10.ec2.internal", false);
    const findings = value(await observe(api)).findings;
    expect(findings.map((f) => f.code).sort()).toEqual(["node-not-ready", "node-zones"]);
    expect(findings.find((f) => f.code === "node-not-ready")!.message).toContain(
      "Node ip-10-0-2-10.ec2.internal is not ready",
    );
    expect(findings.find((f) => f.code === "node-zones")!.message).toContain(
      "2 zones (us-east-1a, us-east-1c)",
    );
  });

  test("workloads: a deployment not fully available fails, naming it", async () => {
    const api = await green();
    api.objects.setReady("Deployment", "shop", "payments", 1);
    expect(codes(await observe(api))).toEqual(["workload-unavailable deployment/shop/payments"]);
    api.objects.setReady("DaemonSet", "logging", "fluent-bit", 2);
    expect(codes(await observe(api))).toContain("workload-unavailable daemonset/logging/fluent-bit");
  });

  test("pods: crash-looping, image pull failing, Pending past the grace", async () => {
    const api = await green();
    api.objects.crashLoop("Deployment", "shop", "checkout");
    const crash = codes(await observe(api));
    expect(crash).toContain("workload-unavailable deployment/shop/checkout");
    expect(crash.filter((c) => c.startsWith("pod-crash-looping pod/shop/checkout-"))).toHaveLength(3);

    const api2 = await green();
    api2.objects.imagePullFailure("shop", "recommendations");
    const pull = value(await observe(api2)).findings.find((f) => f.code === "pod-image-pull")!;
    expect(pull.message).toContain("ImagePullBackOff");
    expect(pull.message).toContain("public.ecr.aws/shop/recommendations:0.9.2");

    const now = new Date();
    api2.objects.addPendingPod("shop", "storefront", new Date(now.getTime() - 60_000));
    expect(codes(await observe(api2, { pendingGrace: "5m" }, { now }))).not.toContain(
      expect.stringMatching(/^pod-pending/),
    );
    const late = value(await observe(api2, { pendingGrace: "30s" }, { now })).findings.find(
      (f) => f.code === "pod-pending",
    )!;
    expect(late.message).toContain(
      "Pending for 60s, past the 30s grace (Unschedulable: 0/3 nodes are available",
    );
  });

  test("restarts: growth beyond maxRestarts since the bake's baseline fails the step", async () => {
    const api = await green();
    const baseline = value(await observe(api)).restarts;
    api.objects.addRestarts("shop", "payments", 3);
    const within = value(await observe(api)).restarts;
    expect(excessRestarts(baseline, within, 3)).toEqual([]);
    api.objects.addRestarts("shop", "payments", 1);
    const beyond = excessRestarts(baseline, value(await observe(api)).restarts, 3);
    expect(beyond.map((e) => e.grew)).toEqual([4, 4]);
    expect(beyond.map((e) => e.container)).toEqual([
      expect.stringMatching(/^shop\/payments-.*\/payments$/),
      expect.stringMatching(/^shop\/payments-.*\/payments$/),
    ]);
  });

  test("Argo CD: not installed is no finding; Applications must be Synced and Healthy", async () => {
    const absent = await green();
    expect(value(await observe(absent)).findings).toEqual([]);
    expect(absent.requests.some((r) => r.path.startsWith("/apis/argoproj.io/") && r.status === 404)).toBe(
      true,
    );

    const app = (name: string, ns: string) => ({
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name, namespace: "argocd" },
      spec: { destination: { server: "https://kubernetes.default.svc", namespace: ns } },
    });
    const api = await green({ objects: [app("shop", "shop"), app("logging", "logging")] });
    expect(value(await observe(api)).findings).toEqual([]);
    api.objects.setApplication("argocd", "shop", "OutOfSync", "Degraded");
    expect(codes(await observe(api))).toEqual([
      "argocd-out-of-sync application/argocd/shop",
      "argocd-unhealthy application/argocd/shop",
    ]);
    // Scoped by the namespace an Application deploys to.
    expect(codes(await observe(api, { namespaces: ["logging"] }))).toEqual([]);
    expect(codes(await observe(api, { argocd: false }))).toEqual([]);
  });

  test("parity: every workload of blue exists on green with enough ready replicas", async () => {
    const blue = await startApi("blue");
    started.push(blue);
    const plan = planWith({ kubernetes: { minZones: 3, parity: { minReadyPercent: 100 } } });
    const inventory = await readBlueInventory(plan, readingFor("blue", blue), access);
    expect(
      inventory.ok && inventory.value.map((w) => `${w.kind} ${w.namespace}/${w.name} ${w.desired}`),
    ).toContain("Deployment shop/checkout 3");
    const api = await green();
    const ok = await observeKubernetes(plan, readingFor("green", api), access, {
      now: new Date(),
      blue: inventory,
    });
    expect(value(ok).findings).toEqual([]);

    api.objects.remove("Deployment", "shop", "payments");
    api.objects.setReady("Deployment", "shop", "storefront", 2);
    const short = await observeKubernetes(plan, readingFor("green", api), access, {
      now: new Date(),
      blue: inventory,
    });
    expect(codes(short)).toEqual(
      expect.arrayContaining([
        "parity-missing deployment/shop/payments",
        "parity-short deployment/shop/storefront",
      ]),
    );
    const lenient = planWith({ kubernetes: { minZones: 3, parity: { minReadyPercent: 50 } } });
    const half = await observeKubernetes(lenient, readingFor("green", api), access, {
      now: new Date(),
      blue: inventory,
    });
    expect(codes(half)).not.toContain("parity-short deployment/shop/storefront");

    const unreadable = await observeKubernetes(plan, readingFor("green", api), access, {
      now: new Date(),
      blue: { ok: false, error: "blue's Kubernetes API: no answer in time" },
    });
    expect(codes(unreadable)).toContain("parity-unknown parity");
  });

  test("namespaces and label selector scope what is checked", async () => {
    const api = await green();
    api.objects.crashLoop("Deployment", "shop", "checkout");
    const logging = value(await observe(api, { namespaces: ["logging"] }));
    expect(logging.findings).toEqual([]);
    expect(Object.keys(logging.restarts).every((k) => k.startsWith("logging/"))).toBe(true);
    const selected = value(await observe(api, { labelSelector: "app.kubernetes.io/name=payments" }));
    expect(selected.findings).toEqual([]);
    expect(Object.keys(selected.restarts)).toHaveLength(2);
  });

  test("an API that refuses the token or does not answer is an error verdict, not a finding", async () => {
    const api = await green();
    const wrongKey = await observeKubernetes(
      planWith({ kubernetes: {} }),
      readingFor("green", api),
      { ...access, credentials: async () => ({ ...CREDENTIALS, secretAccessKey: "wrong" }) },
      { now: new Date() },
    );
    expect(wrongKey).toMatchObject({ ok: false, error: expect.stringContaining("401") });
    const mismatched = await observeKubernetes(
      planWith({ kubernetes: {} }),
      { ...readingFor("blue", api) },
      access,
      { now: new Date() },
    );
    expect(mismatched).toMatchObject({ ok: false, error: expect.stringContaining("401") });
    await api.close();
    started.splice(started.indexOf(api), 1);
    const down = await observe(api);
    expect(down.ok).toBe(false);
    const noEndpoint = await observeKubernetes(
      planWith({ kubernetes: {} }),
      { ...readingFor("green", api), endpoint: undefined },
      access,
      { now: new Date() },
    );
    expect(noEndpoint).toMatchObject({ ok: false, error: expect.stringContaining("no API endpoint") });
  });

  test("an API that accepts connections but never answers times out into an error verdict", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as AddressInfo).port;
    const api = await green();
    const started = Date.now();
    const part = await observeKubernetes(
      planWith({ kubernetes: {} }),
      { ...readingFor("green", api), endpoint: `https://127.0.0.1:${port}` },
      { ...access, timeoutMs: 300 },
      { now: new Date() },
    );
    expect(part).toMatchObject({ ok: false, error: expect.stringContaining("no answer in time") });
    expect(Date.now() - started).toBeLessThan(5000);
    sockets.forEach((s) => s.destroy());
    silent.close();
  });

  test("a plan without health.kubernetes checks nothing", async () => {
    const api = await green();
    const part = await observeKubernetes(planWith(undefined), readingFor("green", api), access, {
      now: new Date(),
    });
    expect(part).toEqual({ ok: true, value: { findings: [], restarts: {} } });
    expect(api.requests).toEqual([]);
  });

  test("a kubeconfig context may be used instead of EKS", async () => {
    const api = await green();
    const { token } = await eksToken({
      clusterName: "green",
      region: "us-east-1",
      credentials: CREDENTIALS,
      now: new Date(),
    });
    const dir = await mkdtemp(join(tmpdir(), "ebg-kubeconfig-"));
    const path = join(dir, "config");
    await writeFile(
      path,
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        `- name: green\n  cluster:\n    server: ${api.endpoint}\n    certificate-authority-data: ${api.caData}`,
        `users:\n- name: me\n  user:\n    token: ${token}`,
        "contexts:\n- name: other\n  context: { cluster: green, user: nobody }\n- name: green-ctx\n  context: { cluster: green, user: me }",
        "current-context: other",
      ].join("\n"),
    );
    const snapshot = await readSnapshot(connectKubeconfig({ path, context: "green-ctx" }), {
      namespaces: ["shop"],
      argocd: false,
    });
    expect(snapshot.workloads.map((w) => w.object.metadata?.name).sort()).toEqual([
      "checkout",
      "orders-db",
      "payments",
      "recommendations",
      "storefront",
    ]);
    const part = await observe(api, { kubeconfig: { path, context: "green-ctx" } });
    expect(value(part).findings).toEqual([]);
    expect(() => connectKubeconfig({ path, context: "missing" })).toThrow(/no context "missing"/);
  });
});

test("a plan without health.kubernetes gets what an empty health.kubernetes section parses to", () => {
  expect(DEFAULT_KUBERNETES_SETTINGS).toEqual(kubernetesSettings(planWith({ kubernetes: {} })));
});
