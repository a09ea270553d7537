/**
 * A hanging endpoint (accepts the connection, never answers) is timed out on every client, retried in the
 * one retry layer, then reported as an AwsError; the SDK prints nothing on stderr meanwhile.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createClientFactory, timeoutFromEnv } from "../../src/aws/clients.ts";
import { createAlarmsPort } from "../../src/aws/cloudwatch.ts";
import { createClustersPort } from "../../src/aws/eks.ts";
import { retryFromEnv } from "../../src/runner/ports.ts";
import { createCaller, sleepOrReject, type RetryInfo } from "../../src/aws/retry.ts";
import { createTrafficPort } from "../../src/aws/route53.ts";
import { createObjectStore } from "../../src/aws/s3.ts";
import { AwsError, ToolError } from "../../src/errors.ts";
import { Plan } from "../../src/plan/schema.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { compressedPlan } from "../cli/harness.ts";
import { useFakeCredentials } from "../support/backends.ts";
import { failure } from "./harness.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  useFakeCredentials();
  sandbox = await startSandbox();
  seedFromPlan(sandbox, Plan.parse(compressedPlan()));
  sandbox.world.s3.createBucket("ebg-timeouts");
});
afterAll(() => sandbox.close());

// The process-level Node version notice is Node's `warning` event (the CLI drops it); the SDK's own
// lines are what must never reach stderr.
const SDK_TEXT = /@smithy|requestTimeout|node-http-handler/;
let stderr: string[];
beforeEach(() => {
  sandbox.faults.reset();
  stderr = [];
  const spy = (...args: unknown[]) => {
    stderr.push(args.map(String).join(" "));
    return true;
  };
  vi.spyOn(process.stderr, "write").mockImplementation(spy as never);
  vi.spyOn(console, "warn").mockImplementation(spy);
  vi.spyOn(console, "error").mockImplementation(spy);
});
afterEach(() => vi.restoreAllMocks());

function ports(log?: (line: string) => void) {
  const clients = createClientFactory({
    settings: { endpointUrl: sandbox.endpoint, region: "us-east-1" },
    env: { EKS_BLUEGREEN_AWS_TIMEOUT_MS: "300" },
    ...(log ? { log } : {}),
  });
  const retries: RetryInfo[] = [];
  const caller = createCaller({
    policy: { retries: 2, baseDelayMs: 5, maxDelayMs: 20, budgetMs: 10_000 },
    onRetry: (r) => retries.push(r),
  });
  return {
    retries,
    traffic: createTrafficPort({ client: () => clients.route53(), caller }),
    alarms: createAlarmsPort({ client: () => clients.cloudwatch(), caller }),
    clusters: createClustersPort({
      client: () => clients.eks(),
      caller,
      now: () => new Date(),
      sleep: sleepOrReject,
    }),
    objects: createObjectStore({ client: () => clients.s3(), caller, bucket: "ebg-timeouts" }),
  };
}

function expectTimedOut(error: unknown, operation: string): void {
  expect(error).toBeInstanceOf(AwsError);
  expect(error).toMatchObject({ operation, retryable: true, exitCode: 4 });
  expect(["ETIMEDOUT", "TimeoutError"]).toContain((error as AwsError).awsCode);
  expect((error as AwsError).hint).toMatch(/did not answer in time.*EKS_BLUEGREEN_AWS_TIMEOUT_MS/);
}

describe("a hanging endpoint", () => {
  it.each([
    ["route53", "route53:ListHostedZonesByName"],
    ["monitoring", "cloudwatch:DescribeAlarms"],
    ["eks", "eks:DescribeCluster"],
    ["s3", "s3:GetObject"],
  ])(
    "%s: times out, is retried, then fails with a named error and nothing on stderr",
    async (service, operation) => {
      sandbox.faults.hang({ service });
      const lines: string[] = [];
      const p = ports((l) => lines.push(l));
      const call: Record<string, () => Promise<unknown>> = {
        route53: () =>
          p.traffic.read([
            {
              zoneName: "example.com",
              name: "api.example.com",
              type: "A",
              blue: "api-blue",
              green: "api-green",
            },
          ]),
        monitoring: () => p.alarms.describe({ names: ["shop-5xx"], prefixes: [] }),
        eks: () => p.clusters.describe("shop-1-31"),
        s3: () => p.objects.get("state.json"),
      };
      const error = await failure(call[service]!);
      expectTimedOut(error, operation);
      expect(p.retries.map((r) => r.operation)).toEqual([operation, operation]);
      expect(stderr.join("")).not.toMatch(SDK_TEXT);
      expect(lines.join("\n")).not.toMatch(/requestTimeout/);
    },
  );

  it("a hang that ends is ridden out by the retries", async () => {
    sandbox.faults.hang({ service: "eks", times: 1 });
    const p = ports();
    const reading = await p.clusters.describe("shop-1-31");
    expect(reading.exists).toBe(true);
    expect(p.retries.map((r) => r.code)).toHaveLength(1);
    expect(stderr.join("")).not.toMatch(SDK_TEXT);
  });
});

describe("settings from the environment", () => {
  it("EKS_BLUEGREEN_AWS_TIMEOUT_MS must be a positive number of ms (usage error naming it)", () => {
    expect(timeoutFromEnv({})).toBeUndefined();
    expect(timeoutFromEnv({ EKS_BLUEGREEN_AWS_TIMEOUT_MS: "2500" })).toBe(2500);
    for (const bad of ["0", "-1", "soon"]) {
      const error = (() => {
        try {
          timeoutFromEnv({ EKS_BLUEGREEN_AWS_TIMEOUT_MS: bad });
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ToolError);
      expect(error).toMatchObject({ code: "invalid-env", exitCode: 2 });
      expect((error as Error).message).toContain("EKS_BLUEGREEN_AWS_TIMEOUT_MS");
    }
  });

  it("EKS_BLUEGREEN_AWS_RETRY_BUDGET_MS sets the retry budget", () => {
    expect(retryFromEnv({})).toEqual({});
    expect(retryFromEnv({ EKS_BLUEGREEN_AWS_RETRY_BUDGET_MS: "1500" })).toEqual({ budgetMs: 1500 });
    expect(() => retryFromEnv({ EKS_BLUEGREEN_AWS_RETRY_BUDGET_MS: "x" })).toThrow(
      /EKS_BLUEGREEN_AWS_RETRY_BUDGET_MS/,
    );
  });
});
