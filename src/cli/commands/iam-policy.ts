/**
 * `eks-bluegreen iam-policy <plan> [--account-id ID]`: prints the least-privilege IAM policy for the plan.
 * AWS is called only for what the plan does not say: the account id (STS GetCallerIdentity, unless
 * `--account-id` or every cluster's role ARN names it) and zone ids of zones given by name
 * (ListHostedZonesByName; a placeholder, with a warning, when that fails).
 */
import { AwsError, ExitCode, ToolError, UsageError } from "../../errors.ts";
import { loadPlan } from "../../plan/load.ts";
import type { CompiledPlan } from "../../plan/compile.ts";
import { buildIamPolicy, needsCallerAccount } from "../../security/iam-policy.ts";
import type { CommandContext, CommandResult } from "../context.ts";

export interface IamPolicyOptions {
  file: string;
  accountId?: string;
  /** `--fleet`: the union of every plan's policy (iam-policy-fleet.ts). */
  fleet?: string;
}

/** What the command asks AWS; tests replace it. */
export interface IamLookups {
  accountId(plan: CompiledPlan, ctx: CommandContext): Promise<string>;
  zoneIds(plan: CompiledPlan, ctx: CommandContext): Promise<Map<string, string>>;
}

/** A policy printout is not worth minutes of retries: fail fast and say what could not be looked up. */
const QUICK_RETRY = { retries: 2, budgetMs: 5_000 };

export const awsLookups: IamLookups = {
  async accountId(plan, ctx) {
    const { whoAmI } = await import("../../runner/ports.ts");
    const me = await whoAmI(ctx.aws, {
      region: ctx.aws.region ?? plan.doc.region,
      env: ctx.env,
      signal: ctx.signal,
      retry: QUICK_RETRY,
    });
    return me.account;
  },
  async zoneIds(plan, ctx) {
    const { createPorts } = await import("../../runner/ports.ts");
    const ports = await createPorts(plan, ctx.aws, { signal: ctx.signal, env: ctx.env, retry: QUICK_RETRY });
    const byName = plan.doc.traffic.records.filter((p) => !p.zoneId);
    const readings = await ports.traffic.read(byName, { signal: ctx.signal });
    const ids = new Map<string, string>();
    for (const r of readings) if (r.zoneId && r.pair.zoneName) ids.set(r.pair.zoneName, r.zoneId);
    return ids;
  },
};

/** AWS refused or could not be reached (the SDK's credential errors are not AwsErrors): not a bug. */
function isAwsFailure(error: unknown): error is Error {
  if (error instanceof AwsError) return true;
  return error instanceof Error && !(error instanceof ToolError);
}

export async function runIamPolicy(
  options: IamPolicyOptions,
  ctx: CommandContext,
  lookups: IamLookups = awsLookups,
): Promise<CommandResult> {
  if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId)) {
    throw new UsageError(
      `--account-id must be a 12-digit AWS account id, not ${JSON.stringify(options.accountId)}.`,
      "For example --account-id 123456789012; leave it out to ask STS GetCallerIdentity.",
    );
  }
  const plan = await loadPlan(options.file);
  const doc = plan.doc;

  let accountId = options.accountId;
  if (accountId === undefined && needsCallerAccount(doc)) {
    try {
      accountId = await lookups.accountId(plan, ctx);
    } catch (error) {
      if (!isAwsFailure(error)) throw error;
      throw new AwsError({
        awsCode: error instanceof AwsError ? error.awsCode : error.name,
        message: error.message,
        operation: "Finding the account id (sts:GetCallerIdentity)",
        httpStatus: error instanceof AwsError ? error.httpStatus : undefined,
        hint: "Pass --account-id 123456789012 to print the policy without calling AWS.",
        cause: error,
      });
    }
  }

  let zoneIdsByName = new Map<string, string>();
  if (doc.traffic.records.some((p) => !p.zoneId)) {
    try {
      zoneIdsByName = await lookups.zoneIds(plan, ctx);
    } catch (error) {
      if (!isAwsFailure(error)) throw error;
      ctx.out.warn(
        "iam-zone-lookup-failed",
        `could not look up hosted zones by name (${error.message}); the policy holds placeholders.`,
      );
    }
  }

  const { policy, notes } = buildIamPolicy({ doc, accountId, region: ctx.aws.region, zoneIdsByName });
  for (const note of notes) ctx.out.warn(note.code, note.text);
  ctx.out.print(JSON.stringify(policy, null, 2));
  ctx.out.info(
    "iam-policy-written",
    `Least-privilege IAM policy for plan ${plan.name}${accountId ? ` in account ${accountId}` : ""} (docs/security.md explains each statement).`,
  );
  return { exitCode: ExitCode.Ok, json: policy };
}

export async function handler(options: IamPolicyOptions, ctx: CommandContext): Promise<CommandResult> {
  if (options.fleet !== undefined || options.file === undefined) {
    return (await import("./iam-policy-fleet.ts")).runFleetIamPolicy(options, ctx);
  }
  return runIamPolicy(options, ctx);
}
