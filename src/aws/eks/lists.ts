/** Paged name lists of a cluster's node groups, Fargate profiles and add-ons. */
import { sdk, type EksCall } from "./api.ts";

export type ListedKind = "nodegroups" | "fargateProfiles" | "addons";

export async function listNames(
  call: EksCall,
  kind: ListedKind,
  clusterName: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const { ListNodegroupsCommand, ListFargateProfilesCommand, ListAddonsCommand } = await sdk();
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const input = { clusterName, nextToken, maxResults: 100 };
    if (kind === "nodegroups") {
      const page = await call(
        "ListNodegroups",
        (c, s) => c.send(new ListNodegroupsCommand(input), { abortSignal: s }),
        signal,
      );
      names.push(...(page.nodegroups ?? []));
      nextToken = page.nextToken;
    } else if (kind === "fargateProfiles") {
      const page = await call(
        "ListFargateProfiles",
        (c, s) => c.send(new ListFargateProfilesCommand(input), { abortSignal: s }),
        signal,
      );
      names.push(...(page.fargateProfileNames ?? []));
      nextToken = page.nextToken;
    } else {
      const page = await call(
        "ListAddons",
        (c, s) => c.send(new ListAddonsCommand(input), { abortSignal: s }),
        signal,
      );
      names.push(...(page.addons ?? []));
      nextToken = page.nextToken;
    }
  } while (nextToken);
  return names;
}
