/**
 * The objects one sandbox cluster's Kubernetes API serves, mutable so tests can shape them: loaded from
 * manifests, then filled in the way controllers would (nodes over three zones, ready workloads with
 * their pods spread over the nodes), and changed by the helpers below (a pod crash-looping, a
 * deployment not available, restarts growing, a pod stuck Pending).
 */
import type { KubeObject } from "../../health/audit/manifests.ts";
import { containerStatuses, node, pod, rec, suffix, type Obj, type Rec } from "./fill.ts";
import { typeOf, type ResourceType } from "./resources.ts";

export interface StoreOptions {
  /** Region whose zones synthesized nodes sit in (default us-east-1). */
  region?: string;
  /** Nodes to create when the manifests hold none (default 3, one per zone). */
  nodes?: number;
  /** The control plane's version; synthesized nodes' kubelets run it (default 1.31). */
  kubernetesVersion?: string;
  now?: () => Date;
}

export class KubeStore {
  private readonly items: Obj[] = [];
  private serial = 0;
  private readonly now: () => Date;
  /** Resource types served even with no objects (e.g. the Argo CD CRD "installed" empty). */
  readonly installed = new Set<string>();

  constructor(private readonly options: StoreOptions = {}) {
    this.now = options.now ?? (() => new Date());
  }

  all(): readonly Obj[] {
    return this.items;
  }

  /** Objects of one resource type, optionally in one namespace. */
  list(type: ResourceType, namespace?: string): Obj[] {
    return this.items.filter((o) => {
      const t = typeOf(o.apiVersion, o.kind);
      return (
        t.group === type.group &&
        t.version === type.version &&
        t.plural === type.plural &&
        (namespace === undefined || o.metadata.namespace === namespace)
      );
    });
  }

  find(kind: string, namespace: string | undefined, name: string): Obj | undefined {
    return this.items.find(
      (o) =>
        o.kind === kind &&
        o.metadata.name === name &&
        (namespace === undefined || o.metadata.namespace === namespace),
    );
  }

  /** Adds or replaces (same apiVersion, kind, namespace, name). */
  put(object: KubeObject): Obj {
    const t = typeOf(object.apiVersion, object.kind);
    const o = structuredClone(object) as Obj;
    if (t.namespaced) o.metadata.namespace ??= "default";
    o.metadata.uid ??= `uid-${++this.serial}`;
    o.metadata.creationTimestamp ??= this.now().toISOString();
    const i = this.items.findIndex(
      (x) =>
        x.apiVersion === o.apiVersion &&
        x.kind === o.kind &&
        x.metadata.namespace === o.metadata.namespace &&
        x.metadata.name === o.metadata.name,
    );
    if (i >= 0) this.items[i] = o;
    else this.items.push(o);
    return o;
  }

