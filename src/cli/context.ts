/**
 * What every command handler receives. All user-facing output goes through `out`, so tests can record
 * it instead of spying on the console, and `--output json` can keep stdout to exactly one document.
 */
import type { AwsSettings } from "../aws/settings.ts";
import type { ExitCode, SignalExitCode } from "../errors.ts";
import type { DebugCode, InfoCode, WarnCode } from "../messages.ts";

export interface Output {
  /** Human text for stdout. Suppressed under `--output json`. */
  print(text: string): void;
  /**
   * Progress and notes for stderr, shown in both modes, each with its code from messages.ts (only a
   * catalog code of the method's level type-checks). The code shows under `--output json` (one JSON
   * line per message) and `--debug`; plain text shows the words alone.
   */
  info(code: InfoCode, text: string): void;
  warn(code: WarnCode, text: string): void;
  /** Only with `--debug`. */
  debug(code: DebugCode, text: string): void;
  /** stdout is a terminal (live views are allowed). */
  readonly isTTY: boolean;
}

export interface CommandContext {
  output: "text" | "json";
  /** `--output sarif` or `junit` (audit only): `output` is then "text" with nothing printed but the report. */
  report?: "sarif" | "junit";
  debug: boolean;
  aws: AwsSettings;
  out: Output;
  /** Aborted on Ctrl-C / SIGTERM: handlers stop at the next safe point. */
  signal: AbortSignal;
  now: () => Date;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What a handler returns: the exit code, and the one JSON document printed under `--output json`. */
export interface CommandResult {
  /** 130 / 143 only for `run` and `advance` stopped by SIGINT / SIGTERM. */
  exitCode: ExitCode | SignalExitCode;
  json?: unknown;
  /** `--output sarif` / `--output junit` (audit only): the report, written to stdout as it is. */
  report?: string;
}
