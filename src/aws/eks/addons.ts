/** Reads add-ons: a cluster's installed ones, and the versions EKS publishes for a Kubernetes version. */
import { requireAnswer } from "../answers.ts";
import type { AddonReading, AddonVersionReading } from "../../engine/ports.ts";
import { healthIssues, isObject, notFound, notFoundIssue, sdk, type EksCall } from "./api.ts";
import { listNames } from "./lists.ts";

/** The named add-ons (all of the cluster's when `only` is undefined); a missing one reads NOT_FOUND. */
export async function readAddons(
  call: EksCall,
  cluster: string,
  only: readonly string[] | undefined,
  signal?: AbortSignal,
): Promise<AddonReading[]> {
  const { DescribeAddonCommand } = await sdk();
  const names = only ?? (await listNames(call, "addons", cluster, signal));
  const out: AddonReading[] = [];
  for (const name of names) {
    try {
      const { addon } = await call(
        "DescribeAddon",
        (c, s) =>
          c
            .send(new DescribeAddonCommand({ clusterName: cluster, addonName: name }), { abortSignal: s })
            .then((o) => requireAnswer(o, isObject(o.addon), "EKS", "`addon`")),
        signal,
      );
      out.push({
        name,
        status: addon?.status ?? "UNKNOWN",
        version: addon?.addonVersion,
        issues: healthIssues(addon?.health?.issues),
      });
    } catch (error) {
      if (!notFound(error)) throw error;
      out.push({ name, status: "NOT_FOUND", version: undefined, issues: [notFoundIssue("add-on", name)] });
    }
  }
  return out;
}

/** The versions of `addonName` published for `kubernetesVersion`, each marked default or not. */
export async function readAddonVersions(
  call: EksCall,
  addonName: string,
  kubernetesVersion: string,
  signal?: AbortSignal,
): Promise<AddonVersionReading[]> {
  const { DescribeAddonVersionsCommand } = await sdk();
  const out: AddonVersionReading[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(
      "DescribeAddonVersions",
      (c, s) =>
        c.send(
          new DescribeAddonVersionsCommand({ addonName, kubernetesVersion, nextToken, maxResults: 100 }),
          {
            abortSignal: s,
          },
        ),
      signal,
    );
    for (const addon of page.addons ?? []) {
      if (addon.addonName !== undefined && addon.addonName !== addonName) continue;
      for (const v of addon.addonVersions ?? []) {
        if (!v.addonVersion) continue;
        const compat = (v.compatibilities ?? []).find((c) => c.clusterVersion === kubernetesVersion);
        out.push({ version: v.addonVersion, isDefault: compat?.defaultVersion === true });
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}
