/**
 * The AWS endpoints the adapter contract suite runs against: moto (an independent emulator) and our own
 * sandbox. Each states what it can do; a test of a capability a backend lacks asserts the documented
 * difference instead of being skipped.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe } from "vitest";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import {
  EKSClient,
  CreateClusterCommand,
  CreateNodegroupCommand,
  CreateFargateProfileCommand,
} from "@aws-sdk/client-eks";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import { motoUnavailable, startMoto } from "./moto.ts";

export type BackendName = "moto" | "sandbox";

/** What each backend does where AWS's documented behaviour matters to the adapters. */
export interface Capabilities {
  /** DescribeAlarmHistory exists (moto 5.2: HTML 500 page). */
  alarmHistory: boolean;
  /** PutCompositeAlarm exists (moto 5.2: HTML 500 page). */
  compositeAlarms: boolean;
  /** ListAddons / DescribeAddon exist (moto 5.2: HTML 404 page). */
  eksAddons: boolean;
  /** ListInsights exists (moto 5.2: HTML 404 page). */
  eksInsights: boolean;
  /** A change is PENDING for a while before INSYNC (moto: INSYNC at once). */
  changesStartPending: boolean;
  /**
   * Route 53 rejects with InvalidChangeBatch what AWS rejects: DELETE of a missing record, weight 300, a
   * weighted record without SetIdentifier (moto 5.2 accepts all three; measured: a DELETE whose values match
   * no record gets a misleading InvalidInput "found none" instead, so the suite deletes with real values).
   */
  validatesChangeBatches: boolean;
  /**
   * Route 53 rejects CREATE of a record that exists (AWS does). moto 5.2.1, measured: rejects a CREATE
   * identical to the existing record, accepts one that differs (e.g. in weight) and replaces the record.
   */
  rejectsCreateOfExisting: boolean;
  /** EKS moves resources through CREATING / DELETING (moto: ACTIVE and gone at once). */
  eksTransitions: boolean;
  /** Faults can be injected (throttling, errors, HTML, latency). */
  faultInjection: boolean;
  /**
   * GetMetricData evaluates metric math and percentiles as CloudWatch does. moto 5.2.1, measured: a
   * MetricStat with Sum/Average/SampleCount works; an Expression returns an empty series marked Complete;
   * a percentile statistic (p99) answers an HTML 500 page.
   */
  metricMath: boolean;
  /**
   * Global Accelerator exists. moto 5.2 has no Global Accelerator, so its adapter's contract tests run
   * against the sandbox only (test/aws/contract-globalaccelerator.test.ts). ELBv2 weighted forward
   * configs run against both.
   */
  globalAccelerator: boolean;
}

export const CAPABILITIES: Record<BackendName, Capabilities> = {
  moto: {
    alarmHistory: false,
    compositeAlarms: false,
    eksAddons: false,
    eksInsights: false,
    changesStartPending: false,
    validatesChangeBatches: false,
    rejectsCreateOfExisting: false,
    eksTransitions: false,
    faultInjection: false,
    metricMath: false,
    globalAccelerator: false,
  },
  sandbox: {
    alarmHistory: true,
    compositeAlarms: true,
    eksAddons: true,
    eksInsights: true,
    changesStartPending: true,
    validatesChangeBatches: true,
    rejectsCreateOfExisting: true,
    eksTransitions: true,
    faultInjection: true,
    metricMath: true,
    globalAccelerator: true,
  },
};

export const REGION = "us-east-1";
export const ACCOUNT_ROLE = "arn:aws:iam::123456789012:role/eks-bluegreen-test";

export interface ClusterSeed {
  name: string;
  version: string;
  nodegroups: { name: string; min: number; max: number; desired: number }[];
  fargateProfiles: string[];
}

export interface RawClients {
  route53: Route53Client;
  cloudwatch: CloudWatchClient;
  eks: EKSClient;
  s3: S3Client;
  sts: STSClient;
}

export interface Backend {
  name: BackendName;
  endpoint: string;
  capabilities: Capabilities;
  /** SDK clients for test setup, with the SDK's own retries off. */
  raw: RawClients;
  /** Creates a cluster with node groups and Fargate profiles and waits until they are ACTIVE. */
  seedCluster(seed: ClusterSeed): Promise<void>;
  /** The sandbox's fault switches (undefined on moto, which has none). */
  faults: SandboxFaults | undefined;
  /** Shapes what EKS reports where no create call exists in the backend (sandbox only). */
  eksExtras: EksExtras | undefined;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The part of the sandbox's `faults` the suite drives. */
export interface SandboxFaults {
  throttle(rate: number, scope?: { service?: string; operation?: string; times?: number }): void;
  error(rule: {
    code: string;
    service?: string;
    operation?: string;
    times?: number;
    rate?: number;
    status?: number;
  }): void;
  htmlErrors(rate: number): void;
  latency(ms: number): void;
  reset(): void;
}

export interface EksExtras {
  addAddon(cluster: string, name: string): void;
  addInsight(cluster: string, insight: { name: string; status: "PASSING" | "WARNING" | "ERROR" }): void;
}

export interface BackendSpec {
  name: BackendName;
  /** Why it cannot run here, or undefined. Throws in CI when a required backend is missing. */
  unavailable(): string | undefined;
  start(): Promise<Backend>;
}

const FAKE_CREDENTIALS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

/** The default credential chain finds these; nothing leaves 127.0.0.1. */
export function useFakeCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = FAKE_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = FAKE_CREDENTIALS.secretAccessKey;
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_REGION = REGION;
  for (const key of Object.keys(process.env)) if (key.startsWith("AWS_ENDPOINT_URL")) delete process.env[key];
}

