/**
 * The import boundary between the folders of src/ (eslint.config.js `ALLOWED_IMPORTS`, docs/architecture.md
 * "Boundaries"): a wrong-way import fails lint, and the real tree has none.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
// @ts-expect-error: the lint configuration is plain JavaScript, without types.
import { ALLOWED_IMPORTS } from "../../eslint.config.js";

const ROOT = resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: ROOT });
const BOUNDARY_RULES = ["no-restricted-imports", "no-restricted-syntax", "no-restricted-globals"];
const allowed = ALLOWED_IMPORTS as Record<string, string[]>;

/** The boundary messages ESLint gives for `code` as if it were the file `filePath`. */
async function boundary(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, filePath) });
  return result!.messages.filter((m) => BOUNDARY_RULES.includes(m.ruleId ?? "")).map((m) => m.message);
}

describe("the import boundary", () => {
  it("a wrong-way import in src/engine fails lint: the shell, an adapter, the CLI, Node, the SDK", async () => {
    const wrong = [
      'import { runTick } from "../runner/driver.ts";',
      'import { createTrafficPort } from "../aws/route53.ts";',
      'import type { CommandContext } from "../cli/context.ts";',
      'import type { StateStore } from "../state/store.ts";',
      'import { readFile } from "node:fs/promises";',
      'import { hostname } from "os";',
      'import type { ResourceRecordSet } from "@aws-sdk/client-route-53";',
    ];
    for (const line of wrong) {
      const messages = await boundary("src/engine/wrong.ts", `${line}\nexport const x = 1;\n`);
      expect(messages, line).toHaveLength(1);
    }
    const lazy = await boundary(
      "src/engine/wrong.ts",
      'export const load = () => import("../runner/ports.ts");\n',
    );
    expect(lazy).toEqual([
      expect.stringContaining("src/engine/ may import only plan/, analysis/, errors.ts"),
    ]);
  });

  it("the engine may import plan/, analysis/, errors.ts and itself; it reads no process and no clock", async () => {
    const right = [
      'import type { CompiledPlan } from "../plan/compile.ts";',
      'import { resolveQueries } from "../analysis/index.ts";',
      'import { ExitCode } from "../errors.ts";',
      'import type { Ports } from "./ports.ts";',
    ].join("\n");
    expect(await boundary("src/engine/right.ts", `${right}\nexport const x = 1;\n`)).toEqual([]);
    expect(await boundary("src/engine/clock.ts", "export const t = Date.now();\n")).toHaveLength(1);
    expect(await boundary("src/engine/env.ts", "export const e = process.env.HOME;\n")).toHaveLength(1);
  });

  it("nothing but cli/ imports cli/, and nothing but cli/ imports runner/", async () => {
    for (const folder of Object.keys(allowed).filter((f) => f !== "cli")) {
      const cli = await boundary(
        `src/${folder}/nested/wrong.ts`,
        'import type { CommandContext } from "../../cli/context.ts";\nexport type C = CommandContext;\n',
      );
      expect(cli, folder).toHaveLength(1);
      if (folder === "runner") continue;
      const runner = await boundary(
        `src/${folder}/wrong.ts`,
        'import { openSession } from "../runner/session.ts";\nexport const o = openSession;\n',
      );
      expect(runner, folder).toHaveLength(1);
    }
    expect(
      await boundary(
        "src/cli/commands/right.ts",
        'import { openSession } from "../../runner/session.ts";\nexport const o = openSession;\n',
      ),
    ).toEqual([]);
  });

  it("plan/ imports no engine, runner, aws or cli; aws/ imports no runner or cli", async () => {
    for (const target of ["engine/state.ts", "runner/driver.ts", "aws/route53.ts", "cli/main.ts"]) {
      expect(await boundary("src/plan/wrong.ts", `import "../${target}";\n`), target).toHaveLength(1);
    }
    for (const target of ["runner/ports.ts", "cli/context.ts", "health/kubernetes/port.ts"]) {
      expect(await boundary("src/aws/wrong.ts", `import "../${target}";\n`), target).toHaveLength(1);
    }
    expect(await boundary("src/aws/right.ts", 'import "../engine/ports.ts";\n')).toEqual([]);
  });

  it("the real tree is clean", async () => {
    const results = await eslint.lintFiles(["src"]);
    const found = results.flatMap((r) =>
      r.messages
        .filter((m) => BOUNDARY_RULES.includes(m.ruleId ?? ""))
        .map((m) => `${r.filePath.slice(ROOT.length + 1)}:${m.line}: ${m.message}`),
    );
    expect(found).toEqual([]);
    // Linting all of src/ takes 6 s on a quiet 2-core machine and more under load.
  }, 180_000);

  it("docs/architecture.md's table lists the directions the lint rule enforces", () => {
    const doc = readFileSync(resolve(ROOT, "docs/architecture.md"), "utf8");
    for (const [folder, imports] of Object.entries(allowed)) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${folder}/\` |`));
      expect(row, folder).toBeDefined();
      const listed = [...row!.split("|")[2]!.matchAll(/`(\w+)\/`/g)].map((m) => m[1]);
      expect(listed.sort(), folder).toEqual([...imports].sort());
    }
  });
});
