/**
 * An in-memory world behind the Ports, with a clock the test moves, so the driver runs complete
 * upgrades in milliseconds: weighted records that change, alarms that flip (with history), a green
 * cluster whose health can degrade, a blue cluster that can be retired, and failure switches.
 * Also an in-memory StateStore with real lock semantics (lease, takeover, LockedError).
 */
import type { ResourceRecordSet } from "@aws-sdk/client-route-53";
import type {
  AlarmReading,
  AlarmStateValue,
  AlarmTransition,
  ClusterReading,
  PairReading,
  Ports,
  RecordPairRef,
  SubmittedChange,
} from "../../src/engine/ports.ts";
import { AwsError, LockedError, PreconditionFailedError } from "../../src/errors.ts";
import { compilePlan, type CompiledPlan } from "../../src/plan/compile.ts";
import { Plan, type PlanInput } from "../../src/plan/schema.ts";
import type { Lease, LockInfo, LockOwner, StateStore, StoredState } from "../../src/state/store.ts";

export class FakeClock {
  constructor(public t = Date.parse("2026-03-02T10:00:00Z")) {}
  now = (): Date => new Date(this.t);
  advance = (ms: number): void => {
    this.t += ms;
  };
  sleep = async (ms: number): Promise<void> => {
    this.t += ms;
  };
}

/** A small plan with every duration short; `overrides` replaces top-level sections. */
export function testPlan(overrides: Partial<PlanInput> = {}, file = "plans/test.yaml"): CompiledPlan {
  const doc = Plan.parse({
    apiVersion: "eks-bluegreen/v1",
    metadata: { name: "test" },
    region: "us-east-1",
    clusters: {
      blue: { name: "blue" },
      green: { name: "green", kubernetesVersion: "1.31" },
    },
    traffic: {
      records: [
        { zoneId: "Z1", name: "api.example.com.", blue: "blue", green: "green" },
        { zoneId: "Z1", name: "www.example.com.", blue: "blue", green: "green" },
      ],
    },
    steps: [
      { green: 10, bake: "60s" },
      { green: 50, bake: "60s" },
      { green: 100, bake: "60s" },
    ],
    alarms: { names: ["errors", "latency"], pollInterval: "10s" },
    rollback: { holdTimeout: "5m" },
    retire: { after: "10m", mode: "keep", approval: false, blueRecords: "keep" },
    ...overrides,
  } satisfies PlanInput);
  return compilePlan(doc, file);
}

interface FakeRecord {
  blue: number | undefined;
  green: number;
}

export interface FakeWorld {
  ports: Ports;
  clock: FakeClock;
  /** Every mutating call, in order: "apply 10", "deleteBlue", "scaleToZero blue", … */
  calls: string[];
  weights(): { name: string; blue: number | undefined; green: number }[];
  /** Change weights by hand (drift). `name` undefined = every pair. */
  setWeights(blue: number, green: number, name?: string): void;
  setAlarm(name: string, state: AlarmStateValue): void;
  alarms: Map<string, AlarmReading>;
  green: ClusterReading;
  blue: { deleted: boolean; scaledToZero: boolean };
  faults: {
    /** INSYNC arrives this long (clock time) after a change is submitted. */
    insyncDelayMs: number;
    trafficUnreadable: boolean;
    alarmsUnreadable: boolean;
    /** The next apply throws after (true) or before (false) changing the weights. */
    failApply: "none" | "before" | "after";
  };
}

const RRS = (pair: RecordPairRef, id: string, weight: number): ResourceRecordSet => ({
  Name: pair.name,
  Type: pair.type as ResourceRecordSet["Type"],
  SetIdentifier: id,
  Weight: weight,
  TTL: 30,
  ResourceRecords: [{ Value: id === pair.blue ? "192.0.2.1" : "192.0.2.2" }],
});

