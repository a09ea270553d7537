/** Shared by the doc tests: with UPDATE_DOCS=1 they rewrite the generated part instead of failing. */
import { readFileSync, writeFileSync } from "node:fs";

export const updating = process.env.UPDATE_DOCS === "1";

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** Returns the current file text, after rewriting it when updating. */
export function syncDoc(path: string, expected: string): string {
  if (updating) writeFileSync(path, expected);
  return readFileSync(path, "utf8");
}
