/** Who the tool runs as: the account id feeds `iam-policy`, the ARN helps explain permission errors. */
import type { STSClient } from "@aws-sdk/client-sts";
import type { CallOptions } from "../engine/ports.ts";
import { requireAnswer } from "./answers.ts";
import type { Caller } from "./retry.ts";

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export interface IdentityDeps {
  client: () => Promise<STSClient>;
  caller: Caller;
}

export async function callerIdentity(deps: IdentityDeps, options: CallOptions = {}): Promise<CallerIdentity> {
  const { GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  const client = await deps.client();
  const out = await deps.caller.call(
    "sts:GetCallerIdentity",
    (abortSignal) =>
      client
        .send(new GetCallerIdentityCommand({}), { abortSignal })
        .then((o) => requireAnswer(o, Boolean(o.Account), "STS", "`Account`")),
    options.signal,
  );
  return { account: out.Account ?? "", arn: out.Arn ?? "", userId: out.UserId ?? "" };
}
