/** The objects controllers would create: nodes, and the pods of a workload, as the API serves them. */
import { createHash } from "node:crypto";
import type { KubeObject } from "../../health/audit/manifests.ts";

export type Obj = KubeObject & {
  metadata: KubeObject["metadata"] & { uid?: string; creationTimestamp?: string };
};
export type Rec = Record<string, unknown>;

export const rec = (v: unknown): Rec => (typeof v === "object" && v !== null ? (v as Rec) : {});

/** Deterministic name suffixes, shaped like the ones controllers generate. */
export function suffix(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

export function containerStatuses(p: Obj): Rec[] {
  return (rec(p.status).containerStatuses as Rec[] | undefined) ?? [];
}

export function node(name: string, zone: string, kubernetesVersion = "1.31"): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "topology.kubernetes.io/zone": zone,
        "topology.kubernetes.io/region": zone.slice(0, -1),
        "node.kubernetes.io/instance-type": "m6i.large",
      },
    },
    spec: {},
    status: {
      conditions: [
        { type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" },
      ],
      nodeInfo: { kubeletVersion: `v${kubernetesVersion}.0-eks` },
    },
  };
}

export function pod(owner: Obj, name: string, nodeName: string | undefined): Obj {
  const template = rec(rec(owner.spec).template);
  const spec = rec(structuredClone(template.spec ?? {}));
  const containers = (spec.containers as Rec[] | undefined) ?? [];
  const labels = {
    ...(rec(rec(template.metadata).labels) as Record<string, string>),
    "sandbox.eks-bluegreen/owner": owner.metadata.name ?? "?",
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels,
      ownerReferences: [
        {
          apiVersion: owner.apiVersion,
          kind: owner.kind,
          name: owner.metadata.name,
          uid: owner.metadata.uid,
          controller: true,
        },
      ],
    },
    spec: { ...spec, ...(nodeName ? { nodeName } : {}) },
    status: {
      phase: "Running",
      conditions: [
        { type: "Ready", status: "True" },
        { type: "PodScheduled", status: "True" },
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name,
        image: c.image,
        imageID: "",
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: "2026-01-01T00:00:00Z" } },
      })),
    },
  } as Obj;
}
