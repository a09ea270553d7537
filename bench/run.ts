/**
 * `npm run bench`: runs every bench module and prints one table of figures. A bench module exports
 * `bench: Bench`; add yours to BENCHES. `--only <name>` runs one; `--json` prints the figures as JSON.
 */
import { bench as planBench } from "./plan.ts";

export interface Figure {
  /** What was measured, e.g. "cold start: plan --offline plans/production.yaml (median of 10)". */
  name: string;
  value: number;
  unit: "ms" | "MB" | "count";
  /** The goal, when there is one: the figure passes when value ≤ goal. */
  goal?: number;
  note?: string;
}

export interface Bench {
  name: string;
  run(): Promise<Figure[]>;
}

const BENCHES: Bench[] = [planBench];

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
    const goal = figure.goal === undefined ? "" : `≤ ${format(figure.goal, figure.unit)}`;
    const verdict = figure.goal === undefined ? "" : figure.value <= figure.goal ? "ok" : "MISSED";
    rows.push([
      bench,
      figure.name,
      format(figure.value, figure.unit),
      goal,
      [verdict, figure.note ?? ""].filter(Boolean).join(" "),
    ]);
  }
  process.stdout.write(`${table(rows)}\n`);
}

await main();
