/**
 * The sandbox's traffic model: the requests each cluster's load balancer serves, as CloudWatch would
 * count them, following the *effective* weights of one Route 53 record pair. Effective weights lag the
 * written ones like DNS caches do: a client's cached answer expires at a uniformly random moment within
 * `dnsDelayMs`, so green's share after a write moves linearly to the new weight over that delay.
 *
 * Every second it writes, per side, `AWS/ApplicationELB` `RequestCount`, `HTTPCode_Target_5XX_Count`
 * and `TargetResponseTime` (values with counts, so percentiles work) with the dimension
 * `LoadBalancer`. Datapoints are generated lazily up to "now" whenever metrics are read, from a seeded
 * generator, so the same weights and settings give the same numbers. Error rate and latency per side
 * can be set and scheduled ("green's 5xx rate goes to 5% once green has 50%").
 */
import type { Route53World } from "./route53/world.ts";
import type { MetricStore } from "./cloudwatch/metric-store.ts";

export type Side = "blue" | "green";

export interface SideBehaviour {
  /** Fraction of requests answered 5xx, 0–1. */
  errorRate: number;
  /** Median target response time in seconds (log-normal, as latency tends to be). */
  latencySeconds: number;
}

export interface TrafficRule {
  side: Side;
  /** Applies once green's effective share reaches this percent... */
  greenAtLeast?: number;
  /** ...or this long after the rule was set. */
  afterMs?: number;
  errorRate?: number;
  latencySeconds?: number;
}

export interface TrafficSettings {
  /** The record pair whose weights split the traffic. */
  record: { zoneId: string; name: string; type: string; blue: string; green: string };
  /** `LoadBalancer` dimension value of each side, e.g. `app/blue-alb/0123456789abcdef`. */
  loadBalancers: Record<Side, string>;
  requestsPerSecond: number;
  dnsDelayMs: number;
  behaviour: Record<Side, SideBehaviour>;
  rules: TrafficRule[];
  seed: number;
}

export const ALB_NAMESPACE = "AWS/ApplicationELB";

const DEFAULT_BEHAVIOUR: SideBehaviour = { errorRate: 0.001, latencySeconds: 0.05 };
const LATENCY_SIGMA = 0.5;
const LATENCY_SAMPLES = 20;

