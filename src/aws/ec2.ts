/**
 * SubnetsPort over EC2: free IP addresses per subnet (DescribeSubnets `AvailableIpAddressCount`), for the
 * readiness check of green's subnets. Created only for plans that ask (`health.readiness.subnets`), so
 * the EC2 SDK is loaded only then.
 */
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { SubnetsPort } from "../engine/ports.ts";
import type { Caller } from "./retry.ts";

export interface SubnetsPortDeps {
  client: () => Promise<EC2Client>;
  caller: Caller;
}

export function createSubnetsPort(deps: SubnetsPortDeps): SubnetsPort {
  return {
    async freeIps(subnetIds, options = {}) {
      if (subnetIds.length === 0) return [];
      const { DescribeSubnetsCommand } = await import("@aws-sdk/client-ec2");
      const client = await deps.client();
      const out = await deps.caller.call(
        "ec2:DescribeSubnets",
        (abortSignal) =>
          client.send(new DescribeSubnetsCommand({ SubnetIds: [...subnetIds] }), { abortSignal }),
        options.signal,
      );
      return (out.Subnets ?? []).map((s) => ({
        subnetId: s.SubnetId ?? "",
        free: s.AvailableIpAddressCount ?? 0,
      }));
    },
  };
}
