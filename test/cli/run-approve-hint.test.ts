/**
 * `run` waiting at an approval gate says how to approve from another shell exactly once: in a log (no
 * terminal) as a line, on a terminal in the live panel only (not also as a scrolling line).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { BIN, compressedPlan, setup, type Env } from "./harness.ts";

let env: Env | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const gated = () =>
  compressedPlan({
    steps: [
      { green: 25, bake: "1s", approval: true },
      { green: 100, bake: "1s" },
    ],
  });

async function until(read: () => string, pattern: RegExp, ms = 30_000): Promise<void> {
  const started = Date.now();
  while (!pattern.test(read())) {
    if (Date.now() - started > ms) throw new Error(`never saw ${pattern} in: ${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("run at an approval gate", () => {
  it("in a log: one line with the exact approve command", async () => {
    env = await setup(gated());
    const running = env.spawnCli(["run", "plan.yaml"]);
    await running.waitFor(/From another shell: eks-bluegreen approve plan\.yaml/);
    expect((await env.cli(["approve", "plan.yaml", "--by", "alice"])).code).toBe(0);
    const r = await running.done;
    expect(r.code).toBe(0);
    expect(r.stdout.match(/From another shell:/g)).toHaveLength(1);
  });

  it.skipIf(!existsSync("/usr/bin/script"))(
    "on a terminal: the live panel shows the command, and no duplicate line scrolls above it",
    async () => {
      const e = (env = await setup(gated()));
      // util-linux `script` gives the CLI a pseudo-terminal, as an operator's shell does.
      const command = [process.execPath, BIN, "--endpoint-url", e.sandbox.endpoint, "run", "plan.yaml"]
        .map((a) => `'${a}'`)
        .join(" ");
      const child = spawn("/usr/bin/script", ["-qfec", command, "/dev/null"], {
        cwd: e.dir,
        env: { PATH: process.env.PATH ?? "", HOME: e.dir, USER: "tester", TERM: "xterm", ...e.sandbox.env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      child.stdout.on("data", (c: Buffer) => (out += c.toString()));
      const code = new Promise<number | null>((done) => child.on("close", done));
      await until(() => out, /approve +from another shell: eks-bluegreen approve plan\.yaml/);
      expect((await e.cli(["approve", "plan.yaml", "--by", "alice"])).code).toBe(0);
      expect(await code).toBe(0);
      expect(out).not.toMatch(/From another shell:/);
    },
  );
});