/** mulberry32: small, fast, seeded. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 50) {
    // Normal approximation for large means (Box–Muller).
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
  }
  const limit = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= random();
  } while (p > limit);
  return k - 1;
}

export class TrafficModel {
  private settings: TrafficSettings | undefined;
  /** Written green share (percent) from each moment on. */
  private written: { at: number; green: number }[] = [];
  private generatedUntil = 0;
  private rulesSince = 0;
  private random: () => number = rng(1);

  constructor(
    private readonly now: () => number,
    private readonly route53: Route53World,
    private readonly metrics: MetricStore,
  ) {}

  configure(
    settings: Partial<TrafficSettings> & Pick<TrafficSettings, "record" | "loadBalancers">,
  ): TrafficSettings {
    this.catchUp();
    const previous = this.settings;
    const next: TrafficSettings = {
      requestsPerSecond: settings.requestsPerSecond ?? previous?.requestsPerSecond ?? 200,
      dnsDelayMs: settings.dnsDelayMs ?? previous?.dnsDelayMs ?? 0,
      behaviour: {
        blue: { ...DEFAULT_BEHAVIOUR, ...previous?.behaviour.blue, ...settings.behaviour?.blue },
        green: { ...DEFAULT_BEHAVIOUR, ...previous?.behaviour.green, ...settings.behaviour?.green },
      },
      rules: settings.rules ?? previous?.rules ?? [],
      seed: settings.seed ?? previous?.seed ?? 1,
      record: settings.record,
      loadBalancers: settings.loadBalancers,
    };
    if (!previous || next.seed !== previous.seed) this.random = rng(next.seed);
    if (settings.rules) this.rulesSince = this.now();
    this.settings = next;
    const t = this.now();
    if (this.written.length === 0) this.written.push({ at: t, green: this.writtenShare() });
    if (this.generatedUntil === 0) this.generatedUntil = Math.floor(t / 1000) * 1000;
    return next;
  }

  describe(): (TrafficSettings & { writtenGreen: number; effectiveGreen: number }) | undefined {
    if (!this.settings) return undefined;
    this.catchUp();
    const t = this.now();
    return { ...this.settings, writtenGreen: this.writtenShare(), effectiveGreen: this.effectiveShare(t) };
  }

  /** Called whenever Route 53 records change: the written share is sampled at that moment. */
  recordsChanged(): void {
    if (!this.settings) return;
    this.catchUp();
    const green = this.writtenShare();
    if (this.written.at(-1)?.green !== green) this.written.push({ at: this.now(), green });
  }

  /** Writes the datapoints of every whole second between the last catch-up and now. */
  catchUp(): void {
    const s = this.settings;
    if (!s) return;
    const until = Math.floor(this.now() / 1000) * 1000;
    for (let t = this.generatedUntil; t < until; t += 1000) this.second(s, t);
    if (until > this.generatedUntil) this.generatedUntil = until;
  }

  private second(s: TrafficSettings, at: number): void {
    const green = this.effectiveShare(at) / 100;
    for (const side of ["blue", "green"] as const) {
      const share = side === "green" ? green : 1 - green;
      const behaviour = this.behaviourAt(s, side, at, green * 100);
      const requests = poisson(s.requestsPerSecond * share, this.random);
      const dims = [{ Name: "LoadBalancer", Value: s.loadBalancers[side] }];
      const metric = (MetricName: string) => ({ Namespace: ALB_NAMESPACE, MetricName, Dimensions: dims });
      this.metrics.put(metric("RequestCount"), { at, value: requests, count: 1 });
      if (requests === 0) continue;
      const errors = Math.min(requests, poisson(requests * behaviour.errorRate, this.random));
      this.metrics.put(metric("HTTPCode_Target_5XX_Count"), { at, value: errors, count: 1 });
      // Latency as a handful of samples standing for every request (percentiles need values).
      const samples = Math.min(LATENCY_SAMPLES, requests);
      for (let i = 0; i < samples; i++) {
        const z = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
        const value = behaviour.latencySeconds * Math.exp(LATENCY_SIGMA * z);
        const count = Math.floor(requests / samples) + (i < requests % samples ? 1 : 0);
        this.metrics.put(metric("TargetResponseTime"), { at, value, count });
      }
    }
  }

  private behaviourAt(s: TrafficSettings, side: Side, at: number, greenPercent: number): SideBehaviour {
    let behaviour = s.behaviour[side];
    for (const rule of s.rules) {
      if (rule.side !== side) continue;
      const byShare = rule.greenAtLeast !== undefined && greenPercent >= rule.greenAtLeast;
      const byTime = rule.afterMs !== undefined && at >= this.rulesSince + rule.afterMs;
      if (!byShare && !byTime) continue;
      behaviour = {
        errorRate: rule.errorRate ?? behaviour.errorRate,
        latencySeconds: rule.latencySeconds ?? behaviour.latencySeconds,
      };
    }
    return behaviour;
  }

  private writtenShare(): number {
    const r = this.settings!.record;
    const weight = (id: string) => this.route53.record(r.zoneId, r.name, r.type, id)?.Weight ?? 0;
    const blue = weight(r.blue);
    const green = weight(r.green);
    return blue + green === 0 ? 50 : (green / (blue + green)) * 100;
  }

  /** The mean of the written share over the last `dnsDelayMs`: caches expire uniformly over it. */
  effectiveShare(at: number): number {
    const delay = this.settings?.dnsDelayMs ?? 0;
    const shareAt = (t: number) => {
      let green = this.written[0]?.green ?? 0;
      for (const w of this.written) if (w.at <= t) green = w.green;
      return green;
    };
    if (delay <= 0) return shareAt(at);
    const from = at - delay;
    let area = 0;
    let t = from;
    let green = shareAt(from);
    for (const w of this.written) {
      if (w.at <= from || w.at > at) continue;
      area += green * (w.at - t);
      t = w.at;
      green = w.green;
    }
    area += green * (at - t);
    return area / delay;
  }
}
