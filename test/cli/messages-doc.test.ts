import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { MESSAGES, renderMessageTable } from "../../src/messages.ts";
import { replaceSection, syncDoc } from "../plan/docs-support.ts";

const DOC = "docs/messages.md";

describe("docs/messages.md", () => {
  it("holds the table generated from src/messages.ts (run `npm run docs` after changing the catalog)", () => {
    const expected = replaceSection(readFileSync(DOC, "utf8"), "messages", renderMessageTable());
    expect(syncDoc(DOC, expected)).toBe(expected);
    for (const code of Object.keys(MESSAGES)) expect(expected).toContain(`| \`${code}\` |`);
  });
});
