/**
 * What the shell needs of a command's context. The CLI's `CommandContext` (cli/context.ts) has all of it
 * and is passed as it is; the shell names only these fields so that nothing below the CLI imports cli/.
 */
import type { AwsSettings } from "../aws/settings.ts";

export interface ShellContext {
  aws: AwsSettings;
  out: {
    warn(text: string): void;
    /** Only with `--debug`. */
    debug(text: string): void;
  };
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  now: () => Date;
  env: NodeJS.ProcessEnv;
  cwd: string;
}
