import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
  GetHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type Change,
  type ResourceRecordSet,
} from "@aws-sdk/client-route-53";
import { seedFromPlan, startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { clientsFor, rejection, testPlan } from "./support.ts";

let sandbox: Sandbox;
let route53: ReturnType<typeof clientsFor>["route53"];
let zoneId: string;

beforeAll(async () => {
  sandbox = await startSandbox({ inSyncDelayMs: 150 });
  seedFromPlan(sandbox, testPlan());
  route53 = clientsFor(sandbox).route53;
  zoneId = sandbox.world.route53.zoneByName("example.com")!.id;
});
afterAll(() => sandbox.close());

const weighted = (name: string, setId: string, weight: number, value: string): ResourceRecordSet => ({
  Name: name,
  Type: "A",
  SetIdentifier: setId,
  Weight: weight,
  TTL: 60,
  ResourceRecords: [{ Value: value }],
});

/** The live record as the SDK types it (the world's type is a plain-string copy). */
const live = (setId: string) =>
  ({ ...sandbox.world.route53.record(zoneId, "api.example.com", "A", setId)! }) as ResourceRecordSet;

async function change(changes: Change[], id = zoneId) {
  return route53.send(
    new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: changes } }),
  );
}

describe("Route 53 hosted zones", () => {
  it("finds the seeded zone by name, by id and in the full list", async () => {
    const byName = await route53.send(new ListHostedZonesByNameCommand({ DNSName: "example.com" }));
    expect(byName.HostedZones?.[0]).toMatchObject({ Id: `/hostedzone/${zoneId}`, Name: "example.com." });
    const one = await route53.send(new GetHostedZoneCommand({ Id: zoneId }));
    expect(one.HostedZone?.Name).toBe("example.com.");
    expect(one.DelegationSet?.NameServers?.length).toBeGreaterThan(0);
    const all = await route53.send(new ListHostedZonesCommand({}));
    expect(all.HostedZones?.map((z) => z.Id)).toContain(`/hostedzone/${zoneId}`);
  });

  it("answers NoSuchHostedZone for an unknown id", async () => {
    const error = await rejection(route53.send(new GetHostedZoneCommand({ Id: "ZNOSUCHZONE123" })));
    expect(error.name).toBe("NoSuchHostedZone");
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it("creates a zone with SOA and NS records, as AWS does", async () => {
    const created = await route53.send(
      new CreateHostedZoneCommand({ Name: "created.test", CallerReference: "ref-1" }),
    );
    expect(created.HostedZone?.Name).toBe("created.test.");
    const records = await route53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: created.HostedZone!.Id! }),
    );
    expect(records.ResourceRecordSets?.map((r) => r.Type).sort()).toEqual(["NS", "SOA"]);
    const again = await rejection(
      route53.send(new CreateHostedZoneCommand({ Name: "created.test", CallerReference: "ref-1" })),
    );
    expect(again.name).toBe("HostedZoneAlreadyExists");
  });
});

