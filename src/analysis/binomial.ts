/**
 * The conditional binomial test of two rates: given both sides' event counts (e.g. 5xx) and request
 * counts over the same window, is green's rate higher (or lower) than blue's? Under equal rates, green's
 * share of all events follows Binomial(events, green's share of requests); the p-value is that tail.
 * Exact for up to 100,000 events, a normal approximation with continuity correction beyond.
 */
import { normalCdf } from "./mann-whitney.ts";

export interface BinomialResult {
  /** Green's events. */
  events: number;
  /** Green's share of all requests: the expected share of the events under equal rates. */
  expectedShare: number;
  pValue: number;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  if (n > 100_000) {
    const sd = Math.sqrt(n * p * (1 - p));
    return 1 - normalCdf((k - 0.5 - n * p) / sd);
  }
  const logPmf = (i: number) =>
    logGamma(n + 1) - logGamma(i + 1) - logGamma(n - i + 1) + i * Math.log(p) + (n - i) * Math.log1p(-p);
  let pmf = Math.exp(logPmf(k));
  let sum = 0;
  const ratio = p / (1 - p);
  for (let i = k; i <= n; i++) {
    sum += pmf;
    pmf *= ((n - i) / (i + 1)) * ratio;
    if (pmf < sum * 1e-17) break;
  }
  return Math.min(1, sum);
}

/**
 * One-sided test that green's event rate is higher ("greater") or lower ("less") than blue's.
 * No events or no requests on either side: p = 1 (nothing to say).
 */
export function binomialRateTest(
  green: { events: number; requests: number },
  blue: { events: number; requests: number },
  alternative: "greater" | "less",
): BinomialResult {
  const events = Math.round(green.events + blue.events);
  const requests = green.requests + blue.requests;
  const expectedShare = requests > 0 ? green.requests / requests : 0;
  const g = Math.round(green.events);
  if (events === 0 || green.requests <= 0 || blue.requests <= 0)
    return { events: g, expectedShare, pValue: 1 };
  const pValue =
    alternative === "greater"
      ? binomialUpperTail(g, events, expectedShare)
      : 1 - binomialUpperTail(g + 1, events, expectedShare);
  return { events: g, expectedShare, pValue: Math.min(1, Math.max(0, pValue)) };
}
