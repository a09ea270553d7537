/**
 * What the shell needs of a command's context. The CLI's `CommandContext` (cli/context.ts) has all of it
 * and is passed as it is; the shell names only these fields so that nothing below the CLI imports cli/.
 */
import type { AwsSettings } from "../aws/settings.ts";
import type { DebugCode, WarnCode } from "../messages.ts";

export interface ShellContext {
  aws: AwsSettings;
  out: {
    warn(code: WarnCode, text: string): void;
    /** Only with `--debug`. */
    debug(code: DebugCode, text: string): void;
  };
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  now: () => Date;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
