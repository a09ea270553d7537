/**
 * `iam-policy --fleet <fleet.yaml>`: the least-privilege union of every plan's policy, each resource
 * named (Route 53 zones, clusters, alarms, state objects of every plan). AWS is asked what the plans do
 * not say, as for one plan: the account id once, each plan's zones given by name.
 */
import { AwsError, ExitCode, UsageError } from "../../errors.ts";
import { openFleet } from "../../fleet/open.ts";
import { unionPolicies } from "../../fleet/iam.ts";
import {
  buildIamPolicy,
  MANAGED_POLICY_MAX_CHARS,
  needsCallerAccount,
  policySize,
  type PolicyNote,
} from "../../security/iam-policy.ts";
import type { CommandContext, CommandResult } from "../context.ts";
import { awsLookups, type IamLookups, type IamPolicyOptions } from "./iam-policy.ts";

export async function runFleetIamPolicy(
  options: IamPolicyOptions,
  ctx: CommandContext,
  lookups: IamLookups = awsLookups,
): Promise<CommandResult> {
  if (options.fleet === undefined || options.file !== undefined) {
    throw new UsageError(
      "iam-policy takes a plan file or --fleet <fleet.yaml>, not both and not neither.",
      "For example `eks-bluegreen iam-policy plans/prod.yaml` or `eks-bluegreen iam-policy --fleet plans/fleet/fleet.yaml`.",
    );
  }
  if (options.accountId !== undefined && !/^\d{12}$/.test(options.accountId)) {
    throw new UsageError(
      `--account-id must be a 12-digit AWS account id, not ${JSON.stringify(options.accountId)}.`,
      "For example --account-id 123456789012; leave it out to ask STS GetCallerIdentity.",
    );
  }
  const fleet = await openFleet(options.fleet, ctx);
  let accountId = options.accountId;
  const needing = fleet.plans.find((p) => needsCallerAccount(p.plan.doc));
  if (accountId === undefined && needing) {
    try {
      accountId = await lookups.accountId(needing.plan, ctx);
    } catch (error) {
      throw new AwsError({
        awsCode: error instanceof AwsError ? error.awsCode : error instanceof Error ? error.name : "Error",
        message: error instanceof Error ? error.message : String(error),
        operation: "Finding the account id (sts:GetCallerIdentity)",
        hint: "Pass --account-id 123456789012 to print the policy without calling AWS.",
        cause: error,
      });
    }
  }
  const policies = [];
  const notes = new Map<string, PolicyNote>();
  for (const { plan } of fleet.plans) {
    let zoneIdsByName = new Map<string, string>();
    if (plan.doc.traffic.records.some((p) => !p.zoneId)) {
      zoneIdsByName = await lookups.zoneIds(plan, ctx).catch((error: unknown) => {
        ctx.out.warn(
          "iam-zone-lookup-failed",
          `${plan.name}: could not look up hosted zones by name (${error instanceof Error ? error.message : String(error)}); the policy holds placeholders.`,
        );
        return new Map<string, string>();
      });
    }
    const result = buildIamPolicy({ doc: plan.doc, accountId, region: ctx.aws.region, zoneIdsByName });
    result.notes.forEach((n) => notes.set(n.text, n));
    policies.push(result.policy);
  }
  const policy = unionPolicies(policies);
  const size = policySize(policy);
  if (size > MANAGED_POLICY_MAX_CHARS) {
    const text = `The union is ${size} characters, more than a managed policy may hold (${MANAGED_POLICY_MAX_CHARS}); split its statements over two policies.`;
    notes.set(text, { code: "iam-policy-too-large", text });
  }
  for (const note of notes.values()) ctx.out.warn(note.code, note.text);
  ctx.out.print(JSON.stringify(policy, null, 2));
  ctx.out.info(
    "iam-policy-written",
    `Least-privilege IAM policy for the ${fleet.plans.length} plans of fleet ${fleet.name}${accountId ? ` in account ${accountId}` : ""}.`,
  );
  return { exitCode: ExitCode.Ok, json: policy };
}
