/**
 * Gathers one Observation through the ports: live traffic weights, alarm states (and history since a
 * moment), green's cluster, and (when the plan enables it) green's Kubernetes health and, when asked,
 * the resilience audit. Read-only. Each part is caught on its own, so one unreadable service becomes an
 * error part (and a finding) instead of a failed tick.
 */
import type { ClusterReading, EndpointGroupRef, ListenerRef, Ports, RecordPairRef } from "../engine/ports.ts";
import { endpointGroupRefs, listenerRefs, recordPairs } from "../engine/targets.ts";
import type { CompiledPlan } from "../plan/compile.ts";
import { resolveQueries, type MetricDataResultLike, type ResolvedSide } from "../analysis/index.ts";
import type { AlarmsObservation, AnalysisObservation, Observation, Part } from "../engine/observation.ts";

export interface ObserveOptions {
  /** Read alarm history from here (the current step's change submission); no history when absent. */
  historySince?: Date;
  signal?: AbortSignal;
  /** The tick's clock, for Kubernetes checks that judge age (pods Pending past a grace); no Kubernetes reading without it. */
  now?: Date;
  /** Also run the resilience audit of green (preflight ticks and `plan`; never during bakes). */
  audit?: boolean;
  /** The retry layer's log: parts read only after retrying say since when (`Part.retriedSince`). */
  retries?: RetryLog;
  /** Targets the state has written that the plan no longer names: read into `formerTraffic` (retirement checks them). */
  formerTargets?: RecordPairRef[];
  formerListeners?: ListenerRef[];
  formerEndpointGroups?: EndpointGroupRef[];
  /** Read the plan's metric analysis over this window (every metric of both sides, one packed call set; `only: "split"`: the split's queries only); engine/analysis.ts says when. */
  analysis?: { start: Date; end: Date; only?: "split" };
}

/** The AWS services an observation reads, as the retry layer names operations (`cloudwatch:DescribeAlarms`). */
export type ObservedService = "route53" | "cloudwatch" | "eks" | "elasticloadbalancing" | "globalaccelerator";

/** When reads first had to retry, per service, since `start()` (kept by the shell, with its clock). */
export interface RetryLog {
  start(): void;
  firstRetry(service: ObservedService): string | undefined;
}

/** A recorder for the retry layer's `onRetry`: notes the first retry per service after each `start()`. */
export function retryLog(now: () => Date): RetryLog & { note(operation: string): void } {
  const first = new Map<string, string>();
  return {
    start: () => first.clear(),
    firstRetry: (service) => first.get(service),
    note: (operation) => {
      const service = operation.split(":")[0] ?? operation;
      if (!first.has(service)) first.set(service, now().toISOString());
    },
  };
}

function withRetries<T>(p: Part<T>, log: RetryLog | undefined, service: ObservedService): Part<T> {
  const since = log?.firstRetry(service);
  return since ? { ...p, retriedSince: since } : p;
}

async function part<T>(read: () => Promise<T>): Promise<Part<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** A port the plan needs but the composition root did not build: a bug, reported as unreadable. */
function requirePort<T>(port: T | undefined, service: string): T {
  if (!port) throw new Error(`no ${service} client was built for this plan`);
  return port;
}

async function readAlarms(
  ports: Ports,
  plan: CompiledPlan,
  options: ObserveOptions,
): Promise<AlarmsObservation> {
  const { names, prefixes, history } = plan.doc.alarms;
  if (names.length === 0 && prefixes.length === 0) return { alarms: [], missing: [], history: [] };
  const call = options.signal ? { signal: options.signal } : {};
  const described = await ports.alarms.describe({ names, prefixes }, call);
  const transitions =
    history && options.historySince && described.alarms.length > 0
      ? await ports.alarms.history(
          options.historySince,
          described.alarms.map((a) => a.name),
          call,
        )
      : [];
  return { alarms: described.alarms, missing: described.missing, history: transitions };
}

