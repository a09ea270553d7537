/**
 * An endpoint that answers HTTP 200 with an HTML page (a captive portal, a proxy's login page, a web
 * server that AWS_ENDPOINT_URL points at by mistake) is unreadable for every service, never "nothing
 * there": the adapters against the sandbox with its `html` fault, plus answers that are not HTML but not
 * the service's either, from a tiny 127.0.0.1 server.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { htmlPageReason } from "../../src/aws/answers.ts";
import { Plan } from "../../src/plan/schema.ts";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { AwsError } from "../../src/errors.ts";
import type { RecordPairRef } from "../../src/engine/ports.ts";
import { compressedPlan } from "../cli/harness.ts";
import type { Backend } from "../support/backends.ts";
import { useFakeCredentials } from "../support/backends.ts";
import { adapters, failure } from "./harness.ts";

const BUCKET = "ebg-answers";
const PAIR: RecordPairRef = {
  zoneName: "example.com",
  name: "api.example.com",
  type: "A",
  blue: "api-blue",
  green: "api-green",
};

let sandbox: Sandbox;
beforeAll(async () => {
  useFakeCredentials();
  sandbox = await startSandbox();
  seedFromPlan(sandbox, Plan.parse(compressedPlan()));
  sandbox.world.s3.createBucket(BUCKET);
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.faults.reset());

const fast = () => adapters({ endpoint: sandbox.endpoint } as Backend, { retry: { retries: 2 } });

/** The error every service gives for the page: named, retried, then an AwsError that needs a person. */
function expectNotAnAnswer(error: unknown, operation: string, service: string): void {
  expect(error).toBeInstanceOf(AwsError);
  expect(error).toMatchObject({ awsCode: "NotAnAwsAnswer", httpStatus: 200, operation, retryable: true });
  expect((error as Error).message).toMatch(new RegExp(`HTML page.*not an? ${service} answer`));
  expect((error as AwsError).hint).toMatch(/AWS_ENDPOINT_URL/);
}

