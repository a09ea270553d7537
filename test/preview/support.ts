/** Test helpers: a recording CommandContext, fake ports and readings built from plain objects. */
import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import type {
  AlarmReading,
  AlarmSelector,
  AlarmTransition,
  ClusterReading,
  PairReading,
  Ports,
  RecordPairRef,
} from "../../src/engine/ports.ts";

export { testContext } from "../support/context.ts";

export function record(pair: RecordPairRef, set: string, weight: number, ttl = 60): ResourceRecordSet {
  return {
    Name: `${pair.name}.`,
    Type: pair.type as ResourceRecordSet["Type"],
    SetIdentifier: set,
    Weight: weight,
    TTL: ttl,
    ResourceRecords: [{ Value: set.includes("green") ? "10.0.0.2" : "10.0.0.1" }],
  };
}

/** Every pair present, all on blue, zones resolved to Z<name>. */
export function allOnBlue(pairs: readonly RecordPairRef[], ttl = 60): PairReading[] {
  return pairs.map((pair) => ({
    pair,
    zoneId: pair.zoneId ?? "ZRESOLVED",
    blue: record(pair, pair.blue, 100, ttl),
    green: record(pair, pair.green, 0, ttl),
    others: [],
  }));
}

export function healthyCluster(
  name: string,
  version: string,
  extra: Partial<ClusterReading> = {},
): ClusterReading {
  return {
    name,
    exists: true,
    status: "ACTIVE",
    version,
    platformVersion: "eks.1",
    endpoint: "https://example.invalid",
    certificateAuthority: undefined,
    arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
    issues: [],
    nodegroups: [
      { name: "general", status: "ACTIVE", version, issues: [], scaling: { min: 1, max: 3, desired: 2 } },
    ],
    fargateProfiles: [],
    addons: [{ name: "vpc-cni", status: "ACTIVE", version: "v1", issues: [] }],
    insights: undefined,
    ...extra,
  };
}

export function okAlarm(name: string, state: AlarmReading["state"] = "OK"): AlarmReading {
  return { name, kind: "metric", state, reason: "test", updatedAt: "2026-01-01T00:00:00Z" };
}

export interface FakeWorld {
  readings?: (pairs: readonly RecordPairRef[]) => PairReading[];
  cluster?: ClusterReading;
  alarms?: (selector: AlarmSelector) => { alarms: AlarmReading[]; missing: string[] };
  history?: AlarmTransition[];
  fail?: Partial<Record<"traffic" | "alarms" | "green", string>>;
}

/** In-memory ports that answer reads from `world` and record every call; writes throw. */
export function fakePorts(world: FakeWorld) {
  const calls: string[] = [];
  const refuse = (name: string) => async () => {
    calls.push(name);
    throw new Error(`${name} must not be called by a read-only preview`);
  };
  const cluster = {
    describe: async (name: string) => {
      calls.push(`clusters.describe:${name}`);
      if (world.fail?.green) throw new Error(world.fail.green);
      return world.cluster ?? { ...healthyCluster(name, "1.31"), exists: false };
    },
    deleteCluster: refuse("clusters.deleteCluster"),
    scaleToZero: refuse("clusters.scaleToZero"),
  };
  const ports: Ports = {
    traffic: {
      read: async (pairs) => {
        calls.push("traffic.read");
        if (world.fail?.traffic) throw new Error(world.fail.traffic);
        return (world.readings ?? allOnBlue)(pairs);
      },
      apply: refuse("traffic.apply"),
      waitInSync: refuse("traffic.waitInSync"),
      deleteBlue: refuse("traffic.deleteBlue"),
    },
    alarms: {
      describe: async (selector) => {
        calls.push("alarms.describe");
        if (world.fail?.alarms) throw new Error(world.fail.alarms);
        return world.alarms
          ? world.alarms(selector)
          : { alarms: [...selector.names].map((n) => okAlarm(n)), missing: [...selector.prefixes] };
      },
      history: async (since) => {
        calls.push(`alarms.history:${since.toISOString()}`);
        return world.history ?? [];
      },
    },
    clusters: { blue: cluster, green: cluster },
  };
  return { ports, calls };
}
