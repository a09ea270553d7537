/**
 * The marked sections of docs/performance.md that a bench run alone rewrites: a block between
 * `<!-- NAME:start -->` and `<!-- NAME:end -->` (bench/report.ts keeps them through a full run).
 */
import { readFile, writeFile } from "node:fs/promises";
import type { Figure } from "../run.ts";
import { formatMs } from "./stats.ts";

/** `text` with its NAME block replaced by `block` (markers included), or with `block` appended. */
export function replaceMarkedSection(text: string, name: string, block: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  return from >= 0 && to > from
    ? `${text.slice(0, from)}${block}${text.slice(to + end.length)}`
    : `${text.trimEnd()}\n\n${block}\n`;
}

export async function writeMarkedSection(file: URL | string, name: string, block: string): Promise<void> {
  await writeFile(file, replaceMarkedSection(await readFile(file, "utf8"), name, block));
}

/** One line a figure, for a bench run on its own (`npx tsx bench/NAME.ts`). */
export function printFigures(figures: readonly Figure[]): void {
  for (const f of figures) {
    const value = f.unit === "ms" ? formatMs(f.value) : String(f.value);
    process.stdout.write(`${f.name}: ${value}${f.note ? `  (${f.note})` : ""}\n`);
  }
}
