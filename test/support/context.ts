/** A CommandContext that records output instead of printing it, with a fixed clock. */
import { recordingOutput } from "../../src/cli/output.ts";
import type { CommandContext } from "../../src/cli/context.ts";

export function testContext(output: "text" | "json" = "text", now = "2026-01-01T00:00:00Z") {
  const out = recordingOutput();
  const ctx: CommandContext = {
    output,
    debug: false,
    aws: {},
    out,
    signal: new AbortController().signal,
    now: () => new Date(now),
    env: {},
    cwd: process.cwd(),
  };
  /** What went to stdout, as one text. */
  const printed = () =>
    out.lines
      .filter((l) => l.stream === "print")
      .map((l) => (l.text.endsWith("\n") ? l.text : `${l.text}\n`))
      .join("");
  return { ctx, out, printed };
}
