/**
 * Exit codes are a contract with users' CI pipelines (DESIGN.md, "Exit codes"). Keep them stable.
 */
import type { ErrorCode } from "./engine/vocabulary.ts";

export type { ErrorCode, ToolErrorCode } from "./engine/vocabulary.ts";

export const ExitCode = {
  /** done, progressing, or waiting for time to pass (bake, change window) */
  Ok: 0,
  /** unexpected failure inside the tool: a bug */
  Bug: 1,
  /** invalid plan, flags or usage */
  Usage: 2,
  /** rolled back, or rolling back */
  RolledBack: 3,
  /** a person is needed: approval, pause, drift, changed plan, damaged state, preflight errors, AWS refused */
  NeedsPerson: 4,
  /** locked by another run */
  Locked: 5,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * `run` and `advance` stopped by a signal exit as shells report it (128 + the signal's number), after
 * their safe stop, so a cancelled CI job does not look green. Beside the table above, not in it.
 */
export const SignalExitCode = { SIGINT: 130, SIGTERM: 143 } as const;
export type SignalExitCode = (typeof SignalExitCode)[keyof typeof SignalExitCode];

/** Who is at fault decides the wording: the user fixes input, AWS answers need a person, a bug is reported. */
export type Fault = "user" | "aws" | "tool";

/**
 * Every error the tool expects is a ToolError: a stable code (kebab-case, used in `--output json`),
 * a message saying what is wrong and where, a hint saying what to do next, and the exit code.
 * Anything else that reaches the entry point is a bug (exit 1).
 */
export class ToolError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly hint: string | undefined;
  readonly fault: Fault;
  /** Fields added beside `error` in the `--output json` error document (e.g. a failed tick's `events`). */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: {
      hint?: string;
      exitCode?: ExitCode;
      fault?: Fault;
      cause?: unknown;
      details?: Record<string, unknown>;
    } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? ExitCode.Usage;
    this.fault = options.fault ?? "user";
    this.details = options.details;
  }
}

/** The reason of the command's abort signal when Ctrl-C or SIGTERM arrived. */
export class InterruptedError extends ToolError {
  constructor(readonly signal: keyof typeof SignalExitCode) {
    super("interrupted", `Interrupted by ${signal}.`, { exitCode: ExitCode.Ok });
  }
}

/** The exit code of a command its abort signal stopped (130 unless the signal was SIGTERM). */
export function signalExitCode(signal: AbortSignal): SignalExitCode {
  const reason: unknown = signal.reason;
  return reason instanceof InterruptedError ? SignalExitCode[reason.signal] : SignalExitCode.SIGINT;
}

/** Invalid flags or usage (exit 2). */
export class UsageError extends ToolError {
  constructor(message: string, hint?: string) {
    super("usage", message, { hint, exitCode: ExitCode.Usage, fault: "user" });
  }
}

/** One problem found in a plan file, located as precisely as the source allows. */
export interface PlanIssue {
  /** dotted field path, e.g. `steps[2].green`; empty for the whole document */
  path: string;
  /** stable kebab-case code for semantic checks and warnings (e.g. `single-step`), when there is one */
  code?: string;
  message: string;
  hint?: string;
  line?: number;
  column?: number;
}

/** A plan that cannot be used (exit 2). The message lists every issue with file:line:column. */
export class PlanError extends ToolError {
  readonly file: string;
  readonly issues: readonly PlanIssue[];

  /** `wording` replaces the message and hint where the fields are not the problem (a missing file). */
  constructor(file: string, issues: readonly PlanIssue[], wording: { message?: string; hint?: string } = {}) {
    const lines = issues.map((i) => {
      const where = `${file}${i.line ? `:${i.line}:${i.column ?? 1}` : ""}`;
      const field = i.path ? ` ${i.path}:` : "";
      return `${where}:${field} ${i.message}${i.hint ? ` (${i.hint})` : ""}`;
    });
    super("invalid-plan", wording.message ?? `The plan ${file} is not valid:\n  ${lines.join("\n  ")}`, {
      hint:
        wording.hint ??
        "Fix the fields above; `eks-bluegreen schema` prints the JSON Schema for editor validation.",
      exitCode: ExitCode.Usage,
      fault: "user",
    });
    this.file = file;
    this.issues = issues;
  }
}

/** Another run holds the lock (exit 5). `lock-holder-alive`: `unlock --force` refused for a live holder. */
export class LockedError extends ToolError {
  constructor(message: string, hint: string, code: "locked" | "lock-holder-alive" = "locked") {
    super(code, message, { hint, exitCode: ExitCode.Locked, fault: "user" });
  }
}

/** The state file is damaged, from another plan, or of an unknown version (exit 4). */
export class StateError extends ToolError {
  constructor(code: ErrorCode, message: string, hint: string) {
    super(code, message, { hint, exitCode: ExitCode.NeedsPerson, fault: "user" });
  }
}

/**
 * AWS (or an AWS-compatible endpoint) refused or failed a call after the retry layer gave up.
 * Keeps the AWS error code and HTTP status; a person is needed (exit 4) unless a caller decides otherwise.
 */
export class AwsError extends ToolError {
  readonly awsCode: string;
  readonly httpStatus: number | undefined;
  readonly operation: string;
  readonly retryable: boolean;

  constructor(args: {
    awsCode: string;
    message: string;
    operation: string;
    httpStatus?: number;
    retryable?: boolean;
    hint?: string;
    cause?: unknown;
  }) {
    super("aws-error", `${args.operation} failed: ${args.awsCode}: ${args.message}`, {
      hint: args.hint ?? "Check credentials, region and permissions (`eks-bluegreen iam-policy <plan>`).",
      exitCode: ExitCode.NeedsPerson,
      fault: "aws",
      cause: args.cause,
    });
    this.awsCode = args.awsCode;
    this.httpStatus = args.httpStatus;
    this.operation = args.operation;
    this.retryable = args.retryable ?? false;
  }
}

/**
 * A conditional write lost: another run moved first (exit 5, like a lock held by another run). The words
 * fit the backend: S3 answered 412 to a conditional write; a local state file changed under this run.
 */
export class PreconditionFailedError extends ToolError {
  readonly where: string;
  readonly backend: "s3" | "file";

  constructor(where: string, backend: "s3" | "file" = "s3", detail = "", planFile = "<plan>") {
    super(
      "precondition-failed",
      backend === "file"
        ? `Another run moved first: the state file ${where} changed under this run, so this run's write was not made.${detail}`
        : `Another run moved first: ${where} changed or was created by another run (S3 refused this run's conditional write, HTTP 412), so this run's write was not made.${detail}`,
      {
        hint: `Nothing of this run's last step was stored. Run \`eks-bluegreen status ${planFile}\` to see where the upgrade is now; the next tick goes on from there.`,
        exitCode: ExitCode.Locked,
        fault: "user",
      },
    );
    this.where = where;
    this.backend = backend;
  }
}
