// Runs the built CLI (`npm run build` first, as `npm test` does) the way a user would.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { awsCli, awsCliUnavailable } from "./aws-cli.ts";

const CLI = "bin/eks-bluegreen.js";
const PLAN = "test/sandbox/fixtures/plan.yaml";
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

function start(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return { child, stdout: () => out, stderr: () => err };
}

async function until<T>(probe: () => T | undefined, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function parsed(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

describe("eks-bluegreen sandbox", () => {
  it("prints one JSON document as soon as it is up, serves the seeded plan, and stops cleanly on SIGTERM", async () => {
    const run = start(["--output", "json", "sandbox", "--plan", PLAN, "--insync-delay", "200ms"]);
    const doc = await until(() => parsed(run.stdout()), "the JSON document");
    const env = doc["env"] as Record<string, string>;
    expect(env).toMatchObject({
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "sandbox",
      AWS_EC2_METADATA_DISABLED: "true",
    });
    expect(env["AWS_ENDPOINT_URL"]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc["seeded"]).toMatchObject({ hostedZones: 1, alarms: 4, clusters: 2 });
    const world = (await (await fetch(`${env["AWS_ENDPOINT_URL"]}/__sandbox/world`)).json()) as {
      clusters: { name: string; version: string }[];
    };
    expect(world.clusters).toEqual([
      { name: "prod-blue", status: "ACTIVE", version: "1.30" },
      { name: "prod-green", status: "ACTIVE", version: "1.31" },
    ]);
    if (!awsCliUnavailable()) {
      const clusters = await awsCli(env, ["eks", "list-clusters"]);
      expect(clusters["clusters"]).toEqual(["prod-blue", "prod-green"]);
    }
    run.child.kill("SIGTERM");
    const [code] = (await once(run.child, "exit")) as [number];
    expect(code).toBe(0);
    expect(parsed(run.stdout())).toEqual(doc); // still exactly one document
  });

  it("prints export lines in text mode, with the port asked for", async () => {
    const port = await freePort();
    const run = start(["sandbox", "--plan", PLAN, "--port", String(port)]);
    await until(
      () => (run.stdout().includes("AWS_EC2_METADATA_DISABLED") ? true : undefined),
      "the export lines",
    );
    expect(run.stdout()).toContain(`export AWS_ENDPOINT_URL=http://127.0.0.1:${port}\n`);
    expect(run.stdout()).toContain("export AWS_SECRET_ACCESS_KEY=sandbox-secret\n");
    run.child.kill("SIGINT");
    const [code] = (await once(run.child, "exit")) as [number];
    expect(code).toBe(0);
  });

  it("refuses a bad port, a bad delay and a busy port with exit 2", async () => {
    for (const args of [
      ["--port", "http"],
      ["--insync-delay", "soon"],
    ]) {
      const run = start(["sandbox", "--plan", PLAN, ...args]);
      const [code] = (await once(run.child, "exit")) as [number];
      expect(code).toBe(2);
      expect(run.stderr()).toMatch(/^error: --(port|insync-delay) must be/);
    }
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const port = (busy.address() as { port: number }).port;
    const run = start(["sandbox", "--port", String(port)]);
    const [code] = (await once(run.child, "exit")) as [number];
    busy.close();
    expect(code).toBe(2);
    expect(run.stderr()).toContain(`Port ${port} on 127.0.0.1 is already in use.`);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
