/**
 * Green's Kubernetes health and the resilience audit, end to end: the built CLI against the in-process
 * sandbox, whose clusters serve a Kubernetes API loaded with the example shop (green, and blue for
 * parity). The engine reaches them only as a user's run would: DescribeCluster, then a presigned token.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { PlanInput } from "../../src/plan/schema.ts";
import { attachKubernetes } from "../../src/sandbox/k8s/attach.ts";
import type { KubernetesApi } from "../../src/sandbox/k8s/index.ts";
import { compressedPlan, setup, type Env } from "../cli/harness.ts";

const MANIFESTS = new URL("../../plans/manifests", import.meta.url).pathname;
const GREEN = "shop-1-31";
const BLUE = "shop-1-30";
const MAX_RESTARTS = 3;

interface K8sEnv extends Env {
  green: KubernetesApi;
  blue: KubernetesApi;
}

let env: K8sEnv | undefined;
afterEach(async () => {
  if (!env) return;
  await Promise.all([env.green.close(), env.blue.close()]);
  await env.close();
  env = undefined;
});

/** The compressed plan with Kubernetes health on, a bake long enough to act inside it, and no alarms. */
function k8sPlan(health: PlanInput["health"] = {}): PlanInput {
  return compressedPlan({
    steps: [
      { green: 10, bake: "30s" },
      { green: 100, bake: "1s" },
    ],
    alarms: { names: [], pollInterval: "1s" },
    rollback: { holdTimeout: "5m" },
    health: {
      kubernetes: { namespaces: ["shop", "logging"], maxRestarts: MAX_RESTARTS, ...health.kubernetes },
      ...(health.audit ? { audit: health.audit } : {}),
    },
  });
}

async function start(plan: PlanInput = k8sPlan()): Promise<K8sEnv> {
  const base = await setup(plan);
  const apis = await attachKubernetes(base.sandbox, [
    { cluster: GREEN, path: MANIFESTS },
    { cluster: BLUE, path: MANIFESTS },
  ]);
  env = { ...base, green: apis.get(GREEN)!, blue: apis.get(BLUE)! };
  return env;
}

function greenWeight(e: Env): number | undefined {
  const r53 = e.sandbox.world.route53;
  const zone = r53.zoneByName("example.com")!;
  return r53.record(zone.id, "api.example.com", "A", "api-green")?.Weight;
}

describe("the first tick's preflight looks inside green", () => {
  it("refuses with exit 4, naming the crash-looping pod, and changes nothing", async () => {
    const e = await start();
    e.green.objects.crashLoop("Deployment", "shop", "checkout");
    const pod = e.green.objects.podsOf("shop", "checkout")[0]!.metadata.name!;

    const r = await e.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("Preflight found");
    expect(r.stderr).toContain(`Pod shop/${pod}`);
    expect(r.stderr).toContain("CrashLoopBackOff");
    expect(greenWeight(e)).toBe(0);

    const plan = await e.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(plan.code).toBe(4);
    expect(plan.json.findings).toContainEqual(
      expect.objectContaining({ severity: "error", code: "pod-crash-looping", subject: `pod/shop/${pod}` }),
    );
    expect(plan.json.kubernetes.health).toMatchObject({ state: "read" });
    expect(plan.json.kubernetes.health.errors).toBeGreaterThan(0);
  });

  it("a healthy green (at parity with blue) shifts step 1, and status shows its health and the audit", async () => {
    const e = await start();
    const r = await e.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1, weights: { green: 10 } });
    expect(greenWeight(e)).toBe(10);
    // Preflight read both APIs with presigned tokens: blue for parity, green for health and the audit.
    expect(e.blue.requests.some((q) => q.path.startsWith("/apis/apps/v1/namespaces/shop/deployments"))).toBe(
      true,
    );
    // Every call was let in (the Argo CD list answers 404: the CRD is not installed, so no finding).
    expect(e.green.requests.filter((q) => q.status !== 200).map((q) => q.status)).toEqual(
      e.green.requests.filter((q) => q.path.includes("argoproj.io")).map(() => 404),
    );

    const status = await e.cli(["status", "plan.yaml"]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^ {2}k8s {6}healthy$/m);
    expect(status.stdout).toMatch(/^ {2}audit {4}0 errors, \d+ warnings, \d+ info$/m);
    expect(status.stdout).toContain(
      "    warning  no-readiness-probe  Deployment shop/checkout: container checkout has no readiness probe",
    );

    const json = await e.cli(["--output", "json", "status", "plan.yaml"]);
    expect(json.json.kubernetes).toMatchObject({ state: "read", errors: 0 });
    expect(json.json.audit.state).toBe("read");
    expect(json.json.audit.findings).toContainEqual(
      expect.objectContaining({
        code: "no-spread",
        subject: "deployment/shop/payments",
        severity: "warning",
      }),
    );
  });
});

