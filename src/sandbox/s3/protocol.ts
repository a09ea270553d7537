/** S3 over REST-XML, path-style (`/bucket/key`), with the conditional headers the state store uses. */
import {
  xmlResponse,
  type Route,
  type SandboxError,
  type SandboxRequest,
  type SandboxResponse,
  type ServiceProtocol,
} from "../http.ts";
import { escapeXml, xmlDocument } from "../xml.ts";
import { s3Error, sameEtag, type S3World, type StoredObject } from "./world.ts";

const NS = "http://s3.amazonaws.com/doc/2006-03-01/";

export function s3Protocol(world: S3World): ServiceProtocol {
  return {
    service: "s3",
    throttling: { status: 503, code: "SlowDown", message: "Please reduce your request rate." },
    renderError,
    route(request): Route | undefined {
      const [, bucket = "", ...rest] = request.path.split("/");
      const key = rest.join("/");
      const m = request.method;
      const header = (name: string): string | undefined => {
        const value = request.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      if (bucket === "") {
        if (m === "GET")
          return { operation: "ListBuckets", mutating: false, run: () => listBuckets(world, request) };
        return undefined;
      }
      if (key === "") {
        if (m === "PUT")
          return {
            operation: "CreateBucket",
            mutating: true,
            run: () => (world.createBucket(bucket), empty(request, 200, { location: `/${bucket}` })),
          };
        if (m === "HEAD")
          return {
            operation: "HeadBucket",
            mutating: false,
            run: () => (world.keys(bucket), empty(request, 200)),
          };
        if (m === "GET" && request.query.get("list-type") === "2") {
          return {
            operation: "ListObjectsV2",
            mutating: false,
            run: () => listObjects(world, request, bucket),
          };
        }
        return undefined;
      }
      if (m === "GET" || m === "HEAD") {
        return {
          operation: m === "GET" ? "GetObject" : "HeadObject",
          mutating: false,
          run: () => {
            const object = world.get(bucket, key);
            if (!object) throw s3Error(404, "NoSuchKey", "The specified key does not exist.", { Key: key });
            const ifMatch = header("if-match");
            if (ifMatch !== undefined && !sameEtag(ifMatch, object.etag)) {
              throw s3Error(
                412,
                "PreconditionFailed",
                "At least one of the pre-conditions you specified did not hold",
                { Condition: "If-Match" },
              );
            }
            const ifNoneMatch = header("if-none-match");
            if (ifNoneMatch !== undefined && sameEtag(ifNoneMatch, object.etag))
              return empty(request, 304, objectHeaders(object));
            return {
              status: 200,
              headers: { ...objectHeaders(object), "x-amz-request-id": request.requestId },
              body: object.body,
            };
          },
        };
      }
      if (m === "PUT") {
        return {
          operation: "PutObject",
          mutating: true,
          run: () => {
            const ifMatch = header("if-match");
            const ifNoneMatch = header("if-none-match");
            const object = world.put(
              bucket,
              key,
              request.body,
              {
                ...(ifMatch === undefined ? {} : { ifMatch }),
                ...(ifNoneMatch === undefined ? {} : { ifNoneMatch }),
              },
              header("content-type") ?? "binary/octet-stream",
            );
            return empty(request, 200, { etag: object.etag });
          },
        };
      }
      if (m === "DELETE") {
        return {
          operation: "DeleteObject",
          mutating: true,
          run: () => {
            const ifMatch = header("if-match");
            world.delete(bucket, key, ifMatch === undefined ? {} : { ifMatch });
            return empty(request, 204);
          },
        };
      }
      return undefined;
    },
  };
}

function objectHeaders(object: StoredObject): Record<string, string> {
  return {
    etag: object.etag,
    "last-modified": new Date(object.lastModified).toUTCString(),
    "content-type": object.contentType,
    "content-length": String(object.body.length),
  };
}

function empty(
  request: SandboxRequest,
  status: number,
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { "x-amz-request-id": request.requestId, "content-length": "0", ...headers },
    body: "",
  };
}

/** `<Error><Code/><Message/>…<RequestId/></Error>`; HEAD answers carry no body, as on S3. */
function renderError(error: SandboxError, request: SandboxRequest): SandboxResponse {
  const extra = Object.entries(error.options.extra ?? {})
    .map(([k, v]) => `<${k}>${escapeXml(String(v))}</${k}>`)
    .join("");
  const body =
    request.method === "HEAD"
      ? ""
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>${extra}<RequestId>${request.requestId}</RequestId><HostId>sandbox</HostId></Error>`;
  return {
    status: error.status,
    headers: {
      "content-type": "application/xml",
      "x-amz-request-id": request.requestId,
      ...(body === "" ? { "content-length": "0" } : {}),
    },
    body,
  };
}

function listBuckets(world: S3World, request: SandboxRequest): SandboxResponse {
  const body = xmlDocument("ListAllMyBucketsResult", NS, {
    Owner: { ID: "sandbox", DisplayName: "sandbox" },
    Buckets: { Bucket: world.bucketNames().map((Name) => ({ Name, CreationDate: new Date(0) })) },
  });
  return xmlResponse(200, body, request.requestId);
}

function listObjects(world: S3World, request: SandboxRequest, bucket: string): SandboxResponse {
  const prefix = request.query.get("prefix") ?? "";
  const maxKeys = Math.min(1000, Math.max(1, Number(request.query.get("max-keys") ?? 1000) || 1000));
  // The continuation token is opaque to clients; here it is the last key of the previous page.
  const after = request.query.get("continuation-token") ?? request.query.get("start-after") ?? "";
  const matching = world.keys(bucket).filter((k) => k.startsWith(prefix) && k > after);
  const keys = matching.slice(0, maxKeys);
  const truncated = matching.length > keys.length;
  const body = xmlDocument("ListBucketResult", NS, {
    Name: bucket,
    Prefix: prefix,
    KeyCount: keys.length,
    MaxKeys: maxKeys,
    IsTruncated: truncated,
    ...(request.query.get("continuation-token")
      ? { ContinuationToken: request.query.get("continuation-token")! }
      : {}),
    ...(truncated ? { NextContinuationToken: keys[keys.length - 1]! } : {}),
    Contents: keys.map((Key) => {
      const object = world.get(bucket, Key)!;
      return {
        Key,
        LastModified: new Date(object.lastModified),
        ETag: object.etag,
        Size: object.body.length,
        StorageClass: "STANDARD",
      };
    }),
  });
  return xmlResponse(200, body, request.requestId);
}
