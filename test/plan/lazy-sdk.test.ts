/**
 * Cold start: `plan --offline` must not load the AWS SDK (the built CLI, `npm run build` first). A module
 * hook logs every `@aws-sdk/*` import the process resolves.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";

const HOOK = `export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@aws-sdk/")) (await import("node:fs")).appendFileSync(process.env.EBG_SDK_LOG, specifier + "\\n");
  return next(specifier, context);
}`;
const REGISTER = `import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOK)}`)});`;

async function sdkImports(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const log = join(mkdtempSync(join(tmpdir(), "sdk-log-")), "sdk.log");
  const child = spawn(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(REGISTER)}`, "bin/eks-bluegreen.js", ...args],
    {
      env: { ...process.env, ...env, EBG_SDK_LOG: log },
      stdio: "ignore",
    },
  );
  const exited = new Promise((done) => child.on("exit", done));
  // The live run may sit retrying an unreachable endpoint: stop it once the SDK shows up.
  for (let i = 0; i < 200 && child.exitCode === null && !existsSync(log); i++) await sleep(50);
  child.kill();
  await exited;
  return existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
}

describe("lazy AWS SDK", () => {
  it("plan --offline loads no @aws-sdk module", async () => {
    expect(await sdkImports(["plan", "--offline", "plans/production.yaml"])).toEqual([]);
  });

  it("the live plan does load it (the hook works)", async () => {
    const env = {
      AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      AWS_ACCESS_KEY_ID: "x",
      AWS_SECRET_ACCESS_KEY: "y",
    };
    const imports = await sdkImports(["plan", "plans/minimal.yaml"], env);
    expect(imports.some((s) => s.startsWith("@aws-sdk/"))).toBe(true);
  });
});
