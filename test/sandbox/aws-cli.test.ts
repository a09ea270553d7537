import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { awsCli, awsCliUnavailable } from "./aws-cli.ts";
import { testPlan } from "./support.ts";

const unavailable = awsCliUnavailable();

describe.skipIf(unavailable !== undefined)(
  `the AWS CLI against a running sandbox${unavailable ? ` (skipped: ${unavailable})` : ""}`,
  () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox();
      seedFromPlan(sandbox, testPlan());
    });
    afterAll(() => sandbox.close());

    it("lists the seeded records of the zone", async () => {
      const zoneId = sandbox.world.route53.zoneByName("example.com")!.id;
      const out = await awsCli(sandbox.env, [
        "route53",
        "list-resource-record-sets",
        "--hosted-zone-id",
        zoneId,
      ]);
      const records = out["ResourceRecordSets"] as {
        Name: string;
        SetIdentifier?: string;
        Weight?: number;
      }[];
      expect(
        records.filter((r) => r.Name === "api.example.com.").map((r) => [r.SetIdentifier, r.Weight]),
      ).toEqual([
        ["blue", 100],
        ["green", 0],
      ]);
    });

    it("describes the seeded alarms (CloudWatch over JSON 1.0, as botocore picks it)", async () => {
      const out = await awsCli(sandbox.env, [
        "cloudwatch",
        "describe-alarms",
        "--alarm-name-prefix",
        "checkout-",
      ]);
      const alarms = out["MetricAlarms"] as { AlarmName: string; StateValue: string }[];
      expect(alarms.map((a) => a.AlarmName)).toEqual([
        "checkout-5xx",
        "checkout-latency",
        "checkout-slo-5xx-rate",
        "checkout-slo-p99-latency",
      ]);
      expect(new Set(alarms.map((a) => a.StateValue))).toEqual(new Set(["OK"]));
      expect(sandbox.calls.at(-1)).toMatchObject({
        service: "monitoring",
        operation: "DescribeAlarms",
        status: 200,
      });
    });

    it("lists the seeded clusters and identifies the caller", async () => {
      const clusters = await awsCli(sandbox.env, ["eks", "list-clusters"]);
      expect(clusters["clusters"]).toEqual(["prod-blue", "prod-green"]);
      const identity = await awsCli(sandbox.env, ["sts", "get-caller-identity"]);
      expect(identity["Account"]).toBe("123456789012");
    });

    it("reads a CLI-visible error as AWS's code", async () => {
      const failure = awsCli(sandbox.env, ["eks", "describe-cluster", "--name", "nope"]);
      await expect(failure).rejects.toMatchObject({
        stderr: expect.stringMatching(/ResourceNotFoundException/),
      });
    });
  },
);
