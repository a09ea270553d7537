/**
 * A Kubernetes API for one sandbox cluster: HTTPS with its own CA, bearer tokens checked as EKS checks
 * them, and the read-only list and get endpoints the health checks and the audit use (with
 * labelSelector). Anything it does not serve answers 404 with a Kubernetes Status, as a real API does.
 */
import { createServer } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { loadManifests, type KubeObject } from "../../health/audit/manifests.ts";
import { matchesSelectorString } from "../../health/kubernetes/labels.ts";
import type { AwsCredentials } from "../../health/kubernetes/token.ts";
import { ARGO_APPLICATION, BUILTIN, typeOf, type ResourceType } from "./resources.ts";
import { discovery, SCALABLE } from "./discovery.ts";
import type { Obj } from "./fill.ts";
import { KubeStore } from "./store.ts";
import { generateTls, type SandboxTls } from "./tls.ts";
import { verifyToken } from "./token-verify.ts";

export interface KubernetesApiOptions {
  clusterName: string;
  /** Manifest files or directories to load (as `kubectl apply -f` takes them). */
  manifests?: string | readonly string[];
  /** Objects to load, in addition to manifests. */
  objects?: readonly KubeObject[];
  /** Access keys whose presigned tokens are accepted (the sandbox's fake credentials). */
  credentials: AwsCredentials | readonly AwsCredentials[];
  /** Served at /version (default "1.31"). */
  kubernetesVersion?: string;
  region?: string;
  /** Serve the Argo CD Application CRD even with no Application loaded. */
  argocd?: boolean;
  now?: () => Date;
  /** Reuse a certificate (several clusters of one sandbox may share one CA). */
  tls?: SandboxTls;
}

export interface KubernetesApi {
  endpoint: string;
  /** base64 of the CA's PEM, as DescribeCluster's certificateAuthority.data carries it. */
  caData: string;
  objects: KubeStore;
  /** The last 1,000 requests answered, with their status (tests check that 401s happened). */
  requests: { path: string; status: number }[];
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function status(code: number, reason: string, message: string) {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (text += c));
    req.on("end", () => resolve(text));
    req.on("error", reject);
  });
}

/** `spec.replicas` of a patch or Scale body when that is all it changes (metadata aside), else undefined. */
function replicasIn(body: unknown): number | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { spec, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).some((k) => !["kind", "apiVersion", "metadata", "status"].includes(k)))
    return undefined;
  if (typeof spec !== "object" || spec === null) return undefined;
  const keys = Object.keys(spec);
  const replicas = (spec as Record<string, unknown>).replicas;
  if (keys.length !== 1 || typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0)
    return undefined;
  return replicas;
}

/** The autoscaling/v1 Scale of a Deployment or StatefulSet. */
function scaleOf(o: Obj): unknown {
  const spec = (o.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } };
  const labels = spec.selector?.matchLabels ?? {};
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: "1",
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: {
      replicas: ((o.status ?? {}) as { replicas?: number }).replicas ?? 0,
      selector: Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(","),
    },
  };
}

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  /** `scale` for `.../deployments/NAME/scale`. */
  subresource?: "scale";
}

/** `/api/v1/...` or `/apis/{group}/{version}/...` → the resource type, namespace and name asked for. */
function route(path: string, served: ResourceType[]): Route | undefined {
  const parts = path.split("/").filter(Boolean);
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts[1]) [group, version, rest] = ["", parts[1], parts.slice(2)];
  else if (parts[0] === "apis" && parts[1] && parts[2])
    [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
  else return undefined;
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, ...extra] = rest;
  const scale = extra.length === 1 && extra[0] === "scale" && name !== undefined;
  if (!plural || (extra.length > 0 && !scale)) return undefined;
  const type = served.find((t) => t.group === group && t.version === version && t.plural === plural);
  if (!type || (namespace !== undefined && !type.namespaced)) return undefined;
  if (scale && !SCALABLE.has(type.kind)) return undefined;
  return { type, namespace, name, ...(scale ? { subresource: "scale" as const } : {}) };
}

