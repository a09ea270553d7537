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

/**
 * Output into a closed pipe (`status | head -1`) is not an error: once stdout's or stderr's reader has
 * gone, further writes are dropped without a word, and the command carries on to its own end and exit
 * code (a tick is never cut short because its reader left). Without a listener Node would throw EPIPE.
 */
export function guardPipes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
      // Anything else (a full disk behind a redirect) is not worth dying for either: say it once, if we can.
      if (stream !== process.stderr && !process.stderr.destroyed) {
        process.stderr.write(`warning: cannot write the output: ${error.message}\n`);
      }
    });
  }
}
