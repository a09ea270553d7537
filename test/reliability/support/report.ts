/**
 * Global setup of `npm run test:reliability`: gives the tests a figures file (EKS_BLUEGREEN_FIGURES)
 * and prints what they measured when the run ends, grouped by suite.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "ebg-figures-"));
  const file = join(dir, "figures.jsonl");
  process.env.EKS_BLUEGREEN_FIGURES = file;
  const started = Date.now();
  return () => {
    let lines: { suite: string; name: string; value: unknown }[] = [];
    try {
      lines = readFileSync(file, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { suite: string; name: string; value: unknown });
    } catch {
      lines = [];
    }
    const out: string[] = ["", "Reliability figures", "==================="];
    for (const suite of [...new Set(lines.map((l) => l.suite))]) {
      out.push(`${suite}:`);
      for (const l of lines.filter((x) => x.suite === suite)) {
        out.push(`  ${l.name}: ${typeof l.value === "string" ? l.value : JSON.stringify(l.value)}`);
      }
    }
    out.push(`total wall time: ${Math.round((Date.now() - started) / 1000)} s`, "");
    process.stdout.write(`${out.join("\n")}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
