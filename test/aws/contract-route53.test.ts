import { beforeAll, expect, it } from "vitest";
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  type Change,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { AwsError, ToolError } from "../../src/errors.ts";
import type { PairReading, RecordPairRef } from "../../src/engine/ports.ts";
import { bareZoneId } from "../../src/engine/route53-names.ts";
import { asRecordSet } from "../../src/aws/route53-batch.ts";
import { CAPABILITIES, describeEachBackend, type Backend, type Capabilities } from "../support/backends.ts";
import { adapters, failure, useBackend } from "./harness.ts";

const FILLER = 420;

function weighted(name: string, set: string, weight: number, value: string, type = "A"): ResourceRecordSet {
  return {
    Name: name,
    Type: type as never,
    SetIdentifier: set,
    Weight: weight,
    TTL: 60,
    ResourceRecords: [{ Value: value }],
  };
}

async function createZone(backend: Backend, name: string, changes: Change[]): Promise<string> {
  const out = await backend.raw.route53.send(
    new CreateHostedZoneCommand({ Name: name, CallerReference: `${name}-${Math.random()}` }),
  );
  const id = bareZoneId(out.HostedZone!.Id!);
  for (let i = 0; i < changes.length; i += 400) {
    await backend.raw.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: id,
        ChangeBatch: { Changes: changes.slice(i, i + 400) },
      }),
    );
  }
  return id;
}

const create = (r: ResourceRecordSet): Change => ({ Action: "CREATE", ResourceRecordSet: r });

async function listAll(backend: Backend, zoneId: string): Promise<ResourceRecordSet[]> {
  const out: ResourceRecordSet[] = [];
  let start: { StartRecordName?: string; StartRecordType?: never; StartRecordIdentifier?: string } = {};
  for (;;) {
    const page = await backend.raw.route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, ...start }),
    );
    out.push(...(page.ResourceRecordSets ?? []));
    if (!page.IsTruncated) return out;
    start = {
      StartRecordName: page.NextRecordName,
      StartRecordType: page.NextRecordType as never,
      StartRecordIdentifier: page.NextRecordIdentifier,
    };
  }
}