export function fakeWorld(plan: CompiledPlan, clock = new FakeClock()): FakeWorld {
  const records = new Map<string, FakeRecord>();
  for (const r of plan.doc.traffic.records) records.set(r.name, { blue: 100, green: 0 });
  const alarms = new Map<string, AlarmReading>();
  const history: AlarmTransition[] = [];
  for (const name of plan.doc.alarms.names) {
    alarms.set(name, {
      name,
      kind: "metric",
      state: "OK",
      reason: "ok",
      updatedAt: clock.now().toISOString(),
    });
  }
  const changes = new Map<string, number>();
  let changeSeq = 0;
  const calls: string[] = [];
  const faults: FakeWorld["faults"] = {
    insyncDelayMs: 0,
    trafficUnreadable: false,
    alarmsUnreadable: false,
    failApply: "none",
  };
  const green: ClusterReading = {
    name: plan.doc.clusters.green.name,
    exists: true,
    status: "ACTIVE",
    version: plan.doc.clusters.green.kubernetesVersion,
    platformVersion: "eks.1",
    endpoint: "https://green.example",
    certificateAuthority: undefined,
    arn: "arn:aws:eks:us-east-1:111122223333:cluster/green",
    issues: [],
    nodegroups: [
      { name: "ng", status: "ACTIVE", version: "1.31", issues: [], scaling: { min: 1, max: 3, desired: 2 } },
    ],
    fargateProfiles: [],
    addons: [{ name: "vpc-cni", status: "ACTIVE", version: "v1", issues: [] }],
    insights: undefined,
  };
  const blue = { deleted: false, scaledToZero: false };

  const read = (pairs: readonly RecordPairRef[]): PairReading[] =>
    pairs.map((pair) => {
      const r = records.get(pair.name);
      return {
        pair,
        zoneId: "Z1",
        blue: r && r.blue !== undefined ? RRS(pair, pair.blue, r.blue) : undefined,
        green: r ? RRS(pair, pair.green, r.green) : undefined,
        others: [],
      };
    });

  const ports: Ports = {
    traffic: {
      read: async (pairs) => {
        if (faults.trafficUnreadable) throw new Error("Throttling: Rate exceeded");
        return read(pairs);
      },
      apply: async (readings, greenPercent) => {
        calls.push(`apply ${greenPercent}`);
        if (faults.failApply === "before") {
          faults.failApply = "none";
          throw new AwsError({
            awsCode: "InvalidChangeBatch",
            message: "refused",
            operation: "ChangeResourceRecordSets",
          });
        }
        for (const r of readings) {
          const rec = records.get(r.pair.name)!;
          rec.green = greenPercent;
          rec.blue = 100 - greenPercent;
        }
        if (faults.failApply === "after") {
          faults.failApply = "none";
          throw new AwsError({
            awsCode: "NetworkingError",
            message: "socket hang up",
            operation: "ChangeResourceRecordSets",
            retryable: true,
          });
        }
        const id = `C${++changeSeq}`;
        changes.set(id, clock.t + faults.insyncDelayMs);
        return [
          { zoneId: "Z1", changeId: id, submittedAt: clock.now().toISOString(), pairs: readings.length },
        ] satisfies SubmittedChange[];
      },
      waitInSync: async (ids, options) => {
        calls.push(`wait ${ids.join(",")}`);
        const pending = ids.filter((id) => (changes.get(id) ?? 0) > clock.t + options.timeoutMs);
        const done = ids.filter((id) => !pending.includes(id));
        const latest = Math.max(clock.t, ...done.map((id) => changes.get(id) ?? 0));
        clock.t = pending.length > 0 ? clock.t + options.timeoutMs : latest;
        return pending;
      },
      deleteBlue: async (readings) => {
        calls.push("deleteBlue");
        for (const r of readings) records.get(r.pair.name)!.blue = undefined;
        return [];
      },
    },
    alarms: {
      describe: async (selector) => {
        if (faults.alarmsUnreadable) throw new Error("ServiceUnavailable");
        const found = [...alarms.values()].filter(
          (a) => selector.names.includes(a.name) || selector.prefixes.some((p) => a.name.startsWith(p)),
        );
        const missing = selector.names.filter((n) => !alarms.has(n));
        return { alarms: found.map((a) => ({ ...a })), missing };
      },
      history: async (since, names) =>
        history.filter((h) => Date.parse(h.at) >= since.getTime() && names.includes(h.name)),
    },
    clusters: {
      green: {
        describe: async () => structuredClone(green),
        deleteCluster: async () => {},
        scaleToZero: async () => {},
      },
      blue: {
        describe: async () => ({ ...structuredClone(green), name: "blue", exists: !blue.deleted }),
        deleteCluster: async (name) => {
          calls.push(`deleteCluster ${name}`);
          blue.deleted = true;
        },
        scaleToZero: async (name) => {
          calls.push(`scaleToZero ${name}`);
          blue.scaledToZero = true;
        },
      },
    },
  };

  return {
    ports,
    clock,
    calls,
    alarms,
    green,
    blue,
    faults,
    weights: () => [...records.entries()].map(([name, r]) => ({ name, blue: r.blue, green: r.green })),
    setWeights: (b, g, name) => {
      for (const [n, r] of records) {
        if (name === undefined || n === name) {
          r.blue = b;
          r.green = g;
        }
      }
    },
    setAlarm: (name, state) => {
      const a = alarms.get(name);
      if (!a) throw new Error(`no alarm ${name}`);
      history.push({
        name,
        at: clock.now().toISOString(),
        from: a.state,
        to: state,
        summary: `${a.state} → ${state}`,
      });
      a.state = state;
      a.updatedAt = clock.now().toISOString();
    },
  };
}

