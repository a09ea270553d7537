/**
 * Contract tests: Debian's `kubectl` against the sandbox's Kubernetes API, set up as a new user would
 * from `aws eks get-token` (a presigned STS token) and `aws eks describe-cluster` (endpoint + CA), in a
 * kubeconfig of its own. Discovery, get/list of every kind the tool reads, `kubectl scale` and
 * `kubectl patch` of replicas with the pods following. Needs kubectl on PATH (`.ci/run` installs it).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eksToken } from "../../src/health/kubernetes/token.ts";
import type { KubernetesApi } from "../../src/sandbox/k8s/index.ts";
import { CREDENTIALS, startApi } from "../health/support.ts";

let api: KubernetesApi;
let dir: string;

beforeAll(async () => {
  api = await startApi("green", { kubernetesVersion: "1.33" });
  dir = await mkdtemp(join(tmpdir(), "ebg-kubectl-"));
  const { token } = await eksToken({
    clusterName: "green",
    region: "us-east-1",
    credentials: CREDENTIALS,
    now: new Date(),
  });
  await writeFile(
    join(dir, "config"),
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: "green", cluster: { server: api.endpoint, "certificate-authority-data": api.caData } },
      ],
      users: [{ name: "green", user: { token } }],
      contexts: [{ name: "green", context: { cluster: "green", user: "green" } }],
      "current-context": "green",
    }),
  );
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      "kubectl",
      args,
      { env: { PATH: process.env.PATH ?? "", HOME: dir, KUBECONFIG: join(dir, "config") }, timeout: 30_000 },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

const names = (stdout: string) => stdout.trim().split("\n").filter(Boolean).sort();

describe("kubectl against the sandbox's Kubernetes API", () => {
  it("reads the server version", async () => {
    const r = await kubectl("version", "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).serverVersion).toMatchObject({ major: "1", minor: "33" });
  });

  it("gets nodes (discovery served), with kubelets at the control plane's version", async () => {
    const r = await kubectl("get", "nodes", "-o", "json");
    expect(r.code, r.stderr).toBe(0);
    const nodes = JSON.parse(r.stdout).items as { status: { nodeInfo: { kubeletVersion: string } } }[];
    expect(nodes).toHaveLength(3);
    expect(nodes.every((n) => n.status.nodeInfo.kubeletVersion.startsWith("v1.33."))).toBe(true);
    const table = await kubectl("get", "nodes");
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain("ip-10-0-1-10.ec2.internal");
  });

  it.each([
    ["deployments", "deployment.apps/storefront"],
    ["deploy", "deployment.apps/storefront"],
    ["statefulsets", "statefulset.apps/orders-db"],
    ["pdb", "poddisruptionbudget.policy/storefront"],
    ["pods", "pod/storefront-"],
  ])("lists %s by name and short name", async (kind, expected) => {
    const r = await kubectl("get", kind, "-n", "shop", "-o", "name");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(expected);
  });

  it("lists across namespaces and gets one object", async () => {
    const all = await kubectl("get", "daemonsets", "-A", "-o", "name");
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain("daemonset.apps/");
    const one = await kubectl(
      "get",
      "deployment",
      "storefront",
      "-n",
      "shop",
      "-o",
      "jsonpath={.spec.replicas}",
    );
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout).toBe("3");
    const hpa = await kubectl("get", "hpa", "-A");
    expect(hpa.code, hpa.stderr).toBe(0);
  });

  it("scales a Deployment and the pods follow", async () => {
    const r = await kubectl("scale", "deployment", "storefront", "-n", "shop", "--replicas=5");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("scaled");
    expect(api.objects.podsOf("shop", "storefront")).toHaveLength(5);
    const pods = await kubectl(
      "get",
      "pods",
      "-n",
      "shop",
      "-l",
      "app.kubernetes.io/name=storefront",
      "-o",
      "name",
    );
    expect(names(pods.stdout)).toHaveLength(5);
  });

  it("patches a Deployment's replicas, and refuses patches of anything else", async () => {
    const r = await kubectl(
      "patch",
      "deployment",
      "storefront",
      "-n",
      "shop",
      "-p",
      '{"spec":{"replicas":2}}',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(api.objects.podsOf("shop", "storefront")).toHaveLength(2);
    const ready = await kubectl(
      "get",
      "deployment",
      "storefront",
      "-n",
      "shop",
      "-o",
      "jsonpath={.status.readyReplicas}",
    );
    expect(ready.stdout).toBe("2");
    const other = await kubectl(
      "patch",
      "deployment",
      "storefront",
      "-n",
      "shop",
      "-p",
      '{"spec":{"paused":true}}',
    );
    expect(other.code).not.toBe(0);
    expect(other.stderr).toContain("only changes spec.replicas");
  });
});