export async function startKubernetesApi(options: KubernetesApiOptions): Promise<KubernetesApi> {
  const now = options.now ?? (() => new Date());
  const store = new KubeStore({
    region: options.region,
    now,
    ...(options.kubernetesVersion ? { kubernetesVersion: options.kubernetesVersion } : {}),
  });
  const objects: KubeObject[] = [];
  for (const path of typeof options.manifests === "string"
    ? [options.manifests]
    : (options.manifests ?? [])) {
    objects.push(...(await loadManifests(path)).map((m) => m.object));
  }
  objects.push(...(options.objects ?? []));
  store.load(objects);
  if (options.argocd) store.installed.add("applications.argoproj.io");
  const credentials = Array.isArray(options.credentials)
    ? options.credentials
    : [options.credentials as AwsCredentials];
  const version = options.kubernetesVersion ?? "1.31";
  const tls = options.tls ?? (await generateTls(`${options.clusterName} sandbox`));
  const requests: KubernetesApi["requests"] = [];

  const servedTypes = (): ResourceType[] => {
    const types = [...BUILTIN];
    if (store.installed.has("applications.argoproj.io") || store.all().some((o) => o.kind === "Application"))
      types.push(ARGO_APPLICATION);
    for (const o of store.all()) {
      const t = typeOf(o.apiVersion, o.kind);
      if (!types.some((x) => x.group === t.group && x.version === t.version && x.plural === t.plural))
        types.push(t);
    }
    return types;
  };

  /** `kubectl scale` (the scale subresource) and `kubectl patch` of `spec.replicas`; pods follow. */
  async function writeReplicas(
    req: IncomingMessage,
    res: ServerResponse,
    r: Route | undefined,
  ): Promise<number> {
    if (!r || r.name === undefined || !SCALABLE.has(r.type.kind)) {
      send(
        res,
        405,
        status(
          405,
          "MethodNotAllowed",
          "the sandbox only scales or patches replicas of Deployments and StatefulSets",
        ),
      );
      return 405;
    }
    const existing = store.list(r.type, r.namespace).find((o) => o.metadata.name === r.name);
    if (!existing) {
      send(res, 404, status(404, "NotFound", `${r.type.plural} "${r.name}" not found`));
      return 404;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      send(res, 400, status(400, "BadRequest", "the body is not JSON"));
      return 400;
    }
    const replicas = replicasIn(body);
    if (replicas === undefined) {
      send(
        res,
        422,
        status(422, "Invalid", "the sandbox only changes spec.replicas (a whole number, 0 or more)"),
      );
      return 422;
    }
    const kind = r.type.kind as "Deployment" | "StatefulSet";
    const scaled = store.scale(kind, existing.metadata.namespace ?? "default", r.name, replicas);
    send(res, 200, r.subresource ? scaleOf(scaled) : scaled);
    return 200;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<number> {
    const verdict = await verifyToken(req.headers.authorization, options.clusterName, credentials, now());
    if (!verdict.ok) {
      send(res, 401, status(401, "Unauthorized", "Unauthorized"));
      return 401;
    }
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    if (req.method === "PATCH" || req.method === "PUT") {
      return writeReplicas(req, res, route(url.pathname, servedTypes()));
    }
    if (req.method !== "GET") {
      send(
        res,
        405,
        status(
          405,
          "MethodNotAllowed",
          "the sandbox's Kubernetes API only reads, and scales or patches replicas",
        ),
      );
      return 405;
    }
    const found = discovery(url.pathname, servedTypes(), `${req.headers.host ?? "127.0.0.1"}`);
    if (found !== undefined) {
      send(res, 200, found);
      return 200;
    }
    if (url.pathname === "/version") {
      const [major, minor] = version.split(".");
      send(res, 200, { major, minor, gitVersion: `v${version}.0-eks-sandbox`, platform: "linux/amd64" });
      return 200;
    }
    const r = route(url.pathname, servedTypes());
    if (!r) {
      send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
      return 404;
    }
    const { type } = r;
    const apiVersion = type.group ? `${type.group}/${type.version}` : type.version;
    if (r.name !== undefined) {
      const found = store.list(type, r.namespace).find((o) => o.metadata.name === r.name);
      if (!found) {
        send(res, 404, status(404, "NotFound", `${type.plural} "${r.name}" not found`));
        return 404;
      }
      send(res, 200, r.subresource ? scaleOf(found) : found);
      return 200;
    }
    const selector = url.searchParams.get("labelSelector") ?? undefined;
    let items;
    try {
      items = store.list(type, r.namespace).filter((o) => matchesSelectorString(selector, o.metadata.labels));
    } catch (error) {
      send(res, 400, status(400, "BadRequest", `unable to parse requirement: ${(error as Error).message}`));
      return 400;
    }
    send(res, 200, { kind: `${type.kind}List`, apiVersion, metadata: { resourceVersion: "1" }, items });
    return 200;
  }

  const record = (path: string, code: number) => {
    // A demo sandbox runs for hours: keep the recent requests only.
    if (requests.length >= 1000) requests.splice(0, requests.length - 999);
    requests.push({ path, status: code });
  };
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    handle(req, res).then(
      (code) => record(req.url ?? "", code),
      (error: unknown) => {
        record(req.url ?? "", 500);
        send(res, 500, status(500, "InternalError", (error as Error).message));
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    caData: Buffer.from(tls.caPem, "utf8").toString("base64"),
    objects: store,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