describeEachBackend("Route 53 traffic adapter", (spec) => {
  const backend = useBackend(spec);
  let zone: string;
  let otherZone: string;
  const api: RecordPairRef = {
    zoneName: "example.test",
    name: "api.example.test",
    type: "A",
    blue: "blue",
    green: "green",
  };
  const www = (zoneId: string): RecordPairRef => ({
    zoneId,
    name: "WWW.Example.Test.",
    type: "CNAME",
    blue: "b",
    green: "g",
  });
  const wildcard: RecordPairRef = {
    zoneName: "example.test.",
    name: "*.example.test",
    type: "A",
    blue: "blue",
    green: "green",
  };

  // Fixture for every test below: zones with weighted pairs and enough records to need several pages.
  beforeAll(async () => {
    const b = backend.current;
    zone = await createZone(b, "example.test", [
      create({ ...weighted("api.example.test", "blue", 100, "10.0.0.1"), TTL: 30 }),
      create({
        ...weighted("api.example.test", "green", 0, "10.0.1.1"),
        TTL: 30,
        ResourceRecords: [{ Value: "10.0.1.1" }, { Value: "10.0.1.2" }],
      }),
      create(weighted("www.example.test", "b", 100, "blue.example.net", "CNAME")),
      create(weighted("www.example.test", "g", 0, "green.example.net", "CNAME")),
      create(weighted("www.example.test", "canary", 5, "canary.example.net", "CNAME")),
      create(weighted("*.example.test", "blue", 100, "10.0.0.9")),
      create(weighted("*.example.test", "green", 0, "10.0.1.9")),
      create(weighted("zz1.example.test", "blue", 100, "10.0.2.1")),
      create(weighted("zz1.example.test", "green", 0, "10.0.3.1")),
      create(weighted("zz2.example.test", "blue", 100, "10.0.2.2")),
      create(weighted("zz2.example.test", "green", 0, "10.0.3.2")),
      ...Array.from({ length: FILLER }, (_, i) =>
        create({
          Name: `h${i}.example.test`,
          Type: "A",
          TTL: 300,
          ResourceRecords: [{ Value: `10.1.${i % 250}.1` }],
        }),
      ),
    ]);
    otherZone = await createZone(b, "other.test", [
      create(weighted("app.other.test", "blue", 100, "10.2.0.1")),
      create(weighted("app.other.test", "green", 0, "10.2.1.1")),
    ]);
    expect((await listAll(b, zone)).length).toBeGreaterThan(FILLER);
  });

  it("reads many pairs with one paged listing per zone, never one call per record", async () => {
    const a = adapters(backend.current, { pageSize: 300 });
    const app: RecordPairRef = {
      zoneId: otherZone,
      name: "app.other.test",
      type: "A",
      blue: "blue",
      green: "green",
    };
    const readings = await a.traffic.read([api, www(zone), wildcard, app]);
    expect(readings.map((r) => [r.zoneId, r.blue?.Weight, r.green?.Weight])).toEqual([
      [zone, 100, 0],
      [zone, 100, 0],
      [zone, 100, 0],
      [otherZone, 100, 0],
    ]);
    expect(asRecordSet(readings[0]!.green!).ResourceRecords).toHaveLength(2);
    expect(readings[1]!.others.map((o) => o.SetIdentifier)).toEqual(["canary"]);
    const total = (await listAll(backend.current, zone)).length;
    const listings = a.ops.filter((o) => o === "route53:ListResourceRecordSets").length;
    // example.test needs at most ceil(total / 300) pages; other.test one.
    expect(listings).toBeLessThanOrEqual(Math.ceil(total / 300) + 1);
    expect(a.ops.filter((o) => o === "route53:ListHostedZonesByName")).toHaveLength(1);
  });

  it("starts the listing at the record's name when one name is read", async () => {
    const a = adapters(backend.current, { pageSize: 300 });
    const [r] = await a.traffic.read([{ ...api, name: "api.example.test." }]);
    expect(r!.blue?.SetIdentifier).toBe("blue");
    expect(a.ops.filter((o) => o === "route53:ListResourceRecordSets")).toHaveLength(1);
  });

  it("starts at the lowest wanted name in Route 53's order and stops once past the highest", async () => {
    const a = adapters(backend.current, { pageSize: 100 });
    const pairs = ["zz2.example.test", "zz1.example.test"].map((name) => ({ ...api, name }));
    const readings = await a.traffic.read(pairs);
    expect(readings.map((r) => r.blue && asRecordSet(r.blue).ResourceRecords?.[0]?.Value)).toEqual([
      "10.0.2.2",
      "10.0.2.1",
    ]);
    // A listing from the top would take five pages of 100.
    expect(a.ops.filter((o) => o === "route53:ListResourceRecordSets")).toHaveLength(1);
  });

  it("a name that is not there costs one listing from the top, and the others are still read", async () => {
    const a = adapters(backend.current, { pageSize: 300 });
    const [present, absent] = await a.traffic.read([
      { ...api, name: "zz1.example.test" },
      { ...api, name: "aaa-missing.example.test" },
    ]);
    expect(present!.blue?.Weight).toBe(100);
    expect(absent!.blue).toBeUndefined();
    expect(a.ops.filter((o) => o === "route53:ListResourceRecordSets").length).toBeLessThanOrEqual(3);
  });

  it("reports a missing zone and a missing record as undefined", async () => {
    const a = adapters(backend.current);
    const [noZone, noRecord] = await a.traffic.read([
      { ...api, zoneName: "absent.test" },
      { ...api, green: "no-such-set" },
    ]);
    expect(noZone).toMatchObject({ zoneId: undefined, blue: undefined, green: undefined });
    expect(noRecord!.zoneId).toBe(zone);
    expect(noRecord!.green).toBeUndefined();
  });

  it("refuses a zone name that matches a public and a private zone, asking for zoneId", async () => {
    const b = backend.current;
    await b.raw.route53.send(
      new CreateHostedZoneCommand({ Name: "dup.test", CallerReference: "dup-public" }),
    );
    await b.raw.route53.send(
      new CreateHostedZoneCommand({
        Name: "dup.test",
        CallerReference: "dup-private",
        HostedZoneConfig: { PrivateZone: true },
        VPC: { VPCId: "vpc-12345678", VPCRegion: "us-east-1" },
      }),
    );
    const error = await failure(() =>
      adapters(b).traffic.read([{ ...api, zoneName: "dup.test", name: "x.dup.test" }]),
    );
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({ code: "ambiguous-zone", exitCode: 2 });
    expect((error as Error).message).toMatch(/public.*private|private.*public/);
  });

  it("applies a step in one batch per zone, changing only the weights", async () => {
    const a = adapters(backend.current);
    const app: RecordPairRef = {
      zoneId: otherZone,
      name: "app.other.test",
      type: "A",
      blue: "blue",
      green: "green",
    };
    const before = await a.traffic.read([api, www(zone), app]);
    const submitted = await a.traffic.apply(before, 25);
    expect(submitted.map((s) => [s.zoneId, s.pairs])).toEqual([
      [zone, 2],
      [otherZone, 1],
    ]);
    expect(a.ops.filter((o) => o === "route53:ChangeResourceRecordSets")).toHaveLength(2);
    for (const s of submitted) expect(Date.parse(s.submittedAt)).not.toBeNaN();

    const pending = await a.traffic.waitInSync(
      submitted.map((s) => s.changeId),
      { timeoutMs: 0 },
    );
    if (backend.current.capabilities.changesStartPending) {
      expect(pending).toHaveLength(2);
    } else {
      // moto: every change is INSYNC at once.
      expect(pending).toEqual([]);
    }
    expect(
      await a.traffic.waitInSync(
        submitted.map((s) => s.changeId),
        { timeoutMs: 10_000 },
      ),
    ).toEqual([]);

    const after = await a.traffic.read([api, www(zone), app]);
    expect(after.map((r) => [r.blue?.Weight, r.green?.Weight])).toEqual([
      [75, 25],
      [75, 25],
      [75, 25],
    ]);
    expect(after[0]!.green).toMatchObject({
      TTL: 30,
      ResourceRecords: [{ Value: "10.0.1.1" }, { Value: "10.0.1.2" }],
    });
    expect(after[1]!.others[0]).toMatchObject({ SetIdentifier: "canary", Weight: 5 });
  });

  it("validates before sending: a record without a set identifier never leaves the machine", async () => {
    const a = adapters(backend.current);
    const [r] = await a.traffic.read([api]);
    const broken: PairReading = { ...r!, green: { ...r!.green!, SetIdentifier: undefined } };
    const error = await failure(() => a.traffic.apply([broken], 50));
    expect(error).toMatchObject({ code: "invalid-weighted-record" });
    expect(a.ops).not.toContain("route53:ChangeResourceRecordSets");
    const incomplete: PairReading = { ...r!, blue: undefined };
    expect(await failure(() => a.traffic.apply([incomplete], 50))).toMatchObject({ code: "record-missing" });
  });

  it("deletes blue's records and is a no-op the second time", async () => {
    const a = adapters(backend.current);
    const readings = await a.traffic.read([wildcard]);
    await a.traffic.apply(readings, 100);
    const at100 = await a.traffic.read([wildcard]);
    const submitted = await a.traffic.deleteBlue(at100);
    expect(submitted).toHaveLength(1);
    await a.traffic.waitInSync([submitted[0]!.changeId], { timeoutMs: 10_000 });
    const [gone] = await a.traffic.read([wildcard]);
    expect(gone!.blue).toBeUndefined();
    expect(gone!.green?.Weight).toBe(100);
    expect(await a.traffic.deleteBlue([gone!])).toEqual([]);
  });

  it("batches are all-or-nothing: a failing change leaves every other change of the batch unapplied", async () => {
    const a = adapters(backend.current);
    const b = backend.current;
    const error = await failure(() =>
      a.caller.call("route53:ChangeResourceRecordSets", (abortSignal) =>
        b.raw.route53.send(
          new ChangeResourceRecordSetsCommand({
            HostedZoneId: otherZone,
            ChangeBatch: {
              Changes: [
                { Action: "UPSERT", ResourceRecordSet: weighted("app.other.test", "blue", 42, "10.2.0.1") },
                create(weighted("app.other.test", "green", 0, "10.2.1.1")),
              ],
            },
          }),
          { abortSignal },
        ),
      ),
    );
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({
      awsCode: "InvalidChangeBatch",
      httpStatus: 400,
      operation: "route53:ChangeResourceRecordSets",
    });
    const [app] = await a.traffic.read([
      { zoneId: otherZone, name: "app.other.test", type: "A", blue: "blue", green: "green" },
    ]);
    expect(app!.blue?.Weight).not.toBe(42);
  });

  // What each backend does with batches AWS rejects. The adapters validate before sending, so they do
  // not rely on the endpoint to refuse these; the sandbox follows AWS, moto 5.2 accepts most of them.
  const invalid: { what: string; changes: () => Change[]; rejectedBy: (c: Capabilities) => boolean }[] = [
    {
      what: "CREATE of an existing record",
      changes: () => [create(weighted("app.other.test", "blue", 1, "10.2.0.1"))],
      rejectedBy: (c) => c.rejectsCreateOfExisting,
    },
    {
      what: "DELETE of a missing record",
      changes: () => [
        { Action: "DELETE", ResourceRecordSet: weighted("app.other.test", "nobody", 1, "10.2.0.1") },
      ],
      rejectedBy: (c) => c.validatesChangeBatches,
    },
    {
      what: "a weight of 300",
      changes: () => [
        { Action: "UPSERT", ResourceRecordSet: weighted("w300.other.test", "x", 300, "10.3.0.1") },
      ],
      rejectedBy: (c) => c.validatesChangeBatches,
    },
    {
      what: "a weighted record without SetIdentifier",
      changes: () => [
        {
          Action: "UPSERT",
          ResourceRecordSet: { ...weighted("noid.other.test", "x", 3, "10.4.0.1"), SetIdentifier: undefined },
        },
      ],
      rejectedBy: (c) => c.validatesChangeBatches,
    },
  ];
  for (const c of invalid) {
    const rejected = c.rejectedBy(CAPABILITIES[spec.name]);
    it(`${c.what}: ${rejected ? "rejected with InvalidChangeBatch, as AWS does" : "accepted (differs from AWS, documented)"}`, async () => {
      const b = backend.current;
      const a = adapters(b);
      const send = () =>
        a.caller.call("route53:ChangeResourceRecordSets", (abortSignal) =>
          b.raw.route53.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: otherZone,
              ChangeBatch: { Changes: c.changes() },
            }),
            { abortSignal },
          ),
        );
      if (rejected) {
        expect(await failure(send)).toMatchObject({ awsCode: "InvalidChangeBatch", httpStatus: 400 });
      } else {
        const out = await send();
        expect(out.ChangeInfo?.Status).toBe("INSYNC");
      }
      expect(a.retries).toEqual([]);
    });
  }

  it("a group of all-zero weights: the backend accepts it (AWS does too: traffic then spreads evenly), the adapter refuses to leave one", async () => {
    const a = adapters(backend.current);
    const [r] = await a.traffic.read([
      { zoneId: otherZone, name: "app.other.test", type: "A", blue: "blue", green: "green" },
    ]);
    const b = backend.current;
    const out = await b.raw.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: otherZone,
        ChangeBatch: {
          Changes: [
            { Action: "UPSERT", ResourceRecordSet: { ...asRecordSet(r!.blue!), Weight: 0 } },
            { Action: "UPSERT", ResourceRecordSet: { ...asRecordSet(r!.green!), Weight: 0 } },
          ],
        },
      }),
    );
    expect(out.ChangeInfo?.Id).toBeTruthy();
    const [zero] = await a.traffic.read([r!.pair]);
    expect(await failure(() => a.traffic.deleteBlue([zero!]))).toMatchObject({ code: "all-zero-weights" });
  });
});
