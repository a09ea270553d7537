/**
 * Concurrency, full part: ten `advance` processes at once on a later tick with S3 state on the sandbox,
 * and on both ticks with S3 state on moto (moto serves only S3, through AWS_ENDPOINT_URL_S3; Route 53,
 * CloudWatch and EKS stay on the sandbox).
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMoto, type Moto } from "../support/moto.ts";
import { raceOn } from "./support/concurrency.ts";
import { recordFigure } from "./support/figures.ts";

let moto: Moto | undefined;
beforeAll(async () => {
  moto = await startMoto();
  const s3 = new S3Client({
    endpoint: moto.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  for (const bucket of ["ebg-moto-first", "ebg-moto-later"])
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
}, 60_000);
afterAll(async () => {
  await moto?.close();
});

const key = "race/state.json";

describe("ten advances at once with S3 state", () => {
  it("on the sandbox, later tick", async () => {
    recordFigure(
      "concurrency",
      "S3 sandbox: later tick",
      await raceOn("later", { backend: "s3", bucket: "ebg-state", key }),
    );
  }, 120_000);

  it.each(["first", "later"] as const)(
    "on moto (S3 only), %s tick",
    async (tick) => {
      const outcome = await raceOn(
        tick,
        { backend: "s3", bucket: `ebg-moto-${tick}`, key },
        { serviceEndpoints: { AWS_ENDPOINT_URL_S3: moto!.endpoint } },
      );
      // The state really lives on moto: the sandbox's S3 never saw a call.
      expect(outcome.sandboxS3Calls).toBe(0);
      const { sandboxS3Calls: _, ...figures } = outcome;
      recordFigure("concurrency", `S3 moto: ${tick} tick`, figures);
    },
    120_000,
  );
});
