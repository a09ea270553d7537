import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { referenceRows, renderReferenceTable } from "../../src/plan/reference.ts";
import { replaceSection, syncDoc } from "./docs-support.ts";

const DOC = "docs/plan-reference.md";

describe("docs/plan-reference.md", () => {
  it("holds the table generated from the schema (run `npm run docs` after changing the schema)", () => {
    const expected = replaceSection(readFileSync(DOC, "utf8"), "fields", renderReferenceTable());
    expect(syncDoc(DOC, expected)).toBe(expected);
  });

  it("documents every semantic error and warning code the validator and preflight can give", () => {
    const doc = readFileSync(DOC, "utf8");
    const source = ["src/plan/validate.ts", "src/plan/validate-analysis.ts"]
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const codes = [...source.matchAll(/code: "([a-z0-9-]+)"/g)].map((m) => m[1]!);
    expect(codes.length).toBeGreaterThan(10);
    for (const code of [...codes, "bake-shorter-than-ttl"]) expect(doc, code).toContain(`\`${code}\``);
  });

  it("names every schema field, each with a type and a meaning", () => {
    const doc = readFileSync(DOC, "utf8");
    const rows = referenceRows();
    expect(rows.length).toBeGreaterThan(60);
    for (const row of rows) {
      expect(doc, row.path).toContain(`| \`${row.path}\` |`);
      expect(row.description.replace(/^\(.*?\) /, ""), `${row.path} has no description`).not.toBe("");
    }
    for (const path of ["traffic.records[].zoneId", "steps[].bake", "state.bucket", "retire.mode"]) {
      expect(rows.map((r) => r.path)).toContain(path);
    }
  });
});
