import { describe, expect, test } from "vitest";
import {
  argoFindings,
  nodeFindings,
  parityFindings,
  podFindings,
  restartCounts,
  workloadFindings,
  type WorkloadCount,
} from "../../src/health/kubernetes/checks.ts";
import {
  matchesLabelSelector,
  matchesSelectorString,
  parseSelector,
} from "../../src/health/kubernetes/labels.ts";
import type { V1Node, V1Pod, Workload } from "../../src/health/kubernetes/objects.ts";

const node = (name: string, zone: string | undefined, ready = "True"): V1Node => ({
  metadata: { name, labels: zone ? { "topology.kubernetes.io/zone": zone } : {} },
  status: {
    conditions: [
      { type: "Ready", status: ready, reason: ready === "True" ? "KubeletReady" : "KubeletNotReady" },
    ],
  },
});

describe("nodes", () => {
  test("ready nodes over enough zones pass; the zone label's legacy name counts", () => {
    const legacy: V1Node = {
      ...node("c", undefined),
      metadata: { name: "c", labels: { "failure-domain.beta.kubernetes.io/zone": "z3" } },
    };
    expect(nodeFindings([node("a", "z1"), node("b", "z2"), legacy], 3)).toEqual([]);
  });
  test("a not-ready node fails and does not count toward zones; no nodes at all fails", () => {
    const f = nodeFindings([node("a", "z1"), node("b", "z2", "False")], 2);
    expect(f.map((x) => x.code)).toEqual(["node-not-ready", "node-zones"]);
    expect(f[0]!.message).toBe("Node b is not ready: Ready is False (KubeletNotReady).");
    expect(nodeFindings([], 1).map((x) => x.code)).toEqual(["no-ready-nodes"]);
  });
  test("a cordoned node is a warning", () => {
    const cordoned = { ...node("a", "z1"), spec: { unschedulable: true } };
    expect(nodeFindings([cordoned, node("b", "z1")], 1)).toMatchObject([
      { severity: "warning", code: "node-cordoned" },
    ]);
  });
});

describe("workloads", () => {
  const deployment = (status: object, spec: object = { replicas: 3 }, generation = 1): Workload => ({
    kind: "Deployment",
    object: {
      metadata: { name: "web", namespace: "shop", generation },
      spec: spec as never,
      status: { observedGeneration: 1, ...status },
    },
  });
  test("ready, updated and available = desired passes; any short fails", () => {
    expect(
      workloadFindings([deployment({ readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 })]),
    ).toEqual([]);
    const f = workloadFindings([deployment({ readyReplicas: 3, updatedReplicas: 2, availableReplicas: 3 })]);
    expect(f).toMatchObject([{ code: "workload-unavailable", subject: "deployment/shop/web" }]);
    expect(f[0]!.message).toContain("3/3 ready, 2/3 updated, 3/3 available");
  });
  test("a spec the controller has not observed yet fails; zero replicas pass", () => {
    expect(
      workloadFindings([
        deployment({ readyReplicas: 3, updatedReplicas: 3, availableReplicas: 3 }, { replicas: 3 }, 2),
      ])[0]!.message,
    ).toContain("not yet seen the latest spec");
    expect(workloadFindings([deployment({}, { replicas: 0 })])).toEqual([]);
  });
  test("DaemonSets compare against desiredNumberScheduled", () => {
    const ds: Workload = {
      kind: "DaemonSet",
      object: {
        metadata: { name: "agent", namespace: "kube-system" },
        status: {
          desiredNumberScheduled: 3,
          currentNumberScheduled: 3,
          numberMisscheduled: 0,
          numberReady: 2,
          updatedNumberScheduled: 3,
          numberAvailable: 2,
        },
      },
    };
    expect(workloadFindings([ds])[0]!.message).toContain("2/3 ready");
  });
});

