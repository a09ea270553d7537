/** `npm start` runs the demo: both upgrades must behave as the README says (one completes, one rolls back). */
import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import { BIN, ensureBuilt } from "./harness.ts";

describe("demo", () => {
  it("completes one upgrade, rolls one back on an alarm at 50%, and one on a metric comparison with no alarm", async () => {
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
    expect(doc.upgrades.map((u: { phase: string }) => u.phase)).toEqual([
      "completed",
      "rolled-back",
      "rolled-back",
    ]);
    expect(doc.upgrades[0].path).toEqual([0, 5, 25, 50, 100]);
    expect(doc.upgrades[1].path).toEqual([0, 5, 25, 50, 0]);
    expect(doc.upgrades[1].note).toMatch(/checkout-5xx/);
    // Read from the rollback's evidence (the alarms it saw), not from its message.
    expect(doc.upgrades[1].alarmFired).toBe(true);
    // The third: a green-versus-blue comparison rolls back at 50% while no alarm fired, and each bake
    // started once the observed split converged.
    expect(doc.upgrades[2]).toMatchObject({ exitCode: 3, path: [0, 10, 50, 0], alarmFired: false });
    expect(doc.upgrades[2].note).toMatch(/metric error-rate failed/);
    expect(doc.upgrades[2].splits).toEqual([
      expect.stringMatching(/^written 10% \/ observed/),
      expect.stringMatching(/^written 50% \/ observed/),
    ]);
  }, 120_000);
});
