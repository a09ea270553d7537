import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgementSection, runJudgement, writeJudgementSection } from "../../bench/judgement.ts";
import { Sampler, normalQuantile, seededRandom } from "../../bench/lib/random.ts";

describe("the judgement benchmark", () => {
  const small = runJudgement({ windows: 48, seed: 7 });

  it("is reproducible: the same seed gives the same figures", () => {
    const again = runJudgement({ windows: 48, seed: 7 });
    expect(again.shares).toEqual(small.shares);
    expect(runJudgement({ windows: 48, seed: 8 }).shares).not.toEqual(small.shares);
  });

  it("judges every window by both gates, half healthy, and catches ×10 from 25% on", () => {
    for (const s of small.shares) {
      expect(s.healthy.gates.windows).toBe(24);
      expect(s.healthy.fixed.windows).toBe(24);
      const total = s.regressions.reduce((n, r) => n + r.gates.windows, 0);
      expect(total).toBe(24);
    }
    const quarter = small.shares.find((s) => s.share === 25)!;
    const x10 = quarter.regressions.find((r) => r.id === "errors-x10")!;
    expect(x10.gates.fail).toBe(x10.gates.windows);
    // At 1% green the plan's minimum of 1,000 requests is never reached: inconclusive, never fail.
    const one = small.shares.find((s) => s.share === 1)!;
    expect(one.healthy.gates).toMatchObject({ fail: 0, inconclusive: 24 });
  });

  it("rewrites only its own section of the performance doc", () => {
    const file = join(mkdtempSync(join(tmpdir(), "judgement-")), "performance.md");
    writeFileSync(file, "# Performance\n\nkept\n");
    writeJudgementSection(small, file);
    writeJudgementSection(small, file);
    const text = readFileSync(file, "utf8");
    expect(text.startsWith("# Performance\n\nkept\n")).toBe(true);
    expect(text.match(/<!-- judgement:start -->/g)).toHaveLength(1);
    expect(text).toContain(judgementSection(small));
  });
});

describe("the seeded samplers", () => {
  it("give the expected means", () => {
    const s = new Sampler(seededRandom(1));
    const mean = (f: () => number, n = 4000) => Array.from({ length: n }, f).reduce((a, b) => a + b, 0) / n;
    expect(mean(() => s.poisson(3))).toBeCloseTo(3, 0);
    expect(mean(() => s.poisson(300)) / 300).toBeCloseTo(1, 1);
    expect(mean(() => s.beta(2, 6))).toBeCloseTo(0.25, 1);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
  });
});
