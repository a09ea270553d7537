/**
 * Where clients send their requests and with which credentials, observed by small recording servers on
 * 127.0.0.1. The SDK itself honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (see clients.ts);
 * these tests prove it for every service we use.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ListHostedZonesByNameCommand } from "@aws-sdk/client-route-53";
import { DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeClusterCommand } from "@aws-sdk/client-eks";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { createClientFactory, resolveRegion } from "../../src/aws/clients.ts";
import { useFakeCredentials } from "../support/backends.ts";

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

interface Recorder {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** Answers every request with a 503 so each client call ends after one request. */
async function recorder(): Promise<Recorder> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    req.resume();
    res.writeHead(503, { "content-type": "text/plain" }).end("unavailable");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const VARS = ["ROUTE_53", "EKS", "CLOUDWATCH", "S3", "STS"] as const;

describe("client factory", () => {
  const servers: Record<string, Recorder> = {};
  beforeAll(async () => {
    useFakeCredentials();
    for (const name of [...VARS, "GLOBAL", "FLAG"]) servers[name] = await recorder();
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s.close();
  });
  afterEach(() => {
    for (const key of Object.keys(process.env))
      if (key.startsWith("AWS_ENDPOINT_URL")) delete process.env[key];
    for (const s of Object.values(servers)) s.seen.length = 0;
  });

  async function callEach(factory: ReturnType<typeof createClientFactory>): Promise<void> {
    const calls: Promise<unknown>[] = [
      factory.route53().then((c) => c.send(new ListHostedZonesByNameCommand({ DNSName: "x.test" }))),
      factory.eks().then((c) => c.send(new DescribeClusterCommand({ name: "c" }))),
      factory.cloudwatch().then((c) => c.send(new DescribeAlarmsCommand({}))),
      factory.s3().then((c) => c.send(new GetObjectCommand({ Bucket: "state-bucket", Key: "k" }))),
      factory.sts().then((c) => c.send(new GetCallerIdentityCommand({}))),
    ];
    await Promise.allSettled(calls);
  }

  it("the SDK honours AWS_ENDPOINT_URL_<SERVICE> for each service, falling back to AWS_ENDPOINT_URL", async () => {
    process.env.AWS_ENDPOINT_URL = servers.GLOBAL!.url;
    process.env.AWS_ENDPOINT_URL_ROUTE_53 = servers.ROUTE_53!.url;
    process.env.AWS_ENDPOINT_URL_EKS = servers.EKS!.url;
    await callEach(createClientFactory({ settings: {} }));
    expect(servers.ROUTE_53!.seen.map((s) => s.url)).toEqual([
      "/2013-04-01/hostedzonesbyname?dnsname=x.test",
    ]);
    expect(servers.EKS!.seen.map((s) => s.url)).toEqual(["/clusters/c"]);
    // CloudWatch, S3 and STS had no variable of their own.
    expect(servers.GLOBAL!.seen).toHaveLength(3);
  });

  it.each(VARS)("AWS_ENDPOINT_URL_%s alone moves only that service", async (name) => {
    process.env[`AWS_ENDPOINT_URL_${name}`] = servers[name]!.url;
    await callEach(createClientFactory({ settings: { region: "eu-west-1" } }));
    expect(servers[name]!.seen).toHaveLength(1);
  });

  it("an explicit env (a command's context) means the same as process.env", async () => {
    const env = { AWS_ENDPOINT_URL: servers.GLOBAL!.url, AWS_ENDPOINT_URL_EKS: servers.EKS!.url };
    await callEach(createClientFactory({ settings: {}, env }));
    expect(servers.EKS!.seen).toHaveLength(1);
    expect(servers.GLOBAL!.seen).toHaveLength(4);
    expect(servers.S3!.seen).toEqual([]);
  });

  it("--endpoint-url overrides every variable", async () => {
    process.env.AWS_ENDPOINT_URL = servers.GLOBAL!.url;
    for (const name of VARS) process.env[`AWS_ENDPOINT_URL_${name}`] = servers[name]!.url;
    await callEach(createClientFactory({ settings: { endpointUrl: servers.FLAG!.url } }));
    expect(servers.FLAG!.seen).toHaveLength(5);
    for (const name of [...VARS, "GLOBAL"]) expect(servers[name]!.seen).toEqual([]);
  });

  it("makes exactly one request per call: the SDK's own retries are off (maxAttempts 1)", async () => {
    const factory = createClientFactory({ settings: { endpointUrl: servers.FLAG!.url } });
    const client = await factory.cloudwatch();
    await expect(client.send(new DescribeAlarmsCommand({}))).rejects.toBeDefined();
    expect(servers.FLAG!.seen).toHaveLength(1);
    expect(servers.FLAG!.seen[0]!.headers["amz-sdk-request"]).toBe("attempt=1; max=1");
  });

  it("addresses S3 buckets by path when the endpoint comes from the environment", async () => {
    process.env.AWS_ENDPOINT_URL_S3 = servers.S3!.url;
    await callEach(createClientFactory({ settings: {} }));
    expect(servers.S3!.seen[0]!.url).toMatch(/^\/state-bucket\/k/);
    expect(servers.S3!.seen[0]!.headers.host).toBe(new URL(servers.S3!.url).host);
  });

  it("signs for the region: cluster's own > --region > plan > AWS_REGION", async () => {
    const factory = createClientFactory({
      settings: { endpointUrl: servers.FLAG!.url },
      planRegion: "eu-central-1",
    });
    await (
      await factory.eks({ region: "ap-southeast-2" })
    )
      .send(new DescribeClusterCommand({ name: "c" }))
      .catch(() => {});
    await (await factory.eks()).send(new DescribeClusterCommand({ name: "c" })).catch(() => {});
    const regions = servers.FLAG!.seen.map(
      (s) => /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(s.headers.authorization))?.[1],
    );
    expect(regions).toEqual(["ap-southeast-2", "eu-central-1"]);

    const env = { AWS_REGION: "us-west-2" };
    expect(resolveRegion({}, undefined, undefined, env)).toBe("us-west-2");
    expect(resolveRegion({}, "eu-central-1", undefined, env)).toBe("eu-central-1");
    expect(resolveRegion({ region: "eu-west-1" }, "eu-central-1", undefined, env)).toBe("eu-west-1");
    expect(resolveRegion({ region: "eu-west-1" }, "eu-central-1", { region: "sa-east-1" }, env)).toBe(
      "sa-east-1",
    );
  });

  it("--profile picks credentials from the shared files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ebg-profile-"));
    writeFileSync(
      join(dir, "credentials"),
      "[ops]\naws_access_key_id = AKIAPROFILEOPS\naws_secret_access_key = secret\n",
    );
    writeFileSync(join(dir, "config"), "[profile ops]\nregion = eu-north-1\n");
    const saved = { ...process.env };
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, "credentials");
    process.env.AWS_CONFIG_FILE = join(dir, "config");
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const factory = createClientFactory({
        settings: { endpointUrl: servers.FLAG!.url, profile: "ops", region: "eu-north-1" },
      });
      await (await factory.sts()).send(new GetCallerIdentityCommand({})).catch(() => {});
      expect(String(servers.FLAG!.seen[0]!.headers.authorization)).toContain("Credential=AKIAPROFILEOPS/");
    } finally {
      process.env = saved;
    }
  });
});