describe("pods", () => {
  const now = Date.parse("2026-11-25T12:00:00Z");
  const pod = (waiting?: string, phase = "Running", created = "2026-11-25T11:00:00Z"): V1Pod => ({
    metadata: { name: "p", namespace: "shop", creationTimestamp: created as unknown as Date },
    status: {
      phase,
      containerStatuses: [
        {
          name: "c",
          image: "img:1",
          imageID: "",
          ready: !waiting,
          restartCount: 7,
          state: waiting ? { waiting: { reason: waiting } } : { running: {} },
        },
      ],
    },
  });
  test.each([
    ["CrashLoopBackOff", "pod-crash-looping"],
    ["ImagePullBackOff", "pod-image-pull"],
    ["ErrImagePull", "pod-image-pull"],
    ["CreateContainerConfigError", "pod-cannot-start"],
  ])("%s fails as %s", (reason, code) => {
    expect(podFindings([pod(reason)], now, 60_000)).toMatchObject([
      { severity: "error", code, subject: "pod/shop/p" },
    ]);
  });
  test("ContainerCreating and running pods pass", () => {
    expect(podFindings([pod("ContainerCreating"), pod()], now, 60_000)).toEqual([]);
  });
  test("Pending fails only past the grace", () => {
    expect(podFindings([pod(undefined, "Pending", "2026-11-25T11:59:30Z")], now, 60_000)).toEqual([]);
    expect(podFindings([pod(undefined, "Pending", "2026-11-25T11:58:00Z")], now, 60_000)).toMatchObject([
      { code: "pod-pending" },
    ]);
  });
  test("restart counts are keyed namespace/pod/container", () => {
    expect(restartCounts([pod()])).toEqual({ "shop/p/c": 7 });
  });
});

describe("Argo CD", () => {
  const app = (sync: string, health: string) => ({
    metadata: { name: "shop", namespace: "argocd" },
    status: { sync: { status: sync }, health: { status: health } },
  });
  test("Synced and Healthy pass; not installed passes", () => {
    expect(argoFindings([app("Synced", "Healthy")])).toEqual([]);
    expect(argoFindings(undefined)).toEqual([]);
  });
  test("OutOfSync and Degraded fail; Progressing is a warning", () => {
    expect(argoFindings([app("OutOfSync", "Healthy")])).toMatchObject([
      { severity: "error", code: "argocd-out-of-sync" },
    ]);
    expect(argoFindings([app("Synced", "Degraded")])).toMatchObject([
      { severity: "error", code: "argocd-unhealthy" },
    ]);
    expect(argoFindings([app("Synced", "Progressing")])).toMatchObject([
      { severity: "warning", code: "argocd-unhealthy" },
    ]);
  });
});

describe("parity", () => {
  const w = (name: string, desired: number, ready: number): WorkloadCount => ({
    kind: "Deployment",
    namespace: "shop",
    name,
    desired,
    ready,
  });
  test("rounds the required replicas up", () => {
    expect(parityFindings([w("web", 3, 3)], [w("web", 3, 2)], 50)).toEqual([]);
    expect(parityFindings([w("web", 3, 3)], [w("web", 3, 1)], 50)).toMatchObject([{ code: "parity-short" }]);
    expect(parityFindings([w("web", 3, 3)], [], 0)).toMatchObject([
      { code: "parity-missing", subject: "deployment/shop/web" },
    ]);
  });
  test("kind is part of the identity", () => {
    const sts: WorkloadCount = { ...w("web", 1, 1), kind: "StatefulSet" };
    expect(parityFindings([w("web", 1, 1)], [sts], 100)).toMatchObject([{ code: "parity-missing" }]);
  });
});

describe("label selectors", () => {
  test("equality, set-based and existence terms", () => {
    const labels = { app: "web", tier: "front" };
    expect(matchesSelectorString("app=web,tier!=back", labels)).toBe(true);
    expect(matchesSelectorString("app in (web, api),!legacy", labels)).toBe(true);
    expect(matchesSelectorString("tier notin (front)", labels)).toBe(false);
    expect(matchesSelectorString("app.kubernetes.io/name", labels)).toBe(false);
    expect(matchesSelectorString("", labels)).toBe(true);
    expect(() => parseSelector("==x")).toThrow(/cannot parse/);
  });
  test("object selectors: empty matches all, missing matches none", () => {
    expect(matchesLabelSelector({}, { a: "1" })).toBe(true);
    expect(matchesLabelSelector(undefined, { a: "1" })).toBe(false);
    expect(
      matchesLabelSelector(
        { matchLabels: { a: "1" }, matchExpressions: [{ key: "b", operator: "DoesNotExist" }] },
        { a: "1" },
      ),
    ).toBe(true);
    expect(
      matchesLabelSelector({ matchExpressions: [{ key: "a", operator: "In", values: ["2"] }] }, { a: "1" }),
    ).toBe(false);
  });
});