/** A StateStore in memory with the real lock rules (lease, takeover of an expired lease, LockedError). */
export function memoryStore(clock: FakeClock): StateStore & {
  text: () => string | undefined;
  setText: (text: string) => void;
  lockInfo: () => LockInfo | undefined;
} {
  let doc: StoredState | undefined;
  let lock: LockInfo | undefined;
  let versions = 0;
  return {
    location: "memory://test",
    text: () => doc?.text,
    setText: (text) => {
      doc = { text, version: `v${++versions}` };
    },
    lockInfo: () => lock,
    async lock(owner: LockOwner, leaseMs: number): Promise<Lease> {
      const info: LockInfo = { ...owner, leaseUntil: new Date(clock.t + leaseMs).toISOString() };
      if (lock && Date.parse(lock.leaseUntil) > clock.t) {
        throw new LockedError(
          `Locked by ${lock.command} (pid ${lock.pid} on ${lock.host}).`,
          "wait or unlock --force",
        );
      }
      const previous = lock;
      lock = info;
      return { owner: info, token: String(clock.t), ...(previous ? { tookOverFrom: previous } : {}) };
    },
    async renew(lease: Lease, leaseMs: number): Promise<Lease> {
      if (lock?.pid !== lease.owner.pid || lock.startedAt !== lease.owner.startedAt) {
        throw new LockedError("lease lost", "run again");
      }
      lock = { ...lock, leaseUntil: new Date(clock.t + leaseMs).toISOString() };
      return { ...lease, owner: lock };
    },
    async unlock(lease: Lease): Promise<void> {
      if (lock?.pid === lease.owner.pid && lock.startedAt === lease.owner.startedAt) lock = undefined;
    },
    async others() {
      return [];
    },
    async forceUnlock() {
      const previous = lock;
      lock = undefined;
      return previous;
    },
    async readLock() {
      return lock;
    },
    async read() {
      return doc;
    },
    async write(text: string, expected: string | undefined): Promise<string> {
      if (doc?.version !== expected) throw new PreconditionFailedError("state");
      doc = { text, version: `v${++versions}` };
      return doc.version;
    },
  };
}