export async function observe(
  ports: Ports,
  plan: CompiledPlan,
  options: ObserveOptions = {},
): Promise<Observation> {
  const call = options.signal ? { signal: options.signal } : {};
  const green = plan.doc.clusters.green;
  options.retries?.start();
  const listeners = listenerRefs(plan);
  const groups = endpointGroupRefs(plan);
  const [traffic, alarms, cluster, listenerReadings, groupReadings] = await Promise.all([
    part(() => ports.traffic.read(recordPairs(plan), call)),
    part(() => readAlarms(ports, plan, options)),
    part(() =>
      ports.clusters.green.describe(
        green.name,
        {
          ...(green.nodegroups ? { nodegroups: green.nodegroups } : {}),
          ...(green.addons ? { addons: green.addons } : {}),
          insights: green.insights,
        },
        call,
      ),
    ),
    listeners.length > 0
      ? part(() => requirePort(ports.listeners, "ELBv2").read(listeners, call))
      : undefined,
    groups.length > 0
      ? part(() => requirePort(ports.endpointGroups, "Global Accelerator").read(groups, call))
      : undefined,
  ]);
  const log = options.retries;
  const observation: Observation = {
    traffic: withRetries(traffic, log, "route53"),
    alarms: withRetries(alarms, log, "cloudwatch"),
    green: withRetries(cluster, log, "eks"),
    ...(listenerReadings ? { listeners: withRetries(listenerReadings, log, "elasticloadbalancing") } : {}),
    ...(groupReadings ? { endpointGroups: withRetries(groupReadings, log, "globalaccelerator") } : {}),
  };
  if (options.analysis && plan.doc.analysis) {
    const read = options.analysis;
    observation.analysis = {
      ...withRetries(await part(() => readAnalysis(ports, plan, read, options.signal)), log, "cloudwatch"),
      ...(read.only === "split" ? { splitOnly: true as const } : {}),
    };
  }
  const former = options.formerTargets;
  if (former && former.length > 0) {
    observation.formerTraffic = await part(() => ports.traffic.read(former, call));
  }
  const formerListeners = options.formerListeners;
  if (formerListeners && formerListeners.length > 0) {
    observation.formerListeners = await part(() =>
      requirePort(ports.listeners, "ELBv2").read(formerListeners, call),
    );
  }
  const formerGroups = options.formerEndpointGroups;
  if (formerGroups && formerGroups.length > 0) {
    observation.formerEndpointGroups = await part(() =>
      requirePort(ports.endpointGroups, "Global Accelerator").read(formerGroups, call),
    );
  }
  const k8s = ports.kubernetes;
  if (k8s && options.now && cluster.ok && kubernetesReadable(cluster.value)) {
    const reading = cluster.value;
    const now = options.now;
    const [kubernetes, audit] = await Promise.all([
      part(() => k8s.observeGreen(reading, { now, ...call })),
      options.audit ? part(() => k8s.audit(reading, call)) : undefined,
    ]);
    observation.kubernetes = kubernetes;
    if (audit) observation.audit = audit;
  }
  if (options.audit && options.now && cluster.ok && kubernetesReadable(cluster.value)) {
    const { readReadiness, readinessFindings, readinessSettings } = await import("../health/readiness.ts");
    const [reading, now] = [cluster.value, options.now];
    observation.readiness = await part(async () =>
      readinessFindings(await readReadiness(ports, plan, reading, call), readinessSettings(plan), now),
    );
  }
  return observation;
}

/** Green's API is worth asking only once EKS says the cluster is there and ACTIVE (else preflight already says why). */
function kubernetesReadable(green: ClusterReading): boolean {
  return green.exists && green.status === "ACTIVE";
}

/**
 * Every analysis query of both sides over the window (or, with `only: "split"`, the split's queries
 * only), in as few GetMetricData calls as allowed.
 */
export async function readAnalysis(
  ports: Ports,
  plan: CompiledPlan,
  window: { start: Date; end: Date; only?: "split" },
  signal?: AbortSignal,
): Promise<AnalysisObservation> {
  if (!ports.metrics) throw new Error("no CloudWatch metrics port");
  const sides = [resolveQueries(plan.doc, "blue"), resolveQueries(plan.doc, "green")];
  const metrics = (s: ResolvedSide) => (window.only === "split" ? [] : s.metrics.flatMap((m) => m.queries));
  const queries = sides.flatMap((s) => [...metrics(s), ...(s.split?.queries ?? [])]);
  const read = await ports.metrics.getData(queries, window, signal ? { signal } : {});
  const results: MetricDataResultLike[] = read.series.map((r) => ({
    Id: r.id,
    Timestamps: r.timestamps.map((t) => Date.parse(t)),
    Values: r.values,
    StatusCode: r.status,
    Messages: r.messages.map((m) => ({ Value: m })),
  }));
  return { end: window.end.toISOString(), results, calls: read.calls };
}
