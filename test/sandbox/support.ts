/** Shared setup for the sandbox tests: real SDK clients pointed at a sandbox, and a small plan. */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EKSClient } from "@aws-sdk/client-eks";
import { Route53Client } from "@aws-sdk/client-route-53";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import { Plan, type PlanDoc, type PlanInput } from "../../src/plan/schema.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";

export function clientsFor(sandbox: Sandbox) {
  const config = {
    endpoint: sandbox.endpoint,
    region: sandbox.env["AWS_REGION"]!,
    credentials: {
      accessKeyId: sandbox.env["AWS_ACCESS_KEY_ID"]!,
      secretAccessKey: sandbox.env["AWS_SECRET_ACCESS_KEY"]!,
    },
    // The sandbox's own behaviour is under test, not the SDK's retries.
    maxAttempts: 1,
  };
  return {
    route53: new Route53Client(config),
    cloudwatch: new CloudWatchClient(config),
    eks: new EKSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sts: new STSClient(config),
  };
}

export function testPlan(overrides: Partial<PlanInput> = {}): PlanDoc {
  return Plan.parse({
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: "checkout" },
    region: "us-east-1",
    clusters: {
      blue: { name: "prod-blue" },
      green: {
        name: "prod-green",
        kubernetesVersion: "1.31",
        nodegroups: ["general", "batch"],
        addons: ["vpc-cni", "coredns"],
      },
    },
    traffic: {
      records: [
        { zoneName: "example.com", name: "api.example.com", type: "A", blue: "blue", green: "green" },
        { zoneName: "example.com", name: "www.example.com", type: "CNAME", blue: "blue", green: "green" },
      ],
    },
    steps: [{ green: 10 }, { green: 100 }],
    alarms: { names: ["checkout-5xx", "checkout-latency"], prefixes: ["checkout-slo-"] },
    state: { backend: "s3", bucket: "upgrade-state", key: "checkout/state.json" },
    ...overrides,
  });
}

/** What a promise rejects with (fails the test if it resolves). */
export async function rejection(
  promise: Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { name: string; $metadata?: { httpStatusCode?: number } };
  }
  throw new Error("expected the call to fail, but it succeeded");
}
