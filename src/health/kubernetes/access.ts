/**
 * The AWS side of a Kubernetes connection for one of the plan's clusters: the region its token is
 * presigned for and the credentials that sign it — the same chain, profile and role the EKS client for
 * that cluster uses (built by src/aws/clients.ts), so blue and green in other accounts just work.
 */
import { createClientFactory } from "../../aws/clients.ts";
import type { AwsSettings } from "../../aws/settings.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import type { KubernetesAccess } from "./observe.ts";

export function kubernetesAccess(
  plan: CompiledPlan,
  settings: AwsSettings,
  role: "blue" | "green",
  env: NodeJS.ProcessEnv = process.env,
): KubernetesAccess {
  const { doc } = plan;
  const cluster = doc.clusters[role];
  const roleArn = cluster.roleArn ?? doc.roleArn;
  const scope = { ...(cluster.region ? { region: cluster.region } : {}), ...(roleArn ? { roleArn } : {}) };
  const clients = createClientFactory({ settings, planRegion: doc.region, env });
  return {
    region: clients.regionFor(scope) ?? doc.region,
    credentials: async () => {
      const eks = await clients.eks(scope);
      const identity = await eks.config.credentials();
      return {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        sessionToken: identity.sessionToken,
      };
    },
  };
}
