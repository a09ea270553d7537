/** Reads the status of each of a cluster's Fargate profiles (a profile deleted meanwhile is left out). */
import { requireAnswer } from "../answers.ts";
import { isObject, notFound, sdk, type EksCall } from "./api.ts";
import { listNames } from "./lists.ts";

export async function readFargateStatuses(
  call: EksCall,
  cluster: string,
  signal?: AbortSignal,
): Promise<{ name: string; status: string }[]> {
  const { DescribeFargateProfileCommand } = await sdk();
  const out: { name: string; status: string }[] = [];
  for (const profile of await listNames(call, "fargateProfiles", cluster, signal)) {
    try {
      const { fargateProfile } = await call(
        "DescribeFargateProfile",
        (c, s) =>
          c
            .send(new DescribeFargateProfileCommand({ clusterName: cluster, fargateProfileName: profile }), {
              abortSignal: s,
            })
            .then((o) => requireAnswer(o, isObject(o.fargateProfile), "EKS", "`fargateProfile`")),
        signal,
      );
      out.push({ name: profile, status: fargateProfile?.status ?? "UNKNOWN" });
    } catch (error) {
      if (!notFound(error)) throw error;
    }
  }
  return out;
}
