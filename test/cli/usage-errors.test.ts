/**
 * Usage errors (found by the argument parser, before any command runs) under `--output json`: one
 * `{"error": {code, message, hint}}` document on stdout, nothing on stderr, exit 2, wherever the flag is.
 * In text mode commander's own message stays on stderr and stdout stays empty.
 */
import { execFile } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { BIN, ensureBuilt } from "./harness.ts";

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => ensureBuilt());

describe("usage errors under --output json", () => {
  const cases: [string, string[], string, RegExp][] = [
    ["an unknown command", ["nosuch"], "unknown-command", /eks-bluegreen --help/],
    ["a missing argument", ["status"], "missing-argument", /eks-bluegreen status --help/],
    ["an unknown flag", ["plan", "--bogus", "p.yaml"], "unknown-option", /eks-bluegreen plan --help/],
    ["an extra argument to schema", ["schema", "extra"], "too-many-arguments", /eks-bluegreen schema --help/],
    ["no command at all", [], "missing-command", /eks-bluegreen --help/],
  ];
  const placements: [string, (args: string[]) => string[]][] = [
    ["--output json before the command", (a) => ["--output", "json", ...a]],
    ["-o json after the command", (a) => [...a, "-o", "json"]],
    ["--output=json after the command", (a) => [...a, "--output=json"]],
  ];
  for (const [what, args, code, hint] of cases) {
    for (const [where, place] of placements) {
      it(`${what}, ${where}: one error document on stdout, exit 2`, async () => {
        const r = await cli(place(args));
        expect(r.code).toBe(2);
        expect(r.stderr).toBe("");
        const doc = JSON.parse(r.stdout) as { error: { code: string; message: string; hint: string } };
        expect(Object.keys(doc)).toEqual(["error"]);
        expect(doc.error.code).toBe(code);
        expect(doc.error.message.length).toBeGreaterThan(0);
        expect(doc.error.hint).toMatch(hint);
      });
    }
  }

  it("in text mode commander's message stays on stderr and stdout is empty (exit 2)", async () => {
    const r = await cli(["schema", "extra"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/too many arguments for 'schema'/);
  });
});
