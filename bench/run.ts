/**
 * `npm run bench`: runs every bench module and prints one table of figures. A bench module exports
 * `bench: Bench`; add yours to BENCHES. `--only <name>` runs one; `--json` prints the figures as JSON.
 */
import { bench as planBench } from "./plan.ts";
import { bench as coldStartBench } from "./cold-start.ts";
import { bench as economyBench } from "./economy.ts";
import { bench as scaleBench } from "./scale.ts";
import { bench as reactionBench } from "./reaction.ts";
import { bench as judgementBench } from "./judgement.ts";
import { bench as fleetBench } from "./fleet.ts";
import { bench as targetsBench } from "./targets.ts";
import { bench as analysisBench } from "./analysis.ts";
import { describeMachine } from "./lib/machine.ts";
import { raw } from "./lib/raw.ts";

export interface Figure {
  /** What was measured, e.g. "cold start: plan --offline plans/production.yaml (median of 10)". */
  name: string;
  value: number;
  unit: "ms" | "MB" | "count";
  /** The goal, when there is one: the figure passes when value ≤ goal. */
  goal?: number;
  /** A goal the other way round: the figure passes when value ≥ atLeast (e.g. trials caught). */
  atLeast?: number;
  note?: string;
}

export interface Bench {
  name: string;
  run(): Promise<Figure[]>;
}

// Cold start first, while nothing else of the bench runs; reaction last (parallel child processes).
const BENCHES: Bench[] = [
  planBench,
  coldStartBench,
  economyBench,
  scaleBench,
  fleetBench,
  reactionBench,
  targetsBench,
  analysisBench,
  judgementBench,
];

function format(value: number, unit: Figure["unit"]): string {
  if (!Number.isFinite(value)) return "n/a";
  if (unit === "ms") return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(0)} ms`;
  if (unit === "MB") return `${value.toFixed(0)} MB`;
  return String(value);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
  const machine = describeMachine();
  const started = Date.now();
  const results: { bench: string; figure: Figure }[] = [];
  for (const b of BENCHES.filter((x) => !only || x.name === only)) {
    process.stderr.write(`running ${b.name} …\n`);
    for (const figure of await b.run()) results.push({ bench: b.name, figure });
  }
  if (args.includes("--json")) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    return;
  }
  const rows = [["BENCH", "FIGURE", "VALUE", "GOAL", ""]];
  for (const { bench, figure } of results) {
    const goal =
      figure.atLeast !== undefined
        ? `≥ ${format(figure.atLeast, figure.unit)}`
        : figure.goal === undefined
          ? ""
          : `≤ ${format(figure.goal, figure.unit)}`;
    const verdict =
      figure.atLeast !== undefined
        ? figure.value >= figure.atLeast
          ? "ok"
          : "MISSED"
        : figure.goal === undefined
          ? ""
          : figure.value <= figure.goal
            ? "ok"
            : "MISSED";
    rows.push([
      bench,
      figure.name,
      format(figure.value, figure.unit),
      goal,
      [verdict, figure.note ?? ""].filter(Boolean).join(" "),
    ]);
  }
  process.stdout.write(`${table(rows)}\n`);
  const where = `${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadAverage}, ${machine.date}`;
  if (only) {
    process.stdout.write(`\nMachine: ${where}. docs/performance.md is only rewritten by a full run.\n`);
    return;
  }
  const { writePerformanceDoc } = await import("./report.ts");
  await writePerformanceDoc(
    new URL("../docs/performance.md", import.meta.url),
    machine,
    results,
    raw,
    Date.now() - started,
  );
  process.stdout.write(`\nMachine: ${where}. Figures written to docs/performance.md.\n`);
}

await main();
