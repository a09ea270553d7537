/** Runs the installed AWS CLI (asynchronously: the sandbox answering it lives in this process). */
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Why the AWS CLI cannot run here, or undefined when it can. CI requires it. */
export function awsCliUnavailable(): string | undefined {
  const probe = spawnSync("aws", ["--version"], { encoding: "utf8" });
  if (probe.status === 0) return undefined;
  const reason = `the AWS CLI is not installed (aws --version failed: ${(probe.stderr || probe.error?.message || "").trim()})`;
  if (process.env.CI === "true") throw new Error(`${reason}; CI requires it.`);
  return reason;
}

/** `aws ARGS --output json` with the given environment; resolves to the parsed JSON answer. */
export async function awsCli(env: Record<string, string>, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run("aws", [...args, "--output", "json"], {
    env: {
      ...process.env,
      ...env,
      AWS_PAGER: "",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
    },
    timeout: 30_000,
  });
  // Commands with no answer (put-metric-data) print nothing.
  return stdout.trim() === "" ? {} : (JSON.parse(stdout) as Record<string, unknown>);
}
