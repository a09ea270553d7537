import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { clientsFor, rejection, testPlan } from "./support.ts";

let sandbox: Sandbox;
let clients: ReturnType<typeof clientsFor>;
const Bucket = "upgrade-state";

beforeAll(async () => {
  sandbox = await startSandbox();
  seedFromPlan(sandbox, testPlan());
  clients = clientsFor(sandbox);
});
afterAll(() => sandbox.close());

describe("S3 conditional writes", () => {
  it("creates the plan's state bucket, and creates objects only once with If-None-Match: *", async () => {
    expect(sandbox.world.s3.hasBucket(Bucket)).toBe(true);
    const put = await clients.s3.send(
      new PutObjectCommand({ Bucket, Key: "lock", Body: "owner-a", IfNoneMatch: "*" }),
    );
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    const second = await rejection(
      clients.s3.send(new PutObjectCommand({ Bucket, Key: "lock", Body: "owner-b", IfNoneMatch: "*" })),
    );
    expect(second.name).toBe("PreconditionFailed");
    expect(second.$metadata?.httpStatusCode).toBe(412);
    const got = await clients.s3.send(new GetObjectCommand({ Bucket, Key: "lock" }));
    expect(await got.Body!.transformToString()).toBe("owner-a");
    expect(got.ETag).toBe(put.ETag);
  });

  it("writes with If-Match only while the ETag is current", async () => {
    const first = await clients.s3.send(new PutObjectCommand({ Bucket, Key: "state.json", Body: '{"v":1}' }));
    const second = await clients.s3.send(
      new PutObjectCommand({ Bucket, Key: "state.json", Body: '{"v":2}', IfMatch: first.ETag }),
    );
    const stale = await rejection(
      clients.s3.send(
        new PutObjectCommand({ Bucket, Key: "state.json", Body: '{"v":3}', IfMatch: first.ETag }),
      ),
    );
    expect(stale.name).toBe("PreconditionFailed");
    const head = await clients.s3.send(new HeadObjectCommand({ Bucket, Key: "state.json" }));
    expect(head.ETag).toBe(second.ETag);
    expect(head.ContentLength).toBe(7);
  });

  it("deletes with If-Match, refusing a stale ETag", async () => {
    const put = await clients.s3.send(new PutObjectCommand({ Bucket, Key: "lease", Body: "x" }));
    const stale = await rejection(
      clients.s3.send(new DeleteObjectCommand({ Bucket, Key: "lease", IfMatch: '"0000"' })),
    );
    expect(stale.name).toBe("PreconditionFailed");
    await clients.s3.send(new DeleteObjectCommand({ Bucket, Key: "lease", IfMatch: put.ETag }));
    const missing = await rejection(clients.s3.send(new GetObjectCommand({ Bucket, Key: "lease" })));
    expect(missing.name).toBe("NoSuchKey");
    const head = await rejection(clients.s3.send(new HeadObjectCommand({ Bucket, Key: "lease" })));
    expect(head.name).toBe("NotFound");
  });

  it("answers NoSuchBucket for an unknown bucket and BucketAlreadyOwnedByYou for a second create", async () => {
    const error = await rejection(clients.s3.send(new GetObjectCommand({ Bucket: "nope", Key: "k" })));
    expect(error.name).toBe("NoSuchBucket");
    await clients.s3.send(new CreateBucketCommand({ Bucket: "another" }));
    const again = await rejection(clients.s3.send(new CreateBucketCommand({ Bucket: "another" })));
    expect(again.name).toBe("BucketAlreadyOwnedByYou");
  });
});

describe("STS", () => {
  it("answers GetCallerIdentity with the sandbox account", async () => {
    const out = await clients.sts.send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/sandbox" });
  });
});