  remove(kind: string, namespace: string | undefined, name: string): boolean {
    const i = this.items.findIndex(
      (o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace,
    );
    if (i >= 0) this.items.splice(i, 1);
    return i >= 0;
  }

  /** Loads manifest objects and fills in what controllers would: nodes, statuses and pods. */
  load(objects: readonly KubeObject[]): void {
    for (const o of objects) this.put(o);
    if (!this.items.some((o) => o.kind === "Node")) {
      const region = this.options.region ?? "us-east-1";
      const count = this.options.nodes ?? 3;
      for (let i = 0; i < count; i++)
        this.put(
          node(
            `ip-10-0-${i + 1}-10.ec2.internal`,
            `${region}${"abc"[i % 3]}`,
            this.options.kubernetesVersion ?? "1.31",
          ),
        );
    }
    for (const o of [...this.items]) if (o.status === undefined) this.settle(o);
  }

  /**
   * Sets a Deployment's or StatefulSet's replicas (as `kubectl scale` or an HPA would) and has its pods
   * follow: the old pods go, and `replicas` ready ones come, as a controller settles.
   */
  scale(kind: "Deployment" | "StatefulSet", namespace: string, name: string, replicas: number): Obj {
    const o = this.find(kind, namespace, name);
    if (!o) throw new Error(`no ${kind} ${namespace}/${name} in the sandbox`);
    for (const p of this.podsOf(namespace, name)) this.remove("Pod", namespace, p.metadata.name ?? "");
    o.spec = { ...rec(o.spec), replicas };
    this.settle(o);
    o.metadata.generation = ((o.metadata.generation as number | undefined) ?? 1) + 1;
    rec(o.status).observedGeneration = o.metadata.generation;
    return o;
  }

  /** Pods of a workload (by the owner name the sandbox gives them). */
  podsOf(namespace: string, workload: string): Obj[] {
    return this.items.filter(
      (o) =>
        o.kind === "Pod" &&
        o.metadata.namespace === namespace &&
        rec(o.metadata.labels)["sandbox.eks-bluegreen/owner"] === workload,
    );
  }

  private nodeNames(): string[] {
    return this.items.filter((o) => o.kind === "Node").map((o) => o.metadata.name ?? "?");
  }

  private settle(o: Obj): void {
    const name = o.metadata.name ?? "?";
    const nodes = this.nodeNames();
    if (o.kind === "Deployment" || o.kind === "StatefulSet") {
      const n = typeof rec(o.spec).replicas === "number" ? (rec(o.spec).replicas as number) : 1;
      o.metadata.generation = 1;
      o.status = {
        observedGeneration: 1,
        replicas: n,
        readyReplicas: n,
        updatedReplicas: n,
        availableReplicas: n,
        currentReplicas: n,
      };
      for (let i = 0; i < n; i++) {
        const podName =
          o.kind === "StatefulSet"
            ? `${name}-${i}`
            : `${name}-${suffix(name, 10)}-${suffix(`${name}/${i}`, 5)}`;
        this.put(pod(o, podName, nodes[i % Math.max(nodes.length, 1)]));
      }
    } else if (o.kind === "DaemonSet") {
      o.metadata.generation = 1;
      const n = nodes.length;
      o.status = {
        observedGeneration: 1,
        desiredNumberScheduled: n,
        currentNumberScheduled: n,
        numberReady: n,
        updatedNumberScheduled: n,
        numberAvailable: n,
        numberMisscheduled: 0,
      };
      nodes.forEach((nodeName) => this.put(pod(o, `${name}-${suffix(`${name}/${nodeName}`, 5)}`, nodeName)));
    } else if (o.kind === "Application") {
      o.status = { sync: { status: "Synced" }, health: { status: "Healthy" } };
    } else if (o.kind === "PodDisruptionBudget") {
      o.status = {
        observedGeneration: 1,
        disruptionsAllowed: 1,
        currentHealthy: 0,
        desiredHealthy: 0,
        expectedPods: 0,
      };
    }
  }

  private workload(kind: string, namespace: string, name: string): Obj {
    const w = this.find(kind, namespace, name);
    if (!w) throw new Error(`sandbox: no ${kind} ${namespace}/${name}`);
    return w;
  }

  /** Sets how many replicas are ready and available (updated stays at desired). */
  setReady(
    kind: "Deployment" | "StatefulSet" | "DaemonSet",
    namespace: string,
    name: string,
    ready: number,
  ): void {
    const s = rec(this.workload(kind, namespace, name).status);
    if (kind === "DaemonSet") Object.assign(s, { numberReady: ready, numberAvailable: ready });
    else Object.assign(s, { readyReplicas: ready, availableReplicas: ready });
  }

  /** Every pod of the workload crash-loops; the workload loses its ready replicas. */
  crashLoop(kind: "Deployment" | "StatefulSet" | "DaemonSet", namespace: string, name: string): void {
    for (const p of this.podsOf(namespace, name)) {
      for (const cs of containerStatuses(p)) {
        cs.ready = false;
        cs.restartCount = (cs.restartCount as number) + 5;
        cs.state = {
          waiting: {
            reason: "CrashLoopBackOff",
            message: `back-off 5m0s restarting failed container=${cs.name as string}`,
          },
        };
        cs.lastState = { terminated: { exitCode: 1, reason: "Error" } };
      }
    }
    this.setReady(kind, namespace, name, 0);
  }

  /** Every pod of the workload fails to pull its image. */
  imagePullFailure(namespace: string, name: string): void {
    for (const p of this.podsOf(namespace, name)) {
      for (const cs of containerStatuses(p)) {
        cs.ready = false;
        cs.state = {
          waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${cs.image as string}"` },
        };
      }
    }
  }

  /** Adds `count` restarts to the first container of each of the workload's pods (processes dying and coming back). */
  addRestarts(namespace: string, name: string, count: number): void {
    for (const p of this.podsOf(namespace, name)) {
      const cs = containerStatuses(p)[0];
      if (cs) cs.restartCount = (cs.restartCount as number) + count;
    }
  }

  /** A pod of the workload that cannot be scheduled, created at `since`. */
  addPendingPod(namespace: string, workload: string, since: Date): Obj {
    const w = this.workload("Deployment", namespace, workload);
    const p = pod(w, `${workload}-${suffix(workload, 10)}-pending`, undefined);
    p.metadata.creationTimestamp = since.toISOString();
    p.status = {
      phase: "Pending",
      conditions: [
        {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message: "0/3 nodes are available: 3 Insufficient cpu.",
        },
      ],
    };
    return this.put(p);
  }

  setNodeReady(name: string, ready: boolean): void {
    const n = this.find("Node", undefined, name);
    if (!n) throw new Error(`sandbox: no node ${name}`);
    const ready_ = (rec(n.status).conditions as Rec[]).find((c) => c.type === "Ready")!;
    Object.assign(
      ready_,
      ready
        ? { status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }
        : { status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status." },
    );
  }

  setApplication(namespace: string, name: string, sync: string, health: string): void {
    const a = this.find("Application", namespace, name);
    if (!a) throw new Error(`sandbox: no Application ${namespace}/${name}`);
    a.status = { sync: { status: sync }, health: { status: health } };
  }
}
