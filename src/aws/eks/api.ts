/**
 * What every EKS reader and the retirer share: one way to send a command through the retry layer, the
 * lazily loaded SDK module, and how EKS answers "not found".
 */
import type { EKSClient } from "@aws-sdk/client-eks";
import { AwsError } from "../../errors.ts";
import type { HealthIssue } from "../../engine/ports.ts";
import type { Caller } from "../retry.ts";

/** The EKS SDK module, imported on first use (nothing loads it before an EKS call). */
export const sdk = () => import("@aws-sdk/client-eks");

/** Sends one EKS operation through the retry layer; `operation` names it in retries and errors. */
export type EksCall = <T>(
  operation: string,
  send: (client: EKSClient, abortSignal: AbortSignal | undefined) => Promise<T>,
  signal?: AbortSignal,
) => Promise<T>;

export function createEksCall(client: () => Promise<EKSClient>, caller: Caller): EksCall {
  return async (operation, send, signal) => {
    const c = await client();
    return caller.call(`eks:${operation}`, (abortSignal) => send(c, abortSignal), signal);
  };
}

export function notFound(error: unknown): boolean {
  return error instanceof AwsError && error.awsCode === "ResourceNotFoundException";
}

/** Runs `fn`, treating an AWS error with one of `codes` as done. */
export async function ignoring(codes: readonly string[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AwsError && codes.includes(error.awsCode)) return;
    throw error;
  }
}

export function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null;
}

/** The issues of a cluster, node group or add-on, as the port reports them. */
export function healthIssues(
  list: readonly { code?: string; message?: string; resourceIds?: string[] }[] | undefined,
): HealthIssue[] {
  return (list ?? []).map((i) => ({
    code: i.code ?? "Unknown",
    message: i.message ?? "",
    ...(i.resourceIds ? { resourceIds: i.resourceIds } : {}),
  }));
}

export function notFoundIssue(kind: string, name: string): HealthIssue {
  return { code: "NotFound", message: `The ${kind} ${name} does not exist.` };
}