describe("Route 53 records", () => {
  it("lists the seeded weighted pair: blue 100 with a health check, green 0, TTL 60", async () => {
    const out = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: "api.example.com",
        StartRecordType: "A",
      }),
    );
    const [blue, green] = out.ResourceRecordSets!;
    expect(blue).toMatchObject({ Name: "api.example.com.", SetIdentifier: "blue", Weight: 100, TTL: 60 });
    expect(blue?.HealthCheckId).toBeTruthy();
    expect(green).toMatchObject({ SetIdentifier: "green", Weight: 0, TTL: 60 });
  });

  it("pages at most 300 records and resumes from NextRecordName/Type/Identifier", async () => {
    const created = await route53.send(
      new CreateHostedZoneCommand({ Name: "many.test", CallerReference: "many" }),
    );
    const id = created.HostedZone!.Id!;
    const changes: Change[] = [];
    for (let i = 0; i < 350; i++) {
      changes.push({
        Action: "CREATE",
        ResourceRecordSet: weighted("svc.many.test", `set-${String(i).padStart(3, "0")}`, 1, "192.0.2.1"),
      });
    }
    await change(changes, id);
    const seen: string[] = [];
    let next: { StartRecordName?: string; StartRecordType?: "A"; StartRecordIdentifier?: string } = {};
    let pages = 0;
    for (;;) {
      const page = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id, ...next }));
      pages += 1;
      expect(page.ResourceRecordSets!.length).toBeLessThanOrEqual(300);
      seen.push(...page.ResourceRecordSets!.map((r) => `${r.Name}|${r.Type}|${r.SetIdentifier ?? ""}`));
      if (!page.IsTruncated) break;
      next = {
        StartRecordName: page.NextRecordName!,
        StartRecordType: page.NextRecordType as "A",
        StartRecordIdentifier: page.NextRecordIdentifier!,
      };
    }
    expect(pages).toBe(2);
    expect(seen).toHaveLength(352); // 350 records + NS + SOA
    expect(new Set(seen).size).toBe(352);
  });

  it("UPSERTs a pair in one batch, keeping the health check it is given", async () => {
    const blue = live("blue");
    const green = live("green");
    await change([
      { Action: "UPSERT", ResourceRecordSet: { ...blue, Weight: 90 } },
      { Action: "UPSERT", ResourceRecordSet: { ...green, Weight: 10 } },
    ]);
    expect(sandbox.world.route53.record(zoneId, "api.example.com", "A", "blue")).toMatchObject({
      Weight: 90,
      HealthCheckId: blue.HealthCheckId,
    });
    expect(sandbox.world.route53.record(zoneId, "api.example.com", "A", "green")?.Weight).toBe(10);
  });

  it("reports a change PENDING, then INSYNC after the configured delay", async () => {
    const blue = live("blue");
    const out = await change([{ Action: "UPSERT", ResourceRecordSet: { ...blue, Weight: 80 } }]);
    expect(out.ChangeInfo?.Status).toBe("PENDING");
    const pending = await route53.send(new GetChangeCommand({ Id: out.ChangeInfo!.Id! }));
    expect(pending.ChangeInfo?.Status).toBe("PENDING");
    await new Promise((r) => setTimeout(r, 200));
    const synced = await route53.send(new GetChangeCommand({ Id: out.ChangeInfo!.Id! }));
    expect(synced.ChangeInfo?.Status).toBe("INSYNC");
  });

  it("answers NoSuchChange for an unknown change id", async () => {
    const error = await rejection(route53.send(new GetChangeCommand({ Id: "/change/CNOSUCH" })));
    expect(error.name).toBe("NoSuchChange");
  });

  it("rejects a CREATE of an existing record with InvalidChangeBatch and its message", async () => {
    const blue = live("blue");
    const error = await rejection(change([{ Action: "CREATE", ResourceRecordSet: blue }]));
    expect(error.name).toBe("InvalidChangeBatch");
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toMatch(
      /Tried to create resource record set \[name='api.example.com.', type='A', set-identifier='blue'\] but it already exists/,
    );
  });

  it("rejects a DELETE of a missing record and of one whose values differ", async () => {
    const missing = await rejection(
      change([{ Action: "DELETE", ResourceRecordSet: weighted("nope.example.com", "x", 1, "192.0.2.9") }]),
    );
    expect(missing.name).toBe("InvalidChangeBatch");
    expect(missing.message).toMatch(/but it was not found/);
    const green = live("green");
    const differs = await rejection(
      change([{ Action: "DELETE", ResourceRecordSet: { ...green, TTL: 300 } }]),
    );
    expect(differs.message).toMatch(/do not match the current values/);
  });

  it("rejects a weight outside 0–255 and a weighted record without a set identifier", async () => {
    const tooHeavy = await rejection(
      change([{ Action: "CREATE", ResourceRecordSet: weighted("w.example.com", "a", 300, "192.0.2.1") }]),
    );
    expect(tooHeavy.name).toBe("InvalidChangeBatch");
    const { SetIdentifier: _, ...noSetId } = weighted("w.example.com", "a", 5, "192.0.2.1");
    const anonymous = await rejection(change([{ Action: "CREATE", ResourceRecordSet: noSetId }]));
    expect(anonymous.name).toBe("InvalidChangeBatch");
  });

  it("enforces the batch limits: 1,000 ResourceRecord elements (UPSERT counting twice) and 32,000 characters", async () => {
    const upserts = (count: number, value: string): Change[] =>
      Array.from({ length: count }, (_, i) => ({
        Action: "UPSERT",
        ResourceRecordSet: weighted("limit.example.com", `s${i}`, 1, value),
      }));
    await change(upserts(500, "192.0.2.1")); // 1,000 counted: at the limit
    const over = await rejection(change(upserts(501, "192.0.2.1")));
    expect(over.name).toBe("InvalidChangeBatch");
    expect(over.message).toMatch(/records limit of 1000/);
    const long = await rejection(
      change(
        upserts(2, "x".repeat(8_001)).map((c) => ({
          ...c,
          ResourceRecordSet: { ...c.ResourceRecordSet!, Type: "TXT" },
        })),
      ),
    );
    expect(long.message).toMatch(/characters limit of 32000/);
  });

  it("applies a batch all-or-nothing: one bad change leaves every record as it was", async () => {
    const before = sandbox.world.route53.records(zoneId).map((r) => ({ ...r }));
    const blue = live("blue");
    const error = await rejection(
      change([
        { Action: "UPSERT", ResourceRecordSet: { ...blue, Weight: 1 } },
        { Action: "CREATE", ResourceRecordSet: weighted("new.example.com", "a", 1, "192.0.2.1") },
        { Action: "DELETE", ResourceRecordSet: weighted("missing.example.com", "a", 1, "192.0.2.1") },
      ]),
    );
    expect(error.name).toBe("InvalidChangeBatch");
    expect(sandbox.world.route53.records(zoneId)).toEqual(before);
  });

  it("deletes a record given exactly, and lets tests edit a weight by hand", async () => {
    await change([{ Action: "CREATE", ResourceRecordSet: weighted("tmp.example.com", "a", 1, "192.0.2.1") }]);
    await change([{ Action: "DELETE", ResourceRecordSet: weighted("tmp.example.com", "a", 1, "192.0.2.1") }]);
    expect(sandbox.world.route53.record(zoneId, "tmp.example.com", "A", "a")).toBeUndefined();
    sandbox.world.route53.setWeight(zoneId, "api.example.com", "A", "green", 42);
    const out = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: "api.example.com",
        StartRecordType: "A",
        StartRecordIdentifier: "green",
        MaxItems: 1,
      }),
    );
    expect(out.ResourceRecordSets?.[0]).toMatchObject({ SetIdentifier: "green", Weight: 42 });
    expect(out.IsTruncated).toBe(true);
  });
});
