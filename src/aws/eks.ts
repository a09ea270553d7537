/**
 * ClustersPort over EKS: reads a cluster with its node groups, Fargate profiles, add-ons and (on request)
 * upgrade insights; retires a cluster in the order EKS requires, or scales its node groups to zero.
 */
import type { EKSClient, Issue, Nodegroup } from "@aws-sdk/client-eks";
import { AwsError, ExitCode, ToolError } from "../errors.ts";
import type {
  AddonReading,
  AddonVersionReading,
  ClusterReading,
  ClustersPort,
  HealthIssue,
  InsightReading,
  NodegroupReading,
  RetireProgress,
} from "../engine/ports.ts";
import { requireAnswer } from "./answers.ts";
import { sleepOrReject, type Caller } from "./retry.ts";

export interface ClustersPortDeps {
  client: () => Promise<EKSClient>;
  caller: Caller;
  /** Polling while EKS works: first delay, growth factor and ceiling. */
  poll?: { initialMs: number; factor: number; maxMs: number };
}

const DEFAULT_POLL = { initialMs: 5_000, factor: 1.5, maxMs: 30_000 };

const sdk = () => import("@aws-sdk/client-eks");

export function createClustersPort(deps: ClustersPortDeps): ClustersPort {
  const { caller } = deps;
  const pollPolicy = deps.poll ?? DEFAULT_POLL;

  async function call<T>(
    operation: string,
    send: (client: EKSClient, abortSignal: AbortSignal | undefined) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const client = await deps.client();
    return caller.call(`eks:${operation}`, (abortSignal) => send(client, abortSignal), signal);
  }

  async function listAll(
    kind: "nodegroups" | "fargateProfiles" | "addons",
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

  async function describeNodegroup(
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

  async function readNodegroups(cluster: string, only: readonly string[] | undefined, signal?: AbortSignal) {
    const names = only ?? (await listAll("nodegroups", cluster, signal));
    const out: NodegroupReading[] = [];
    for (const name of names) {
      const ng = await describeNodegroup(cluster, name, signal);
      out.push(
        ng
          ? {
              name,
              status: ng.status ?? "UNKNOWN",
              version: ng.version,
              issues: issues(ng.health?.issues),
              scaling: ng.scalingConfig
                ? {
                    min: ng.scalingConfig.minSize ?? 0,
                    max: ng.scalingConfig.maxSize ?? 0,
                    desired: ng.scalingConfig.desiredSize ?? 0,
                  }
                : undefined,
              ...(ng.amiType ? { amiType: ng.amiType } : {}),
              ...(ng.releaseVersion ? { releaseVersion: ng.releaseVersion } : {}),
            }
          : {
              name,
              status: "NOT_FOUND",
              version: undefined,
              issues: [notFoundIssue("node group", name)],
              scaling: undefined,
            },
      );
    }
    return out;
  }

  async function readAddons(cluster: string, only: readonly string[] | undefined, signal?: AbortSignal) {
    const { DescribeAddonCommand } = await sdk();
    const names = only ?? (await listAll("addons", cluster, signal));
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
          issues: (addon?.health?.issues ?? []).map((i) => ({
            code: i.code ?? "Unknown",
            message: i.message ?? "",
            ...(i.resourceIds ? { resourceIds: i.resourceIds } : {}),
          })),
        });
      } catch (error) {
        if (!notFound(error)) throw error;
        out.push({ name, status: "NOT_FOUND", version: undefined, issues: [notFoundIssue("add-on", name)] });
      }
    }
    return out;
  }

  async function readInsights(cluster: string, signal?: AbortSignal): Promise<InsightReading[]> {
    const { ListInsightsCommand } = await sdk();
    const out: InsightReading[] = [];
    let nextToken: string | undefined;
    do {
      const page = await call(
        "ListInsights",
        (c, s) =>
          c.send(new ListInsightsCommand({ clusterName: cluster, nextToken, maxResults: 100 }), {
            abortSignal: s,
          }),
        signal,
      );
      for (const i of page.insights ?? []) {
        const status = i.insightStatus?.status;
        out.push({
          id: i.id ?? "",
          name: i.name ?? "",
          category: i.category ?? "",
          status: status === "PASSING" || status === "WARNING" || status === "ERROR" ? status : "UNKNOWN",
          reason: i.insightStatus?.reason ?? "",
        });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  async function waitFor(
    what: string,
    done: () => Promise<boolean>,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    let delay = pollPolicy.initialMs;
    for (;;) {
      if (await done()) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new ToolError("retire-timeout", `Timed out waiting for ${what}.`, {
          hint: "EKS may still be working: check the console, then run the command again (it picks up where it stopped).",
          exitCode: ExitCode.NeedsPerson,
          fault: "aws",
        });
      }
      await sleepOrReject(Math.min(delay, left), signal);
      delay = Math.min(pollPolicy.maxMs, delay * pollPolicy.factor);
    }
  }

  async function clusterGone(name: string, signal?: AbortSignal): Promise<boolean> {
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

  return {
    async describe(name, query = {}, options = {}) {
      const { DescribeClusterCommand } = await sdk();
      const signal = options.signal;
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
        issues: (cluster?.health?.issues ?? []).map((i) => ({
          code: i.code ?? "Unknown",
          message: i.message ?? "",
          ...(i.resourceIds ? { resourceIds: i.resourceIds } : {}),
        })),
        nodegroups: await readNodegroups(name, query.nodegroups, signal),
        fargateProfiles: await listAll("fargateProfiles", name, signal),
        addons: query.addons && query.addons.length === 0 ? [] : await readAddons(name, query.addons, signal),
        insights: query.insights ? await readInsights(name, signal) : undefined,
        subnetIds: cluster?.resourcesVpcConfig?.subnetIds ?? [],
      };
    },

    async addonVersions(addonName, kubernetesVersion, options = {}) {
      const { DescribeAddonVersionsCommand } = await sdk();
      const out: AddonVersionReading[] = [];
      let nextToken: string | undefined;
      do {
        const page = await call(
          "DescribeAddonVersions",
          (c, s) =>
            c.send(
              new DescribeAddonVersionsCommand({ addonName, kubernetesVersion, nextToken, maxResults: 100 }),
              { abortSignal: s },
            ),
          options.signal,
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
    },

    async fargateStatuses(name, options = {}) {
      const { DescribeFargateProfileCommand } = await sdk();
      const out: { name: string; status: string }[] = [];
      for (const profile of await listAll("fargateProfiles", name, options.signal)) {
        try {
          const { fargateProfile } = await call(
            "DescribeFargateProfile",
            (c, s) =>
              c
                .send(new DescribeFargateProfileCommand({ clusterName: name, fargateProfileName: profile }), {
                  abortSignal: s,
                })
                .then((o) => requireAnswer(o, isObject(o.fargateProfile), "EKS", "`fargateProfile`")),
            options.signal,
          );
          out.push({ name: profile, status: fargateProfile?.status ?? "UNKNOWN" });
        } catch (error) {
          if (!notFound(error)) throw error;
        }
      }
      return out;
    },

    async deleteCluster(name, options) {
      const { DeleteNodegroupCommand, DeleteFargateProfileCommand, DeleteClusterCommand } = await sdk();
      const { signal } = options;
      const progress: RetireProgress = options.onProgress ?? (() => {});
      const deadline = Date.now() + options.timeoutMs;
      if (await clusterGone(name, signal)) {
        progress(`cluster ${name} is already gone`);
        return;
      }

      const nodegroups = await listAll("nodegroups", name, signal);
      for (const ng of nodegroups) {
        progress(`deleting node group ${ng}`);
        await ignoring(["ResourceNotFoundException", "ResourceInUseException"], () =>
          call(
            "DeleteNodegroup",
            (c, s) =>
              c.send(new DeleteNodegroupCommand({ clusterName: name, nodegroupName: ng }), {
                abortSignal: s,
              }),
            signal,
          ),
        );
      }

      // EKS deletes one Fargate profile of a cluster at a time; the next waits for the previous to go.
      for (const fp of await listAll("fargateProfiles", name, signal)) {
        progress(`deleting Fargate profile ${fp}`);
        await ignoring(["ResourceNotFoundException"], () =>
          call(
            "DeleteFargateProfile",
            (c, s) =>
              c.send(new DeleteFargateProfileCommand({ clusterName: name, fargateProfileName: fp }), {
                abortSignal: s,
              }),
            signal,
          ),
        );
        await waitFor(
          `Fargate profile ${fp} to be deleted`,
          async () => !(await listAll("fargateProfiles", name, signal)).includes(fp),
          deadline,
          signal,
        );
      }

      if (nodegroups.length > 0) {
        await waitFor(
          `the node groups of ${name} to be deleted`,
          async () => {
            const left = await listAll("nodegroups", name, signal);
            for (const ng of left) {
              const status = (await describeNodegroup(name, ng, signal))?.status;
              if (status === "DELETE_FAILED") {
                throw new ToolError(
                  "retire-failed",
                  `EKS could not delete node group ${ng} of ${name} (DELETE_FAILED).`,
                  {
                    hint: "Look at the node group's health issues in the console, fix them, and retire again.",
                    exitCode: ExitCode.NeedsPerson,
                    fault: "aws",
                  },
                );
              }
            }
            return left.length === 0;
          },
          deadline,
          signal,
        );
      }

      progress(`deleting cluster ${name}`);
      await ignoring(["ResourceNotFoundException"], () =>
        call(
          "DeleteCluster",
          (c, s) => c.send(new DeleteClusterCommand({ name }), { abortSignal: s }),
          signal,
        ),
      );
      await waitFor(`cluster ${name} to be deleted`, () => clusterGone(name, signal), deadline, signal);
      progress(`cluster ${name} deleted`);
    },

    async scaleToZero(name, options) {
      const { UpdateNodegroupConfigCommand } = await sdk();
      const { signal } = options;
      const progress: RetireProgress = options.onProgress ?? (() => {});
      const deadline = Date.now() + options.timeoutMs;
      const names = await listAll("nodegroups", name, signal);
      for (const ng of names) {
        const current = await describeNodegroup(name, ng, signal);
        const scaling = current?.scalingConfig;
        if (!current || (scaling?.minSize === 0 && scaling.desiredSize === 0)) continue;
        progress(`scaling node group ${ng} to 0`);
        await call(
          "UpdateNodegroupConfig",
          (c, s) =>
            c.send(
              new UpdateNodegroupConfigCommand({
                clusterName: name,
                nodegroupName: ng,
                // maxSize must stay ≥ 1.
                scalingConfig: { minSize: 0, desiredSize: 0, maxSize: Math.max(1, scaling?.maxSize ?? 1) },
              }),
              { abortSignal: s },
            ),
          signal,
        );
      }
      for (const ng of names) {
        await waitFor(
          `node group ${ng} of ${name} to be ACTIVE at 0 nodes`,
          async () => {
            const now = await describeNodegroup(name, ng, signal);
            return !now || (now.status === "ACTIVE" && now.scalingConfig?.desiredSize === 0);
          },
          deadline,
          signal,
        );
      }
      progress(`node groups of ${name} scaled to 0`);
    },
  };
}

function issues(list: Issue[] | undefined): HealthIssue[] {
  return (list ?? []).map((i) => ({
    code: i.code ?? "Unknown",
    message: i.message ?? "",
    ...(i.resourceIds ? { resourceIds: i.resourceIds } : {}),
  }));
}

function notFoundIssue(kind: string, name: string): HealthIssue {
  return { code: "NotFound", message: `The ${kind} ${name} does not exist.` };
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

function notFound(error: unknown): boolean {
  return error instanceof AwsError && error.awsCode === "ResourceNotFoundException";
}

async function ignoring(codes: readonly string[], fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AwsError && codes.includes(error.awsCode)) return;
    throw error;
  }
}

function isObject(v: unknown): boolean {
  return typeof v === "object" && v !== null;
}
