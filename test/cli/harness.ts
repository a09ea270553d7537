/**
 * Runs the built CLI (`node bin/eks-bluegreen.js`) as a user would, against an in-process sandbox
 * seeded from a compressed plan written to a temporary working directory.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { Plan, type PlanInput } from "../../src/plan/schema.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/eks-bluegreen.js");

export function ensureBuilt(): void {
  if (!existsSync(join(ROOT, "dist/cli.js"))) {
    throw new Error("dist/cli.js is missing: run `npm run build` before the CLI end-to-end tests.");
  }
}

export function compressedPlan(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: "e2e" },
    region: "us-east-1",
    clusters: {
      blue: { name: "shop-1-30" },
      green: { name: "shop-1-31", kubernetesVersion: "1.31" },
    },
    traffic: {
      records: [
        { zoneName: "example.com", name: "api.example.com", blue: "api-blue", green: "api-green" },
        { zoneName: "example.com", name: "www.example.com", blue: "www-blue", green: "www-green" },
      ],
    },
    steps: [
      { green: 10, bake: "1s" },
      { green: 50, bake: "1s" },
      { green: 100, bake: "1s" },
    ],
    alarms: { names: ["shop-5xx", "shop-latency"], pollInterval: "1s" },
    rollback: { holdTimeout: "1s" },
    retire: { after: "200ms", mode: "keep", approval: false, blueRecords: "keep" },
    ...overrides,
  };
}

/** Route 53 weights of one record pair in the sandbox (the harness plan's pairs: api, www). */
export function weights(e: Env, name = "api.example.com", pair = "api") {
  const zone = e.sandbox.world.route53.zoneByName("example.com")!;
  const r53 = e.sandbox.world.route53;
  return {
    blue: r53.record(zone.id, name, "A", `${pair}-blue`)?.Weight,
    green: r53.record(zone.id, name, "A", `${pair}-green`)?.Weight,
  };
}

export interface Env {
  sandbox: Sandbox;
  dir: string;
  planFile: string;
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Starts the CLI in the background (for `run`, and commands sent to it from "another shell"). */
  spawnCli(args: string[], extraEnv?: Record<string, string>): Running;
  close(): Promise<void>;
}

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout or stderr matches (rejects after `ms`, naming what was seen). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  done: Promise<CliResult>;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export async function setup(
  plan: PlanInput = compressedPlan(),
  options: { inSyncDelayMs?: number } = {},
): Promise<Env> {
  ensureBuilt();
  const sandbox = await startSandbox({ inSyncDelayMs: options.inSyncDelayMs ?? 50 });
  seedFromPlan(sandbox, Plan.parse(plan));
  const dir = await mkdtemp(join(tmpdir(), "ebg-e2e-"));
  const planFile = "plan.yaml";
  await writeFile(join(dir, planFile), stringify(plan));
  const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
    new Promise<CliResult>((done) => {
      execFile(
        process.execPath,
        [BIN, "--endpoint-url", sandbox.endpoint, ...args],
        {
          cwd: dir,
          env: { PATH: process.env.PATH ?? "", HOME: dir, USER: "tester", ...sandbox.env, ...extraEnv },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          let json: unknown;
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
          done({ code, stdout, stderr, json });
        },
      );
    });
  const spawnCli = (args: string[], extraEnv: Record<string, string> = {}): Running => {
    const child = spawn(process.execPath, [BIN, "--endpoint-url", sandbox.endpoint, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", HOME: dir, USER: "tester", ...sandbox.env, ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const done = new Promise<CliResult>((resolveDone) => {
      child.on("close", (code) => {
        clearTimeout(timer);
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolveDone({ code: code ?? 1, stdout, stderr, json });
      });
    });
    const waitFor = async (pattern: RegExp, ms = 30_000) => {
      const started = Date.now();
      while (!pattern.test(stdout) && !pattern.test(stderr)) {
        if (Date.now() - started > ms || child.exitCode !== null) {
          throw new Error(`never saw ${pattern}: stdout ${stdout} stderr ${stderr}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    return { child, stdout: () => stdout, stderr: () => stderr, waitFor, done };
  };
  return {
    sandbox,
    dir,
    planFile,
    cli,
    spawnCli,
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
