/**
 * One look at green's Kubernetes health, for the engine's Observation: connect (EKS token or
 * kubeconfig), read a snapshot, run the checks. An API that does not answer is `{ ok: false }` (an
 * error verdict: hold and look again), never a failing finding. Restart growth is judged by the engine
 * against its bake baseline with `excessRestarts` (engine/verdict.ts); this returns the current counts.
 */
import type { ClusterReading } from "../../engine/ports.ts";
import type { KubernetesObservation, Part } from "../../engine/observation.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import { parseDuration } from "../../plan/duration.ts";
import { KubernetesHealth } from "../../plan/schema.ts";
import type { KubeApi } from "./api.ts";
import {
  argoFindings,
  inventory,
  nodeFindings,
  parityFindings,
  podFindings,
  restartCounts,
  workloadFindings,
  type KubernetesFinding,
  type WorkloadCount,
} from "./checks.ts";
import { connectEks, connectKubeconfig } from "./connect.ts";
import type { ClusterSnapshot } from "./objects.ts";
import { readSnapshot, type Scope } from "./snapshot.ts";
import type { CredentialsProvider } from "./token.ts";

/** The plan's `health.kubernetes` with defaults applied. */
export interface KubernetesSettings {
  enabled: boolean;
  kubeconfig?: { path?: string; context?: string };
  namespaces: string[];
  labelSelector?: string;
  minZones: number;
  pendingGraceMs: number;
  maxRestarts: number;
  argocd: boolean;
  parity: { enabled: boolean; minReadyPercent: number };
}

type KubernetesHealthDoc = NonNullable<NonNullable<CompiledPlan["doc"]["health"]>["kubernetes"]>;

/** The settings of a parsed `health.kubernetes` section (durations in ms). */
function settingsOf(k: KubernetesHealthDoc): KubernetesSettings {
  return {
    enabled: true,
    kubeconfig: k.kubeconfig,
    namespaces: k.namespaces,
    labelSelector: k.labelSelector,
    minZones: k.minZones,
    pendingGraceMs: parseDuration(k.pendingGrace),
    maxRestarts: k.maxRestarts,
    argocd: k.argocd,
    parity: k.parity,
  };
}

/**
 * The schema's own defaults (`health.kubernetes: {}` parsed by the plan schema), for reading a cluster
 * whose plan has no `health.kubernetes` (e.g. `audit --plan`).
 */
export const DEFAULT_KUBERNETES_SETTINGS: KubernetesSettings = settingsOf(KubernetesHealth.parse({}));

/** undefined when the plan has no `health.kubernetes` section or turns it off. */
export function kubernetesSettings(plan: CompiledPlan): KubernetesSettings | undefined {
  const k = plan.doc.health?.kubernetes;
  if (!k || !k.enabled) return undefined;
  return settingsOf(k);
}

/** How to reach AWS for the token: the cluster's region and a credential chain. */
export interface KubernetesAccess {
  region: string;
  credentials: CredentialsProvider;
  /** Deadline per API call (default 15 s). */
  timeoutMs?: number;
}

export interface ObserveOptions {
  now: Date;
  signal?: AbortSignal;
  /** Blue's workloads for parity (from `readBlueInventory`); parity is skipped when absent. */
  blue?: Part<WorkloadCount[]>;
  /** Use this API instead of connecting (tests, or a connection kept across ticks). */
  api?: KubeApi;
}

function scopeOf(s: KubernetesSettings): Scope {
  return { namespaces: s.namespaces, labelSelector: s.labelSelector, argocd: s.argocd };
}

