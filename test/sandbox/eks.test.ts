import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CreateClusterCommand,
  CreateNodegroupCommand,
  DeleteClusterCommand,
  DeleteFargateProfileCommand,
  DeleteNodegroupCommand,
  DescribeAddonCommand,
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  DescribeUpdateCommand,
  ListAddonsCommand,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListInsightsCommand,
  ListNodegroupsCommand,
  UpdateNodegroupConfigCommand,
} from "@aws-sdk/client-eks";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { clientsFor, rejection, testPlan } from "./support.ts";

const DELAY = 120;
let sandbox: Sandbox;
let eks: ReturnType<typeof clientsFor>["eks"];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  sandbox = await startSandbox({ eksDelayMs: DELAY });
  seedFromPlan(sandbox, testPlan());
  eks = clientsFor(sandbox).eks;
});
afterAll(() => sandbox.close());

describe("EKS clusters", () => {
  it("describes the seeded clusters: green ACTIVE at the plan's version, blue one minor below", async () => {
    const green = (await eks.send(new DescribeClusterCommand({ name: "prod-green" }))).cluster!;
    expect(green).toMatchObject({
      status: "ACTIVE",
      version: "1.31",
      platformVersion: "eks.1",
      health: { issues: [] },
    });
    expect(green.arn).toBe("arn:aws:eks:us-east-1:123456789012:cluster/prod-green");
    expect(green.endpoint).toMatch(/^https:\/\//);
    expect(green.certificateAuthority?.data).toBeTruthy();
    expect(green.createdAt).toBeInstanceOf(Date);
    const blue = (await eks.send(new DescribeClusterCommand({ name: "prod-blue" }))).cluster!;
    expect(blue.version).toBe("1.30");
  });

  it("shows what a test sets on the live cluster: health issues, endpoint, CA", async () => {
    const live = sandbox.world.eks.cluster("prod-green")!;
    live.health.issues.push({ code: "Ec2SubnetNotFound", message: "subnet gone", resourceIds: ["subnet-1"] });
    live.endpoint = "https://127.0.0.1:6443";
    live.certificateAuthority.data = "Q0E=";
    const out = (await eks.send(new DescribeClusterCommand({ name: "prod-green" }))).cluster!;
    expect(out.health?.issues?.[0]).toMatchObject({ code: "Ec2SubnetNotFound", resourceIds: ["subnet-1"] });
    expect(out.endpoint).toBe("https://127.0.0.1:6443");
    expect(out.certificateAuthority?.data).toBe("Q0E=");
    live.health.issues.length = 0;
  });

  it("answers ResourceNotFoundException in the x-amzn-errortype header", async () => {
    const error = await rejection(eks.send(new DescribeClusterCommand({ name: "nope" })));
    expect(error.name).toBe("ResourceNotFoundException");
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it("moves a new cluster from CREATING to ACTIVE after the delay, and pages ListClusters", async () => {
    const created = await eks.send(
      new CreateClusterCommand({
        name: "extra",
        version: "1.29",
        roleArn: "arn:aws:iam::123456789012:role/r",
        resourcesVpcConfig: {},
      }),
    );
    expect(created.cluster?.status).toBe("CREATING");
    await wait(DELAY + 30);
    expect((await eks.send(new DescribeClusterCommand({ name: "extra" }))).cluster?.status).toBe("ACTIVE");
    const first = await eks.send(new ListClustersCommand({ maxResults: 2 }));
    expect(first.clusters).toEqual(["extra", "prod-blue"]);
    const second = await eks.send(new ListClustersCommand({ maxResults: 2, nextToken: first.nextToken }));
    expect(second.clusters).toEqual(["prod-green"]);
    expect(second.nextToken).toBeUndefined();
  });
});

describe("EKS node groups, add-ons and insights", () => {
  it("lists and describes the plan's node groups and add-ons", async () => {
    expect((await eks.send(new ListNodegroupsCommand({ clusterName: "prod-green" }))).nodegroups).toEqual([
      "batch",
      "general",
    ]);
    const ng = (
      await eks.send(new DescribeNodegroupCommand({ clusterName: "prod-green", nodegroupName: "general" }))
    ).nodegroup!;
    expect(ng).toMatchObject({ status: "ACTIVE", version: "1.31", health: { issues: [] } });
    expect(ng.scalingConfig).toEqual({ minSize: 1, maxSize: 3, desiredSize: 2 });
    expect((await eks.send(new ListAddonsCommand({ clusterName: "prod-green" }))).addons).toEqual([
      "coredns",
      "vpc-cni",
    ]);
    const addon = (
      await eks.send(new DescribeAddonCommand({ clusterName: "prod-green", addonName: "coredns" }))
    ).addon!;
    expect(addon).toMatchObject({ status: "ACTIVE", health: { issues: [] } });
    const insights = await eks.send(
      new ListInsightsCommand({ clusterName: "prod-green", filter: { categories: ["UPGRADE_READINESS"] } }),
    );
    expect(insights.insights?.[0]).toMatchObject({
      insightStatus: { status: "PASSING" },
      kubernetesVersion: "1.31",
    });
  });

  it("scales a node group: UPDATING now, new sizes and ACTIVE after the delay", async () => {
    const { update } = await eks.send(
      new UpdateNodegroupConfigCommand({
        clusterName: "prod-blue",
        nodegroupName: "batch",
        scalingConfig: { minSize: 0, desiredSize: 0 },
      }),
    );
    expect(update).toMatchObject({ status: "InProgress", type: "ConfigUpdate" });
    const during = (
      await eks.send(new DescribeNodegroupCommand({ clusterName: "prod-blue", nodegroupName: "batch" }))
    ).nodegroup!;
    expect(during.status).toBe("UPDATING");
    const again = await rejection(
      eks.send(
        new UpdateNodegroupConfigCommand({
          clusterName: "prod-blue",
          nodegroupName: "batch",
          scalingConfig: { desiredSize: 1 },
        }),
      ),
    );
    expect(again.name).toBe("ResourceInUseException");
    await wait(DELAY + 30);
    const after = (
      await eks.send(new DescribeNodegroupCommand({ clusterName: "prod-blue", nodegroupName: "batch" }))
    ).nodegroup!;
    expect(after).toMatchObject({
      status: "ACTIVE",
      scalingConfig: { minSize: 0, maxSize: 3, desiredSize: 0 },
    });
    const done = await eks.send(
      new DescribeUpdateCommand({ name: "prod-blue", updateId: update!.id!, nodegroupName: "batch" }),
    );
    expect(done.update?.status).toBe("Successful");
  });

  it("creates a node group that becomes ACTIVE", async () => {
    const out = await eks.send(
      new CreateNodegroupCommand({
        clusterName: "extra",
        nodegroupName: "ng",
        nodeRole: "arn:aws:iam::123456789012:role/n",
        subnets: ["s"],
        scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 },
      }),
    );
    expect(out.nodegroup?.status).toBe("CREATING");
    await wait(DELAY + 30);
    expect(sandbox.world.eks.nodegroup("extra", "ng")?.status).toBe("ACTIVE");
  });
});

describe("retiring a cluster in the order EKS requires", () => {
  it("refuses to delete a cluster with node groups or Fargate profiles, deletes one Fargate profile at a time", async () => {
    const early = await rejection(eks.send(new DeleteClusterCommand({ name: "prod-blue" })));
    expect(early.name).toBe("ResourceInUseException");
    expect(early.$metadata?.httpStatusCode).toBe(409);

    for (const name of ["batch", "general"]) {
      const out = await eks.send(
        new DeleteNodegroupCommand({ clusterName: "prod-blue", nodegroupName: name }),
      );
      expect(out.nodegroup?.status).toBe("DELETING");
    }
    sandbox.world.eks.createFargateProfile("prod-blue", "fp-second", { status: "ACTIVE" });
    expect(
      (await eks.send(new ListFargateProfilesCommand({ clusterName: "prod-blue" }))).fargateProfileNames,
    ).toEqual(["fp-default", "fp-second"]);
    const first = await eks.send(
      new DeleteFargateProfileCommand({ clusterName: "prod-blue", fargateProfileName: "fp-default" }),
    );
    expect(first.fargateProfile?.status).toBe("DELETING");
    const second = await rejection(
      eks.send(
        new DeleteFargateProfileCommand({ clusterName: "prod-blue", fargateProfileName: "fp-second" }),
      ),
    );
    expect(second.name).toBe("ResourceInUseException");

    await wait(DELAY + 30);
    expect((await eks.send(new ListNodegroupsCommand({ clusterName: "prod-blue" }))).nodegroups).toEqual([]);
    const gone = await rejection(
      eks.send(
        new DescribeFargateProfileCommand({ clusterName: "prod-blue", fargateProfileName: "fp-default" }),
      ),
    );
    expect(gone.name).toBe("ResourceNotFoundException");
    const stillProfile = await rejection(eks.send(new DeleteClusterCommand({ name: "prod-blue" })));
    expect(stillProfile.name).toBe("ResourceInUseException");

    await eks.send(
      new DeleteFargateProfileCommand({ clusterName: "prod-blue", fargateProfileName: "fp-second" }),
    );
    await wait(DELAY + 30);
    const deleting = await eks.send(new DeleteClusterCommand({ name: "prod-blue" }));
    expect(deleting.cluster?.status).toBe("DELETING");
    await wait(DELAY + 30);
    const afterwards = await rejection(eks.send(new DescribeClusterCommand({ name: "prod-blue" })));
    expect(afterwards.name).toBe("ResourceNotFoundException");
  });
});
