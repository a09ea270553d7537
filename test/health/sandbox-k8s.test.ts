import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eksToken } from "../../src/health/kubernetes/token.ts";
import type { KubernetesApi } from "../../src/sandbox/k8s/index.ts";
import { CREDENTIALS, startApi } from "./support.ts";

// Kubernetes JSON is read loosely here: the assertions say what matters.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let api: KubernetesApi;
beforeAll(async () => {
  api = await startApi("green");
});
afterAll(() => api.close());

function get(path: string, token?: string, ca: boolean = true): Promise<{ status: number; body: Json }> {
  const url = new URL(path, api.endpoint);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "GET",
        ca: ca ? Buffer.from(api.caData, "base64").toString("utf8") : undefined,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      },
      (res) => {
        let text = "";
        res.on("data", (c) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const tokenFor = async (cluster: string) =>
  (await eksToken({ clusterName: cluster, region: "us-east-1", credentials: CREDENTIALS, now: new Date() }))
    .token;

describe("sandbox Kubernetes API", () => {
  test("serves HTTPS with its own CA: a client that does not trust it cannot connect", async () => {
    await expect(get("/version", await tokenFor("green"), false)).rejects.toThrow(
      /self[- ]signed|unable to verify|certificate/i,
    );
  });

  test("answers a token presigned for this cluster", async () => {
    const { status, body } = await get("/version", await tokenFor("green"));
    expect(status).toBe(200);
    expect(body).toMatchObject({ major: "1", minor: "31" });
  });

  test.each([
    ["a token for another cluster", () => tokenFor("blue")],
    ["garbage", async () => "not-a-token"],
    ["no token", async () => undefined],
  ])("answers 401 to %s", async (_name, token) => {
    const { status, body } = await get("/api/v1/nodes", await token());
    expect(status).toBe(401);
    expect(body).toMatchObject({ kind: "Status", code: 401, reason: "Unauthorized" });
  });

  test("lists with labelSelector, per namespace and cluster-wide, and gets by name", async () => {
    const token = await tokenFor("green");
    const checkout = await get(
      "/api/v1/namespaces/shop/pods?labelSelector=app.kubernetes.io%2Fname%3Dcheckout",
      token,
    );
    expect(checkout.body.kind).toBe("PodList");
    expect(checkout.body.items).toHaveLength(3);
    const setBased = await get(
      "/api/v1/pods?labelSelector=app.kubernetes.io%2Fname%20in%20(checkout,payments)",
      token,
    );
    expect(setBased.body.items).toHaveLength(5);
    const logging = await get("/apis/apps/v1/namespaces/logging/daemonsets", token);
    expect(logging.body.items.map((d: Json) => d.metadata.name)).toEqual(["fluent-bit"]);
    const sts = await get("/apis/apps/v1/namespaces/shop/statefulsets/orders-db", token);
    expect(sts.body.status).toMatchObject({ readyReplicas: 3, updatedReplicas: 3 });
    const nodes = await get("/api/v1/nodes", token);
    expect(
      new Set(nodes.body.items.map((n: Json) => n.metadata.labels["topology.kubernetes.io/zone"])),
    ).toEqual(new Set(["us-east-1a", "us-east-1b", "us-east-1c"]));
    expect(
      (await get("/apis/policy/v1/poddisruptionbudgets", token)).body.items
        .map((p: Json) => p.metadata.name)
        .sort(),
    ).toEqual(["orders-db", "storefront"]);
  });

  test("answers 404 for what it does not serve (Argo CD not installed, unknown names) and 400 for a bad selector", async () => {
    const token = await tokenFor("green");
    expect((await get("/apis/argoproj.io/v1alpha1/applications", token)).status).toBe(404);
    expect((await get("/apis/apps/v1/namespaces/shop/deployments/nope", token)).status).toBe(404);
    expect((await get("/api/v1/pods?labelSelector=%3D%3Dbad", token)).status).toBe(400);
    api.objects.installed.add("applications.argoproj.io");
    const apps = await get("/apis/argoproj.io/v1alpha1/applications", token);
    expect(apps).toMatchObject({ status: 200, body: { kind: "ApplicationList", items: [] } });
    api.objects.installed.delete("applications.argoproj.io");
  });

  test("statuses are shaped by the tests: what is served changes", async () => {
    const token = await tokenFor("green");
    api.objects.setReady("Deployment", "shop", "payments", 1);
    const payments = await get("/apis/apps/v1/namespaces/shop/deployments/payments", token);
    expect(payments.body.status).toMatchObject({
      readyReplicas: 1,
      availableReplicas: 1,
      updatedReplicas: 2,
    });
    api.objects.setReady("Deployment", "shop", "payments", 2);
  });
});
