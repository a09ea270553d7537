/** Shared helpers: a sandbox Kubernetes API loaded with the shop manifests, and a ClusterReading pointing at it. */
import type { ClusterReading } from "../../src/engine/ports.ts";
import type { CompiledPlan } from "../../src/plan/compile.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import { startKubernetesApi, type KubernetesApi } from "../../src/sandbox/k8s/index.ts";
import type { KubernetesApiOptions } from "../../src/sandbox/k8s/server.ts";
import type { SandboxTls } from "../../src/sandbox/k8s/tls.ts";
import { generateTls } from "../../src/sandbox/k8s/tls.ts";
import { buildPlan } from "../support/plan-builder.ts";

export const CREDENTIALS = { accessKeyId: "AKIASANDBOX000000001", secretAccessKey: "sandbox-secret" };
export const MANIFESTS = new URL("../../plans/manifests", import.meta.url).pathname;

let tls: Promise<SandboxTls> | undefined;
/** One certificate for the whole test file: openssl runs once. */
export function sharedTls(): Promise<SandboxTls> {
  tls ??= generateTls("test");
  return tls;
}

export async function startApi(
  clusterName: string,
  options: Partial<KubernetesApiOptions> = {},
): Promise<KubernetesApi> {
  return startKubernetesApi({
    clusterName,
    manifests: MANIFESTS,
    credentials: CREDENTIALS,
    tls: await sharedTls(),
    ...options,
  });
}

export function readingFor(name: string, api: Pick<KubernetesApi, "endpoint" | "caData">): ClusterReading {
  return {
    name,
    exists: true,
    status: "ACTIVE",
    version: "1.31",
    platformVersion: "eks.1",
    endpoint: api.endpoint,
    certificateAuthority: api.caData,
    arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
    issues: [],
    nodegroups: [],
    fargateProfiles: [],
    addons: [],
    insights: undefined,
  };
}

export function planWith(health: PlanInput["health"]): CompiledPlan {
  return buildPlan({
    metadata: { name: "shop" },
    traffic: {
      records: [{ zoneName: "example.com", name: "shop.example.com", blue: "blue", green: "green" }],
    },
    steps: [
      { green: 10, bake: "1m" },
      { green: 100, bake: "1m" },
    ],
    health,
  });
}

export const access = { region: "us-east-1", credentials: async () => CREDENTIALS, timeoutMs: 5000 };
