/**
 * An in-memory ObjectStorePort with S3's conditional-write semantics: If-Match / If-None-Match: * on put
 * and If-Match on delete, 412 (PreconditionFailedError) when the condition fails, 404 for If-Match on a
 * missing key, quoted ETags. It keeps S3's clock (`serverNow`, which tests move by hand): `get` answers
 * the object's `lastModified` and the response's `date`, both truncated to whole seconds as S3 sends them.
 * Calls yield to the event loop, so concurrent callers interleave as they would over the network.
 */
import { createHash } from "node:crypto";
import { AwsError, PreconditionFailedError } from "../../src/errors.ts";
import type { ObjectStorePort, StoredObject } from "../../src/engine/ports.ts";

const wholeSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

export class FakeObjectStore implements ObjectStorePort {
  readonly objects = new Map<string, StoredObject & { writtenAt: number }>();
  calls = 0;

  /** S3's clock (epoch ms). */
  constructor(public serverNow: () => number = () => Date.now()) {}

  private async tick(): Promise<void> {
    this.calls++;
    await new Promise((resolve) => setImmediate(resolve));
  }

  async get(key: string): Promise<StoredObject | undefined> {
    await this.tick();
    const object = this.objects.get(key);
    if (!object) return undefined;
    const { writtenAt, ...rest } = object;
    return { ...rest, lastModified: wholeSecond(writtenAt), date: wholeSecond(this.serverNow()) };
  }

  async put(
    key: string,
    body: string,
    condition: { ifMatch: string } | { ifNoneMatch: "*" } | undefined,
  ): Promise<string> {
    await this.tick();
    const current = this.objects.get(key);
    if (condition && "ifNoneMatch" in condition && current) throw new PreconditionFailedError(key);
    if (condition && "ifMatch" in condition && !current) {
      // S3 (and moto) answer If-Match on a missing key with 404 NoSuchKey, not 412.
      throw new AwsError({
        awsCode: "NoSuchKey",
        message: "no such key",
        operation: "s3:PutObject",
        httpStatus: 404,
      });
    }
    if (condition && "ifMatch" in condition && current?.etag !== condition.ifMatch) {
      throw new PreconditionFailedError(key);
    }
    // As S3 does for a single-part upload: the quoted MD5 of the body.
    const etag = `"${createHash("md5").update(body).digest("hex")}"`;
    this.objects.set(key, { body, etag, writtenAt: this.serverNow() });
    return etag;
  }

  async delete(key: string, options?: { ifMatch?: string }): Promise<void> {
    await this.tick();
    const current = this.objects.get(key);
    if (options?.ifMatch !== undefined && current && current.etag !== options.ifMatch) {
      throw new PreconditionFailedError(key);
    }
    this.objects.delete(key);
  }

  async list(prefix: string): Promise<string[]> {
    await this.tick();
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
