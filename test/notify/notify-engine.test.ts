/**
 * Notifications in the pure core and the driver: which engine events each notification event stands
 * for, which deliveries are due (one `notified` ends them; `maxAttempts` failures end them), the driver's
 * single hook recording outcomes through `transition` (gap-free), and a lost record repeating a delivery
 * with the same key.
 */
import type { EventType } from "../../src/engine/vocabulary.ts";
import { describe, expect, it } from "vitest";
import { newState, type EventRecord, type UpgradeState } from "../../src/engine/state.ts";
import { dueDeliveries, notifyEventsOf, sinksOf, type Sink } from "../../src/notify/events.ts";
import type { NotifyResult } from "../../src/engine/notified.ts";
import { transition } from "../../src/engine/transition.ts";
import { buildMessage, slackPayload } from "../../src/notify/message.ts";
import { testPlan } from "../support/fake-world.ts";
import { harness } from "../engine/harness.ts";
import type { Delivery } from "../../src/notify/events.ts";

function ev(seq: number, type: EventType, evidence?: EventRecord["evidence"]): EventRecord {
  return {
    seq,
    at: "2026-01-01T00:00:00.000Z",
    type,
    step: 1,
    message: type,
    ...(evidence ? { evidence } : {}),
  };
}

function stateWith(events: EventRecord[]): UpgradeState {
  return { ...newState({ name: "shop", hash: "h" }, new Date(0)), events };
}

const webhook: Sink = {
  kind: "webhook",
  name: "hook",
  urlEnv: "HOOK",
  events: ["rollback-started", "rolled-back", "paused", "hold-timeout"],
  timeout: "1s",
  maxAttempts: 2,
};

describe("notification events", () => {
  it("maps each notification event to the engine's event types (no prose)", () => {
    expect(notifyEventsOf(ev(1, "rollback-started"))).toEqual(["rollback-started"]);
    expect(notifyEventsOf(ev(1, "rollback-started", { holdTimeout: true }))).toEqual([
      "rollback-started",
      "hold-timeout",
    ]);
    expect(notifyEventsOf(ev(1, "paused", { pauseCode: "hold-timeout" }))).toEqual([
      "paused",
      "hold-timeout",
    ]);
    expect(notifyEventsOf(ev(1, "paused", { pauseCode: "verdict-fail" }))).toEqual(["paused"]);
    expect(notifyEventsOf(ev(1, "drift"))).toEqual(["paused", "drift"]);
    expect(notifyEventsOf(ev(1, "drift-fight"))).toEqual(["paused", "drift"]);
    expect(notifyEventsOf(ev(1, "awaiting-approval"))).toEqual(["awaiting-approval"]);
    expect(notifyEventsOf(ev(1, "waiting-to-retire"))).toEqual(["awaiting-approval"]);
    expect(notifyEventsOf(ev(1, "bake-complete"))).toEqual(["step-done"]);
    expect(notifyEventsOf(ev(1, "completed"))).toEqual(["completed"]);
    expect(notifyEventsOf(ev(1, "retired"))).toEqual(["retired"]);
    expect(notifyEventsOf(ev(1, "rolled-back"))).toEqual(["rolled-back"]);
    for (const type of [
      "created",
      "shift-submitted",
      "in-sync",
      "hold",
      "notified",
      "notify-failed",
    ] as const)
      expect(notifyEventsOf(ev(1, type))).toEqual([]);
  });

  it("selects what a sink wants, keyed <plan>:<seq>, until notified or maxAttempts failures", () => {
    const base = [ev(1, "created"), ev(2, "rollback-started"), ev(3, "rolled-back"), ev(4, "completed")];
    let due = dueDeliveries(stateWith(base), [webhook]);
    expect(due.map((d) => [d.event.seq, d.attempt, d.idempotencyKey])).toEqual([
      [2, 1, "shop:2"],
      [3, 1, "shop:3"],
    ]);
    const log = [
      ...base,
      ev(5, "notified", { sink: "hook", eventSeq: 2, attempt: 1 }),
      ev(6, "notify-failed", { sink: "hook", eventSeq: 3, attempt: 1, error: "HTTP 500" }),
    ];
    due = dueDeliveries(stateWith(log), [webhook]);
    expect(due.map((d) => [d.event.seq, d.attempt, d.idempotencyKey])).toEqual([[3, 2, "shop:3"]]);
    log.push(ev(7, "notify-failed", { sink: "hook", eventSeq: 3, attempt: 2, error: "HTTP 500" }));
    expect(dueDeliveries(stateWith(log), [webhook])).toEqual([]);
    // Another sink keeps its own count.
    const other: Sink = { ...webhook, name: "other" };
    expect(dueDeliveries(stateWith(log), [other]).map((d) => d.idempotencyKey)).toEqual(["shop:2", "shop:3"]);
  });

  it("names sinks by kind and position when unnamed", () => {
    const plan = testPlan({
      notifications: {
        sinks: [
          { kind: "slack", urlEnv: "SLACK", events: ["completed"] },
          { kind: "webhook", name: "mine", urlEnv: "HOOK", events: ["completed"] },
        ],
      },
    });
    expect(sinksOf(plan.doc).map((s) => s.name)).toEqual(["slack-1", "mine"]);
  });

  it("records outcomes through transition without changing the phase or the reason", () => {
    const plan = testPlan();
    const state = {
      ...stateWith([ev(1, "created"), ev(2, "rollback-started")]),
      plan: { name: "test", hash: plan.hash },
    };
    const results: NotifyResult[] = [
      { sink: "hook", eventSeq: 2, attempt: 1, ok: true },
      { sink: "slack", eventSeq: 2, attempt: 1, ok: false, error: "ECONNREFUSED" },
    ];
    const r = transition(state, undefined, plan, new Date(1000), { kind: "notified", results });
    expect(r.state.phase).toBe(state.phase);
    expect(r.state.reason).toEqual(state.reason);
    expect(r.events.map((e) => [e.seq, e.type, e.evidence])).toEqual([
      [3, "notified", { sink: "hook", eventSeq: 2, attempt: 1 }],
      [4, "notify-failed", { sink: "slack", eventSeq: 2, attempt: 1, error: "ECONNREFUSED" }],
    ]);
  });

  it("a Slack payload has text and blocks naming the event and what to do next", () => {
    const state = { ...stateWith([ev(1, "paused")]), phase: "paused" as const };
    const d: Delivery = {
      sink: webhook,
      event: ev(1, "paused"),
      attempt: 1,
      idempotencyKey: "shop:1",
      matched: ["paused"],
    };
    const p = slackPayload(buildMessage(d, state, "plan.yaml"));
    expect(p.text).toMatch(/shop: paused/);
    expect(JSON.stringify(p.blocks)).toContain("eks-bluegreen resume plan.yaml");
  });
});