describe("during a bake", () => {
  it("restarts growing beyond maxRestarts since the bake started roll back (exit 3)", async () => {
    const e = await start();
    expect((await e.cli(["advance", "plan.yaml"])).code).toBe(0);
    // Within the allowance: the bake goes on.
    e.green.objects.addRestarts("shop", "payments", MAX_RESTARTS);
    let r = await e.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", verdict: { kind: "pass" } });

    e.green.objects.addRestarts("shop", "payments", 1);
    r = await e.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(3);
    expect(r.json.phase).toBe("rolled-back");
    expect(r.json.verdict.kind).toBe("fail");
    expect(r.json.verdict.reasons.join("\n")).toMatch(
      new RegExp(
        `container shop/payments-[a-z0-9-]+/\\S+ restarted ${MAX_RESTARTS + 1} times during the bake`,
      ),
    );
    expect(greenWeight(e)).toBe(0);
  });

  it("a Kubernetes API that stops answering holds (exit 0, error verdict) instead of rolling back", async () => {
    const e = await start();
    expect((await e.cli(["advance", "plan.yaml"])).code).toBe(0);
    await e.green.close();

    const r = await e.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json.phase).toBe("baking");
    expect(r.json.verdict.kind).toBe("error");
    expect(r.json.verdict.reasons.join("\n")).toContain("cannot read green's Kubernetes health");
    expect(r.json.reason).toMatch(/^Holding \(error\)/);
    expect(greenWeight(e)).toBe(10);

    const status = await e.cli(["status", "plan.yaml"]);
    expect(status.stdout).toMatch(/^ {2}k8s {6}unreadable: green's Kubernetes API: /m);
  });
});

describe("the resilience audit", () => {
  it("a code the plan blocks makes plan exit 4 and the first tick refuse; plan --output json lists the audit", async () => {
    const e = await start(k8sPlan({ audit: { block: ["no-spread"] } }));

    const text = await e.cli(["plan", "plan.yaml"]);
    expect(text.code).toBe(4);
    expect(text.stdout).toContain("Green's Kubernetes health: healthy");
    expect(text.stdout).toMatch(/Resilience audit of green: 1 error \(1 blocking\), \d+ warnings/);
    expect(text.stdout).toMatch(/error +no-spread +Deployment shop\/payments runs 2 replicas/);

    const json = await e.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(json.code).toBe(4);
    const codes = json.json.findings.map(
      (f: { code: string; severity: string }) => `${f.severity}:${f.code}`,
    );
    expect(codes).toContain("error:no-spread");
    expect(codes).toContain("warning:no-readiness-probe");
    expect(codes).toContain("info:no-liveness-probe");
    expect(json.json.findings).toContainEqual(
      expect.objectContaining({ code: "no-spread", subject: "deployment/shop/payments", blocking: true }),
    );
    expect(json.json.kubernetes.audit).toMatchObject({ state: "read", errors: 1, blocking: 1 });

    const r = await e.cli(["advance", "plan.yaml"]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("no pod anti-affinity or topology spread constraint");
    expect(greenWeight(e)).toBe(0);
  });

  it("the same plan without the block starts (the audit's warnings never stop it)", async () => {
    const e = await start();
    const plan = await e.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(plan.code).toBe(0);
    expect(plan.json.kubernetes.audit.blocking).toBe(0);
    expect(plan.json.findings).toContainEqual(
      expect.objectContaining({ code: "no-spread", severity: "warning" }),
    );
  });

  it("an unreadable green API is an error finding in preflight (kubernetes and audit), exit 4", async () => {
    const e = await start();
    await e.green.close();
    const r = await e.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(r.code).toBe(4);
    const codes = r.json.findings.map((f: { code: string }) => f.code);
    expect(codes).toEqual(expect.arrayContaining(["kubernetes-unreadable", "audit-unreadable"]));
    expect(r.json.kubernetes).toMatchObject({
      health: { state: "unreadable" },
      audit: { state: "unreadable" },
    });
  });
});

describe("plans without health.kubernetes", () => {
  it("never connect to a Kubernetes API and show no Kubernetes section", async () => {
    const e = await start(compressedPlan({ alarms: { names: [], pollInterval: "1s" } }));
    const r = await e.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(r.code).toBe(0);
    expect(r.json.kubernetes).toBeNull();
    const status = await e.cli(["--output", "json", "status", "plan.yaml"]);
    expect(status.json).toMatchObject({ kubernetes: null, audit: null });
    expect(e.green.requests).toEqual([]);
    expect(e.blue.requests).toEqual([]);
  });
});
