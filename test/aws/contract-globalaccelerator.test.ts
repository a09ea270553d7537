/**
 * The Global Accelerator adapter against the sandbox only: moto 5.2 has no Global Accelerator (see the
 * capability table in test/support/backends.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescribeEndpointGroupCommand } from "@aws-sdk/client-global-accelerator";
import { createClientFactory } from "../../src/aws/clients.ts";
import { createEndpointGroupsPort } from "../../src/aws/globalaccelerator.ts";
import { createCaller } from "../../src/aws/retry.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { CAPABILITIES, useFakeCredentials } from "../support/backends.ts";

// The capability table says which backend has Global Accelerator; this suite runs where it exists.
if (CAPABILITIES.moto.globalAccelerator)
  throw new Error("moto gained Global Accelerator: run this suite on it too");

const BLUE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/blue/1111111111111111";
const GREEN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/green/2222222222222222";
const OTHER = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/other/3333333333333333";

describe("Global Accelerator endpoint groups adapter (sandbox)", () => {
  let sandbox: Sandbox;
  let groupArn: string;
  const ops: string[] = [];

  beforeAll(async () => {
    useFakeCredentials();
    sandbox = await startSandbox();
    const ga = sandbox.world.globalaccelerator;
    const accelerator = ga.createAccelerator("shop");
    const listener = ga.createListener(accelerator.AcceleratorArn, [{ FromPort: 443, ToPort: 443 }]);
    groupArn = ga.createEndpointGroup(
      listener.ListenerArn,
      "us-east-1",
      [
        { EndpointId: BLUE, Weight: 100, ClientIPPreservationEnabled: false },
        { EndpointId: GREEN, Weight: 0, ClientIPPreservationEnabled: false },
        { EndpointId: OTHER, Weight: 7, ClientIPPreservationEnabled: true },
      ],
      { HealthCheckPath: "/healthz", HealthCheckProtocol: "HTTPS", HealthCheckPort: 443, ThresholdCount: 5 },
    ).EndpointGroupArn;
  });
  afterAll(() => sandbox.close());

  function port() {
    const clients = createClientFactory({ settings: { endpointUrl: sandbox.endpoint, region: "eu-west-1" } });
    const inner = createCaller({ policy: { retries: 2, baseDelayMs: 5, maxDelayMs: 50, budgetMs: 5_000 } });
    return {
      clients,
      endpointGroups: createEndpointGroupsPort({
        client: () => clients.globalAccelerator(),
        caller: { call: (op, fn, signal) => (ops.push(op), inner.call(op, fn, signal)) },
        poll: { initialMs: 20, factor: 1.5, maxMs: 100 },
      }),
    };
  }

  it("talks to us-west-2 whatever the plan's region", async () => {
    const { clients } = port();
    expect(await (await clients.globalAccelerator()).config.region()).toBe("us-west-2");
  });

  it("writes the whole endpoint list back: the pair's weights set, the rest as read", async () => {
    const { endpointGroups } = port();
    const ref = { endpointGroupArn: groupArn, blue: BLUE, green: GREEN };
    const readings = await endpointGroups.read([ref]);
    expect(readings[0]).toMatchObject({ found: true, updating: false });
    const [after] = await endpointGroups.apply(readings, 10);
    const byId = Object.fromEntries(after!.endpoints.map((e) => [e.EndpointId, e]));
    expect(byId[BLUE]).toMatchObject({ Weight: 90, ClientIPPreservationEnabled: false });
    expect(byId[GREEN]).toMatchObject({ Weight: 10, ClientIPPreservationEnabled: false });
    expect(byId[OTHER]).toMatchObject({ Weight: 7, ClientIPPreservationEnabled: true });
    const live = sandbox.world.globalaccelerator.endpointGroup(groupArn);
    expect(live).toMatchObject({ HealthCheckPath: "/healthz", HealthCheckPort: 443, ThresholdCount: 5 });
  });

  it("waits out an accelerator that is still applying the update instead of failing", async () => {
    const { endpointGroups } = port();
    sandbox.world.globalaccelerator.updateDelayMs = 300;
    try {
      const ref = { endpointGroupArn: groupArn, blue: BLUE, green: GREEN };
      const readings = await endpointGroups.read([ref]);
      const [after] = await endpointGroups.apply(readings, 50, { settleMs: 5_000 });
      expect(after!.endpoints.find((e) => e.EndpointId === GREEN)?.Weight).toBe(50);
      // It did re-read while the update was invisible.
      expect(ops.filter((o) => o === "globalaccelerator:DescribeEndpointGroup").length).toBeGreaterThan(2);
    } finally {
      sandbox.world.globalaccelerator.updateDelayMs = 0;
    }
  });

  it("describes an accelerator once however many of its endpoint groups one read covers", async () => {
    const ga = sandbox.world.globalaccelerator;
    const accelerator = ga.createAccelerator("regions");
    const listener = ga.createListener(accelerator.AcceleratorArn, [{ FromPort: 443, ToPort: 443 }]);
    const refs = ["us-east-1", "eu-west-1", "ap-southeast-2"].map((region) => ({
      endpointGroupArn: ga.createEndpointGroup(listener.ListenerArn, region, [
        { EndpointId: BLUE, Weight: 100 },
        { EndpointId: GREEN, Weight: 0 },
      ]).EndpointGroupArn,
      blue: BLUE,
      green: GREEN,
    }));
    const { endpointGroups } = port();
    ops.length = 0;
    const readings = await endpointGroups.read([
      ...refs,
      { endpointGroupArn: groupArn, blue: BLUE, green: GREEN },
    ]);
    expect(readings.map((r) => r.found)).toEqual([true, true, true, true]);
    expect(ops.filter((o) => o === "globalaccelerator:DescribeEndpointGroup")).toHaveLength(4);
    // Two accelerators: "regions" (three groups) and "shop" (one).
    expect(ops.filter((o) => o === "globalaccelerator:DescribeAccelerator")).toHaveLength(2);
  });

  it("reports an unknown endpoint group as not found, and names AWS's error otherwise", async () => {
    const { endpointGroups, clients } = port();
    const [r] = await endpointGroups.read([{ endpointGroupArn: `${groupArn}0`, blue: BLUE, green: GREEN }]);
    expect(r).toMatchObject({ found: false, endpoints: [] });
    await expect(
      (await clients.globalAccelerator()).send(
        new DescribeEndpointGroupCommand({ EndpointGroupArn: "nope" }),
      ),
    ).rejects.toMatchObject({ name: "EndpointGroupNotFoundException" });
  });
});
