/**
 * `report <plan> [--out FILE]`: one self-contained HTML page from the state and the event log (local
 * or S3): weights over time, alarm swim lanes, the event timeline with evidence, approvals, the plan and
 * its hash. uPlot (a dependency) is read from its dist files at run time and inlined, so the page
 * fetches nothing when viewed. A missing or damaged state is a StateError (exit 4).
 */
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { CommandContext, CommandResult } from "../context.ts";
import { ExitCode, StateError, ToolError } from "../../errors.ts";
import { loadState } from "../../runner/driver.ts";
import { openSession } from "../../runner/session.ts";
import { reportData } from "../../report/data.ts";
import { renderReport, type ChartLibrary } from "../../report/html.ts";

async function chartLibrary(): Promise<ChartLibrary> {
  const req = createRequire(import.meta.url);
  const pkg = req.resolve("uplot/package.json");
  const [js, css] = await Promise.all([
    readFile(resolve(pkg, "../dist/uPlot.iife.min.js"), "utf8"),
    readFile(resolve(pkg, "../dist/uPlot.min.css"), "utf8"),
  ]);
  // Inline scripts end at the first "</script"; uPlot has none, but never trust it.
  return { js: js.replace(/<\/script/gi, "<\\/script"), css };
}

export async function handler(
  options: { file: string; out?: string },
  ctx: CommandContext,
): Promise<CommandResult> {
  const { plan, store } = await openSession(options.file, ctx, "report");
  const state = await loadState(store, plan);
  if (!state) {
    throw new StateError(
      "state-missing",
      `No state of ${plan.name} at ${store.location}: there is nothing to report.`,
      `Check the plan's \`state\` section (and AWS credentials for S3), or start the upgrade with \`eks-bluegreen advance ${plan.file}\`.`,
    );
  }
  const out = resolve(ctx.cwd, options.out ?? `${plan.name}-report.html`);
  const html = renderReport(reportData(state, plan, ctx.now()), plan.doc, await chartLibrary());
  try {
    await writeFile(out, html);
  } catch (error) {
    throw new ToolError("report-write-failed", `Could not write ${out}: ${(error as Error).message}.`, {
      hint: "Choose another path with --out.",
      exitCode: ExitCode.Usage,
      fault: "user",
    });
  }
  ctx.out.print(
    `Wrote ${out} (${Math.round(Buffer.byteLength(html) / 1024)} KiB): ${state.phase} at step ${state.step}, ${state.events.length} events.`,
  );
  return {
    exitCode: ExitCode.Ok,
    json: {
      plan: plan.name,
      out,
      bytes: Buffer.byteLength(html),
      phase: state.phase,
      events: state.events.length,
    },
  };
}
