/**
 * Cold start, the part bench/plan.ts leaves out: Node's own start (`node -e ''`) as the floor under
 * every figure, and the CPU time (user + system) of `--version` and `plan --offline` on the production
 * example. On a shared machine wall time swings with the load; CPU time much less.
 */
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { runCli } from "./lib/cli.ts";
import { raw } from "./lib/raw.ts";
import { median } from "./lib/stats.ts";
import type { Bench, Figure } from "./run.ts";

export interface ColdStartCpu {
  runs: number;
  floorWallMs: number;
  commands: { label: string; wallMedianMs: number; cpuMedianMs: number; rssMedianBytes: number }[];
}

export const COLD_START_COMMANDS = [
  { label: "--version", args: ["--version"] },
  { label: "plan --offline plans/production.yaml", args: ["plan", "--offline", "plans/production.yaml"] },
];

function nodeFloorOnce(): Promise<number> {
  const started = performance.now();
  return new Promise((done) =>
    spawn(process.execPath, ["-e", ""], { stdio: "ignore" }).on("close", () =>
      done(performance.now() - started),
    ),
  );
}

/** Interleaved (floor, each command) so a change in load hits every figure alike. */
export async function benchColdStartCpu(runs = 10): Promise<ColdStartCpu> {
  const floor: number[] = [];
  const samples = COLD_START_COMMANDS.map(() => ({
    wall: [] as number[],
    cpu: [] as number[],
    rss: [] as number[],
  }));
  for (const c of COLD_START_COMMANDS) await runCli(c.args); // warm the file cache
  for (let i = 0; i < runs; i++) {
    floor.push(await nodeFloorOnce());
    for (const [j, c] of COLD_START_COMMANDS.entries()) {
      const r = await runCli(c.args);
      samples[j]!.wall.push(r.wallMs);
      samples[j]!.cpu.push(r.cpuMs);
      samples[j]!.rss.push(r.maxRssBytes);
    }
  }
  return {
    runs,
    floorWallMs: median(floor),
    commands: COLD_START_COMMANDS.map((c, j) => ({
      label: c.label,
      wallMedianMs: median(samples[j]!.wall),
      cpuMedianMs: median(samples[j]!.cpu),
      rssMedianBytes: median(samples[j]!.rss),
    })),
  };
}

export function coldStartFigures(r: ColdStartCpu): Figure[] {
  return [
    {
      name: `node -e '' (Node's own start, the floor), median of ${r.runs}`,
      value: r.floorWallMs,
      unit: "ms",
    },
    ...r.commands.map((c) => ({
      name: `CPU time (user + system): ${c.label}, median of ${r.runs}`,
      value: c.cpuMedianMs,
      unit: "ms" as const,
      note: `wall ${Math.round(c.wallMedianMs)} ms in the same interleaved runs`,
    })),
  ];
}

export const bench: Bench = {
  name: "cold-start",
  async run() {
    raw.coldStart = await benchColdStartCpu(10);
    return coldStartFigures(raw.coldStart);
  },
};
