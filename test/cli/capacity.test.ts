/**
 * Issue 16, capacity that follows traffic, through the built CLI against the sandbox (EKS + Kubernetes
 * APIs): green running 2 replicas of a workload blue runs 20 of holds before the 50% step, names the
 * workload and the numbers, and moves on once green is scaled. Needs `npm run build`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { attachKubernetes } from "../../src/sandbox/k8s/attach.ts";
import type { KubernetesApi } from "../../src/sandbox/k8s/server.ts";
import { compressedPlan, setup, weights, type Env } from "./harness.ts";

let env: Env | undefined;
let apis: Map<string, KubernetesApi> | undefined;
afterEach(async () => {
  await Promise.all([...(apis?.values() ?? [])].map((a) => a.close()));
  await env?.close();
  env = undefined;
  apis = undefined;
});

const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: api, image: "shop/api:1.0" }]
`;

describe("capacity that follows traffic", () => {
  it("holds before the 50% step while green runs 2 of blue's 20 replicas, naming the workload", async () => {
    env = await setup(
      compressedPlan({
        steps: [
          { green: 5, bake: "200ms" },
          { green: 50, bake: "200ms" },
          { green: 100, bake: "200ms" },
        ],
        health: { kubernetes: { parity: { enabled: false } } },
        capacity: {},
      } as never),
    );
    const blueDir = join(env.dir, "k8s-blue");
    const greenDir = join(env.dir, "k8s-green");
    await mkdir(blueDir);
    await mkdir(greenDir);
    await writeFile(join(blueDir, "api.yaml"), deployment(20));
    await writeFile(join(greenDir, "api.yaml"), deployment(2));
    apis = await attachKubernetes(env.sandbox, [
      { cluster: "shop-1-30", path: blueDir },
      { cluster: "shop-1-31", path: greenDir },
    ]);

    const preview = await env.cli(["plan", "plan.yaml"]);
    expect(preview.stdout).toContain(
      "Capacity: ready replicas green needs before each step (+10% headroom):",
    );
    expect(preview.stdout).toContain("Deployment/shop/api: blue 20, green 2; 5%→2, 50%→11, 100%→22");

    // Step 1 (5%) needs ⌈0.05 × 20 × 1.1⌉ = 2: green has them.
    let r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1 });
    await new Promise((done) => setTimeout(done, 400));
    // Step 2 (50%) needs ⌈0.5 × 20 × 1.1⌉ = 11: it holds, not fails.
    r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ phase: "baking", step: 1 });
    expect(JSON.stringify(r.json)).toContain(
      "Deployment/shop/api has 2 ready replica(s), needs 11 (blue ran 20 at the start",
    );
    expect(weights(env).green).toBe(5);

    // Blue autoscales down as traffic leaves it; what green needs counts from blue at the start.
    apis.get("shop-1-30")!.objects.scale("Deployment", "shop", "api", 5);
    apis.get("shop-1-31")!.objects.scale("Deployment", "shop", "api", 11);
    r = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ step: 2 });
    expect(weights(env).green).toBe(50);
    expect(JSON.stringify(r.json)).toContain("blue-capacity-short");
  });
});

const hpa = (max: number) => `---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: api, namespace: shop }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: api }
  minReplicas: 2
  maxReplicas: ${max}
`;

describe("green HPAs in preflight", () => {
  it("an HPA whose maxReplicas cannot reach what 100% needs is an error in plan and advance", async () => {
    env = await setup(
      compressedPlan({
        health: { kubernetes: { parity: { enabled: false } } },
        capacity: { headroom: 10 },
      } as never),
    );
    const blueDir = join(env.dir, "k8s-blue");
    const greenDir = join(env.dir, "k8s-green");
    await mkdir(blueDir);
    await mkdir(greenDir);
    await writeFile(join(blueDir, "api.yaml"), deployment(20));
    await writeFile(join(greenDir, "api.yaml"), deployment(3) + hpa(15));
    apis = await attachKubernetes(env.sandbox, [
      { cluster: "shop-1-30", path: blueDir },
      { cluster: "shop-1-31", path: greenDir },
    ]);
    const plan = await env.cli(["--output", "json", "plan", "plan.yaml"]);
    expect(plan.code, plan.stderr).toBe(4);
    const hpaFinding = (plan.json.findings as { code: string; message: string }[]).find(
      (f) => f.code === "hpa-max-too-low",
    );
    expect(hpaFinding?.message).toContain("at most 15 replica(s); 100% of traffic needs 22");
    const advance = await env.cli(["--output", "json", "advance", "plan.yaml"]);
    expect(advance.code).toBe(4);
    expect(weights(env).green).toBe(0);
  });
});
