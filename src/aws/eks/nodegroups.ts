/** Reads managed node groups: one described, or all of a cluster's as the port reports them. */
import type { Nodegroup } from "@aws-sdk/client-eks";
import { requireAnswer } from "../answers.ts";
import type { NodegroupReading } from "../../engine/ports.ts";
import { healthIssues, isObject, notFound, notFoundIssue, sdk, type EksCall } from "./api.ts";
import { listNames } from "./lists.ts";

/** One node group as EKS describes it, or undefined when it does not exist. */
export async function describeNodegroup(
  call: EksCall,
  cluster: string,
  name: string,
  signal?: AbortSignal,
): Promise<Nodegroup | undefined> {
  const { DescribeNodegroupCommand } = await sdk();
  try {
    const out = await call(
      "DescribeNodegroup",
      (c, s) =>
        c
          .send(new DescribeNodegroupCommand({ clusterName: cluster, nodegroupName: name }), {
            abortSignal: s,
          })
          .then((o) => requireAnswer(o, isObject(o.nodegroup), "EKS", "`nodegroup`")),
      signal,
    );
    return out.nodegroup;
  } catch (error) {
    if (notFound(error)) return undefined;
    throw error;
  }
}

/** The named node groups (all of the cluster's when `only` is undefined); a missing one reads NOT_FOUND. */
export async function readNodegroups(
  call: EksCall,
  cluster: string,
  only: readonly string[] | undefined,
  signal?: AbortSignal,
): Promise<NodegroupReading[]> {
  const names = only ?? (await listNames(call, "nodegroups", cluster, signal));
  const out: NodegroupReading[] = [];
  for (const name of names) {
    const ng = await describeNodegroup(call, cluster, name, signal);
    out.push(ng ? nodegroupReading(name, ng) : missingNodegroup(name));
  }
  return out;
}

function nodegroupReading(name: string, ng: Nodegroup): NodegroupReading {
  return {
    name,
    status: ng.status ?? "UNKNOWN",
    version: ng.version,
    issues: healthIssues(ng.health?.issues),
    scaling: ng.scalingConfig
      ? {
          min: ng.scalingConfig.minSize ?? 0,
          max: ng.scalingConfig.maxSize ?? 0,
          desired: ng.scalingConfig.desiredSize ?? 0,
        }
      : undefined,
    ...(ng.amiType ? { amiType: ng.amiType } : {}),
    ...(ng.releaseVersion ? { releaseVersion: ng.releaseVersion } : {}),
  };
}

function missingNodegroup(name: string): NodegroupReading {
  return {
    name,
    status: "NOT_FOUND",
    version: undefined,
    issues: [notFoundIssue("node group", name)],
    scaling: undefined,
  };
}
