/**
 * How the engine uses the KubernetesPort, on the in-memory world: when it asks (green ACTIVE only, the
 * audit on preflight ticks only, never during bakes), with which clock, and how findings, errors and
 * the audit's blocking codes become preflight findings. The sandbox test beside this one runs the
 * real port end to end.
 */
import { describe, expect, it } from "vitest";
import type { ClusterReading, KubernetesPort } from "../../src/engine/ports.ts";
import type { Finding, KubernetesObservation } from "../../src/engine/observation.ts";
import { observe } from "../../src/runner/observe.ts";
import { preflight } from "../../src/engine/preflight.ts";
import { createPorts } from "../../src/runner/ports.ts";
import { harness } from "../engine/harness.ts";
import { testPlan } from "../support/fake-world.ts";

interface FakeK8s extends KubernetesPort {
  calls: string[];
  health: KubernetesObservation | Error;
  auditResult: Finding[] | Error;
}

function fakeKubernetes(): FakeK8s {
  const port: FakeK8s = {
    calls: [],
    health: { findings: [], restarts: { "shop/web-1/web": 0 } },
    auditResult: [],
    async observeGreen(green: ClusterReading, options) {
      port.calls.push(`observe ${green.name} ${options.now.toISOString()}`);
      if (port.health instanceof Error) throw port.health;
      return port.health;
    },
    async audit(green: ClusterReading) {
      port.calls.push(`audit ${green.name}`);
      if (port.auditResult instanceof Error) throw port.auditResult;
      return port.auditResult;
    },
  };
  return port;
}

const k8sPlan = () => testPlan({ health: { kubernetes: { maxRestarts: 2 } } });

const blocking = (code: string): Finding & { blocking: boolean } => ({
  severity: "error",
  code,
  subject: "deployment/shop/web",
  message: `Deployment shop/web: ${code}`,
  blocking: true,
});

describe("observe", () => {
  it("reads Kubernetes only with a clock and an ACTIVE green, and the audit only when asked", async () => {
    const h = harness(k8sPlan());
    const k8s = fakeKubernetes();
    const ports = { ...h.world.ports, kubernetes: k8s };
    const now = h.clock.now();

    const plain = await observe(ports, h.plan, {});
    expect(plain.kubernetes).toBeUndefined();
    const tick = await observe(ports, h.plan, { now });
    expect(tick.kubernetes).toEqual({ ok: true, value: k8s.health });
    expect(tick.audit).toBeUndefined();
    const first = await observe(ports, h.plan, { now, audit: true });
    expect(first.audit).toEqual({ ok: true, value: [] });
    expect(k8s.calls).toEqual([
      `observe green ${now.toISOString()}`,
      `observe green ${now.toISOString()}`,
      "audit green",
    ]);

    h.world.green.status = "UPDATING";
    k8s.calls.length = 0;
    const updating = await observe(ports, h.plan, { now, audit: true });
    expect(updating.kubernetes).toBeUndefined();
    expect(k8s.calls).toEqual([]);
  });

  it("an API that throws is an error part, for the health checks and the audit alike", async () => {
    const h = harness(k8sPlan());
    const k8s = fakeKubernetes();
    k8s.health = new Error("green's Kubernetes API: connect ECONNREFUSED");
    k8s.auditResult = new Error("listing pods: no answer in time");
    const o = await observe({ ...h.world.ports, kubernetes: k8s }, h.plan, {
      now: h.clock.now(),
      audit: true,
    });
    expect(o.kubernetes).toEqual({ ok: false, error: "green's Kubernetes API: connect ECONNREFUSED" });
    expect(o.audit).toEqual({ ok: false, error: "listing pods: no answer in time" });
    expect(
      preflight(h.plan, o)
        .filter((f) => f.severity === "error")
        .map((f) => f.code),
    ).toEqual(["kubernetes-unreadable", "audit-unreadable"]);
  });
});

describe("the driver", () => {
  it("audits on the preflight tick only; bakes read health with the tick's clock and judge restarts", async () => {
    const k8s = fakeKubernetes();
    const plan = k8sPlan();
    const h = harness(plan);
    h.deps.ports = { ...h.world.ports, kubernetes: k8s };
    k8s.auditResult = [
      { severity: "warning", code: "no-pdb", subject: "deployment/shop/web", message: "no budget" },
    ];

    const first = await h.advance();
    expect(first.state?.phase).toBe("baking");
    expect(first.findings.map((f) => f.code)).toContain("no-pdb");
    expect(k8s.calls.filter((c) => c.startsWith("audit"))).toHaveLength(1);

    h.clock.advance(10_000);
    k8s.calls.length = 0;
    const bake = await h.advance();
    expect(bake.verdict?.kind).toBe("pass");
    expect(k8s.calls).toEqual([`observe green ${h.clock.now().toISOString()}`]);

    k8s.health = { findings: [], restarts: { "shop/web-1/web": 3 } };
    h.clock.advance(10_000);
    const grown = await h.advance();
    expect(grown.verdict?.kind).toBe("fail");
    expect(grown.verdict?.reasons[0]).toContain("container shop/web-1/web restarted 3 times during the bake");
    expect(grown.state?.phase).toBe("rolled-back");
  });

  it("a blocking audit finding refuses the first tick (exit 4) and creates no upgrade", async () => {
    const k8s = fakeKubernetes();
    const h = harness(k8sPlan());
    h.deps.ports = { ...h.world.ports, kubernetes: k8s };
    k8s.auditResult = [blocking("no-spread")];
    await expect(h.advance()).rejects.toMatchObject({ code: "preflight-failed", exitCode: 4 });
    expect(h.world.calls).toEqual([]);
    expect(await h.store.read()).toBeUndefined();
  });
});

describe("preflight", () => {
  it("shows audit findings with their severity and does not repeat an EKS insight the cluster checks report", () => {
    const h = harness(k8sPlan());
    const insight = {
      id: "i-1",
      name: "Deprecated APIs",
      category: "UPGRADE_READINESS",
      status: "ERROR" as const,
      reason: "uses v1beta1",
    };
    const green = { ...h.world.green, insights: [insight] };
    const audit: Finding[] = [
      { severity: "error", code: "eks-insight", subject: "insight/i-1", message: "EKS insight is ERROR" },
      { severity: "info", code: "no-liveness-probe", subject: "deployment/shop/web", message: "no liveness" },
    ];
    const findings = preflight(h.plan, {
      traffic: { ok: true, value: [] },
      alarms: { ok: true, value: { alarms: [], missing: [], history: [] } },
      green: { ok: true, value: green },
      kubernetes: { ok: true, value: { findings: [], restarts: {} } },
      audit: { ok: true, value: audit },
    });
    const codes = findings.map((f) => `${f.severity}:${f.code}`);
    expect(codes).toContain("error:insight-error");
    expect(codes).not.toContain("error:eks-insight");
    expect(codes).toContain("info:no-liveness-probe");
  });
});

describe("createPorts", () => {
  it("adds the Kubernetes port only when the plan enables health.kubernetes", async () => {
    const settings = { region: "us-east-1" };
    const env = { AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y" };
    expect((await createPorts(testPlan(), settings, { env })).kubernetes).toBeUndefined();
    const off = testPlan({ health: { kubernetes: { enabled: false } } });
    expect((await createPorts(off, settings, { env })).kubernetes).toBeUndefined();
    const on = await createPorts(k8sPlan(), settings, { env });
    expect(typeof on.kubernetes?.observeGreen).toBe("function");
    expect(typeof on.kubernetes?.audit).toBe("function");
  });
});
