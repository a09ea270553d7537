/**
 * The local AWS sandbox: Route 53, CloudWatch, EKS, S3 and STS on one 127.0.0.1 port, over the real
 * wire protocols, so the real SDK clients and the AWS CLI run against it. See docs/sandbox.md.
 */
import type { PlanDoc } from "../plan/schema.ts";
import { adminHandler } from "./admin.ts";
import { cloudwatchProtocol } from "./cloudwatch/protocol.ts";
import { ec2Protocol } from "./ec2.ts";
import { eksProtocol } from "./eks/protocol.ts";
import { elbv2Protocol } from "./elbv2/protocol.ts";
import { globalAcceleratorProtocol } from "./globalaccelerator/protocol.ts";
import { Faults } from "./faults.ts";
import { route53Protocol } from "./route53/protocol.ts";
import { s3Protocol } from "./s3/protocol.ts";
import { seedWorld, type SeedOptions } from "./seed.ts";
import { listen, type CallRecord } from "./server.ts";
import { stsProtocol } from "./sts.ts";
import { snsProtocol } from "./sns.ts";
import { createWorld, type World } from "./world.ts";

export type { CallRecord } from "./server.ts";
export type { World } from "./world.ts";
export { Faults, type FaultSettings, type ErrorRule, type Scope } from "./faults.ts";
export type { AlarmStateValue } from "./cloudwatch/world.ts";

export interface SandboxOptions {
  /** Port on 127.0.0.1. Default: a free one. */
  port?: number;
  /** Default us-east-1. */
  region?: string;
  /** Default 123456789012. */
  accountId?: string;
  /** How long a Route 53 change stays PENDING. Default 0 (INSYNC at once). */
  inSyncDelayMs?: number;
  /** How long EKS resources stay CREATING / UPDATING / DELETING. Default 0. */
  eksDelayMs?: number;
  /** The sandbox's clock (epoch ms), e.g. S3's `Date` and `Last-Modified`. Default: the system clock. */
  now?: () => number;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  port: number;
  /** Variables that point the CLI, the AWS CLI or any SDK at the sandbox. */
  env: Record<string, string>;
  world: World;
  faults: Faults;
  calls: CallRecord[];
  close(): Promise<void>;
}

export const SANDBOX_ACCESS_KEY_ID = "sandbox";
export const SANDBOX_SECRET_ACCESS_KEY = "sandbox-secret";

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "123456789012";
  const world = createWorld({
    region,
    accountId,
    inSyncDelayMs: options.inSyncDelayMs ?? 0,
    eksDelayMs: options.eksDelayMs ?? 0,
    ...(options.now ? { now: options.now } : {}),
  });
  const faults = new Faults(world.cloudwatch);
  const calls: CallRecord[] = [];
  const { server, port } = await listen(
    {
      protocols: {
        route53: route53Protocol(world.route53),
        monitoring: cloudwatchProtocol(world.cloudwatch),
        eks: eksProtocol(world.eks),
        s3: s3Protocol(world.s3),
        elasticloadbalancing: elbv2Protocol(world.elbv2),
        ec2: ec2Protocol(world.ec2),
        globalaccelerator: globalAcceleratorProtocol(world.globalaccelerator),
        sns: snsProtocol(world.sns),
        sts: stsProtocol(
          accountId,
          { accessKeyId: SANDBOX_ACCESS_KEY_ID, secretAccessKey: SANDBOX_SECRET_ACCESS_KEY },
          world.now,
        ),
      },
      faults,
      calls,
      now: world.now,
      admin: adminHandler(world, faults, calls),
    },
    options.port ?? 0,
  );
  const endpoint = `http://127.0.0.1:${port}`;
  // Closing twice (an afterAll after a test's own close) is harmless.
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      // The AWS CLI v1 reads the region from this one.
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: SANDBOX_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: SANDBOX_SECRET_ACCESS_KEY,
      AWS_EC2_METADATA_DISABLED: "true",
    },
    world,
    faults,
    calls,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}

/** Creates the zones, records, alarms, clusters and bucket a plan names (see seed.ts). */
export function seedFromPlan(sandbox: Sandbox, plan: PlanDoc, options: SeedOptions = {}): void {
  seedWorld(sandbox.world, plan, options);
}
