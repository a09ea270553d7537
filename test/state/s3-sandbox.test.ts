/** The S3 store on the real adapter against the local sandbox (conditional writes over the S3 wire protocol). */
import { afterAll, beforeAll, describe } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { describeStoreContract } from "./contract.ts";
import { createBucket, s3Harness } from "./s3-store-support.ts";

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
});
