/**
 * ObjectStorePort over S3: conditional get/put/delete for the shared state store. A lost condition
 * (HTTP 412, or 409 ConditionalRequestConflict when two writers race) is a PreconditionFailedError.
 *
 * Every response's `Date` header (S3's own clock) is read beside this machine's clock, success or error:
 * `get` returns it with the object's `LastModified`, so the state store judges leases by S3's clock
 * alone, and `onServerTime` hears every call's reading (the skew shown by `--debug` and `status`).
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { AwsError, PreconditionFailedError } from "../errors.ts";
import type { ObjectStorePort, ServerTimeReading } from "../engine/ports.ts";
import { requireAnswer } from "./answers.ts";
import type { Caller } from "./retry.ts";

export interface ObjectStoreDeps {
  client: () => Promise<S3Client>;
  caller: Caller;
  bucket: string;
  /** Keys per ListObjectsV2 page (S3's default and maximum is 1,000); tests make it small to page. */
  pageSize?: number;
  /** Hears the `Date` header of every S3 response beside this machine's clock. */
  onServerTime?: (reading: ServerTimeReading) => void;
}

/** The slice of a command the `Date` middleware needs (every SDK command has it). */
interface Stackable {
  middlewareStack: {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: "deserialize"; priority: "low"; name: string },
    ): void;
  };
}

/** The `Date` header of a raw HTTP response, parsed; undefined when absent or not a date. */
function dateHeader(result: unknown): Date | undefined {
  const headers = (result as { response?: { headers?: Record<string, string | undefined> } } | undefined)
    ?.response?.headers;
  const raw = headers?.date ?? headers?.Date;
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/**
 * Adds a middleware inside the deserializer (so it sees the raw response of errors as well as of
 * successes) that records the response's `Date` header and this machine's clock at that moment.
 */
function timed<C>(command: C, seen: (serverTime: Date, localTime: Date) => void): C {
  (command as unknown as Stackable).middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const serverTime = dateHeader(result);
      if (serverTime) seen(serverTime, new Date());
      return result;
    },
    { step: "deserialize", priority: "low", name: "eksBluegreenServerTime" },
  );
  return command;
}

const sdk = () => import("@aws-sdk/client-s3");

export function createObjectStore(deps: ObjectStoreDeps): ObjectStorePort {
  const { caller, bucket } = deps;
  const heard =
    (operation: string, key: string, also?: (serverTime: Date) => void) =>
    (serverTime: Date, localTime: Date) => {
      also?.(serverTime);
      deps.onServerTime?.({ operation, key, serverTime, localTime });
    };

  async function guarded<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (lostCondition(error)) throw new PreconditionFailedError(`s3://${bucket}/${key}`);
      throw error;
    }
  }

  return {
    async get(key, options = {}) {
      const { GetObjectCommand } = await sdk();
      const client = await deps.client();
      try {
        return await caller.call(
          "s3:GetObject",
          async (abortSignal) => {
            let date: Date | undefined;
            const command = timed(
              new GetObjectCommand({ Bucket: bucket, Key: key }),
              heard("s3:GetObject", key, (d) => (date = d)),
            );
            const out = await client.send(command, { abortSignal });
            // Read the body inside the retried call: a connection cut mid-body is retried too.
            requireAnswer(out, Boolean(out.ETag), "S3", "an `ETag`");
            const body = (await out.Body?.transformToString("utf8")) ?? "";
            return {
              body,
              etag: out.ETag ?? "",
              ...(out.LastModified ? { lastModified: out.LastModified } : {}),
              ...(date ? { date } : {}),
            };
          },
          options.signal,
        );
      } catch (error) {
        if (
          error instanceof AwsError &&
          // Only S3 saying "no such key" means "no state yet"; a 404 page from elsewhere (or a missing
          // bucket) must not look like an empty store, or a new upgrade could start over a running one.
          error.awsCode === "NoSuchKey"
        ) {
          return undefined;
        }
        throw error;
      }
    },

    async put(key, body, condition, options = {}) {
      const { PutObjectCommand } = await sdk();
      const client = await deps.client();
      return guarded(key, async () => {
        const out = await caller.call(
          "s3:PutObject",
          (abortSignal) =>
            client
              .send(
                timed(
                  new PutObjectCommand({
                    Bucket: bucket,
                    Key: key,
                    Body: body,
                    ContentType: "application/json",
                    ...(condition && "ifMatch" in condition ? { IfMatch: condition.ifMatch } : {}),
                    ...(condition && "ifNoneMatch" in condition
                      ? { IfNoneMatch: condition.ifNoneMatch }
                      : {}),
                  }),
                  heard("s3:PutObject", key),
                ),
                { abortSignal },
              )
              // S3 answers every write with the new ETag; a 2xx without one did not come from S3, and the
              // conditional writes of the state store depend on it.
              .then((o) => requireAnswer(o, Boolean(o.ETag), "S3", "an `ETag`")),
          options.signal,
        );
        return out.ETag ?? "";
      });
    },

    async delete(key, options = {}) {
      const { DeleteObjectCommand } = await sdk();
      const client = await deps.client();
      await guarded(key, () =>
        caller.call(
          "s3:DeleteObject",
          (abortSignal) =>
            client.send(
              timed(
                new DeleteObjectCommand({
                  Bucket: bucket,
                  Key: key,
                  ...(options.ifMatch ? { IfMatch: options.ifMatch } : {}),
                }),
                heard("s3:DeleteObject", key),
              ),
              { abortSignal },
            ),
          options.signal,
        ),
      );
    },

    async list(prefix, options = {}) {
      const { ListObjectsV2Command } = await sdk();
      const client = await deps.client();
      const keys: string[] = [];
      let token: string | undefined;
      // Bounded: a prefix with more than 100 pages (100,000 keys) is not a state folder.
      for (let page = 0; page < 100; page++) {
        const out = await caller.call(
          "s3:ListObjectsV2",
          (abortSignal) =>
            client.send(
              new ListObjectsV2Command({
                Bucket: bucket,
                Prefix: prefix,
                ...(deps.pageSize ? { MaxKeys: deps.pageSize } : {}),
                ...(token ? { ContinuationToken: token } : {}),
              }),
              { abortSignal },
            ),
          options.signal,
        );
        for (const o of out.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
        if (!token) break;
      }
      return keys;
    },
  };
}

function lostCondition(error: unknown): boolean {
  return (
    error instanceof AwsError &&
    (error.httpStatus === 412 ||
      error.awsCode === "PreconditionFailed" ||
      error.awsCode === "ConditionalRequestConflict")
  );
}
