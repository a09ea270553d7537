/**
 * The command line: declares commands and options, and nothing else. Each action lazily imports its
 * handler (`./commands/<name>.ts`) so a command loads only what it needs (the AWS SDK above all).
 * This is the only file that calls process.exit.
 */
import { Command, CommanderError, Option } from "commander";
import {
  ExitCode,
  InterruptedError,
  SignalExitCode,
  ToolError,
  UsageError,
  type ToolErrorCode,
} from "../errors.ts";
import type { CommandContext, CommandResult } from "./context.ts";
import { consoleOutput, guardPipes } from "./output.ts";
import { VERSION } from "../version.ts";

interface GlobalOptions {
  output: "text" | "json" | "sarif" | "junit";
  debug: boolean;
  region?: string;
  profile?: string;
  endpointUrl?: string;
}

const abort = new AbortController();
let interrupted = false;
let globals: GlobalOptions = { output: "text", debug: false };

function quietWarnings(debug: boolean): void {
  // The AWS SDK's Node-version notice and other process warnings belong to --debug, not to stderr.
  if (debug) return;
  process.removeAllListeners("warning");
  process.on("warning", () => {});
}

function context(): CommandContext {
  return {
    output: globals.output === "json" ? "json" : "text",
    ...(globals.output === "sarif" || globals.output === "junit" ? { report: globals.output } : {}),
    debug: globals.debug,
    aws: { region: globals.region, profile: globals.profile, endpointUrl: globals.endpointUrl },
    out: consoleOutput({
      json: globals.output !== "text",
      debug: globals.debug,
      messages: globals.output === "json" ? "json" : "text",
    }),
    signal: abort.signal,
    now: () => new Date(),
    env: process.env,
    cwd: process.cwd(),
  };
}

function printResult(result: CommandResult): void {
  if (globals.output === "json" && result.json !== undefined) {
    process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
  }
  if ((globals.output === "sarif" || globals.output === "junit") && result.report !== undefined) {
    process.stdout.write(result.report);
  }
}

function fail(error: unknown): never {
  if (error instanceof ToolError) {
    if (globals.output === "json") {
      const findings = (error as { findings?: unknown[] }).findings;
      process.stdout.write(
        `${JSON.stringify({ error: { code: error.code, message: error.message, hint: error.hint ?? null, ...(findings && findings.length > 0 ? { findings } : {}) }, ...error.details }, null, 2)}\n`,
      );
    } else {
      process.stderr.write(`error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ""}`);
    }
    if (globals.debug && error.stack) process.stderr.write(`${error.stack}\n`);
    process.exit(error.exitCode);
  }
  const message = error instanceof Error ? error.message : String(error);
  const hint =
    "This is a bug in eks-bluegreen. Run again with --debug and report the output at https://github.com/eks-bluegreen/eks-bluegreen/issues.";
  if (globals.output === "json") {
    process.stdout.write(`${JSON.stringify({ error: { code: "internal", message, hint } }, null, 2)}\n`);
  } else {
    process.stderr.write(`error: unexpected failure: ${message}\nhint: ${hint}\n`);
  }
  if (globals.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(ExitCode.Bug);
}

type Handler<O> = (options: O, ctx: CommandContext) => Promise<CommandResult>;

/** Wraps a lazily imported handler: merges global options, runs it, prints JSON, exits with its code. */
function action<O>(load: () => Promise<{ handler: Handler<O> }>, shape: (args: unknown[]) => O) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    globals = command.optsWithGlobals() as GlobalOptions;
    quietWarnings(globals.debug);
    try {
      if ((globals.output === "sarif" || globals.output === "junit") && command.name() !== "audit") {
        throw new UsageError(
          `--output ${globals.output} is for \`audit\` only.`,
          "Use --output json or text with this command.",
        );
      }
      const { handler } = await load();
      const result = await handler(shape(args), context());
      printResult(result);
      process.exitCode = result.exitCode;
    } catch (error) {
      fail(error);
    }
  };
}

/** `(file, opts, command)` → options with the plan file. */
const withFile = <T extends object>(args: unknown[]) => ({ file: args[0] as string, ...(args[1] as T) });
const optsOnly = <T extends object>(args: unknown[]) => args[0] as T;

