/**
 * Output into a closed pipe (`eks-bluegreen history plan.yaml | head -1`): every command that prints stops
 * writing quietly when its reader goes away, and exits with its own exit code, with no EPIPE and no stack
 * trace on stderr. Each command runs three ways: read to the end (its own code), with a reader that closes
 * after the first line (`| head -1`), and with a reader that is gone before the first write (the case
 * `head` hits whenever the output outruns it; deterministic, so it fails without the fix).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, ROOT, setup, type Env } from "./harness.ts";

let env: Env;
beforeAll(async () => {
  env = await setup();
  // A started upgrade, so that status and history have something to print.
  const r = await env.cli(["advance", env.planFile]);
  expect(r.code).toBe(0);
});
afterAll(async () => {
  await env?.close();
});

type Reader = "all" | "first-line" | "gone";

function run(
  args: string[],
  reader: Reader,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, "--endpoint-url", env.sandbox.endpoint, ...args], {
      cwd: env.dir,
      env: { PATH: process.env.PATH ?? "", HOME: env.dir, USER: "tester", ...env.sandbox.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    if (reader === "gone") child.stdout.destroy();
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (reader === "first-line" && stdout.includes("\n")) child.stdout.destroy();
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

const commands: [string, string[]][] = [
  ["plan --offline", ["plan", "--offline", "plan.yaml"]],
  ["schema", ["schema"]],
  ["history", ["history", "plan.yaml"]],
  ["status", ["status", "plan.yaml"]],
  ["audit --manifests", ["audit", "--manifests", join(ROOT, "plans/manifests")]],
  ["iam-policy", ["iam-policy", "plan.yaml", "--account-id", "123456789012"]],
  ["help", ["--help"]],
  ["history --output json", ["--output", "json", "history", "plan.yaml"]],
];

describe("a reader that closes early", () => {
  for (const [name, args] of commands) {
    it(`${name}: stops writing quietly and exits with its own code`, async () => {
      const full = await run(args, "all");
      expect(full.stdout.split("\n").length).toBeGreaterThan(2);
      for (const reader of ["first-line", "gone"] as const) {
        const r = await run(args, reader);
        expect({ reader, code: r.code }).toEqual({ reader, code: full.code });
        expect(r.stderr).not.toMatch(/EPIPE|ERR_STREAM|unexpected failure/);
        expect(r.stderr).not.toMatch(/^\s+at /m);
        expect(r.stderr).toBe(full.stderr);
      }
    });
  }
});
