import { describe, expect, it } from "vitest";
import { harness } from "./harness.ts";

describe("driver with the fake world", () => {
  it("runs a complete upgrade tick by tick", async () => {
    const h = harness();
    let r = await h.advance();
    expect(r.state?.phase).toBe("baking");
    expect(r.state?.step).toBe(1);
    expect(h.world.weights().every((w) => w.green === 10 && w.blue === 90)).toBe(true);
    for (let i = 0; i < 200 && r.state?.phase !== "completed"; i++) {
      h.clock.advance(10_000);
      r = await h.advance();
      expect(r.exitCode).toBe(0);
    }
    expect(r.state?.phase).toBe("completed");
    expect(h.world.calls.filter((c) => c.startsWith("apply"))).toEqual(["apply 10", "apply 50", "apply 100"]);
    const seqs = h.state().events.map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
