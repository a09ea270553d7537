/**
 * Runs the built CLI (`node bin/eks-bluegreen.js`) as a user would, and measures it: wall time from
 * spawn to exit, and (through a preload that reports at exit) peak memory and CPU time of the process.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

export const ROOT = resolve(import.meta.dirname, "../..");
export const BIN = join(ROOT, "bin/eks-bluegreen.js");
const PROBE = join(import.meta.dirname, "exit-probe.mjs");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
  /** Peak resident set size in bytes (ru_maxrss). */
  maxRssBytes: number;
  /** User + system CPU of the process. */
  cpuMs: number;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Another entry script than bin/eks-bluegreen.js (e.g. a build of a patched copy, to compare). */
  bin?: string;
}

function baseEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), ...extra };
}

/** Runs the CLI to its end and measures it. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  const probeDir = await mkdtemp(join(tmpdir(), "ebg-probe-"));
  const probeFile = join(probeDir, "usage.json");
  try {
    const started = performance.now();
    const child = spawn(process.execPath, ["--import", PROBE, options.bin ?? BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: baseEnv({ ...options.env, EBG_BENCH_USAGE_FILE: probeFile }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    const { code, stdout, stderr } = await collect(child, options.timeoutMs ?? 120_000);
    const wallMs = performance.now() - started;
    const usage = JSON.parse(await readFile(probeFile, "utf8").catch(() => "{}")) as {
      maxRSS?: number;
      userCPUTime?: number;
      systemCPUTime?: number;
    };
    return {
      code,
      stdout,
      stderr,
      wallMs,
      maxRssBytes: (usage.maxRSS ?? NaN) * 1024,
      cpuMs: ((usage.userCPUTime ?? NaN) + (usage.systemCPUTime ?? NaN)) / 1000,
    };
  } finally {
    await rm(probeDir, { recursive: true, force: true });
  }
}

/** Starts the CLI without waiting (e.g. `run`, stopped by the bench). */
export function startCli(
  args: string[],
  options: CliOptions = {},
): { child: ChildProcess; done: Promise<{ code: number; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [options.bin ?? BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    env: baseEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { child, done: collect(child, options.timeoutMs ?? 300_000) };
}

function collect(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}
