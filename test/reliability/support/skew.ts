/**
 * Issue 17: ten `advance` processes of the BUILT CLI at once on S3 state, half of them under libfaketime
 * with their clocks an hour ahead or behind. Leases are judged by S3's clock, so exactly one moves (one
 * step's Route 53 batches), it exits 0, the log has no `lock-takeover` and no `action-failed`, and the nine
 * others exit 5 naming it. Run with the default lease, and with EKS_BLUEGREEN_LEASE_MS=2000 against a 3 s
 * INSYNC delay, so the winner holds the lock past its lease and only its renewals keep it.
 */
import { spawn, spawnSync } from "node:child_process";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "vitest";
import { racePlan } from "./concurrency.ts";
import { BIN, setup, type CliResult, type Env } from "./harness.ts";
import { expectGapFree, history } from "./outcome.ts";
import { watchWorld } from "./world-log.ts";

export const FAKETIME = "/usr/bin/faketime";
const HOUR_MS = 3_600_000;

/** Why libfaketime cannot run here, or undefined (it is checked to really shift a node process's clock). */
export function faketimeUnavailable(): string | undefined {
  const probe = spawnSync(
    FAKETIME,
    ["-f", "+1h", process.execPath, "-e", "process.stdout.write(String(Date.now()))"],
    {
      encoding: "utf8",
    },
  );
  if (probe.status !== 0)
    return `faketime does not run (${(probe.stderr || probe.error?.message || "").trim()})`;
  const shift = Number(probe.stdout) - Date.now();
  if (Math.abs(shift - HOUR_MS) > 60_000)
    return `faketime -f +1h shifted node's clock by ${shift} ms, not an hour`;
  return undefined;
}

export interface SkewOptions {
  /** Where the S3 state lives: the sandbox's S3, or moto (given its endpoint; the rest stays on the sandbox). */
  s3: { kind: "sandbox" } | { kind: "moto"; endpoint: string };
  /** EKS_BLUEGREEN_LEASE_MS, when shortened. */
  leaseMs?: number;
  /** Route 53 PENDING time in the sandbox. */
  inSyncDelayMs: number;
}

export interface SkewOutcome {
  exits: number[];
  /** Runs under faketime, by offset. */
  skewed: { ahead: number; behind: number };
  /** The winner's writes of the lock object: its creation and every renewal. */
  lockWrites: number;
  ms: number;
}

let bucketSeq = 0;

/** Spawns the built CLI, under faketime when `offset` is given ("+1h" / "-1h"). */
function spawnCli(
  env: Env,
  args: string[],
  extraEnv: Record<string, string>,
  offset?: string,
): Promise<CliResult> {
  const node = [process.execPath, BIN, ...args];
  const [cmd, ...argv] = offset ? [FAKETIME, "-f", offset, ...node] : node;
  const started = Date.now();
  const child = spawn(cmd!, argv, {
    cwd: env.dir,
    env: { ...env.baseEnv, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      let json: unknown;
      try {
        json = JSON.parse(stdout);
      } catch {
        json = undefined;
      }
      resolve({ code, signal, stdout, stderr, json, ms: Date.now() - started });
    });
  });
}

export async function skewRace(options: SkewOptions): Promise<SkewOutcome> {
  const moto = options.s3.kind === "moto" ? options.s3.endpoint : undefined;
  const bucket = moto ? `ebg-skew-${process.pid}-${++bucketSeq}` : "ebg-state";
  if (moto) {
    const s3 = new S3Client({
      endpoint: moto,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
  }
  const env = await setup(racePlan("first", { backend: "s3", bucket, key: "skew/state.json" }), {
    inSyncDelayMs: options.inSyncDelayMs,
    ...(moto ? { serviceEndpoints: { AWS_ENDPOINT_URL_S3: moto } } : {}),
  });
  try {
    const log = watchWorld(env.sandbox);
    const extra: Record<string, string> = {
      EKS_BLUEGREEN_INSYNC_TIMEOUT_MS: String(options.inSyncDelayMs + 10_000),
      ...(options.leaseMs ? { EKS_BLUEGREEN_LEASE_MS: String(options.leaseMs) } : {}),
    };
    const endpoint = moto ? [] : ["--endpoint-url", env.sandbox.endpoint];
    const offsets = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0 ? undefined : i % 4 === 1 ? "+1h" : "-1h",
    );
    const started = Date.now();
    const results = await Promise.all(
      offsets.map((offset) =>
        spawnCli(env, [...endpoint, "--debug", "--output", "json", "advance", env.planFile], extra, offset),
      ),
    );
    const ms = Date.now() - started;

    const exits = results.map((r) => r.code ?? -1);
    const detail = results
      .map(
        (r, i) =>
          `#${i} (${offsets[i] ?? "on time"}) exit ${r.code}: ${r.json?.error?.message ?? r.json?.reason ?? r.stderr.slice(-300)}`,
      )
      .join("\n");
    // The run that moved logged the shift. The lock is held for a tick's short sections only, never
    // during the INSYNC wait (M1), so a run that gets it while the winner waits finds the step already
    // shifting, waits for INSYNC itself and exits 0 without moving; the rest exit 5 naming a holder.
    const shifted = (r: CliResult) =>
      (r.json?.events ?? []).some((e: { type: string }) => e.type === "shift-started");
    const winners = results.flatMap((r, i) => (shifted(r) ? [i] : []));
    expect(winners, detail).toHaveLength(1);
    expect(results[winners[0]!]!.code, detail).toBe(0);
    expect(
      exits.every((c) => c === 0 || c === 5),
      detail,
    ).toBe(true);
    expect(exits.filter((c) => c === 5).length, detail).toBeGreaterThan(0);
    for (const r of results) {
      if (r.code !== 5) continue;
      expect(r.json.error.code, detail).toBe("locked");
      expect(r.json.error.message, detail).toMatch(/pid \d+/);
    }

    // The faked runs measured their skew against S3's Date header (shown by --debug).
    for (const [i, offset] of offsets.entries()) {
      if (!offset) continue;
      const skew = /clock: s3:\w+ \S+: .*this machine's clock is (\d+) s (ahead of|behind) S3's/.exec(
        results[i]!.stderr,
      );
      expect(skew, `run #${i} (${offset}) shows its skew`).not.toBeNull();
      expect(Math.abs(Number(skew![1]) - 3600)).toBeLessThanOrEqual(2);
      expect(skew![2]).toBe(offset.startsWith("+") ? "ahead of" : "behind");
    }

    // The winner wrote its lock (created it, renewed it before its side effects); the INSYNC wait is
    // lock-free, so a short lease ran out during it without harm: nobody took over a live holder.
    const winner = results[winners[0]!]!;
    const lockWrites = winner.stderr
      .split("\n")
      .filter((l) => l.includes("clock: s3:PutObject skew/state.json.lock:")).length;
    expect(lockWrites, "the winner wrote its lock").toBeGreaterThanOrEqual(1);

    // Exactly one step moved: one batch per zone, and the weights of step 1.
    expect(log.changes.length, detail).toBe(2);
    const h = await history(env);
    expectGapFree(h);
    const types = h.events.map((e) => e.type);
    expect(types.filter((t) => t === "shift-started")).toHaveLength(1);
    expect(types).not.toContain("lock-takeover");
    expect(types).not.toContain("action-failed");
    return {
      exits,
      lockWrites,
      skewed: {
        ahead: offsets.filter((o) => o === "+1h").length,
        behind: offsets.filter((o) => o === "-1h").length,
      },
      ms,
    };
  } finally {
    await env.close();
  }
}
