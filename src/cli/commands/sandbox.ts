/**
 * `eks-bluegreen sandbox --plan P`: starts the local AWS sandbox, seeds it from the plan, prints the
 * environment that points the CLI / AWS CLI / any SDK at it, and serves until SIGINT or SIGTERM.
 * `--k8s CLUSTER=PATH` also serves a Kubernetes API for that cluster (src/sandbox/k8s/attach.ts).
 */
import { ExitCode, UsageError } from "../../errors.ts";
import { loadPlan } from "../../plan/load.ts";
import { parseDuration } from "../../plan/duration.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../sandbox/index.ts";
import type { CommandContext, CommandResult } from "../context.ts";

export interface SandboxCommandOptions {
  /** `--plan` may be given several times: every plan is seeded into the one sandbox. */
  plan?: string | string[];
  /** `--fleet`: every plan of the fleet. */
  fleet?: string;
  port?: string;
  k8s?: string[];
  insyncDelay: string;
}

/** How long EKS resources stay CREATING / UPDATING / DELETING in the command's sandbox. */
const EKS_DELAY_MS = 2_000;

export async function handler(
  options: SandboxCommandOptions,
  ctx: CommandContext,
  // The document must come out while the command still runs, so it cannot wait for the result's `json`.
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<CommandResult> {
  const port = parsePort(options.port);
  const inSyncDelayMs = parseDelay(options.insyncDelay);
  const files = options.plan === undefined ? [] : [options.plan].flat();
  const plans = await Promise.all(files.map((f) => loadPlan(f)));
  if (options.fleet !== undefined) {
    const { openFleet } = await import("../../fleet/open.ts");
    plans.push(...(await openFleet(options.fleet, ctx)).plans.map((p) => p.plan));
  }
  const plan = plans.length === 0 ? undefined : { ...plans[0]!, file: plans.map((p) => p.file).join(", ") };
  const sandbox = await start(port, inSyncDelayMs, plan?.doc.region);
  let kubernetes: Map<string, { endpoint: string; close(): Promise<void> }> | undefined;
  try {
    for (const p of plans) seedFromPlan(sandbox, p.doc);
    // --k8s CLUSTER=PATH: a Kubernetes API per cluster, reached through the cluster's endpoint and CA.
    const { attachKubernetes, parseK8sSpecs } = await import("../../sandbox/k8s/attach.ts");
    kubernetes = await attachKubernetes(sandbox, parseK8sSpecs(options.k8s ?? []));
    announce(sandbox, ctx, write, plan?.file);
    for (const [name, api] of kubernetes)
      ctx.out.info("sandbox-kubernetes-api", `Kubernetes API of cluster ${name}: ${api.endpoint}`);
    await waitForAbort(ctx.signal);
    ctx.out.info("sandbox-stopped", "sandbox stopped");
  } finally {
    await Promise.all([...(kubernetes?.values() ?? [])].map((api) => api.close()));
    await sandbox.close();
  }
  return { exitCode: ExitCode.Ok };
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new UsageError(
      `--port must be a whole number from 0 to 65535, got "${text}".`,
      "Leave --port out to use a free port.",
    );
  }
  return port;
}

function parseDelay(text: string): number {
  try {
    return parseDuration(text);
  } catch {
    throw new UsageError(`--insync-delay must be a duration like 1s or 500ms, got "${text}".`);
  }
}

async function start(port: number, inSyncDelayMs: number, region: string | undefined): Promise<Sandbox> {
  try {
    return await startSandbox({
      port,
      inSyncDelayMs,
      eksDelayMs: EKS_DELAY_MS,
      ...(region ? { region } : {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new UsageError(
        `Port ${port} on 127.0.0.1 is already in use.`,
        "Choose another --port, or leave it out to use a free one.",
      );
    }
    throw error;
  }
}

function summary(sandbox: Sandbox): Record<string, number> {
  const { world } = sandbox;
  return {
    hostedZones: world.route53.zones().length,
    records: world.route53.zones().reduce((n, z) => n + world.route53.records(z.id).length, 0),
    alarms: world.cloudwatch.list().length,
    clusters: world.eks.clusterNames().length,
    buckets: world.s3.bucketNames().length,
  };
}

function announce(
  sandbox: Sandbox,
  ctx: CommandContext,
  write: (text: string) => void,
  planFile: string | undefined,
): void {
  const seeded = summary(sandbox);
  if (ctx.output === "json") {
    write(
      `${JSON.stringify({ endpoint: sandbox.endpoint, port: sandbox.port, env: sandbox.env, seeded, plan: planFile ?? null }, null, 2)}\n`,
    );
    return;
  }
  for (const [name, value] of Object.entries(sandbox.env))
    ctx.out.print(`export ${name}=${shellQuote(value)}`);
  ctx.out.info(
    "sandbox-listening",
    `AWS sandbox listening on ${sandbox.endpoint}` +
      (planFile
        ? ` (seeded from ${planFile}: ${seeded.hostedZones} hosted zones, ${seeded.records} records, ${seeded.alarms} alarms, ${seeded.clusters} clusters)`
        : " (empty: pass --plan to seed it)") +
      `. Admin: ${sandbox.endpoint}/__sandbox/calls. Stop with Ctrl-C.`,
  );
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
