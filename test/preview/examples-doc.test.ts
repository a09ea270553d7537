import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runPlan } from "../../src/cli/commands/plan.ts";
import { replaceSection, syncDoc } from "../plan/docs-support.ts";
import { testContext } from "./support.ts";

const DOC = "docs/preview-examples.md";
const PLANS = [
  "plans/minimal.yaml",
  "plans/production.yaml",
  "plans/s3-state.yaml",
  "plans/metric-gates.yaml",
  "plans/alb.yaml",
  "plans/global-accelerator.yaml",
  "plans/notifications.yaml",
];

async function example(file: string): Promise<string> {
  const { ctx, printed } = testContext();
  const result = await runPlan({ file, offline: true }, ctx);
  expect(result.exitCode).toBe(0);
  return `## ${file}\n\n\`\`\`console\n$ eks-bluegreen plan --offline ${file}\n${printed()}\`\`\``;
}

describe("docs/preview-examples.md", () => {
  it("shows the offline preview of every example plan as the tool prints it (`npm run docs` updates it)", async () => {
    const body = (await Promise.all(PLANS.map(example))).join("\n\n");
    const expected = replaceSection(readFileSync(DOC, "utf8"), "examples", body);
    const current = syncDoc(DOC, expected);
    expect(current).toBe(expected);
    for (const file of PLANS) expect(current).toContain(`$ eks-bluegreen plan --offline ${file}`);
  });

  it("documents every finding code preflight and the preview can give", () => {
    const doc = readFileSync(DOC, "utf8");
    const source = ["src/engine/preflight.ts", "src/engine/preflight-targets.ts", "src/preview/preview.ts"]
      .map((f) => readFileSync(f, "utf8"))
      .join("\n");
    const literal = [...source.matchAll(/code: "([a-z0-9-]+)"/g)].map((m) => m[1]!);
    const built = [
      "nodegroup-missing",
      "addon-missing",
      "nodegroup-unhealthy",
      "addon-unhealthy",
      "insight-error",
      "insight-warning",
    ];
    const unreadable = [...source.matchAll(/unreadable\("([a-z-]+)"/g)].map((m) => m[1]!);
    expect(literal.length).toBeGreaterThan(15);
    expect(unreadable.length).toBeGreaterThanOrEqual(5);
    for (const code of [...literal, ...built, ...unreadable]) expect(doc, code).toContain(`\`${code}\``);
  });
});
