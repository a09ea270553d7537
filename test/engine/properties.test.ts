/**
 * Random operator and world behaviour against the engine (fast-check): whatever happens, the state
 * always parses, the log stays gap-free, every refusal is a ToolError with a documented exit code, no
 * step is sent twice in a row, and a rolled-back upgrade has every pair on blue.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ToolError } from "../../src/errors.ts";
import { parseState } from "../../src/engine/state.ts";
import { harness } from "./harness.ts";
import { testPlan } from "../support/fake-world.ts";

type Op =
  | { op: "tick"; ms: number }
  | { op: "alarm"; name: "errors" | "latency"; state: "OK" | "ALARM" | "INSUFFICIENT_DATA" }
  | { op: "drift"; green: number }
  | { op: "approve" }
  | { op: "rollback" }
  | { op: "resume"; adopt: boolean }
  | { op: "unreadable"; on: boolean }
  | { op: "failApply"; when: "before" | "after" };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ op: fc.constant("tick" as const), ms: fc.integer({ min: 0, max: 400_000 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("alarm" as const),
      name: fc.constantFrom("errors" as const, "latency" as const),
      state: fc.constantFrom("OK" as const, "OK" as const, "ALARM" as const, "INSUFFICIENT_DATA" as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant("drift" as const), green: fc.integer({ min: 0, max: 100 }) }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("approve" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("rollback" as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("resume" as const), adopt: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("unreadable" as const), on: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("failApply" as const),
      when: fc.constantFrom("before" as const, "after" as const),
    }),
  },
);

const plan = testPlan({
  steps: [
    { green: 10, bake: "1m" },
    { green: 50, bake: "1m", approval: true },
    { green: 100, bake: "1m" },
  ],
  retire: { after: "3m", mode: "delete", approval: true, blueRecords: "delete" },
  rollback: { holdTimeout: "4m", onHoldTimeout: "rollback" },
});

describe("engine properties", () => {
  it("holds its invariants under any sequence of events", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        const h = harness(plan);
        let lastApply: string | undefined;
        let tampered = false;
        /** Number of events when weights were last changed behind the tool's back. */
        let tamperedAt = -1;
        for (const o of ops) {
          const before = h.world.calls.length;
          let threw = false;
          try {
            switch (o.op) {
              case "tick":
                h.clock.advance(o.ms);
                await h.advance();
                break;
              case "alarm":
                h.world.setAlarm(o.name, o.state);
                break;
              case "drift":
                h.world.setWeights(100 - o.green, o.green);
                tampered = true;
                tamperedAt = h.store.text() ? parseState(h.store.text()!, plan.name, "m").events.length : 0;
                break;
              case "approve":
                await h.input({ kind: "approve", by: "prop" });
                break;
              case "rollback":
                await h.input({ kind: "rollback", by: "prop" });
                break;
              case "resume":
                await h.input({ kind: "resume", by: "prop", adopt: o.adopt, acceptPlanChange: false });
                break;
              case "unreadable":
                h.world.faults.trafficUnreadable = o.on;
                break;
              case "failApply":
                h.world.faults.failApply = o.when;
                lastApply = undefined;
                break;
            }
          } catch (error) {
            threw = true;
            expect(error).toBeInstanceOf(ToolError);
            expect([2, 3, 4, 5]).toContain((error as ToolError).exitCode);
          }
          for (const call of h.world.calls.slice(before).filter((c) => c.startsWith("apply"))) {
            // The same percent is never sent twice in a row unless a send failed or weights were tampered with.
            if (!tampered && h.world.faults.failApply === "none") expect(call).not.toBe(lastApply);
            lastApply = call;
          }
          // A send that failed may be sent again (the next tick reconciles and finds it not applied).
          if (threw) lastApply = undefined;
          const text = h.store.text();
          if (text === undefined) continue;
          const state = parseState(text, plan.name, "memory");
          const seq = state.events.map((e) => e.seq);
          expect(seq).toEqual(seq.map((_, i) => i + 1));
          const rolledBack = state.events.find((e) => e.type === "rolled-back");
          if (state.phase === "rolled-back" && rolledBack && rolledBack.seq > tamperedAt) {
            expect(h.world.weights().every((w) => w.green === 0)).toBe(true);
          }
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 150) },
    );
  });
});
