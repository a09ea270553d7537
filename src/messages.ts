/**
 * Every message the tool writes to stderr through `Output` (info, warn, debug) has a stable code from
 * this catalog, as the AWS CDK toolkit's IoHost gives each message a `CDK_TOOLKIT_I1234` code. Scripts
 * and tests match the code, never the wording, so the wording may change.
 *
 * Codes are kebab-case `<area>-<what>` (`lock-unlock-failed`), not numbered like `CDK_TOOLKIT_W5031`:
 * every other vocabulary of the tool (refusal, finding, error and event codes) is kebab-case, and a word
 * says what a message is about without a lookup table. The level lives beside the code, not in it, so
 * the code does not change if a message's level does.
 *
 * Levels: `result` says how a command ended (beside its stdout), `info` is progress or a notice, `warn`
 * something the command survived but a person should see, `debug` shows only with `--debug`.
 * A code is never reused for another meaning; a removed one stays removed. docs/messages.md is generated
 * from this list (`npm run docs`).
 */

export type MessageLevel = "result" | "info" | "warn" | "debug";

interface MessageInfo {
  readonly level: MessageLevel;
  /** One line: when the message is written. */
  readonly description: string;
}

export const MESSAGES = {
  // The state lock and the tick.
  "lock-unlock-failed": {
    level: "warn",
    description:
      "A tick could not release the state lock; its work is saved, and other commands wait for the lease to end.",
  },
  "tick-progress": { level: "debug", description: "A step of a tick (a read, a write, a wait)." },
  "other-upgrade-skipped": {
    level: "debug",
    description:
      "Another upgrade's state beside this one could not be read; it is left out of the overlap check.",
  },
  "plan-warning": {
    level: "debug",
    description: "A plan warning the compiler noted (also shown by `plan`).",
  },
  // `run`.
  "run-interrupted": {
    level: "result",
    description: "`run` stopped on Ctrl-C or SIGTERM at a safe point; says how to go on.",
  },
  "run-stopped": {
    level: "result",
    description: "`run` stopped because another command changed the upgrade.",
  },
  "run-paused": {
    level: "result",
    description: "`run` stopped at a pause; names the reason and how to go on.",
  },
  // AWS calls.
  "aws-retry": {
    level: "debug",
    description: "An AWS call failed with a retryable error and is tried again.",
  },
  "aws-sdk-log": { level: "debug", description: "A warning or error line of the AWS SDK's own logger." },
  "s3-server-clock": {
    level: "debug",
    description: "The time S3 gave for a lock read or write, and the skew.",
  },
  "plan-reading": { level: "debug", description: "`plan` (live) starts reading AWS for its preview." },
  // The console itself.
  "output-write-failed": {
    level: "warn",
    description:
      "stdout could not be written for a reason other than a closed pipe (a full disk); the command goes on.",
  },
  // GitHub Actions.
  "github-summary-failed": {
    level: "warn",
    description: "The job summary (GITHUB_STEP_SUMMARY) could not be appended to; the upgrade is unaffected.",
  },
  // `iam-policy`.
  "iam-zone-lookup-failed": {
    level: "warn",
    description: "Hosted zones named in the plan could not be looked up; the policy holds placeholders.",
  },
  "iam-zone-placeholders": {
    level: "warn",
    description: "The policy holds placeholder hosted zone ids to replace before use.",
  },
  "iam-assumes-roles": {
    level: "warn",
    description: "The plan assumes roles: the policy belongs on those roles, not on the caller.",
  },
  "iam-policy-too-large": {
    level: "warn",
    description: "The policy is longer than a managed policy may be; split its statements.",
  },
  "iam-policy-written": {
    level: "result",
    description: "Names the plan (or fleet) and account the policy is for.",
  },
  // Fleets.
  "fleet-member-failed": {
    level: "info",
    description: "`fleet advance`: one plan's tick failed; the other plans go on, its row says why.",
  },
  // `sandbox` and `demo`.
  "sandbox-listening": {
    level: "info",
    description: "The sandbox is up: its endpoint, what it was seeded with.",
  },
  "sandbox-kubernetes-api": {
    level: "info",
    description: "The endpoint of a sandbox cluster's Kubernetes API.",
  },
  "sandbox-stopped": { level: "result", description: "The sandbox was stopped (Ctrl-C)." },
  "demo-interrupted": {
    level: "result",
    description: "The demo was stopped; names the folder with its state.",
  },
  "demo-step": { level: "debug", description: "What the demo's watcher saw or did (an approval, a phase)." },
} as const satisfies Record<string, MessageInfo>;

export type MessageCode = keyof typeof MESSAGES;

/** The codes of the given levels: `warn(code, …)` takes only `CodeAt<"warn">`. */
export type CodeAt<L extends MessageLevel> = {
  [C in MessageCode]: (typeof MESSAGES)[C]["level"] extends L ? C : never;
}[MessageCode];

export type WarnCode = CodeAt<"warn">;
/** `info` writes both notices and a command's closing `result` lines. */
export type InfoCode = CodeAt<"info" | "result">;
export type DebugCode = CodeAt<"debug">;

/** The one form of a message under `--output json` (a JSON line on stderr) and in recorded output. */
export interface Message {
  code: MessageCode;
  level: MessageLevel;
  text: string;
}

export function message(code: MessageCode, text: string): Message {
  return { code, level: MESSAGES[code].level, text };
}

/** The table in docs/messages.md. */
export function renderMessageTable(): string {
  const rows = Object.entries(MESSAGES).map(
    ([code, info]) => `| \`${code}\` | ${info.level} | ${info.description.replace(/\|/g, "\\|")} |`,
  );
  return ["| Code | Level | Meaning |", "| --- | --- | --- |", ...rows].join("\n");
}
