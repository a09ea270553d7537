import { beforeAll, expect, it } from "vitest";
import { DeleteClusterCommand, DescribeClusterCommand } from "@aws-sdk/client-eks";
import { AwsError } from "../../src/errors.ts";
import { CAPABILITIES, describeEachBackend } from "../support/backends.ts";
import { adapters, failure, useBackend } from "./harness.ts";

describeEachBackend("EKS clusters adapter", (spec) => {
  const backend = useBackend(spec);
  const caps = CAPABILITIES[spec.name];

  // Fixture for every test below: green with two node groups and a Fargate profile, blue to retire, one to scale.
  beforeAll(async () => {
    const b = backend.current;
    await b.seedCluster({
      name: "green",
      version: "1.31",
      nodegroups: [
        { name: "system", min: 2, max: 4, desired: 2 },
        { name: "apps", min: 1, max: 10, desired: 3 },
      ],
      fargateProfiles: ["batch"],
    });
    await b.seedCluster({
      name: "blue",
      version: "1.30",
      nodegroups: [{ name: "ng-a", min: 1, max: 3, desired: 2 }],
      fargateProfiles: ["fp-1", "fp-2"],
    });
    await b.seedCluster({
      name: "scaled",
      version: "1.30",
      nodegroups: [
        { name: "ng-a", min: 1, max: 3, desired: 2 },
        { name: "ng-b", min: 0, max: 2, desired: 0 },
      ],
      fargateProfiles: [],
    });
    b.eksExtras?.addAddon("green", "vpc-cni");
    b.eksExtras?.addAddon("green", "coredns");
    b.eksExtras?.addInsight("green", { name: "Deprecated APIs", status: "ERROR" });
  });

  it("describes a cluster with status, version, node groups and Fargate profiles", async () => {
    const a = adapters(backend.current);
    const c = await a.clusters.describe("green", { addons: [] });
    expect(c).toMatchObject({ name: "green", exists: true, status: "ACTIVE", version: "1.31" });
    expect(c.arn).toMatch(/^arn:aws:eks:us-east-1:\d{12}:cluster\/green$/);
    expect(c.endpoint).toMatch(/^https:\/\//);
    expect(c.nodegroups.map((n) => [n.name, n.status, n.scaling])).toEqual([
      ["apps", "ACTIVE", { min: 1, max: 10, desired: 3 }],
      ["system", "ACTIVE", { min: 2, max: 4, desired: 2 }],
    ]);
    expect(c.fargateProfiles).toEqual(["batch"]);
    expect(c.insights).toBeUndefined();
  });

  it("reads only the node groups the query names, and reports a named one that does not exist", async () => {
    const a = adapters(backend.current);
    const c = await a.clusters.describe("green", { nodegroups: ["system", "gpu"], addons: [] });
    expect(c.nodegroups.map((n) => [n.name, n.status])).toEqual([
      ["system", "ACTIVE"],
      ["gpu", "NOT_FOUND"],
    ]);
    expect(c.nodegroups[1]!.issues[0]!.code).toBe("NotFound");
    expect(a.ops).not.toContain("eks:ListNodegroups");
  });

  it("reports a cluster that does not exist as exists: false", async () => {
    const c = await adapters(backend.current).clusters.describe("nowhere");
    expect(c).toMatchObject({ exists: false, status: undefined, nodegroups: [] });
  });

  if (caps.eksAddons) {
    it("reads add-ons: all of them, or only the named ones", async () => {
      const a = adapters(backend.current);
      const all = await a.clusters.describe("green");
      expect(all.addons.map((x) => [x.name, x.status])).toEqual([
        ["coredns", "ACTIVE"],
        ["vpc-cni", "ACTIVE"],
      ]);
      const named = await a.clusters.describe("green", { addons: ["vpc-cni", "kube-proxy"] });
      expect(named.addons.map((x) => [x.name, x.status])).toEqual([
        ["vpc-cni", "ACTIVE"],
        ["kube-proxy", "NOT_FOUND"],
      ]);
    });
  } else {
    it("add-ons do not exist: reading them is a named AwsError with the HTTP status (documented difference)", async () => {
      const error = await failure(() => adapters(backend.current).clusters.describe("green"));
      expect(error).toBeInstanceOf(AwsError);
      expect(error).toMatchObject({ awsCode: "HTTP 404", httpStatus: 404, operation: "eks:ListAddons" });
    });
  }

  if (caps.eksInsights) {
    it("reads upgrade insights when asked", async () => {
      const c = await adapters(backend.current).clusters.describe("green", { addons: [], insights: true });
      expect(c.insights?.map((i) => [i.name, i.status])).toEqual([["Deprecated APIs", "ERROR"]]);
    });
  } else {
    it("ListInsights does not exist: asking for insights is a named AwsError (documented difference)", async () => {
      const a = adapters(backend.current);
      const error = await failure(() => a.clusters.describe("green", { addons: [], insights: true }));
      expect(error).toMatchObject({ awsCode: "HTTP 404", httpStatus: 404, operation: "eks:ListInsights" });
      // 4xx non-AWS answers are not retried.
      expect(a.retries).toEqual([]);
    });
  }

  it("refuses to delete a cluster that still has node groups (ResourceInUseException, kept as the AWS code)", async () => {
    const b = backend.current;
    const a = adapters(b);
    const error = await failure(() =>
      a.caller.call("eks:DeleteCluster", (abortSignal) =>
        b.raw.eks.send(new DeleteClusterCommand({ name: "blue" }), { abortSignal }),
      ),
    );
    expect(error).toMatchObject({
      awsCode: "ResourceInUseException",
      httpStatus: 409,
      operation: "eks:DeleteCluster",
    });
  });

  it("scales every node group to zero and waits until they are ACTIVE again", async () => {
    const a = adapters(backend.current);
    const progress: string[] = [];
    await a.clusters.scaleToZero("scaled", { timeoutMs: 10_000, onProgress: (m) => progress.push(m) });
    const c = await a.clusters.describe("scaled", { addons: [] });
    expect(c.nodegroups.map((n) => [n.name, n.status, n.scaling?.min, n.scaling?.desired])).toEqual([
      ["ng-a", "ACTIVE", 0, 0],
      ["ng-b", "ACTIVE", 0, 0],
    ]);
    // ng-b was already at 0: only ng-a was updated.
    expect(a.ops.filter((o) => o === "eks:UpdateNodegroupConfig")).toHaveLength(1);
    expect(progress).toContain("scaling node group ng-a to 0");
  });

  it("retires a cluster: node groups, Fargate profiles one at a time, then the cluster", async () => {
    const b = backend.current;
    const a = adapters(b);
    const progress: string[] = [];
    await a.clusters.deleteCluster("blue", { timeoutMs: 15_000, onProgress: (m) => progress.push(m) });
    expect(progress).toEqual([
      "deleting node group ng-a",
      "deleting Fargate profile fp-1",
      "deleting Fargate profile fp-2",
      "deleting cluster blue",
      "cluster blue deleted",
    ]);
    const deletes = a.ops.filter((o) => o.startsWith("eks:Delete"));
    expect(deletes).toEqual([
      "eks:DeleteNodegroup",
      "eks:DeleteFargateProfile",
      "eks:DeleteFargateProfile",
      "eks:DeleteCluster",
    ]);
    expect((await a.clusters.describe("blue")).exists).toBe(false);
    const gone = await failure(() => b.raw.eks.send(new DescribeClusterCommand({ name: "blue" })));
    expect(gone).toMatchObject({ name: "ResourceNotFoundException" });
    // Running it again (a resumed retire) is a no-op.
    await a.clusters.deleteCluster("blue", { timeoutMs: 1_000, onProgress: (m) => progress.push(m) });
    expect(progress.at(-1)).toBe("cluster blue is already gone");
  });

  if (caps.eksTransitions) {
    it("a retire that outlives its timeout stops with a named error while EKS is still DELETING", async () => {
      const b = backend.current;
      await b.seedCluster({
        name: "slow",
        version: "1.30",
        nodegroups: [{ name: "n", min: 1, max: 1, desired: 1 }],
        fargateProfiles: [],
      });
      const error = await failure(() => adapters(b).clusters.deleteCluster("slow", { timeoutMs: 30 }));
      expect(error).toMatchObject({ code: "retire-timeout", exitCode: 4 });
      // It resumes where it stopped.
      await adapters(b).clusters.deleteCluster("slow", { timeoutMs: 10_000 });
      expect((await adapters(b).clusters.describe("slow")).exists).toBe(false);
    });
  } else {
    it("EKS resources go ACTIVE and away at once (documented difference): a retire never waits", async () => {
      const b = backend.current;
      await b.seedCluster({
        name: "slow",
        version: "1.30",
        nodegroups: [{ name: "n", min: 1, max: 1, desired: 1 }],
        fargateProfiles: [],
      });
      const started = Date.now();
      await adapters(b).clusters.deleteCluster("slow", { timeoutMs: 10_000 });
      expect(Date.now() - started).toBeLessThan(2_000);
      expect((await adapters(b).clusters.describe("slow")).exists).toBe(false);
    });
  }
});
