import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
  sandbox.world.route53.createZone("example.com", { id: "ZBADINPUT1" });
});
afterAll(() => sandbox.close());

const scoped = (service: string) => ({
  authorization: `AWS4-HMAC-SHA256 Credential=sandbox/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
});

describe("bad requests get AWS-shaped errors, never a crash", () => {
  it("malformed XML in a Route 53 change batch is InvalidInput", async () => {
    const response = await fetch(`${sandbox.endpoint}/2013-04-01/hostedzone/ZBADINPUT1/rrset/`, {
      method: "POST",
      headers: scoped("route53"),
      body: "<ChangeResourceRecordSetsRequest><ChangeBatch>",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("<Code>InvalidInput</Code>");
  });

  it("an unknown operation is InvalidAction in the service's own format", async () => {
    const route53 = await fetch(`${sandbox.endpoint}/2013-04-01/healthcheck`, { headers: scoped("route53") });
    expect(route53.status).toBe(400);
    expect(await route53.text()).toContain("<ErrorResponse");
    const eks = await fetch(`${sandbox.endpoint}/clusters/a/access-entries`, { headers: scoped("eks") });
    expect(eks.headers.get("x-amzn-errortype")).toBe("InvalidAction");
    const cloudwatch = await fetch(sandbox.endpoint, {
      method: "POST",
      headers: {
        ...scoped("monitoring"),
        "x-amz-target": "GraniteServiceVersion20100801.GetMetricWidgetImage",
        "content-type": "application/x-amz-json-1.0",
      },
      body: "{}",
    });
    expect(cloudwatch.headers.get("x-amzn-query-error")).toBe("InvalidAction;Sender");
    expect(sandbox.calls.at(-1)).toMatchObject({ service: "monitoring", operation: "Unknown", status: 400 });
  });

  it("a body that is not JSON, and a path that cannot be decoded, are 400s", async () => {
    const json = await fetch(`${sandbox.endpoint}/clusters`, {
      method: "POST",
      headers: scoped("eks"),
      body: "{nope",
    });
    expect(json.status).toBe(400);
    expect(json.headers.get("x-amzn-errortype")).toBe("SerializationException");
    const path = await fetch(`${sandbox.endpoint}/clusters/%E0%A4%A`, { headers: scoped("eks") });
    expect(path.status).toBe(400);
    expect(path.headers.get("x-amzn-errortype")).toBe("InvalidInput");
  });

  it("closes twice without complaint", async () => {
    const extra = await startSandbox();
    await extra.close();
    await expect(extra.close()).resolves.toBeUndefined();
  });
});
