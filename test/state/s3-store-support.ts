/**
 * Runs the StateStore contract on the real S3 adapter (`createPorts(...).objects` over @aws-sdk/client-s3)
 * against an S3-compatible endpoint on 127.0.0.1 (moto, the sandbox).
 */
import { randomUUID } from "node:crypto";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { createPorts } from "../../src/runner/ports.ts";
import { buildPlan } from "../support/plan-builder.ts";
import { S3StateStore } from "../../src/state/s3.ts";
import type { ObjectStorePort, ServerTimeReading } from "../../src/engine/ports.ts";
import { manualClock, PLAN_FILE, type StoreHarness } from "./contract.ts";

export const BUCKET = "eks-bluegreen-state";

/** Fake credentials: the endpoints on 127.0.0.1 accept any. */
export function useTestCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = "AKIATESTTESTTESTTEST";
  process.env.AWS_SECRET_ACCESS_KEY = "test-secret";
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
}

export async function createBucket(endpoint: string): Promise<void> {
  const s3 = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, maxAttempts: 1 });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  s3.destroy();
}

export async function adapterObjects(
  endpoint: string,
  key: string,
  onServerTime?: (reading: ServerTimeReading) => void,
): Promise<ObjectStorePort> {
  const plan = buildPlan(
    {
      metadata: { name: "contract" },
      traffic: { records: [{ zoneId: "Z0AAA", name: "a.example.com", blue: "b", green: "g" }] },
      state: { backend: "s3", bucket: BUCKET, key },
    },
    PLAN_FILE,
  );
  const ports = await createPorts(
    plan,
    { endpointUrl: endpoint, region: "us-east-1" },
    {
      env: {},
      retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 100 },
      ...(onServerTime ? { onServerTime } : {}),
    },
  );
  return ports.objects!;
}

/**
 * `passS3Time` lets time pass on the endpoint's clock: the sandbox's clock is moved by hand; moto's is
 * the real one, so it sleeps.
 */
export async function s3Harness(
  endpoint: string,
  passS3Time: (ms: number) => Promise<void>,
): Promise<StoreHarness> {
  const key = `upgrades/${randomUUID()}/state.json`;
  const objects = await adapterObjects(endpoint, key);
  return {
    open: (o = {}) => new S3StateStore({ objects, bucket: BUCKET, key, planFile: PLAN_FILE, ...o }),
    writeRawLock: async (text) => void (await objects.put(`${key}.lock`, text, undefined)),
    time: () => {
      const runner = manualClock();
      return {
        now: runner.now,
        pass: async (ms) => {
          runner.advance(ms);
          await passS3Time(ms);
        },
      };
    },
  };
}
