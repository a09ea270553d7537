import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { audit, type AuditObject } from "../../src/health/audit/rules.ts";
import { WORKLOAD_CODES, imageTag } from "../../src/health/audit/workload-rules.ts";

const ready = { httpGet: { path: "/ready", port: 80 } };
const live = { httpGet: { path: "/live", port: 80 } };
const good = {
  name: "app",
  image: "shop/app:1.2",
  readinessProbe: ready,
  livenessProbe: live,
  resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
};

function deploy(container: object, spec: object = {}, pod: object = {}): AuditObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop" },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } }, spec: { containers: [container], ...pod } },
      ...spec,
    },
  };
}

const codes = (o: AuditObject, critical: string[] = []) =>
  audit({ objects: [o] }, { targetVersion: "1.31", critical })
    .map((f) => f.code)
    .filter((c) => c !== "single-replica");

describe("checks several tools agree on", () => {
  it("a tagged image with requests and distinct probes has none of them", () => {
    expect(codes(deploy(good))).toEqual([]);
    expect(codes(deploy(good, { minReadySeconds: 10 }), ["shop/web"])).toEqual([]);
  });

  it("flags :latest and untagged images, but not digests or registry ports", () => {
    expect(imageTag("nginx")).toBe("latest");
    expect(imageTag("nginx:latest")).toBe("latest");
    expect(imageTag("registry:5000/shop/app")).toBe("latest");
    expect(imageTag("registry:5000/shop/app:1.0")).toBe("1.0");
    expect(imageTag("shop/app@sha256:abc")).toBeUndefined();
    expect(codes(deploy({ ...good, image: "shop/app" }))).toEqual(["image-latest"]);
    expect(codes(deploy({ ...good, image: "shop/app:latest" }))).toEqual(["image-latest"]);
  });

  it("flags a missing CPU or memory request (a limit alone sets the request)", () => {
    expect(codes(deploy({ ...good, resources: { requests: { cpu: "1" } } }))).toEqual([
      "no-resource-requests",
    ]);
    expect(codes(deploy({ ...good, resources: { limits: { cpu: "1", memory: "1Gi" } } }))).toEqual([]);
  });

  it("flags minReadySeconds 0 only on critical workloads", () => {
    expect(codes(deploy(good))).toEqual([]);
    expect(codes(deploy(good, { minReadySeconds: 0 }), ["shop/web"])).toEqual(["min-ready-seconds-zero"]);
  });

  it("flags terminationGracePeriodSeconds 0 and a readiness probe identical to liveness", () => {
    expect(codes(deploy(good, {}, { terminationGracePeriodSeconds: 0 }))).toEqual(["termination-grace-zero"]);
    const same = { ...good, livenessProbe: { httpGet: { port: 80, path: "/ready" } } };
    expect(codes(deploy(same))).toEqual(["readiness-equals-liveness"]);
  });

  it("the PDB that allows no disruption stays pdb-blocks-drain, and every code has a docs/health.md row", () => {
    const doc = readFileSync(new URL("../../docs/health.md", import.meta.url), "utf8");
    for (const code of [...WORKLOAD_CODES, "pdb-blocks-drain"]) expect(doc, code).toContain(`\`${code}\``);
    expect(doc).toContain("| eksup |");
  });
});