describe("the driver's notify hook", () => {
  it("an alarm's rollback is notified once; a failing or throwing notifier changes nothing", async () => {
    const outcomes: { codes: number[]; phases: string[]; green: number[] }[] = [];
    const calls: string[][] = [];
    const notifiers = [
      undefined,
      async (s: UpgradeState) => {
        const due = dueDeliveries(s, [webhook]);
        calls.push(due.map((d) => d.idempotencyKey));
        return due.map((d) => ({ sink: "hook", eventSeq: d.event.seq, attempt: d.attempt, ok: true }));
      },
      async (s: UpgradeState) =>
        dueDeliveries(s, [webhook]).map((d) => ({
          sink: "hook",
          eventSeq: d.event.seq,
          attempt: d.attempt,
          ok: false,
          error: "HTTP 500",
        })),
      async () => {
        throw new Error("the notifier broke");
      },
    ];
    for (const notify of notifiers) {
      const h = harness(testPlan(), notify ? { notify } : {});
      const out = { codes: [] as number[], phases: [] as string[], green: [] as number[] };
      for (let i = 0; i < 3; i++) {
        if (i === 1) h.world.setAlarm("errors", "ALARM");
        const r = await h.advance();
        out.codes.push(r.exitCode);
        out.phases.push(r.state!.phase);
        out.green.push(r.state!.writtenGreen);
        h.clock.advance(1000);
      }
      expect(h.state().events.map((e) => e.seq)).toEqual(h.state().events.map((_, i) => i + 1));
      outcomes.push(out);
    }
    expect(outcomes[0]).toEqual({
      codes: [0, 3, 3],
      phases: ["baking", "rolled-back", "rolled-back"],
      green: [10, 0, 0],
    });
    for (const o of outcomes) expect(o).toEqual(outcomes[0]);
    // Tick 2 notifies both rollback events; tick 3 has nothing left.
    expect(calls.filter((c) => c.length > 0)).toHaveLength(1);
    expect(calls.flat()).toHaveLength(2);
  });

  it("a record lost to a failed write repeats the delivery with the same key, never a different one", async () => {
    const keys: string[] = [];
    const h = harness(testPlan(), {
      notify: async (s) => {
        const due = dueDeliveries(s, [webhook]);
        keys.push(...due.map((d) => d.idempotencyKey));
        return due.map((d) => ({ sink: "hook", eventSeq: d.event.seq, attempt: d.attempt, ok: true }));
      },
    });
    await h.advance();
    h.world.setAlarm("errors", "ALARM");
    const write = h.store.write.bind(h.store);
    let failNext = false;
    h.deps.store = {
      ...h.store,
      write: async (text: string, version?: string) => {
        if (failNext) throw new Error("disk gone");
        if (text.includes('"notified"')) failNext = true; // the notified record itself is lost
        return failNext ? Promise.reject(new Error("disk gone")) : write(text, version);
      },
    } as typeof h.store;
    await expect(h.advance()).rejects.toThrow(/disk gone/);
    const first = [...keys];
    expect(first.length).toBe(2);
    h.deps.store = h.store;
    await h.advance();
    expect(keys.slice(first.length)).toEqual(first);
    expect(h.state().events.filter((e) => e.type === "notified")).toHaveLength(2);
  });
});