export function buildProgram(): Command {
  const program = new Command("eks-bluegreen")
    .description(
      "Blue/green EKS upgrades: shift Route 53 weighted traffic in steps, watch CloudWatch alarms, roll back at the first regression.",
    )
    .version(VERSION, "-V, --version")
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["text", "json", "sarif", "junit"])
        .default("text"),
    )
    .option("--debug", "show stack traces, retries and process warnings", false)
    .option("--region <region>", "AWS region (overrides the plan and AWS_REGION)")
    .option("--profile <name>", "AWS profile from the shared config files")
    .option("--endpoint-url <url>", "send every AWS call to this endpoint (e.g. the sandbox)")
    .showHelpAfterError("(run `eks-bluegreen --help` for usage)")
    .exitOverride();

  program
    .command("plan")
    .description("validate a plan and preview the upgrade without changing anything")
    .argument("<plan>", "plan file (YAML)")
    .option("--offline", "do not read AWS; preview from the plan alone", false)
    .action(action(() => import("./commands/plan.ts"), withFile<{ offline: boolean }>));

  program
    .command("schema")
    .description("print the plan's JSON Schema (for editor validation)")
    .action(action(() => import("./commands/schema.ts"), optsOnly<object>));

  program
    .command("run")
    .description("drive the whole upgrade in the foreground")
    .argument("<plan>", "plan file (YAML)")
    .option("--adopt-live", "start from live weights that are not all-blue (first tick only; logged)", false)
    .option("--fleet <fleet>", "apply this fleet's wave rules first (a held plan exits 0)")
    .action(action(() => import("./commands/run.ts"), withFile<{ adoptLive: boolean; fleet?: string }>));

  program
    .command("advance")
    .description("perform one tick (for cron/CI): move at most one step, or roll back")
    .argument("<plan>", "plan file (YAML)")
    .option("--adopt-live", "start from live weights that are not all-blue (first tick only; logged)", false)
    .option("--fleet <fleet>", "apply this fleet's wave rules first (a held plan exits 0)")
    .action(action(() => import("./commands/advance.ts"), withFile<{ adoptLive: boolean; fleet?: string }>));

  program
    .command("status")
    .description("show where the upgrade is and why it waits")
    .argument("<plan>", "plan file (YAML)")
    .action(action(() => import("./commands/status.ts"), withFile<object>));

  program
    .command("approve")
    .description("approve the gate the upgrade waits at (or blue's retirement)")
    .argument("<plan>", "plan file (YAML)")
    .option("--by <name>", 'who approves (default: $USER, else $USERNAME, else "operator")')
    .action(action(() => import("./commands/approve.ts"), withFile<{ by?: string }>));

  program
    .command("rollback")
    .description("abort: put all traffic back on blue")
    .argument("<plan>", "plan file (YAML)")
    .option("--reason <text>", "why, for the event log")
    .action(action(() => import("./commands/rollback.ts"), withFile<{ reason?: string }>));

  program
    .command("resume")
    .description("continue after a pause or a crash")
    .argument("<plan>", "plan file (YAML)")
    .option("--adopt", "accept the live Route 53 weights as the expected ones (after drift)", false)
    .option("--accept-plan-change", "accept that the plan file changed mid-upgrade", false)
    .option(
      "--accept-dropped-targets",
      "with --accept-plan-change: drop targets that still carry green traffic (logged)",
      false,
    )
    .action(
      action(
        () => import("./commands/resume.ts"),
        withFile<{ adopt: boolean; acceptPlanChange: boolean; acceptDroppedTargets: boolean }>,
      ),
    );

  program
    .command("history")
    .description("print the upgrade's event log")
    .argument("<plan>", "plan file (YAML)")
    .action(action(() => import("./commands/history.ts"), withFile<object>));

  program
    .command("report")
    .description("write a self-contained HTML report of the upgrade (weights, alarms, events, approvals)")
    .argument("<plan>", "plan file (YAML)")
    .option("--out <file>", "where to write it (default: <name>-report.html)")
    .action(action(() => import("./commands/report.ts"), withFile<{ out?: string }>));

  program
    .command("unlock")
    .description("remove another run's lock (only when you know it is gone)")
    .argument("<plan>", "plan file (YAML)")
    .option("--force", "required: confirms the holder is gone", false)
    .option("--even-if-alive", "remove it even though its holder runs on this host and is alive", false)
    .action(action(() => import("./commands/unlock.ts"), withFile<{ force: boolean; evenIfAlive: boolean }>));

  program
    .command("audit")
    .description("resilience audit of green's workloads (live, or of manifest files)")
    .option("--plan <plan>", "plan file: audit its green cluster")
    .option("--manifests <dir>", "audit manifest files instead of a live cluster")
    .option("--target-version <version>", "Kubernetes version to check removed APIs against")
    .option("--fail-on-warnings", "exit 4 on warnings too, not only on blocking findings", false)
    .action(
      action(
        () => import("./commands/audit.ts"),
        optsOnly<{ plan?: string; manifests?: string; targetVersion?: string; failOnWarnings?: boolean }>,
      ),
    );

  program
    .command("iam-policy")
    .description("print the least-privilege IAM policy a plan needs")
    .argument("[plan]", "plan file (YAML)")
    .option("--account-id <id>", "AWS account id (default: from STS GetCallerIdentity)")
    .option("--fleet <fleet>", "the union of the policies of every plan of this fleet")
    .action(
      action(() => import("./commands/iam-policy.ts"), withFile<{ accountId?: string; fleet?: string }>),
    );

  program
    .command("sandbox")
    .description("start the local AWS sandbox seeded from a plan (runs until stopped)")
    .option(
      "--plan <plan>",
      "plan whose clusters, records and alarms to create (repeat for several)",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option("--fleet <fleet>", "seed every plan of this fleet")
    .option("--port <port>", "port on 127.0.0.1 (default: a free one)")
    .option("--k8s <cluster=path...>", "serve a Kubernetes API for CLUSTER from manifest files at PATH")
    .option("--insync-delay <duration>", "how long a Route 53 change stays PENDING", "1s")
    .action(
      action(
        () => import("./commands/sandbox.ts"),
        optsOnly<{ plan?: string[]; fleet?: string; port?: string; k8s?: string[]; insyncDelay: string }>,
      ),
    );

  const fleet = program
    .command("fleet")
    .description("many upgrades in waves: one table, one tick for every plan that may move");
  fleet
    .command("status")
    .description("one table of every upgrade of a fleet (exit 4 when one needs a person)")
    .argument("<fleet>", "fleet file (YAML), or a folder of plans")
    .action(action(() => import("./commands/fleet-status.ts"), withFile<object>));
  fleet
    .command("advance")
    .description("one tick of every plan the waves let move, each under its own lock")
    .argument("<fleet>", "fleet file (YAML), or a folder of plans")
    .action(action(() => import("./commands/fleet-advance.ts"), withFile<object>));

  program
    .command("demo")
    .description("run two upgrades against the built-in sandbox: one completes, one rolls back")
    .option("--fast", "compress durations further", false)
    .action(action(() => import("./commands/demo.ts"), optsOnly<{ fast: boolean }>));

  return program;
}

