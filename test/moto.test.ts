import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { motoUnavailable, startMoto, type Moto } from "./support/moto.ts";

const skip = motoUnavailable();

describe.skipIf(skip !== undefined)(`moto harness${skip ? ` (skipped: ${skip})` : ""}`, () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => moto?.close());

  it("answers on 127.0.0.1 and resets", async () => {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await moto.reset();
    const res = await fetch(`${moto.endpoint}/moto-api/`);
    expect(res.status).toBe(200);
  });
});
