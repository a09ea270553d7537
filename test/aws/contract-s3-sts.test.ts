import { beforeAll, expect, it } from "vitest";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { ChangeResourceRecordSetsCommand, CreateHostedZoneCommand } from "@aws-sdk/client-route-53";
import { createPorts, whoAmI } from "../../src/runner/ports.ts";
import { AwsError, PreconditionFailedError } from "../../src/errors.ts";
import type { PlanInput } from "../../src/plan/schema.ts";
import { buildPlan } from "../support/plan-builder.ts";
import { describeEachBackend, REGION } from "../support/backends.ts";
import { adapters, failure, useBackend } from "./harness.ts";

function plan(overrides: Partial<PlanInput> = {}) {
  return buildPlan(
    {
      metadata: { name: "contract" },
      region: REGION,
      traffic: {
        records: [
          { zoneName: "wired.test", name: "api.wired.test", type: "A", blue: "blue", green: "green" },
        ],
      },
      steps: [{ green: 10 }, { green: 100 }],
      state: { backend: "s3", bucket: "eks-bluegreen-state", key: "contract/state.json" },
      ...overrides,
    },
    "contract.yaml",
  );
}

describeEachBackend("S3 object store, STS and createPorts", (spec) => {
  const backend = useBackend(spec);

  // Fixture for every test below: the state bucket and a zone with one pair.
  beforeAll(async () => {
    const b = backend.current;
    await b.raw.s3.send(new CreateBucketCommand({ Bucket: "eks-bluegreen-state" }));
    const zone = await b.raw.route53.send(
      new CreateHostedZoneCommand({ Name: "wired.test", CallerReference: "wired" }),
    );
    const rec = (set: string, weight: number, value: string) => ({
      Action: "CREATE" as const,
      ResourceRecordSet: {
        Name: "api.wired.test",
        Type: "A" as const,
        SetIdentifier: set,
        Weight: weight,
        TTL: 60,
        ResourceRecords: [{ Value: value }],
      },
    });
    await b.raw.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.HostedZone!.Id!,
        ChangeBatch: { Changes: [rec("blue", 100, "10.0.0.1"), rec("green", 0, "10.0.1.1")] },
      }),
    );
  });

  it("creates with If-None-Match: *, replaces with If-Match, and names a lost race", async () => {
    const store = adapters(backend.current).objects("eks-bluegreen-state");
    expect(await store.get("s/state.json")).toBeUndefined();
    const first = await store.put("s/state.json", '{"v":1}', { ifNoneMatch: "*" });
    expect(first).toMatch(/^".+"$/);
    const again = await failure(() => store.put("s/state.json", '{"v":9}', { ifNoneMatch: "*" }));
    expect(again).toBeInstanceOf(PreconditionFailedError);
    expect((again as Error).message).toContain("s3://eks-bluegreen-state/s/state.json");
    expect(await store.get("s/state.json")).toMatchObject({ body: '{"v":1}', etag: first });

    const second = await store.put("s/state.json", '{"v":2}', { ifMatch: first });
    expect(second).not.toBe(first);
    expect(await failure(() => store.put("s/state.json", '{"v":3}', { ifMatch: first }))).toBeInstanceOf(
      PreconditionFailedError,
    );
    expect((await store.get("s/state.json"))?.body).toBe('{"v":2}');
  });

  it("lists every key under a prefix, page after page (other upgrades' states)", async () => {
    const store = adapters(backend.current, { pageSize: 2 }).objects("eks-bluegreen-state");
    const keys = ["list/a/state.json", "list/b/state.json", "list/b/state.json.lock", "list/c/state.json"];
    for (const key of [...keys, "listless/state.json"]) await store.put(key, "{}", undefined);
    expect((await store.list("list/")).sort()).toEqual(keys);
    expect(await store.list("none/")).toEqual([]);
  });

  it("deletes with If-Match only the version it read", async () => {
    const store = adapters(backend.current).objects("eks-bluegreen-state");
    const etag = await store.put("s/lock", "owner", { ifNoneMatch: "*" });
    expect(await failure(() => store.delete("s/lock", { ifMatch: '"0000"' }))).toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await store.get("s/lock")).toBeDefined();
    await store.delete("s/lock", { ifMatch: etag });
    expect(await store.get("s/lock")).toBeUndefined();
  });

  it("a missing bucket is an AwsError keeping NoSuchBucket, not an empty read", async () => {
    const error = await failure(() => adapters(backend.current).objects("no-such-bucket-here").get("k"));
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({ awsCode: "NoSuchBucket", httpStatus: 404, operation: "s3:GetObject" });
  });

  it("createPorts wires every port from the plan (S3 state bucket included) through the endpoint flag", async () => {
    const b = backend.current;
    const retries: unknown[] = [];
    const ports = await createPorts(plan(), { endpointUrl: b.endpoint }, { onRetry: (r) => retries.push(r) });
    const [reading] = await ports.traffic.read(plan().doc.traffic.records);
    expect([reading!.blue?.Weight, reading!.green?.Weight]).toEqual([100, 0]);
    expect(ports.objects).toBeDefined();
    await ports.objects!.put("wired/state.json", "{}", { ifNoneMatch: "*" });
    expect((await ports.objects!.get("wired/state.json"))?.body).toBe("{}");
    expect((await ports.clusters.blue.describe("absent-cluster")).exists).toBe(false);
    expect((await ports.alarms.describe({ names: ["absent"], prefixes: [] })).missing).toEqual(["absent"]);
    expect(retries).toEqual([]);
  });

  it("createPorts honours AWS_ENDPOINT_URL from the environment when no flag is given", async () => {
    const b = backend.current;
    process.env.AWS_ENDPOINT_URL = b.endpoint;
    try {
      const ports = await createPorts(plan(), {});
      const [reading] = await ports.traffic.read(plan().doc.traffic.records);
      expect(reading!.blue?.Weight).toBe(100);
      // S3 goes path-style at a custom endpoint (no bucket.127.0.0.1 host names).
      await ports.objects!.put("wired/from-env.json", "{}", { ifNoneMatch: "*" });
      expect((await ports.objects!.get("wired/from-env.json"))?.body).toBe("{}");
    } finally {
      delete process.env.AWS_ENDPOINT_URL;
    }
  });

  it("tells who the tool runs as (account id for iam-policy)", async () => {
    const me = await whoAmI({ endpointUrl: backend.current.endpoint, region: REGION });
    expect(me.account).toMatch(/^\d{12}$/);
    expect(me.arn).toMatch(/^arn:aws:(iam|sts)::\d{12}:/);
  });

  it("assumes the plan's roleArn with STS AssumeRole for every call", async () => {
    const roleArn = "arn:aws:iam::123456789012:role/upgrader";
    const me = await whoAmI({ endpointUrl: backend.current.endpoint, region: REGION }, { roleArn });
    expect(me.arn).toMatch(/assumed-role\/upgrader\/eks-bluegreen$/);
    const ports = await createPorts(plan({ roleArn }), { endpointUrl: backend.current.endpoint });
    const [reading] = await ports.traffic.read(plan().doc.traffic.records);
    expect(reading!.blue?.Weight).toBe(100);
  });
});
