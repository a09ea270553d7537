/**
 * `eks-bluegreen audit`: the resilience audit, of manifest files (`--manifests DIR`) or of the plan's
 * green cluster live (`--plan P`). With both, the plan supplies critical workloads, blocking codes and
 * the target version for the manifests. Exit 4 when a finding blocks the upgrade.
 */
import { ExitCode, ToolError, UsageError } from "../../errors.ts";
import type { CommandContext, CommandResult } from "../context.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import { loadPlan } from "../../plan/load.ts";
import { loadManifests } from "../../health/audit/manifests.ts";
import { NEWEST_KNOWN } from "../../health/audit/removed-apis.ts";
import { auditOptions, auditScope } from "../../health/audit/plan-audit.ts";
import { audit, type AuditFinding, type AuditOptions } from "../../health/audit/rules.ts";
import { renderAudit, summarize } from "../../health/audit/render.ts";
import { failsCi, toJunit } from "../../health/audit/junit.ts";
import { toSarif, type FindingLocation } from "../../health/audit/sarif.ts";
import { sep } from "node:path";

interface Options {
  plan?: string;
  manifests?: string;
  targetVersion?: string;
  /** Exit 4 on warnings too (pluto's and kube-score's convention for CI). */
  failOnWarnings?: boolean;
}

/** The audit's options (plan-audit.ts, shared with the preflight audit); a bad `--target-version` is a usage error. */
function optionsFor(options: Options, plan: CompiledPlan | undefined): AuditOptions {
  try {
    return auditOptions(plan, options.targetVersion);
  } catch (error) {
    if (!(error instanceof RangeError) || options.targetVersion === undefined) throw error;
    throw new UsageError(
      `--target-version ${JSON.stringify(options.targetVersion)} is not a Kubernetes minor version.`,
      `Use a version like ${NEWEST_KNOWN}.`,
    );
  }
}

async function auditGreen(
  plan: CompiledPlan,
  options: AuditOptions,
  ctx: CommandContext,
): Promise<AuditFinding[]> {
  const [
    { createPorts },
    { connectGreen, kubernetesSettings, DEFAULT_KUBERNETES_SETTINGS },
    { kubernetesAccess },
    { auditLive },
  ] = await Promise.all([
    import("../../runner/ports.ts"),
    import("../../health/kubernetes/observe.ts"),
    import("../../health/kubernetes/access.ts"),
    import("../../health/audit/live.ts"),
  ]);
  const green = plan.doc.clusters.green;
  const ports = await createPorts(plan, ctx.aws, { signal: ctx.signal, env: ctx.env });
  const reading = await ports.clusters.green.describe(
    green.name,
    { insights: green.insights },
    { signal: ctx.signal },
  );
  if (!reading.exists) {
    throw new ToolError("cluster-not-found", `Green cluster ${green.name} does not exist.`, {
      hint: "Check clusters.green.name and the region, or audit manifests with --manifests.",
      exitCode: ExitCode.NeedsPerson,
      fault: "user",
    });
  }
  const settings = kubernetesSettings(plan) ?? DEFAULT_KUBERNETES_SETTINGS;
  try {
    const api = connectGreen(
      settings,
      reading,
      kubernetesAccess(plan, ctx.aws, "green", ctx.env),
      ctx.signal,
    );
    return await auditLive(api, auditScope(settings), options, reading.insights);
  } catch (error) {
    if (error instanceof ToolError) throw error;
    throw new ToolError("kubernetes-unreachable", `Cannot audit green: ${(error as Error).message}`, {
      hint: "Check that green's API endpoint is reachable and that your IAM identity is mapped to the ClusterRole in docs/health.md.",
      exitCode: ExitCode.NeedsPerson,
      fault: "aws",
      cause: error,
    });
  }
}

export async function handler(options: Options, ctx: CommandContext): Promise<CommandResult> {
  if (!options.plan && !options.manifests) {
    throw new UsageError(
      "audit needs --manifests DIR, --plan PLAN, or both.",
      "e.g. `eks-bluegreen audit --manifests k8s/`.",
    );
  }
  const plan = options.plan ? await loadPlan(options.plan) : undefined;
  const settings = optionsFor(options, plan);
  const version = settings.targetVersion;
  let findings: AuditFinding[];
  let heading: string;
  let source: Record<string, unknown>;
  const locations = new Map<string, FindingLocation>();
  if (options.manifests) {
    const objects = await loadManifests(options.manifests, ctx.cwd);
    for (const m of objects) {
      if (m.file)
        locations.set(m.source, { uri: m.file.split(sep).join("/"), ...(m.line ? { line: m.line } : {}) });
    }
    findings = audit({ objects: objects.map((m) => ({ ...m.object, source: m.source })) }, settings);
    heading = `Audit of ${options.manifests} (${objects.length} objects) against Kubernetes ${version}`;
    source = { manifests: options.manifests, objects: objects.length };
  } else {
    findings = await auditGreen(plan!, settings, ctx);
    heading = `Audit of green cluster ${plan!.doc.clusters.green.name} against Kubernetes ${version}`;
    source = { cluster: plan!.doc.clusters.green.name };
  }
  ctx.out.print(renderAudit(findings, heading));
  const blocking = findings.filter((f) => f.blocking).length;
  const failOnWarnings = options.failOnWarnings === true;
  const failing = findings.filter((f) => failsCi(f, failOnWarnings)).length;
  const report =
    ctx.report === "sarif"
      ? `${JSON.stringify(
          toSarif(findings, (f) => (f.source ? locations.get(f.source) : undefined)),
          null,
          2,
        )}\n`
      : ctx.report === "junit"
        ? toJunit(findings, heading, failOnWarnings)
        : undefined;
  return {
    exitCode: failing > 0 ? ExitCode.NeedsPerson : ExitCode.Ok,
    ...(report !== undefined ? { report } : {}),
    json: { source, targetVersion: version, summary: { ...summarize(findings), blocking }, findings },
  };
}
