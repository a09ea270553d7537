/**
 * Reads a cluster with its node groups, Fargate profiles, add-ons and (on request) upgrade insights; and
 * whether a cluster is gone (the retirer's wait).
 */
import { requireAnswer } from "../answers.ts";
import type { ClusterQuery, ClusterReading } from "../../engine/ports.ts";
import { healthIssues, isObject, notFound, sdk, type EksCall } from "./api.ts";
import { readAddons } from "./addons.ts";
import { readInsights } from "./insights.ts";
import { listNames } from "./lists.ts";
import { readNodegroups } from "./nodegroups.ts";

export async function readCluster(
  call: EksCall,
  name: string,
  query: ClusterQuery,
  signal?: AbortSignal,
): Promise<ClusterReading> {
  const { DescribeClusterCommand } = await sdk();
  let cluster;
  try {
    ({ cluster } = await call(
      "DescribeCluster",
      (c, s) =>
        c
          .send(new DescribeClusterCommand({ name }), { abortSignal: s })
          .then((o) => requireAnswer(o, isObject(o.cluster), "EKS", "`cluster`")),
      signal,
    ));
  } catch (error) {
    if (notFound(error)) return absent(name);
    throw error;
  }
  return {
    name,
    exists: true,
    status: cluster?.status,
    version: cluster?.version,
    platformVersion: cluster?.platformVersion,
    endpoint: cluster?.endpoint,
    certificateAuthority: cluster?.certificateAuthority?.data,
    arn: cluster?.arn,
    issues: healthIssues(cluster?.health?.issues),
    nodegroups: await readNodegroups(call, name, query.nodegroups, signal),
    fargateProfiles: await listNames(call, "fargateProfiles", name, signal),
    addons:
      query.addons && query.addons.length === 0 ? [] : await readAddons(call, name, query.addons, signal),
    insights: query.insights ? await readInsights(call, name, signal) : undefined,
    subnetIds: cluster?.resourcesVpcConfig?.subnetIds ?? [],
  };
}

/** True when EKS answers that the cluster does not exist (any other failure is thrown). */
export async function clusterGone(call: EksCall, name: string, signal?: AbortSignal): Promise<boolean> {
  const { DescribeClusterCommand } = await sdk();
  try {
    await call(
      "DescribeCluster",
      (c, s) => c.send(new DescribeClusterCommand({ name }), { abortSignal: s }),
      signal,
    );
    return false;
  } catch (error) {
    if (notFound(error)) return true;
    throw error;
  }
}

function absent(name: string): ClusterReading {
  return {
    name,
    exists: false,
    status: undefined,
    version: undefined,
    platformVersion: undefined,
    endpoint: undefined,
    certificateAuthority: undefined,
    arn: undefined,
    issues: [],
    nodegroups: [],
    fargateProfiles: [],
    addons: [],
    insights: undefined,
  };
}