/**
 * `--output json` or `text` as the arguments give it (the last one wins), read before commander parses:
 * `-o json`, `-ojson`, `--output json`, `--output=json`, before or after the command; `--` ends options.
 */
export function outputFromArgv(args: readonly string[]): "text" | "json" {
  let output: "text" | "json" = "text";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") break;
    let value: string | undefined;
    if (arg === "-o" || arg === "--output") value = args[++i];
    else if (arg.startsWith("--output=")) value = arg.slice("--output=".length);
    else if (arg.startsWith("-o") && !arg.startsWith("--")) value = arg.slice(2);
    if (value === "json" || value === "text") output = value;
  }
  return output;
}

const USAGE_CODES: Record<string, ToolErrorCode> = {
  "commander.unknownCommand": "unknown-command",
  "commander.unknownOption": "unknown-option",
  "commander.missingArgument": "missing-argument",
  "commander.optionMissingArgument": "missing-option-value",
  "commander.missingMandatoryOptionValue": "missing-option",
  "commander.excessArguments": "too-many-arguments",
  "commander.invalidArgument": "invalid-argument",
  "commander.conflictingOption": "conflicting-options",
  // No command at all: commander shows the help on stderr and exits 1.
  "commander.help": "missing-command",
};

/**
 * Commander's parse errors: its own text goes to stderr in text mode only; under `--output json` it is
 * silenced and `fail` prints the one `{"error": …}` document instead. Returns which command failed.
 */
function routeUsageErrors(program: Command, json: boolean): () => string | undefined {
  let failed: string | undefined;
  for (const command of [program, ...program.commands]) {
    const name = command === program ? undefined : command.name();
    command.configureOutput({
      outputError: (text, write) => {
        failed = name;
        if (!json) write(text);
      },
      writeErr: (text) => {
        if (!json) process.stderr.write(text);
      },
    });
  }
  return () => failed;
}

/** A commander parse error as a ToolError (exit 2) with a stable code and a hint naming the right help. */
function usageError(error: CommanderError, command: string | undefined): ToolError {
  const code = USAGE_CODES[error.code] ?? "usage";
  const message =
    error.code === "commander.help"
      ? "No command given (or `help` named one that does not exist)."
      : error.message.replace(/^error: /, "").replace(/^\w/, (c) => c.toUpperCase());
  const help = command ? `eks-bluegreen ${command} --help` : "eks-bluegreen --help";
  return new ToolError(code, message.endsWith(".") ? message : `${message}.`, {
    hint: `Run \`${help}\` for usage.`,
    exitCode: ExitCode.Usage,
  });
}

async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      // A second signal stops at once; the first lets `run` / `advance` stop safely, then exit 130 / 143.
      if (interrupted) process.exit(SignalExitCode[signal]);
      interrupted = true;
      abort.abort(new InterruptedError(signal));
    });
  }
  guardPipes(undefined, (code, text) => context().out.warn(code, text));
  // Known before parsing, so that a usage error (found before any action runs) honours --output json.
  globals = { ...globals, output: outputFromArgv(process.argv.slice(2)) };
  const program = buildProgram();
  const failedIn = routeUsageErrors(program, globals.output === "json");
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every other parse error is a usage error (exit 2).
      if (error.exitCode === 0) process.exit(0);
      // Text mode: commander already wrote the error to stderr. JSON mode: one error document on stdout.
      if (globals.output === "json") fail(usageError(error, failedIn()));
      process.exit(ExitCode.Usage);
    }
    fail(error);
  }
}

await main();