/** Green's API: the kubeconfig context when the plan names one, else through EKS. */
export function connectGreen(
  settings: KubernetesSettings,
  cluster: ClusterReading,
  access: KubernetesAccess,
  signal?: AbortSignal,
): KubeApi {
  if (settings.kubeconfig)
    return connectKubeconfig(settings.kubeconfig, { timeoutMs: access.timeoutMs, signal });
  return connectEks(cluster, { ...access, signal });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Every finding the snapshot yields (restart growth excepted: that needs the bake's baseline). */
export function snapshotFindings(
  snapshot: ClusterSnapshot,
  settings: KubernetesSettings,
  now: Date,
  blue: Part<WorkloadCount[]> | undefined,
): KubernetesFinding[] {
  const findings = [
    ...nodeFindings(snapshot.nodes, settings.minZones),
    ...workloadFindings(snapshot.workloads),
    ...podFindings(snapshot.pods, now.getTime(), settings.pendingGraceMs),
    ...argoFindings(snapshot.applications),
  ];
  if (settings.parity.enabled && blue) {
    if (blue.ok) {
      findings.push(
        ...parityFindings(blue.value, inventory(snapshot.workloads), settings.parity.minReadyPercent),
      );
    } else {
      findings.push({
        severity: "warning",
        code: "parity-unknown",
        subject: "parity",
        message: `Parity with blue was not checked: ${blue.error}`,
      });
    }
  }
  return findings;
}

export async function observeKubernetes(
  plan: CompiledPlan,
  cluster: ClusterReading,
  access: KubernetesAccess,
  options: ObserveOptions,
): Promise<Part<KubernetesObservation>> {
  const settings = kubernetesSettings(plan);
  if (!settings) return { ok: true, value: { findings: [], restarts: {} } };
  try {
    const api = options.api ?? connectGreen(settings, cluster, access, options.signal);
    const snapshot = await readSnapshot(api, scopeOf(settings));
    return {
      ok: true,
      value: {
        findings: snapshotFindings(snapshot, settings, options.now, options.blue),
        restarts: restartCounts(snapshot.pods),
        ...(plan.doc.capacity
          ? { capacity: capacityReading(snapshot.workloads, options.blue, await hpaMaxima(api, settings)) }
          : {}),
      },
    };
  } catch (error) {
    return { ok: false, error: `green's Kubernetes API: ${errorText(error)}` };
  }
}

/** Ready replicas per workload (`Kind/namespace/name`) on each side, for capacity that follows traffic. */
/** Green's HPAs' maxReplicas by the workload they scale (`Kind/namespace/name`), in the plan's namespaces. */
async function hpaMaxima(api: KubeApi, settings: KubernetesSettings): Promise<Record<string, number>> {
  if (!api.hpas) return {};
  const all = await api.hpas(undefined);
  const out: Record<string, number> = {};
  for (const h of all) {
    const ns = h.metadata?.namespace ?? "default";
    if (settings.namespaces.length > 0 && !settings.namespaces.includes(ns)) continue;
    const ref = h.spec?.scaleTargetRef;
    if (ref?.kind && ref.name && typeof h.spec?.maxReplicas === "number") {
      out[`${ref.kind}/${ns}/${ref.name}`] = h.spec.maxReplicas;
    }
  }
  return out;
}

function capacityReading(
  green: ClusterSnapshot["workloads"],
  blue: Part<WorkloadCount[]> | undefined,
  hpaMax: Record<string, number>,
): NonNullable<KubernetesObservation["capacity"]> {
  const byId = (list: readonly WorkloadCount[]) =>
    Object.fromEntries(list.map((w) => [`${w.kind}/${w.namespace}/${w.name}`, w.ready]));
  return {
    green: byId(inventory(green)),
    hpaMax,
    blue: !blue
      ? { ok: false, error: "blue's workloads were not read" }
      : blue.ok
        ? { ok: true, value: byId(blue.value) }
        : { ok: false, error: blue.error },
  };
}

/** Blue's workloads in the plan's namespaces: the parity input. Blue is always reached through EKS. */
export async function readBlueInventory(
  plan: CompiledPlan,
  blue: ClusterReading,
  access: KubernetesAccess,
  options: { signal?: AbortSignal; api?: KubeApi } = {},
): Promise<Part<WorkloadCount[]>> {
  const settings = kubernetesSettings(plan);
  if (!settings) return { ok: true, value: [] };
  try {
    const api = options.api ?? connectEks(blue, { ...access, signal: options.signal });
    const snapshot = await readSnapshot(api, { ...scopeOf(settings), argocd: false });
    return { ok: true, value: inventory(snapshot.workloads) };
  } catch (error) {
    return { ok: false, error: `blue's Kubernetes API: ${errorText(error)}` };
  }
}
