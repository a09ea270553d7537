/** S3 as data: buckets of objects with quoted MD5 ETags, for conditional writes (If-Match / If-None-Match). */
import { createHash } from "node:crypto";
import { SandboxError } from "../http.ts";

export interface StoredObject {
  body: Buffer;
  /** Quoted, as S3 answers it: `"9b2cf535f27731c974343645a3985328"`. */
  etag: string;
  lastModified: number;
  contentType: string;
}

export function s3Error(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxError {
  return new SandboxError(status, code, message, { extra });
}

export class S3World {
  private readonly buckets = new Map<string, Map<string, StoredObject>>();

  constructor(readonly now: () => number) {}

  createBucket(name: string): void {
    if (this.buckets.has(name)) {
      throw s3Error(
        409,
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        { BucketName: name },
      );
    }
    this.buckets.set(name, new Map());
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()].sort();
  }

  private bucket(name: string): Map<string, StoredObject> {
    const bucket = this.buckets.get(name);
    if (!bucket)
      throw s3Error(404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: name });
    return bucket;
  }

  keys(bucket: string): string[] {
    return [...this.bucket(bucket).keys()].sort();
  }

  get(bucket: string, key: string): StoredObject | undefined {
    return this.bucket(bucket).get(key);
  }

  /** Writes an object, honouring If-Match (ETag must equal) and If-None-Match: * (must not exist). */
  put(
    bucket: string,
    key: string,
    body: Buffer | string,
    conditions: { ifMatch?: string; ifNoneMatch?: string } = {},
    contentType = "binary/octet-stream",
  ): StoredObject {
    const objects = this.bucket(bucket);
    checkWriteConditions(objects.get(key), key, conditions);
    const data = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    const object: StoredObject = {
      body: data,
      etag: `"${createHash("md5").update(data).digest("hex")}"`,
      lastModified: this.now(),
      contentType,
    };
    objects.set(key, object);
    return object;
  }

  delete(bucket: string, key: string, conditions: { ifMatch?: string } = {}): void {
    const objects = this.bucket(bucket);
    if (conditions.ifMatch !== undefined) checkWriteConditions(objects.get(key), key, conditions);
    objects.delete(key);
  }
}

function sameEtag(a: string, b: string): boolean {
  const strip = (s: string): string => s.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
  return a.trim() === "*" || strip(a) === strip(b);
}

function checkWriteConditions(
  existing: StoredObject | undefined,
  key: string,
  conditions: { ifMatch?: string; ifNoneMatch?: string },
): void {
  if (conditions.ifNoneMatch !== undefined) {
    if (conditions.ifNoneMatch.trim() !== "*") {
      throw s3Error(
        501,
        "NotImplemented",
        "A header you provided implies functionality that is not implemented",
        { Header: "If-None-Match" },
      );
    }
    if (existing) {
      throw s3Error(
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        { Condition: "If-None-Match" },
      );
    }
  }
  if (conditions.ifMatch !== undefined) {
    if (!existing) throw s3Error(404, "NoSuchKey", "The specified key does not exist.", { Key: key });
    if (!sameEtag(conditions.ifMatch, existing.etag)) {
      throw s3Error(
        412,
        "PreconditionFailed",
        "At least one of the pre-conditions you specified did not hold",
        { Condition: "If-Match" },
      );
    }
  }
}

export { sameEtag };
