/**
 * The narrow port through which the checks read a cluster: only the list calls they make. `kubeApi`
 * implements it with @kubernetes/client-node over a KubeConfig; tests can implement it in memory.
 */
import {
  ApiException,
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  CustomObjectsApi,
  PolicyV1Api,
  ServerConfiguration,
  VersionApi,
  createConfiguration,
  type KubeConfig,
  type RequestContext,
  type V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";
import type {
  ArgoApplication,
  V1DaemonSet,
  V1Deployment,
  V1Node,
  V1Pod,
  V1PodDisruptionBudget,
  V1StatefulSet,
} from "./objects.ts";

export interface KubeVersion {
  major: string;
  minor: string;
  gitVersion: string;
}

export interface KubeApi {
  /** Where it points, for messages. */
  readonly server: string;
  version(): Promise<KubeVersion>;
  nodes(): Promise<V1Node[]>;
  /** `namespace` undefined = every namespace. */
  pods(namespace: string | undefined, labelSelector?: string): Promise<V1Pod[]>;
  deployments(namespace: string | undefined, labelSelector?: string): Promise<V1Deployment[]>;
  statefulSets(namespace: string | undefined, labelSelector?: string): Promise<V1StatefulSet[]>;
  daemonSets(namespace: string | undefined, labelSelector?: string): Promise<V1DaemonSet[]>;
  pdbs(namespace: string | undefined): Promise<V1PodDisruptionBudget[]>;
  /** HorizontalPodAutoscalers (autoscaling/v2), for capacity that follows traffic; absent on older fakes. */
  hpas?(namespace: string | undefined): Promise<V2HorizontalPodAutoscaler[]>;
  /** undefined when the Application CRD is not installed (404). */
  applications(): Promise<ArgoApplication[] | undefined>;
}

/** A Kubernetes API call that failed: the HTTP status when there was one. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

function describe(error: unknown, what: string, server: string): KubeApiError {
  if (error instanceof ApiException) {
    const status = error.code;
    const why =
      status === 401
        ? "the API refused the credentials (401 Unauthorized)"
        : status === 403
          ? "forbidden (403): grant the ClusterRole in docs/health.md"
          : `HTTP ${status}`;
    return new KubeApiError(`Kubernetes API ${server}: listing ${what}: ${why}`, status);
  }
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const why =
    e.name === "AbortError" || e.name === "TimeoutError"
      ? "no answer in time"
      : (e.cause?.message ?? e.message ?? String(error));
  return new KubeApiError(`Kubernetes API ${server}: listing ${what}: ${why}`, undefined);
}

export function kubeApi(kc: KubeConfig, options: { timeoutMs?: number; signal?: AbortSignal } = {}): KubeApi {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeApiError("the kubeconfig has no current cluster", undefined);
  const server = cluster.server;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        // Every call gets a deadline (and the run's Ctrl-C): an API that hangs is an error verdict, not a stall.
        pre: async (context: RequestContext) => {
          const deadline = AbortSignal.timeout(timeoutMs);
          context.setSignal(options.signal ? AbortSignal.any([options.signal, deadline]) : deadline);
          return context;
        },
        post: async (response) => response,
      },
    ],
  });
  const core = new CoreV1Api(configuration);
  const apps = new AppsV1Api(configuration);
  const policy = new PolicyV1Api(configuration);
  const autoscaling = new AutoscalingV2Api(configuration);
  const custom = new CustomObjectsApi(configuration);
  const versionApi = new VersionApi(configuration);

  async function call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw describe(error, what, server);
    }
  }

  return {
    server,
    version: () =>
      call("version", async () => {
        const v = await versionApi.getCode();
        return { major: v.major, minor: v.minor, gitVersion: v.gitVersion };
      }),
    nodes: () => call("nodes", async () => (await core.listNode({})).items),
    pods: (namespace, labelSelector) =>
      call("pods", async () =>
        namespace === undefined
          ? (await core.listPodForAllNamespaces({ labelSelector })).items
          : (await core.listNamespacedPod({ namespace, labelSelector })).items,
      ),
    deployments: (namespace, labelSelector) =>
      call("deployments", async () =>
        namespace === undefined
          ? (await apps.listDeploymentForAllNamespaces({ labelSelector })).items
          : (await apps.listNamespacedDeployment({ namespace, labelSelector })).items,
      ),
    statefulSets: (namespace, labelSelector) =>
      call("statefulsets", async () =>
        namespace === undefined
          ? (await apps.listStatefulSetForAllNamespaces({ labelSelector })).items
          : (await apps.listNamespacedStatefulSet({ namespace, labelSelector })).items,
      ),
    daemonSets: (namespace, labelSelector) =>
      call("daemonsets", async () =>
        namespace === undefined
          ? (await apps.listDaemonSetForAllNamespaces({ labelSelector })).items
          : (await apps.listNamespacedDaemonSet({ namespace, labelSelector })).items,
      ),
    pdbs: (namespace) =>
      call("poddisruptionbudgets", async () =>
        namespace === undefined
          ? (await policy.listPodDisruptionBudgetForAllNamespaces({})).items
          : (await policy.listNamespacedPodDisruptionBudget({ namespace })).items,
      ),
    hpas: (namespace) =>
      call("horizontalpodautoscalers", async () =>
        namespace === undefined
          ? (await autoscaling.listHorizontalPodAutoscalerForAllNamespaces({})).items
          : (await autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace })).items,
      ),
    applications: async () => {
      try {
        const list = (await custom.listClusterCustomObject({
          group: "argoproj.io",
          version: "v1alpha1",
          plural: "applications",
        })) as { items?: ArgoApplication[] };
        return list.items ?? [];
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) return undefined;
        throw describe(error, "Argo CD applications", server);
      }
    },
  };
}
