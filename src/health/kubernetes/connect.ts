/**
 * Connects to a cluster's Kubernetes API: through EKS (endpoint and CA from DescribeCluster, a bearer
 * token minted as `aws eks get-token` mints it, refreshed before STS stops accepting it), or through a
 * kubeconfig context when the plan names one. No AWS CLI and no kubeconfig are needed for the first.
 */
import { KubeConfig, type User } from "@kubernetes/client-node";
import type { ClusterReading } from "../../engine/ports.ts";
import { kubeApi, KubeApiError, type KubeApi } from "./api.ts";
import { tokenSource, type CredentialsProvider } from "./token.ts";

export interface ConnectOptions {
  /** Region whose STS endpoint the token is presigned for (the cluster's region). */
  region: string;
  credentials: CredentialsProvider;
  /** Deadline for each API call (default 15 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  now?: () => Date;
  /** Mint a new token once the current one is this old (default 10 minutes; STS allows 15). */
  refreshAfterMs?: number;
}

const EKS_USER = "eks-bluegreen";

export function connectEks(cluster: ClusterReading, options: ConnectOptions): KubeApi {
  if (!cluster.exists) throw new KubeApiError(`cluster ${cluster.name} does not exist`, undefined);
  if (!cluster.endpoint || !cluster.certificateAuthority) {
    throw new KubeApiError(
      `cluster ${cluster.name} has no API endpoint or certificate authority yet (status ${cluster.status ?? "unknown"})`,
      undefined,
    );
  }
  const token = tokenSource({
    clusterName: cluster.name,
    region: options.region,
    credentials: options.credentials,
    now: options.now,
    refreshAfterMs: options.refreshAfterMs,
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: cluster.name, server: cluster.endpoint, caData: cluster.certificateAuthority }],
    users: [{ name: EKS_USER }],
    contexts: [{ name: cluster.name, cluster: cluster.name, user: EKS_USER }],
    currentContext: cluster.name,
  });
  // A custom authenticator runs before every request, so a long bake always sends a fresh token.
  kc.addAuthenticator({
    isAuthProvider: (user: User) => user.name === EKS_USER,
    applyAuthentication: async (_user, opts) => {
      opts.headers = { ...(opts.headers ?? {}), Authorization: `Bearer ${await token()}` };
    },
  });
  return kubeApi(kc, { timeoutMs: options.timeoutMs, signal: options.signal });
}

export function connectKubeconfig(
  settings: { path?: string; context?: string },
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): KubeApi {
  const kc = new KubeConfig();
  try {
    if (settings.path) kc.loadFromFile(settings.path);
    else kc.loadFromDefault();
  } catch (error) {
    throw new KubeApiError(
      `cannot read the kubeconfig ${settings.path ?? "(default)"}: ${(error as Error).message}`,
      undefined,
    );
  }
  if (settings.context) {
    if (!kc.getContextObject(settings.context)) {
      throw new KubeApiError(`the kubeconfig has no context "${settings.context}"`, undefined);
    }
    kc.setCurrentContext(settings.context);
  }
  return kubeApi(kc, options);
}
