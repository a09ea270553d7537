/** `npm start` runs the demo: both upgrades must behave as the README says (one completes, one rolls back). */
import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, ensureBuilt } from "./harness.ts";

describe("demo", () => {
  it("completes one upgrade and rolls the other back at 50%", async () => {
    ensureBuilt();
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (done) => {
        execFile(
          process.execPath,
          [BIN, "--output", "json", "demo", "--fast"],
          { env: { PATH: process.env.PATH ?? "" }, timeout: 90_000 },
          (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        );
      },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.upgrades.map((u: { phase: string }) => u.phase)).toEqual(["completed", "rolled-back"]);
    expect(doc.upgrades[0].path).toEqual([0, 5, 25, 50, 100]);
    expect(doc.upgrades[1].path).toEqual([0, 5, 25, 50, 0]);
    expect(doc.upgrades[1].note).toMatch(/checkout-5xx/);
  }, 120_000);
});
