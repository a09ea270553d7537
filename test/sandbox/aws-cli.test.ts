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

    it("puts metric data and gets it back with a statistic, a percentile and metric math", async () => {
      const at = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 180_000);
      const datum = (name: string, values: number[]) => ({
        MetricName: name,
        Dimensions: [{ Name: "Cluster", Value: "green" }],
        Timestamp: at.toISOString(),
        Values: values,
      });
      await awsCli(sandbox.env, [
        "cloudwatch",
        "put-metric-data",
        "--namespace",
        "Shop",
        "--metric-data",
        JSON.stringify([
          datum("Requests", [40, 60]),
          datum("Errors", [2, 3]),
          datum("Latency", [1, 2, 3, 4, 100]),
        ]),
      ]);
      const q = (id: string, name: string, stat: string) => ({
        Id: id,
        MetricStat: {
          Metric: { Namespace: "Shop", MetricName: name, Dimensions: [{ Name: "Cluster", Value: "green" }] },
          Period: 60,
          Stat: stat,
        },
        ReturnData: id !== "req" && id !== "err",
      });
      const out = await awsCli(sandbox.env, [
        "cloudwatch",
        "get-metric-data",
        "--start-time",
        new Date(at.getTime() - 60_000).toISOString(),
        "--end-time",
        new Date(at.getTime() + 120_000).toISOString(),
        "--metric-data-queries",
        JSON.stringify([
          q("req", "Requests", "Sum"),
          q("err", "Errors", "Sum"),
          q("p90", "Latency", "p90"),
          { Id: "rate", Expression: "100 * err / req" },
        ]),
      ]);
      const results = out["MetricDataResults"] as { Id: string; Values: number[] }[];
      expect(Object.fromEntries(results.map((r) => [r.Id, r.Values]))).toEqual({ p90: [100], rate: [5] });
    });

    it("reads and changes an ALB listener's weights and a Global Accelerator endpoint group (us-west-2)", async () => {
      const elb = sandbox.world.elbv2;
      const lb = elb.createLoadBalancer("cli");
      const blue = elb.createTargetGroup("cli-blue").TargetGroupArn;
      const green = elb.createTargetGroup("cli-green").TargetGroupArn;
      const listener = elb.createListener(lb.LoadBalancerArn, 80, "HTTP", [
        {
          Type: "forward",
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blue, Weight: 100 },
              { TargetGroupArn: green, Weight: 0 },
            ],
          },
        },
      ]).ListenerArn;
      const described = await awsCli(sandbox.env, [
        "elbv2",
        "describe-listeners",
        "--listener-arns",
        listener,
      ]);
      const tgs = (
        described["Listeners"] as {
          DefaultActions: { ForwardConfig: { TargetGroups: { Weight: number }[] } }[];
        }[]
      )[0]!.DefaultActions[0]!.ForwardConfig.TargetGroups;
      expect(tgs.map((t) => t.Weight)).toEqual([100, 0]);
      await awsCli(sandbox.env, [
        "elbv2",
        "modify-listener",
        "--listener-arn",
        listener,
        "--default-actions",
        JSON.stringify([
          {
            Type: "forward",
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 60 },
                { TargetGroupArn: green, Weight: 40 },
              ],
            },
          },
        ]),
      ]);
      expect(
        elb.listener(listener).DefaultActions[0]!.ForwardConfig!.TargetGroups!.map((t) => t.Weight),
      ).toEqual([60, 40]);

      const ga = sandbox.world.globalaccelerator;
      const accelerator = ga.createAccelerator("cli");
      const gaListener = ga.createListener(accelerator.AcceleratorArn, [{ FromPort: 80, ToPort: 80 }]);
      const group = ga.createEndpointGroup(gaListener.ListenerArn, "us-east-1", [
        { EndpointId: lb.LoadBalancerArn, Weight: 100 },
      ]).EndpointGroupArn;
      const out = await awsCli(sandbox.env, [
        "globalaccelerator",
        "describe-endpoint-group",
        "--region",
        "us-west-2",
        "--endpoint-group-arn",
        group,
      ]);
      expect(
        (out["EndpointGroup"] as { EndpointDescriptions: { Weight: number }[] }).EndpointDescriptions[0]!
          .Weight,
      ).toBe(100);
    });

    it("reads a CLI-visible error as AWS's code", async () => {
      const failure = awsCli(sandbox.env, ["eks", "describe-cluster", "--name", "nope"]);
      await expect(failure).rejects.toMatchObject({
        stderr: expect.stringMatching(/ResourceNotFoundException/),
      });
    });
  },
);
