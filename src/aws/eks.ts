/**
 * ClustersPort over EKS, assembled from small readers (src/aws/eks/: cluster, node groups, add-ons,
 * insights, Fargate profiles) and the retirer (eks/retire.ts), which deletes a cluster in the order EKS
 * requires or scales its node groups to zero. The clock and sleep of the retirer's waits come from the
 * caller (the composition root passes the real ones).
 */
import type { EKSClient } from "@aws-sdk/client-eks";
import type { ClustersPort } from "../engine/ports.ts";
import type { Caller } from "./retry.ts";
import { createEksCall } from "./eks/api.ts";
import { readAddonVersions } from "./eks/addons.ts";
import { readCluster } from "./eks/cluster.ts";
import { readFargateStatuses } from "./eks/fargate.ts";
import { createRetirer, DEFAULT_POLL, type PollPolicy, type Sleep } from "./eks/retire.ts";

export interface ClustersPortDeps {
  client: () => Promise<EKSClient>;
  caller: Caller;
  /** Polling while EKS works: first delay, growth factor and ceiling. */
  poll?: PollPolicy;
  /** The clock of the retirer's deadlines. */
  now: () => Date;
  /** The retirer's wait between polls; rejects when the signal aborts. */
  sleep: Sleep;
}

export function createClustersPort(deps: ClustersPortDeps): ClustersPort {
  const call = createEksCall(deps.client, deps.caller);
  const retirer = createRetirer({ call, poll: deps.poll ?? DEFAULT_POLL, now: deps.now, sleep: deps.sleep });
  return {
    describe: (name, query = {}, options = {}) => readCluster(call, name, query, options.signal),
    addonVersions: (addonName, kubernetesVersion, options = {}) =>
      readAddonVersions(call, addonName, kubernetesVersion, options.signal),
    fargateStatuses: (name, options = {}) => readFargateStatuses(call, name, options.signal),
    deleteCluster: (name, options) => retirer.deleteCluster(name, options),
    scaleToZero: (name, options) => retirer.scaleToZero(name, options),
  };
}