export function rawClients(endpoint: string): RawClients {
  const config = { endpoint, region: REGION, credentials: FAKE_CREDENTIALS, maxAttempts: 1 };
  return {
    route53: new Route53Client(config),
    cloudwatch: new CloudWatchClient(config),
    eks: new EKSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sts: new STSClient(config),
  };
}

async function seedThroughSdk(eks: EKSClient, seed: ClusterSeed): Promise<void> {
  const role = ACCOUNT_ROLE;
  await eks.send(
    new CreateClusterCommand({
      name: seed.name,
      version: seed.version,
      roleArn: role,
      resourcesVpcConfig: { subnetIds: ["subnet-1", "subnet-2"] },
    }),
  );
  for (const ng of seed.nodegroups) {
    await eks.send(
      new CreateNodegroupCommand({
        clusterName: seed.name,
        nodegroupName: ng.name,
        nodeRole: role,
        subnets: ["subnet-1"],
        version: seed.version,
        scalingConfig: { minSize: ng.min, maxSize: ng.max, desiredSize: ng.desired },
      }),
    );
  }
  for (const fp of seed.fargateProfiles) {
    await eks.send(
      new CreateFargateProfileCommand({
        clusterName: seed.name,
        fargateProfileName: fp,
        podExecutionRoleArn: role,
        selectors: [{ namespace: fp }],
      }),
    );
  }
}

async function waitUntil(done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("backend did not settle in time");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const moto: BackendSpec = {
  name: "moto",
  unavailable: motoUnavailable,
  async start() {
    const server = await startMoto();
    const raw = rawClients(server.endpoint);
    return {
      name: "moto",
      endpoint: server.endpoint,
      capabilities: CAPABILITIES.moto,
      raw,
      seedCluster: (seed) => seedThroughSdk(raw.eks, seed),
      faults: undefined,
      eksExtras: undefined,
      reset: server.reset,
      close: server.close,
    };
  },
};

const SANDBOX_ENTRY = fileURLToPath(new URL("../../src/sandbox/index.ts", import.meta.url));

const sandbox: BackendSpec = {
  name: "sandbox",
  unavailable() {
    return existsSync(SANDBOX_ENTRY) ? undefined : "src/sandbox/index.ts has not landed yet";
  },
  async start() {
    const { startSandbox } = await import("../../src/sandbox/index.ts");
    // Short delays keep PENDING and CREATING/DELETING observable without slowing the suite.
    const server = await startSandbox({ inSyncDelayMs: 500, eksDelayMs: 120 });
    const raw = rawClients(server.endpoint);
    const eks = server.world.eks;
    return {
      name: "sandbox",
      endpoint: server.endpoint,
      capabilities: CAPABILITIES.sandbox,
      raw,
      async seedCluster(seed) {
        await seedThroughSdk(raw.eks, seed);
        await waitUntil(
          () =>
            eks.cluster(seed.name)?.status === "ACTIVE" &&
            eks.nodegroups(seed.name).every((n) => n.status === "ACTIVE"),
        );
      },
      faults: server.faults,
      eksExtras: {
        addAddon: (cluster, name) => void eks.createAddon(cluster, name, { status: "ACTIVE" }),
        addInsight: (cluster, insight) =>
          void eks.addInsight(cluster, {
            name: insight.name,
            insightStatus: { status: insight.status, reason: `${insight.name} is ${insight.status}` },
          }),
      },
      reset: async () => server.faults.reset(),
      close: server.close,
    };
  },
};

export const BACKENDS: readonly BackendSpec[] = [moto, sandbox];

/** `describe` per backend; a backend that cannot run says why in the title. */
export function describeEachBackend(title: string, body: (spec: BackendSpec) => void): void {
  for (const spec of BACKENDS) {
    const skip = spec.unavailable();
    describe.skipIf(skip !== undefined)(`${title} · ${spec.name}${skip ? ` (skipped: ${skip})` : ""}`, () =>
      body(spec),
    );
  }
}
