/**
 * Concurrency, full part: ten `advance` processes at once on the first and on a later tick, with S3
 * state on the sandbox and on moto (moto serves only S3, through AWS_ENDPOINT_URL_S3; Route 53,
 * CloudWatch and EKS stay on the sandbox).
 */
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMoto, type Moto } from "../support/moto.ts";
import { race } from "./support/concurrency.ts";
import { recordFigure } from "./support/figures.ts";
import { setup, type Env } from "./support/harness.ts";
import { reliabilityPlan } from "./support/plans.ts";
import { watchWorld } from "./support/world-log.ts";

let env: Env | undefined;
let moto: Moto | undefined;
beforeAll(async () => {
  moto = await startMoto();
}, 60_000);
afterAll(async () => {
  await moto?.close();
});
afterEach(async () => {
  await env?.close();
  env = undefined;
});

function racePlan(bucket: string) {
  const plan = reliabilityPlan({ zones: [1, 1], state: { backend: "s3", bucket, key: "race/state.json" } });
  plan.steps = [
    { green: 10, bake: "0s" },
    { green: 50, bake: "10m" },
    { green: 100, bake: "10m" },
  ];
  return plan;
}

describe("ten advances at once with S3 state", () => {
  it("on the sandbox: first and later tick", async () => {
    env = await setup(racePlan("ebg-state"));
    const log = watchWorld(env.sandbox);
    recordFigure("concurrency", "S3 sandbox: first tick", await race(env, log, 2));
    recordFigure("concurrency", "S3 sandbox: later tick", await race(env, log, 2));
  }, 120_000);

  it("on moto (S3 only): first and later tick", async () => {
    const s3 = new S3Client({
      endpoint: moto!.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: "ebg-moto-state" }));
    env = await setup(racePlan("ebg-moto-state"), {
      serviceEndpoints: { AWS_ENDPOINT_URL_S3: moto!.endpoint },
    });
    const log = watchWorld(env.sandbox);
    recordFigure("concurrency", "S3 moto: first tick", await race(env, log, 2));
    recordFigure("concurrency", "S3 moto: later tick", await race(env, log, 2));
    // The state really lives on moto: the sandbox's bucket never saw it.
    expect(env.sandbox.calls.some((c) => c.service === "s3")).toBe(false);
  }, 120_000);
});
