/** The sandbox's whole in-memory AWS account: one typed world per service, sharing one clock. */
import { CloudWatchWorld } from "./cloudwatch/world.ts";
import { Ec2World } from "./ec2.ts";
import { EksWorld } from "./eks/world.ts";
import { Elbv2World } from "./elbv2/world.ts";
import { GlobalAcceleratorWorld } from "./globalaccelerator/world.ts";
import { Route53World } from "./route53/world.ts";
import { S3World } from "./s3/world.ts";
import { TrafficModel } from "./traffic-model.ts";
import { SnsWorld } from "./sns.ts";

export interface World {
  region: string;
  accountId: string;
  route53: Route53World;
  cloudwatch: CloudWatchWorld;
  eks: EksWorld;
  s3: S3World;
  ec2: Ec2World;
  elbv2: Elbv2World;
  globalaccelerator: GlobalAcceleratorWorld;
  sns: SnsWorld;
  /** Per-side load balancer metrics following the effective weights (off until configured). */
  traffic: TrafficModel;
  now(): number;
}

export function createWorld(options: {
  region: string;
  accountId: string;
  inSyncDelayMs: number;
  eksDelayMs: number;
  now?: () => number;
}): World {
  const now = options.now ?? (() => Date.now());
  const route53 = new Route53World(now, options.inSyncDelayMs);
  const cloudwatch = new CloudWatchWorld(now, options.region, options.accountId);
  const traffic = new TrafficModel(now, route53, cloudwatch.metrics);
  route53.listeners.push(() => traffic.recordsChanged());
  cloudwatch.beforeMetricsRead = () => traffic.catchUp();
  return {
    region: options.region,
    accountId: options.accountId,
    now,
    route53,
    cloudwatch,
    eks: new EksWorld(now, options.eksDelayMs, options.region, options.accountId),
    s3: new S3World(now),
    ec2: new Ec2World(),
    elbv2: new Elbv2World(options.region, options.accountId),
    globalaccelerator: new GlobalAcceleratorWorld(now, options.accountId),
    sns: new SnsWorld(now, options.region, options.accountId),
    traffic,
  };
}
