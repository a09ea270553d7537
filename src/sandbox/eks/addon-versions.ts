/**
 * The sandbox's table of EKS add-on versions per Kubernetes version, answered by DescribeAddonVersions
 * (docs/sandbox.md). Shaped after what EKS publishes: each version supports a range of Kubernetes minors
 * and is the default for some of them. An add-on not in the table has no published versions.
 */

export interface AddonVersionEntry {
  version: string;
  /** Kubernetes minors (1.x) the version supports, inclusive. */
  from: number;
  to: number;
  /** Minors for which it is the default (what CreateAddon installs without a version). */
  defaultFor: number[];
}

const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

export const ADDON_VERSIONS: Record<string, AddonVersionEntry[]> = {
  "vpc-cni": [
    { version: "v1.20.0-eksbuild.1", from: 29, to: 35, defaultFor: range(33, 35) },
    { version: "v1.19.2-eksbuild.1", from: 27, to: 33, defaultFor: range(30, 32) },
    { version: "v1.18.3-eksbuild.1", from: 25, to: 30, defaultFor: range(25, 29) },
  ],
  coredns: [
    { version: "v1.12.1-eksbuild.2", from: 33, to: 35, defaultFor: range(33, 35) },
    { version: "v1.11.4-eksbuild.2", from: 29, to: 32, defaultFor: range(29, 32) },
    { version: "v1.10.1-eksbuild.18", from: 25, to: 28, defaultFor: range(25, 28) },
  ],
  // kube-proxy follows the control plane: one version per minor.
  "kube-proxy": range(25, 35).map((m) => ({
    version: `v1.${m}.0-eksbuild.1`,
    from: m,
    to: m,
    defaultFor: [m],
  })),
};

function minorOf(kubernetesVersion: string): number | undefined {
  const m = /^1\.(\d+)$/.exec(kubernetesVersion);
  return m ? Number(m[1]) : undefined;
}

/** The versions of `addonName` published for `kubernetesVersion` (all Kubernetes versions when undefined). */
export function addonVersionsFor(
  addonName: string,
  kubernetesVersion: string | undefined,
): { version: string; supported: string[]; defaultFor: string[] }[] {
  const want = kubernetesVersion === undefined ? undefined : minorOf(kubernetesVersion);
  if (kubernetesVersion !== undefined && want === undefined) return [];
  return (ADDON_VERSIONS[addonName] ?? [])
    .filter((e) => want === undefined || (want >= e.from && want <= e.to))
    .map((e) => ({
      version: e.version,
      supported: range(e.from, e.to).map((m) => `1.${m}`),
      defaultFor: e.defaultFor.map((m) => `1.${m}`),
    }));
}

/** The version CreateAddon installs when none is given, or undefined when the table has none. */
export function defaultAddonVersion(addonName: string, kubernetesVersion: string): string | undefined {
  return addonVersionsFor(addonName, kubernetesVersion).find((v) => v.defaultFor.includes(kubernetesVersion))
    ?.version;
}
