/**
 * The reliability suite's world: an in-process sandbox seeded from a compressed plan, a temporary
 * working directory holding the plan, and the BUILT CLI (`node bin/eks-bluegreen.js`) run as separate
 * processes, so a kill is a real SIGKILL of a real process and nothing is shared but files and HTTP.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { Plan, type PlanInput } from "../../../src/plan/schema.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../../src/sandbox/index.ts";

export const ROOT = resolve(import.meta.dirname, "../../..");
/** The built CLI; EKS_BLUEGREEN_TEST_BIN points at another build (a shared tree rebuilt under a running suite). */
export const BIN = process.env.EKS_BLUEGREEN_TEST_BIN ?? join(ROOT, "bin/eks-bluegreen.js");

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, when it is one document. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  ms: number;
}

export interface Spawned {
  child: ChildProcess;
  done: Promise<CliResult>;
}

export interface Env {
  sandbox: Sandbox;
  dir: string;
  planFile: string;
  plan: PlanInput;
  /** Base environment of every CLI run (sandbox endpoint, fake credentials, HOME in the temp dir). */
  baseEnv: Record<string, string>;
  spawnCli(args: string[], extraEnv?: Record<string, string>): Spawned;
  cli(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  writePlan(plan: PlanInput): Promise<void>;
  close(): Promise<void>;
}

export function ensureBuilt(): void {
  if (!existsSync(BIN) || (!process.env.EKS_BLUEGREEN_TEST_BIN && !existsSync(join(ROOT, "dist/cli.js")))) {
    throw new Error("dist/cli.js is missing: run `npm run build` before the reliability tests.");
  }
}

export interface SetupOptions {
  inSyncDelayMs?: number;
  eksDelayMs?: number;
  /** Route every service to this endpoint instead of the sandbox's (e.g. S3 on moto). */
  serviceEndpoints?: Record<string, string>;
  /** Pass `--endpoint-url` (default true unless serviceEndpoints is given). */
  endpointFlag?: boolean;
}

export async function setup(plan: PlanInput, options: SetupOptions = {}): Promise<Env> {
  ensureBuilt();
  const sandbox = await startSandbox({
    inSyncDelayMs: options.inSyncDelayMs ?? 30,
    eksDelayMs: options.eksDelayMs ?? 0,
  });
  seedFromPlan(sandbox, Plan.parse(plan));
  const dir = await mkdtemp(join(tmpdir(), "ebg-rel-"));
  const planFile = "plan.yaml";
  const endpointFlag = options.endpointFlag ?? !options.serviceEndpoints;
  const baseEnv: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: dir,
    USER: "tester",
    ...sandbox.env,
    EKS_BLUEGREEN_INSYNC_TIMEOUT_MS: "5000",
    ...(options.serviceEndpoints ?? {}),
  };
  const env: Env = {
    sandbox,
    dir,
    planFile,
    plan,
    baseEnv,
    writePlan: async (p) => {
      env.plan = p;
      await writeFile(join(dir, planFile), stringify(p));
    },
    spawnCli(args, extraEnv = {}) {
      const started = Date.now();
      const child = spawn(
        process.execPath,
        [BIN, ...(endpointFlag ? ["--endpoint-url", sandbox.endpoint] : []), ...args],
        { cwd: dir, env: { ...baseEnv, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
      const done = new Promise<CliResult>((resolveDone) => {
        child.on("close", (code, signal) => {
          clearTimeout(timer);
          let json: unknown;
          try {
            json = JSON.parse(stdout);
          } catch {
            json = undefined;
          }
          resolveDone({ code, signal, stdout, stderr, json, ms: Date.now() - started });
        });
      });
      return { child, done };
    },
    cli: (args, extraEnv) => env.spawnCli(args, extraEnv).done,
    close: async () => {
      await sandbox.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await env.writePlan(plan);
  return env;
}
