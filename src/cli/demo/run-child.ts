/** Runs the CLI itself as a child process, as a user would type it, sharing the terminal or captured. */
import { spawn } from "node:child_process";

export interface ChildResult {
  code: number;
  stdout: string;
}

export function runCli(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; capture: boolean },
): Promise<ChildResult> {
  const bin = process.argv[1]!;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: options.capture ? ["ignore", "pipe", "pipe"] : ["ignore", "inherit", "inherit"],
    });
    let stdout = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 130 : 1), stdout }));
  });
}
