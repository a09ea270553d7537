/** The S3 store on the real adapter against the local sandbox (conditional writes over the S3 wire protocol). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerTimeReading } from "../../src/engine/ports.ts";
import { clockSkewMs } from "../../src/state/lock-info.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { describeStoreContract } from "./contract.ts";
import { adapterObjects, createBucket, s3Harness } from "./s3-store-support.ts";

let sandbox: Sandbox | undefined;
/** The sandbox's clock runs this far ahead of the real one; tests move it. */
let ahead = 0;

describe("S3 store on the sandbox", () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ now: () => Date.now() + ahead });
    for (const [name, value] of Object.entries(sandbox.env)) process.env[name] = value;
    await createBucket(sandbox.endpoint);
  });
  afterAll(async () => sandbox?.close());

  describeStoreContract(
    "S3 adapter on the sandbox",
    () => s3Harness(sandbox!.endpoint, async (ms) => void (ahead += ms)),
    5,
  );

  it("sends Date and Last-Modified from its own clock, in whole seconds, on every answer", async () => {
    const heard: ServerTimeReading[] = [];
    const objects = await adapterObjects(sandbox!.endpoint, "dated", (t) => heard.push(t));
    ahead = 3_600_000 + 400; // the sandbox's clock an hour (and a bit) ahead of this machine's
    try {
      await objects.put("dated", "1", undefined);
      const got = (await objects.get("dated"))!;
      await objects.put("dated", "2", { ifNoneMatch: "*" }).catch(() => undefined); // 412: heard too
      await objects.delete("dated");
      expect(got.lastModified!.getTime() % 1000).toBe(0);
      expect(got.date!.getTime() % 1000).toBe(0);
      expect(got.date!.getTime() - Date.now()).toBeGreaterThan(3_595_000);
      expect(heard.map((t) => t.operation)).toEqual([
        "s3:PutObject",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
      ]);
      // Date counts whole seconds: the skew is known to within one.
      for (const t of heard)
        expect(Math.abs(clockSkewMs(t.serverTime, t.localTime) / 1000 + 3600)).toBeLessThan(1.1);
    } finally {
      ahead = 0;
    }
  });
});
