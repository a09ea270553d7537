/**
 * The Mann-Whitney U test (Wilcoxon rank-sum), normal approximation with tie and continuity correction,
 * as R's `wilcox.test(x, y, exact = FALSE)` computes it. Kayenta's canary judge uses the same test on
 * canary against baseline; here x is green's per-period datapoints and y is blue's.
 */

export type Alternative = "greater" | "less" | "two-sided";

export interface MannWhitneyResult {
  /** U of x: the number of (x, y) pairs with x > y, ties counting one half. */
  u: number;
  z: number;
  pValue: number;
}

/** Standard normal cumulative distribution, via the Chebyshev fit of erfc (fractional error < 1.2e-7). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}

/** Ranks (1-based) of the pooled values, ties given their mean rank; plus Σ(t³ − t) over tie groups. */
function rank(pooled: readonly number[]): { ranks: number[]; ties: number } {
  const order = pooled.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(pooled.length);
  let ties = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const mid = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = mid;
    const t = j - i + 1;
    ties += t * t * t - t;
    i = j + 1;
  }
  return { ranks, ties };
}

/**
 * Tests whether x tends to be greater than y ("greater"), less ("less") or either ("two-sided").
 * Both samples need at least one finite value; with no spread at all (every value tied) p is 1.
 */
export function mannWhitney(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative,
): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) return { u: 0, z: 0, pValue: 1 };
  const { ranks, ties } = rank([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const mean = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return { u, z: 0, pValue: 1 };
  const sd = Math.sqrt(variance);
  const d = u - mean;
  const correction =
    alternative === "two-sided" ? Math.sign(d) * 0.5 : alternative === "greater" ? 0.5 : -0.5;
  const z = (d - correction) / sd;
  const pValue =
    alternative === "greater"
      ? 1 - normalCdf(z)
      : alternative === "less"
        ? normalCdf(z)
        : 2 * Math.min(normalCdf(z), 1 - normalCdf(z));
  return { u, z, pValue: Math.min(1, Math.max(0, pValue)) };
}
