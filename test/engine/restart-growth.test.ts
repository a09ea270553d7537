/**
 * Restart growth during a bake, judged by the engine against the counts taken when the bake started
 * (`excessRestarts` in engine/verdict.ts, the one place this rule lives). A count that went down means
 * the pod was recreated under the same name: its restarts all happened during the bake.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { KubernetesPort } from "../../src/engine/ports.ts";
import type { KubernetesObservation } from "../../src/engine/observation.ts";
import { excessRestarts } from "../../src/engine/verdict.ts";
import { testPlan } from "../support/fake-world.ts";
import { harness } from "./harness.ts";

function kubernetes(restarts: Record<string, number>): KubernetesPort & { health: KubernetesObservation } {
  const port = {
    health: { findings: [], restarts } as KubernetesObservation,
    observeGreen: async () => port.health,
    audit: async () => [],
  };
  return port;
}

describe("restart growth through the engine", () => {
  it("a pod recreated during the bake and restarted 5 times (baseline 10, maxRestarts 3) rolls back", async () => {
    const h = harness(testPlan({ health: { kubernetes: { maxRestarts: 3 } } }));
    const k8s = kubernetes({ "shop/web-1/web": 10 });
    h.deps.ports = { ...h.world.ports, kubernetes: k8s };

    const first = await h.advance();
    expect(first.state?.phase).toBe("baking");
    expect(h.state().restartBaseline).toEqual({ "shop/web-1/web": 10 });

    k8s.health = { findings: [], restarts: { "shop/web-1/web": 5 } };
    h.clock.advance(10_000);
    const tick = await h.advance();
    expect(tick.verdict?.kind).toBe("fail");
    expect(tick.verdict?.reasons).toEqual([
      "container shop/web-1/web restarted 5 times during the bake (at most 3)",
    ]);
    expect(tick.state?.phase).toBe("rolled-back");
  });

  it("the same pod recreated with restarts within the allowance keeps baking", async () => {
    const h = harness(testPlan({ health: { kubernetes: { maxRestarts: 3 } } }));
    const k8s = kubernetes({ "shop/web-1/web": 10 });
    h.deps.ports = { ...h.world.ports, kubernetes: k8s };
    expect((await h.advance()).state?.phase).toBe("baking");

    k8s.health = { findings: [], restarts: { "shop/web-1/web": 3 } };
    h.clock.advance(10_000);
    const tick = await h.advance();
    expect(tick.verdict?.kind).toBe("pass");
    expect(tick.state?.phase).toBe("baking");
  });
});

describe("excessRestarts", () => {
  it("counts from the baseline; new pods and recreated pods count from zero", () => {
    expect(excessRestarts({ "a/p/c": 10 }, { "a/p/c": 13 }, 3)).toEqual([]);
    expect(excessRestarts({ "a/p/c": 10 }, { "a/p/c": 14 }, 3)).toEqual([{ container: "a/p/c", grew: 4 }]);
    expect(excessRestarts({}, { "a/new/c": 4 }, 3)).toEqual([{ container: "a/new/c", grew: 4 }]);
    expect(excessRestarts({ "a/p/c": 10 }, { "a/p/c": 2 }, 3)).toEqual([]);
    expect(excessRestarts({ "a/p/c": 10 }, { "a/p/c": 5 }, 3)).toEqual([{ container: "a/p/c", grew: 5 }]);
  });

  it("property: an entry exactly when growth exceeds the allowance", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(50), fc.nat(20), (base, grown, max) => {
        const e = excessRestarts({ "n/p/c": base }, { "n/p/c": base + grown }, max);
        return e.length === (grown > max ? 1 : 0);
      }),
    );
  });

  it("property: a recreated pod's count (below the baseline) is judged whole", () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.nat(20), (base, count, max) => {
        fc.pre(count < base);
        const e = excessRestarts({ "n/p/c": base }, { "n/p/c": count }, max);
        return e.length === (count > max ? 1 : 0);
      }),
    );
  });
});
