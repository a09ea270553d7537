/**
 * The plan bench: cold start of the built CLI (`plan --offline plans/production.yaml` and `--version`,
 * median of 10 fresh processes), and a generated plan of 1,000 record pairs: validation and preview
 * time in-process, and the whole built CLI on it with its peak memory (ru_maxrss of the child).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { parsePlan } from "../src/plan/load.ts";
import { buildPreview } from "../src/preview/preview.ts";
import { renderPreview } from "../src/preview/render.ts";
import type { Bench, Figure } from "./run.ts";

const ROOT = resolve(import.meta.dirname, "..");
const BIN = join(ROOT, "bin/eks-bluegreen.js");
const RUNS = 10;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Wall time of one CLI process, and its peak RSS as GNU time reports it (when /usr/bin/time exists). */
function runOnce(args: string[]): Promise<{ ms: number; code: number | null; maxRssMb: number }> {
  return new Promise((done) => {
    const started = performance.now();
    const timeFile = join(tmpdir(), `ebg-bench-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", timeFile, process.execPath, BIN, ...args], {
      cwd: ROOT,
      stdio: "ignore",
    });
    child.on("error", () => done({ ms: NaN, code: null, maxRssMb: NaN }));
    child.on("exit", async (code) => {
      const ms = performance.now() - started;
      const { readFile, rm } = await import("node:fs/promises");
      const kb = Number((await readFile(timeFile, "utf8").catch(() => "")).trim().split("\n").pop());
      await rm(timeFile, { force: true });
      done({ ms, code, maxRssMb: kb / 1024 });
    });
  });
}

async function coldStart(args: string[]): Promise<{ ms: number; rssMb: number; failures: number }> {
  await runOnce(args); // warm the file cache, as any second run of a CLI would be
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await runOnce(args));
  return {
    ms: median(runs.map((r) => r.ms)),
    rssMb: median(runs.map((r) => r.maxRssMb)),
    failures: runs.filter((r) => r.code !== 0).length,
  };
}

/** A valid plan with `pairs` record pairs over four zones, five steps and a handful of alarms. */
export function generatedPlan(pairs: number): string {
  const records = Array.from({ length: pairs }, (_, i) => ({
    zoneId: `Z0BENCHZONE${i % 4}`,
    name: `svc-${i}.zone${i % 4}.example.com`,
    type: "A",
    blue: `svc-${i}-blue`,
    green: `svc-${i}-green`,
  }));
  return stringify({
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: "bench-1000" },
    region: "us-east-1",
    clusters: { blue: { name: "bench-1-30" }, green: { name: "bench-1-31", kubernetesVersion: "1.31" } },
    traffic: { records },
    steps: [1, 10, 25, 50, 100].map((green) => ({ green, bake: "10m" })),
    alarms: { names: ["bench-5xx", "bench-latency"], prefixes: ["bench-slo-"] },
  });
}

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

async function run(): Promise<Figure[]> {
  const figures: Figure[] = [];
  const cold = await coldStart(["plan", "--offline", "plans/production.yaml"]);
  figures.push({
    name: `cold start: plan --offline plans/production.yaml (median of ${RUNS})`,
    value: cold.ms,
    unit: "ms",
    goal: 250,
    ...(cold.failures ? { note: `${cold.failures} runs failed` } : {}),
  });
  const version = await coldStart(["--version"]);
  figures.push({ name: `cold start: --version (median of ${RUNS})`, value: version.ms, unit: "ms" });
  figures.push({ name: "cold start: plan --offline peak RSS (median)", value: cold.rssMb, unit: "MB" });

  const text = generatedPlan(1000);
  const dir = mkdtempSync(join(tmpdir(), "ebg-bench-plan-"));
  const file = join(dir, "plan-1000.yaml");
  writeFileSync(file, text);
  const heapBefore = process.memoryUsage().heapUsed;
  const loaded = timed(() => parsePlan(text, file));
  const preview = timed(() => buildPreview(loaded.value));
  const rendered = timed(() => [renderPreview(preview.value), JSON.stringify(preview.value)]);
  const heapAfter = process.memoryUsage().heapUsed;
  figures.push(
    { name: "1,000 pairs: parse + validate (in-process)", value: loaded.ms, unit: "ms" },
    { name: "1,000 pairs: preview + text + JSON (in-process)", value: preview.ms + rendered.ms, unit: "ms" },
    {
      name: "1,000 pairs: validation + preview (in-process)",
      value: loaded.ms + preview.ms + rendered.ms,
      unit: "ms",
      goal: 1000,
    },
    {
      name: "1,000 pairs: heap grown by one preview",
      value: (heapAfter - heapBefore) / 1024 / 1024,
      unit: "MB",
      note: "before GC",
    },
    {
      name: "1,000 pairs: JSON preview size",
      value: Math.round(rendered.value[1]!.length / 1024),
      unit: "count",
      note: "KiB",
    },
  );
  const whole = await runOnce(["--output", "json", "plan", "--offline", file]);
  figures.push(
    { name: "1,000 pairs: built CLI plan --offline --output json (wall)", value: whole.ms, unit: "ms" },
    { name: "1,000 pairs: built CLI peak RSS (ru_maxrss)", value: whole.maxRssMb, unit: "MB" },
  );
  return figures;
}

export const bench: Bench = { name: "plan", run };
