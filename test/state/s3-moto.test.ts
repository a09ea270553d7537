/**
 * The S3 store on the real adapter against moto 5.2, an emulator written by others. Probed behaviour that
 * the store relies on (and that moto shares with S3): PutObject with If-None-Match: * on an existing key
 * and with a stale If-Match answer 412 PreconditionFailed; If-Match on a missing key answers 404
 * NoSuchKey; DeleteObject honours If-Match (412). The contract below would fail if any of that broke.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoUnavailable, startMoto, type Moto } from "../support/moto.ts";
import { describeStoreContract } from "./contract.ts";
import { adapterObjects, createBucket, s3Harness, useTestCredentials } from "./s3-store-support.ts";
import { AwsError, PreconditionFailedError } from "../../src/errors.ts";

const skip = motoUnavailable();
let moto: Moto | undefined;

describe.skipIf(skip !== undefined)(`S3 store on moto${skip ? ` (skipped: ${skip})` : ""}`, () => {
  beforeAll(async () => {
    useTestCredentials();
    moto = await startMoto();
    await createBucket(moto.endpoint);
  });
  afterAll(async () => moto?.close());

  describeStoreContract(
    "S3 adapter on moto",
    () => s3Harness(moto!.endpoint, (ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    3,
  );

  it("moto answers conditional writes as S3 does", async () => {
    const objects = await adapterObjects(moto!.endpoint, "probe");
    const etag = await objects.put("probe", "1", { ifNoneMatch: "*" });
    await expect(objects.put("probe", "2", { ifNoneMatch: "*" })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(objects.put("probe", "3", { ifMatch: '"0000"' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    await expect(objects.delete("probe", { ifMatch: '"0000"' })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    const missing = await objects.put("absent", "4", { ifMatch: etag }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(AwsError);
    expect((missing as AwsError).httpStatus).toBe(404);
    expect(await objects.get("absent")).toBeUndefined();
    expect((await objects.get("probe"))?.body).toBe("1");
  });

  it("moto sends Date and Last-Modified, from which leases are judged", async () => {
    const heard: string[] = [];
    const objects = await adapterObjects(moto!.endpoint, "dated", (t) => heard.push(t.operation));
    const before = Date.now();
    await objects.put("dated", "1", undefined);
    const got = (await objects.get("dated"))!;
    // Whole seconds, from moto's clock (this machine's here): within the call's second.
    for (const t of [got.lastModified!, got.date!]) {
      expect(t.getTime() % 1000).toBe(0);
      expect(t.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      expect(t.getTime()).toBeLessThanOrEqual(Date.now());
    }
    expect(got.date!.getTime()).toBeGreaterThanOrEqual(got.lastModified!.getTime());
    // Every call's Date is heard, a refused one's too (the skew `--debug` shows).
    await objects.put("dated", "2", { ifNoneMatch: "*" }).catch(() => undefined);
    expect(heard).toEqual(["s3:PutObject", "s3:GetObject", "s3:PutObject"]);
  });
});
