import type { Output } from "./context.ts";

/** The console behind `Output`. Under JSON output, stdout carries only the final document. */
export function consoleOutput(options: { json: boolean; debug: boolean }): Output {
  return {
    print: (text) => {
      if (!options.json) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    info: (text) => process.stderr.write(`${text}\n`),
    warn: (text) => process.stderr.write(`warning: ${text}\n`),
    debug: (text) => {
      if (options.debug) process.stderr.write(`debug: ${text}\n`);
    },
    isTTY: !options.json && Boolean(process.stdout.isTTY),
  };
}

/** An Output that records everything, for tests. */
export function recordingOutput(): Output & {
  lines: { stream: "print" | "info" | "warn" | "debug"; text: string }[];
} {
  const lines: { stream: "print" | "info" | "warn" | "debug"; text: string }[] = [];
  return {
    lines,
    print: (text) => lines.push({ stream: "print", text }),
    info: (text) => lines.push({ stream: "info", text }),
    warn: (text) => lines.push({ stream: "warn", text }),
    debug: (text) => lines.push({ stream: "debug", text }),
    isTTY: false,
  };
}
