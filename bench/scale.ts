/**
 * Scale: a plan of 1,000 record pairs and 500 alarms. The preview's time and peak memory, offline and
 * against the sandbox; and a complete sandbox upgrade of five steps with compressed durations (the
 * built CLI's `run`), its wall time and its calls.
 */
import { benchPlan, benchWorld, writePlan } from "./lib/fixtures.ts";
import { runCli } from "./lib/cli.ts";
import { countByOperation } from "./lib/calls.ts";
import { median } from "./lib/stats.ts";
import { rm } from "node:fs/promises";
import { raw } from "./lib/raw.ts";
import type { Bench, Figure } from "./run.ts";

export const SCALE = { pairs: 1000, zones: 3, alarms: 500 };

export interface PreviewFigure {
  mode: "offline" | "sandbox";
  wallMedianMs: number;
  cpuMedianMs: number;
  maxRssBytes: number;
  exitCode: number;
  calls?: number;
}

export interface UpgradeFigure {
  wallMs: number;
  exitCode: number;
  steps: number;
  calls: Record<string, number>;
  totalCalls: number;
  finalGreen: number | undefined;
  error?: string;
}

const FIVE_STEPS = [
  { green: 1, bake: "1s" },
  { green: 10, bake: "1s" },
  { green: 25, bake: "1s" },
  { green: 50, bake: "1s" },
  { green: 100, bake: "1s" },
];

function scalePlan() {
  return benchPlan({ name: "scale", ...SCALE, steps: FIVE_STEPS, pollInterval: "1s" });
}

async function preview(mode: PreviewFigure["mode"], runs: number): Promise<PreviewFigure> {
  const wall: number[] = [];
  const cpu: number[] = [];
  let rss = 0;
  let exitCode = 0;
  let calls: number | undefined;
  if (mode === "offline") {
    const { dir, planFile } = await writePlan(scalePlan());
    try {
      await runCli(["plan", "--offline", planFile], { cwd: dir }); // warm-up, not counted
      for (let i = 0; i < runs; i++) {
        const r = await runCli(["plan", "--offline", planFile], { cwd: dir });
        wall.push(r.wallMs);
        cpu.push(r.cpuMs);
        rss = Math.max(rss, r.maxRssBytes);
        exitCode = Math.max(exitCode, r.code);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    const world = await benchWorld(scalePlan(), { inSyncDelayMs: 0 });
    try {
      const args = ["--endpoint-url", world.sandbox.endpoint, "plan", world.planFile];
      await runCli(args, { cwd: world.dir, env: world.sandbox.env }); // warm-up, not counted
      for (let i = 0; i < runs; i++) {
        const mark = world.sandbox.calls.length;
        const r = await runCli(args, { cwd: world.dir, env: world.sandbox.env });
        wall.push(r.wallMs);
        cpu.push(r.cpuMs);
        rss = Math.max(rss, r.maxRssBytes);
        exitCode = Math.max(exitCode, r.code);
        calls = world.sandbox.calls.length - mark;
      }
    } finally {
      await world.close();
    }
  }
  return {
    mode,
    wallMedianMs: median(wall),
    cpuMedianMs: median(cpu),
    maxRssBytes: rss,
    exitCode,
    ...(calls === undefined ? {} : { calls }),
  };
}

async function upgrade(): Promise<UpgradeFigure> {
  const world = await benchWorld(scalePlan(), { inSyncDelayMs: 0 });
  try {
    const r = await runCli(
      ["--endpoint-url", world.sandbox.endpoint, "--output", "json", "run", world.planFile],
      {
        cwd: world.dir,
        env: world.sandbox.env,
        timeoutMs: 300_000,
      },
    );
    const calls = countByOperation(world.sandbox.calls);
    const [first] = scalePlan().traffic.records ?? [];
    const zone = world.sandbox.world.route53.zone(first!.zoneId!);
    const green = zone
      ? world.sandbox.world.route53.record(zone.id, first!.name, "A", first!.green)?.Weight
      : undefined;
    return {
      wallMs: r.wallMs,
      exitCode: r.code,
      steps: FIVE_STEPS.length,
      calls,
      totalCalls: world.sandbox.calls.length,
      finalGreen: green,
      ...(r.code === 0 ? {} : { error: (r.stderr || r.stdout).slice(0, 400) }),
    };
  } finally {
    await world.close();
  }
}

export interface ScaleResult {
  offline: PreviewFigure;
  sandbox: PreviewFigure;
  upgrade: UpgradeFigure;
}

export async function benchScale(runs = 5): Promise<ScaleResult> {
  return {
    offline: await preview("offline", runs),
    sandbox: await preview("sandbox", runs),
    upgrade: await upgrade(),
  };
}

const MB = 1024 * 1024;

export function scaleFigures(r: ScaleResult): Figure[] {
  const figures: Figure[] = [];
  for (const p of [r.offline, r.sandbox]) {
    const where = p.mode === "offline" ? "offline" : "against the sandbox";
    const failed = p.exitCode ? `exit ${p.exitCode}` : undefined;
    figures.push(
      {
        name: `preview of 1,000 pairs / 500 alarms ${where}, median of 5`,
        value: p.wallMedianMs,
        unit: "ms",
        goal: 1000,
        note: [
          `CPU ${Math.round(p.cpuMedianMs)} ms`,
          p.calls === undefined ? "" : `${p.calls} calls`,
          failed ?? "",
        ]
          .filter(Boolean)
          .join(", "),
      },
      {
        name: `preview of 1,000 pairs / 500 alarms ${where}: peak RSS`,
        value: p.maxRssBytes / MB,
        unit: "MB",
        goal: 200,
      },
    );
  }
  const u = r.upgrade;
  figures.push(
    {
      name: "complete sandbox upgrade, 5 steps x 1 s bake, 1,000 pairs / 500 alarms: wall",
      value: u.wallMs,
      unit: "ms",
      note: `exit ${u.exitCode}, green ${u.finalGreen ?? "?"}%${u.error ? `: ${u.error.split("\n")[0]}` : ""}`,
    },
    { name: "complete sandbox upgrade: AWS calls in all", value: u.totalCalls, unit: "count" },
  );
  return figures;
}

export const bench: Bench = {
  name: "scale",
  async run() {
    raw.scale = await benchScale(5);
    return scaleFigures(raw.scale);
  },
};
