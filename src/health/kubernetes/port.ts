/**
 * The KubernetesPort the engine sees: green's health (with parity against blue) and the resilience audit
 * of green's live workloads. One API connection per cluster is kept for the life of the port (a `run`
 * ticks for hours; the EKS token refreshes itself), and made anew only when the cluster's endpoint or CA
 * changes. Loaded by `createPorts` only for plans that enable `health.kubernetes`.
 */
import type {
  ClusterReading,
  ClustersPort,
  KubernetesPort,
  KubernetesReadinessFacts,
} from "../../engine/ports.ts";
import type { AwsSettings } from "../../aws/settings.ts";
import type { Finding, Part } from "../../engine/observation.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import { auditLive } from "../audit/live.ts";
import { auditOptions, auditScope } from "../audit/plan-audit.ts";
import { kubernetesAccess } from "./access.ts";
import type { KubeApi } from "./api.ts";
import { nodeReady, type WorkloadCount } from "./checks.ts";
import { connectEks } from "./connect.ts";
import {
  connectGreen,
  DEFAULT_KUBERNETES_SETTINGS,
  kubernetesSettings,
  observeKubernetes,
  readBlueInventory,
  type KubernetesAccess,
} from "./observe.ts";

type Connect = (reading: ClusterReading, signal: AbortSignal | undefined) => KubeApi;

/** Keeps one connection while the cluster's endpoint and CA stay the same. */
function cached(connect: Connect): (reading: ClusterReading, signal?: AbortSignal) => KubeApi {
  let current: { key: string; api: KubeApi } | undefined;
  return (reading, signal) => {
    const key = `${reading.endpoint ?? ""}\n${reading.certificateAuthority ?? ""}`;
    // The first caller's signal is the process's Ctrl-C, the same for every later tick.
    if (!current || current.key !== key) current = { key, api: connect(reading, signal) };
    return current.api;
  };
}

export function createKubernetesPort(
  plan: CompiledPlan,
  settings: AwsSettings,
  blueClusters: ClustersPort,
  env: NodeJS.ProcessEnv = process.env,
): KubernetesPort {
  const k8s = kubernetesSettings(plan) ?? DEFAULT_KUBERNETES_SETTINGS;
  const greenAccess: KubernetesAccess = kubernetesAccess(plan, settings, "green", env);
  const blueAccess: KubernetesAccess = kubernetesAccess(plan, settings, "blue", env);
  const green = cached((reading, signal) => connectGreen(k8s, reading, greenAccess, signal));
  const blue = cached((reading, signal) => connectEks(reading, { ...blueAccess, signal }));
  const blueName = plan.doc.clusters.blue.name;

  let blueReading: ClusterReading | undefined;

  /** Blue's workloads for parity: blue described through its ClustersPort (once) for its endpoint and CA. */
  async function blueInventory(signal: AbortSignal | undefined): Promise<Part<WorkloadCount[]>> {
    let reading = blueReading;
    if (!reading) {
      try {
        reading = await blueClusters.describe(blueName, { nodegroups: [], addons: [] }, { signal });
      } catch (error) {
        return { ok: false, error: `blue's cluster: ${(error as Error).message}` };
      }
      if (reading.exists && reading.endpoint && reading.certificateAuthority) blueReading = reading;
    }
    try {
      return await readBlueInventory(plan, reading, blueAccess, { signal, api: blue(reading, signal) });
    } catch (error) {
      return { ok: false, error: `blue's Kubernetes API: ${(error as Error).message}` };
    }
  }

  /** Blue's API, with blue described through its ClustersPort (once) for its endpoint and CA. */
  async function blueApi(signal: AbortSignal | undefined): Promise<KubeApi> {
    let reading = blueReading;
    if (!reading) {
      reading = await blueClusters.describe(blueName, { nodegroups: [], addons: [] }, { signal });
      if (reading.exists && reading.endpoint && reading.certificateAuthority) blueReading = reading;
    }
    return blue(reading, signal);
  }

  return {
    async readinessFacts(reading, options) {
      const nodes = await green(reading, options.signal).nodes();
      let bluePods: KubernetesReadinessFacts["bluePods"];
      if (options.bluePods)
        try {
          const pods = await (await blueApi(options.signal)).pods(undefined);
          bluePods = { ok: true, count: pods.filter((p) => p.status?.phase === "Running").length };
        } catch (error) {
          bluePods = { ok: false, error: `blue's Kubernetes API: ${(error as Error).message}` };
        }
      return {
        ...(bluePods ? { bluePods } : {}),
        nodes: nodes.map((n) => ({
          name: n.metadata?.name ?? "",
          ready: nodeReady(n),
          kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? "",
        })),
      };
    },
    async observeGreen(reading, options) {
      // Blue's workloads feed parity and capacity that follows traffic (plan `capacity`).
      const parity =
        k8s.parity.enabled || plan.doc.capacity ? await blueInventory(options.signal) : undefined;
      let api: KubeApi;
      try {
        api = green(reading, options.signal);
      } catch (error) {
        throw new Error(`green's Kubernetes API: ${(error as Error).message}`);
      }
      const result = await observeKubernetes(plan, reading, greenAccess, {
        now: options.now,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(parity ? { blue: parity } : {}),
        api,
      });
      if (!result.ok) throw new Error(result.error);
      return result.value;
    },
    async audit(reading, options): Promise<Finding[]> {
      return auditLive(green(reading, options.signal), auditScope(k8s), auditOptions(plan), reading.insights);
    },
  };
}
