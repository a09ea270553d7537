import type { Output } from "./context.ts";
import { message, type MessageCode } from "../messages.ts";

/**
 * The console behind `Output`. Under JSON output, stdout carries only the final document.
 * Messages go to stderr: as plain words (`warning: ` before a warning); with `--debug`, each with its
 * code (`warning [lock-unlock-failed]: …`, `debug [aws-retry]: …`); with `messages: "json"`
 * (`--output json`), one JSON line each, `{"code","level","text"}`, so a script reads codes, not prose.
 */
export function consoleOutput(options: {
  json: boolean;
  debug: boolean;
  messages?: "text" | "json";
}): Output {
  const write = (prefix: string, code: MessageCode, text: string) => {
    if (options.messages === "json") process.stderr.write(`${JSON.stringify(message(code, text))}\n`);
    else if (options.debug) process.stderr.write(`${prefix || "info"} [${code}]: ${text}\n`);
    else process.stderr.write(`${prefix ? `${prefix}: ` : ""}${text}\n`);
  };
  return {
    print: (text) => {
      if (!options.json) process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    info: (code, text) => write("", code, text),
    warn: (code, text) => write("warning", code, text),
    debug: (code, text) => {
      if (options.debug) write("debug", code, text);
    },
    isTTY: !options.json && Boolean(process.stdout.isTTY),
  };
}

/** One line an Output was given: printed text has no code, every message has one. */
export interface RecordedLine {
  stream: "print" | "info" | "warn" | "debug";
  text: string;
  code?: MessageCode;
}

/** An Output that records everything, for tests: assert `lines.some((l) => l.code === "lock-unlock-failed")`. */
export function recordingOutput(): Output & { lines: RecordedLine[] } {
  const lines: RecordedLine[] = [];
  return {
    lines,
    print: (text) => lines.push({ stream: "print", text }),
    info: (code, text) => lines.push({ stream: "info", code, text }),
    warn: (code, text) => lines.push({ stream: "warn", code, text }),
    debug: (code, text) => lines.push({ stream: "debug", code, text }),
    isTTY: false,
  };
}

/**
 * Output into a closed pipe (`status | head -1`) is not an error: once stdout's or stderr's reader has
 * gone, further writes are dropped without a word, and the command carries on to its own end and exit
 * code (a tick is never cut short because its reader left). Without a listener Node would throw EPIPE.
 */
export function guardPipes(
  streams: NodeJS.WriteStream[] = [process.stdout, process.stderr],
  /** How the warning is written (main passes its Output, so `--output json` gets a JSON line). */
  warn: Output["warn"] = (_code, text) => process.stderr.write(`warning: ${text}\n`),
): void {
  for (const stream of streams) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
      // Anything else (a full disk behind a redirect) is not worth dying for either: say it once, if we can.
      if (stream !== process.stderr && !process.stderr.destroyed) {
        warn("output-write-failed", `cannot write the output: ${error.message}`);
      }
    });
  }
}