describe("an HTML page with status 200 is unreadable, on every service", () => {
  it("Route 53: a read fails instead of returning no records (the false drift)", async () => {
    const a = fast();
    const [before] = await a.traffic.read([PAIR]);
    expect(before!.blue?.Weight).toBe(100);
    sandbox.faults.html({ service: "route53", status: 200 });
    const error = await failure(() => a.traffic.read([PAIR]));
    expectNotAnAnswer(error, "route53:ListHostedZonesByName", "Route 53");
    expect(a.retries.map((r) => r.code)).toEqual(["NotAnAwsAnswer", "NotAnAwsAnswer"]);
    // With the zone named by id, the listing itself is what meets the page.
    const zoneId = sandbox.world.route53.zoneByName("example.com")!.id;
    const byId = fast();
    const listing = await failure(() => byId.traffic.read([{ ...PAIR, zoneName: undefined, zoneId }]));
    expectNotAnAnswer(listing, "route53:ListResourceRecordSets", "Route 53");
  });

  it("Route 53: a weight change and its INSYNC wait are not taken as done", async () => {
    const a = fast();
    const readings = await a.traffic.read([PAIR]);
    sandbox.faults.html({ service: "route53", operation: "ChangeResourceRecordSets", status: 200 });
    expectNotAnAnswer(
      await failure(() => a.traffic.apply(readings, 10)),
      "route53:ChangeResourceRecordSets",
      "Route 53",
    );
    sandbox.faults.reset();
    const [change] = await a.traffic.apply(readings, 0);
    sandbox.faults.html({ service: "route53", operation: "GetChange", status: 200 });
    expectNotAnAnswer(
      await failure(() => a.traffic.waitInSync([change!.changeId], { timeoutMs: 2_000 })),
      "route53:GetChange",
      "Route 53",
    );
  });

  it("CloudWatch: alarms are not read as missing", async () => {
    sandbox.faults.html({ service: "monitoring", status: 200 });
    const a = fast();
    const error = await failure(() => a.alarms.describe({ names: ["shop-5xx"], prefixes: [] }));
    expectNotAnAnswer(error, "cloudwatch:DescribeAlarms", "CloudWatch");
    expectNotAnAnswer(
      await failure(() => a.alarms.history(new Date(0), ["shop-5xx"])),
      "cloudwatch:DescribeAlarmHistory",
      "CloudWatch",
    );
  });

  it("EKS: a cluster is not read as absent or without status", async () => {
    sandbox.faults.html({ service: "eks", status: 200 });
    const error = await failure(() => fast().clusters.describe("shop-1-31"));
    expectNotAnAnswer(error, "eks:DescribeCluster", "EKS");
  });

  it("S3: the state object is neither read nor written through the page", async () => {
    const a = fast();
    const store = a.objects(BUCKET);
    await store.put("s/state.json", '{"v":1}', { ifNoneMatch: "*" });
    sandbox.faults.html({ service: "s3", status: 200 });
    expectNotAnAnswer(await failure(() => store.get("s/state.json")), "s3:GetObject", "S3");
    expectNotAnAnswer(
      await failure(() => store.put("s/other.json", "{}", { ifNoneMatch: "*" })),
      "s3:PutObject",
      "S3",
    );
    expectNotAnAnswer(await failure(() => store.delete("s/state.json")), "s3:DeleteObject", "S3");
    sandbox.faults.reset();
    // Nothing went through: the object is still there, the other one was never written.
    expect((await store.get("s/state.json"))?.body).toBe('{"v":1}');
    expect(await store.get("s/other.json")).toBeUndefined();
  });

  it("a page that lasts less than the retries is ridden out", async () => {
    sandbox.faults.html({ service: "route53", status: 200, times: 1 });
    const a = fast();
    const [r] = await a.traffic.read([PAIR]);
    expect(r!.blue?.Weight).toBe(100);
    expect(a.retries.map((x) => x.code)).toEqual(["NotAnAwsAnswer"]);
  });
});

describe("a 2xx that is not HTML but not the service's answer either", () => {
  let server: Server;
  let endpoint: string;
  let body = "";
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/xml" }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ["an empty body", ""],
    ["another XML document", '<?xml version="1.0"?><Status>ok</Status>'],
  ])("Route 53 ListResourceRecordSets with %s is unreadable, not an empty zone", async (_, text) => {
    body = text;
    const a = adapters({ endpoint } as Backend, { retry: { retries: 1 } });
    const error = await failure(() => a.traffic.read([{ ...PAIR, zoneName: undefined, zoneId: "Z1" }]));
    expect(error).toMatchObject({ awsCode: "NotAnAwsAnswer", operation: "route53:ListResourceRecordSets" });
    expect((error as Error).message).toMatch(/without `ResourceRecordSets` and `IsTruncated`/);
  });
});

describe("htmlPageReason", () => {
  it("recognises a page by its start, whatever the content type says", () => {
    expect(htmlPageReason("text/html; charset=utf-8", "<!DOCTYPE html><html>")).toBe(
      "an HTML page (content-type text/html)",
    );
    expect(htmlPageReason("", "\ufeff\n  <!-- portal --><HTML lang=en>")).toBe("an HTML page");
    expect(htmlPageReason("application/octet-stream", "<head><title>x")).toMatch(/HTML page/);
  });

  it("lets AWS answers through, including emulators that label them text/html", () => {
    expect(htmlPageReason("text/html", "")).toBeUndefined();
    expect(htmlPageReason("text/html", '<?xml version="1.0"?><ListResourceRecordSetsResponse>')).toBe(
      undefined,
    );
    expect(htmlPageReason("application/x-amz-json-1.0", '{"MetricAlarms":[]}')).toBeUndefined();
    expect(htmlPageReason("application/json", '{"note":"<html>"}')).toBeUndefined();
  });
});
