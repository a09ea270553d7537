/**
 * Gives sandbox clusters a Kubernetes API: one HTTPS server per `CLUSTER=PATH`, loaded from the manifests
 * at PATH, whose endpoint and CA become the cluster's `endpoint` and `certificateAuthority` in the EKS
 * world, so DescribeCluster leads the tool to it exactly as it leads to a real cluster.
 */
import { UsageError } from "../../errors.ts";
import { SANDBOX_ACCESS_KEY_ID, SANDBOX_SECRET_ACCESS_KEY, type Sandbox } from "../index.ts";
import { startKubernetesApi, type KubernetesApi } from "./server.ts";
import { generateTls } from "./tls.ts";

export interface K8sSpec {
  cluster: string;
  path: string;
}

/** `--k8s CLUSTER=PATH` values → specs; a malformed one is a usage error. */
export function parseK8sSpecs(values: readonly string[]): K8sSpec[] {
  return values.map((value) => {
    const eq = value.indexOf("=");
    if (eq <= 0 || eq === value.length - 1) {
      throw new UsageError(
        `--k8s must be CLUSTER=PATH, got "${value}".`,
        "e.g. --k8s green=plans/manifests (a directory or a file of manifests).",
      );
    }
    return { cluster: value.slice(0, eq), path: value.slice(eq + 1) };
  });
}

export async function attachKubernetes(
  sandbox: Pick<Sandbox, "world">,
  specs: readonly K8sSpec[],
): Promise<Map<string, KubernetesApi>> {
  const apis = new Map<string, KubernetesApi>();
  if (specs.length === 0) return apis;
  const tls = await generateTls("eks-bluegreen sandbox");
  try {
    for (const spec of specs) {
      const cluster = sandbox.world.eks.cluster(spec.cluster);
      if (!cluster) {
        throw new UsageError(
          `--k8s ${spec.cluster}=${spec.path}: the sandbox has no cluster named ${spec.cluster}.`,
          `Name a cluster of the plan: ${sandbox.world.eks.clusterNames().join(", ") || "(none: pass --plan)"}.`,
        );
      }
      const api = await startKubernetesApi({
        clusterName: spec.cluster,
        manifests: spec.path,
        credentials: { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
        kubernetesVersion: cluster.version,
        region: sandbox.world.region,
        tls,
      });
      apis.set(spec.cluster, api);
      cluster.endpoint = api.endpoint;
      cluster.certificateAuthority = { data: api.caData };
    }
  } catch (error) {
    await Promise.all([...apis.values()].map((a) => a.close()));
    throw error;
  }
  return apis;
}
