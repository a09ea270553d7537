/**
 * Fault injection: throttling, errors per operation, added latency, non-AWS HTML answers (a 502 page, or
 * any status such as 200 per service/operation), endpoints that accept and never answer, and alarms
 * scripted to flip. Tests set these directly; the admin endpoint sets them over HTTP.
 */
import type { CloudWatchWorld, AlarmStateValue } from "./cloudwatch/world.ts";

export interface Scope {
  /** SigV4 service name: route53, eks, monitoring, s3, sts. Default: every service. */
  service?: string;
  /** Operation name as AWS spells it, e.g. ChangeResourceRecordSets. Default: every operation. */
  operation?: string;
  /** Stop after this many injected faults. Default: no limit. */
  times?: number;
}

export interface ErrorRule extends Scope {
  /** AWS error code to answer, e.g. PriorRequestNotComplete. */
  code: string;
  /** Probability 0..1 that a matching call fails. Default 1. */
  rate?: number;
  /** HTTP status. Default 400, or 500/503 for the usual server-side codes. */
  status?: number;
  message?: string;
}

/** An HTML page instead of the service's answer, e.g. `{service: "route53", status: 200}` (a captive portal). */
export interface HtmlRule extends Scope {
  /** HTTP status of the page. Default 200. */
  status?: number;
}

export interface FaultSettings {
  throttleRate?: number;
  throttle?: Scope;
  latencyMs?: number;
  htmlErrorRate?: number;
  errors?: ErrorRule[];
  /** Matching calls get an HTML page with this status. */
  html?: HtmlRule[];
  /** Matching calls are accepted and never answered (the connection stays open until the client gives up). */
  hang?: Scope[];
}

export type FaultDecision =
  | { kind: "none" }
  | { kind: "throttle" }
  | { kind: "html"; status: number }
  | { kind: "hang" }
  | { kind: "error"; code: string; status: number; message: string };

interface Counted<T> {
  rule: T;
  used: number;
}

const SERVER_CODES: Record<string, number> = {
  InternalError: 500,
  InternalFailure: 500,
  ServerException: 500,
  ServiceUnavailable: 503,
  ServiceUnavailableException: 503,
  SlowDown: 503,
};

export class Faults {
  /** Probability 0..1 that a call (within `throttleScope`) answers the service's throttling error. */
  throttleRate = 0;
  throttleScope: Scope = {};
  /** Added to every answer, including the admin endpoint's. */
  latencyMs = 0;
  /** Probability 0..1 that a call gets a text/html 502 page, as a proxy or load balancer would send. */
  htmlErrorRate = 0;
  private errors: Counted<ErrorRule>[] = [];
  private pages: Counted<HtmlRule>[] = [];
  private hangs: Counted<Scope>[] = [];
  private throttled = 0;
  /** Replaceable for deterministic tests. */
  random: () => number = Math.random;

  constructor(private readonly cloudwatch: CloudWatchWorld) {}

  throttle(rate: number, scope: Scope = {}): void {
    this.throttleRate = checkRate(rate, "throttle rate");
    this.throttleScope = scope;
    this.throttled = 0;
  }

  latency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`latency must be a non-negative number of ms, got ${ms}`);
    this.latencyMs = ms;
  }

  htmlErrors(rate: number): void {
    this.htmlErrorRate = checkRate(rate, "HTML error rate");
  }

  /** Answers matching calls with an HTML page, e.g. `html({service: "route53", status: 200})`. */
  html(rule: HtmlRule = {}): void {
    const status = rule.status ?? 200;
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new RangeError(`an HTML page's status must be an HTTP status (100–599), got ${String(status)}`);
    this.pages.push({ rule: { ...rule, status }, used: 0 });
  }

  /** Accepts matching calls and never answers them, e.g. `hang({service: "eks"})`. */
  hang(scope: Scope = {}): void {
    this.hangs.push({ rule: scope, used: 0 });
  }

  /** Makes matching calls fail with `rule.code`, e.g. `error({operation: "ChangeResourceRecordSets", code: "PriorRequestNotComplete"})`. */
  error(rule: ErrorRule): void {
    checkRate(rule.rate ?? 1, "error rate");
    if (!rule.code) throw new RangeError("an error rule needs a code");
    this.errors.push({ rule, used: 0 });
  }

  /** Flips an alarm at a time (epoch ms) or after a delay, recording history as CloudWatch would. */
  scheduleAlarm(
    name: string,
    state: AlarmStateValue,
    when: { atMs: number } | { afterMs: number },
    reason?: string,
  ): void {
    const at = "atMs" in when ? when.atMs : this.cloudwatch.now() + when.afterMs;
    this.cloudwatch.schedule(name, state, at, reason);
  }

  configure(settings: FaultSettings): void {
    if (settings.throttleRate !== undefined) this.throttle(settings.throttleRate, settings.throttle ?? {});
    if (settings.latencyMs !== undefined) this.latency(settings.latencyMs);
    if (settings.htmlErrorRate !== undefined) this.htmlErrors(settings.htmlErrorRate);
    for (const rule of settings.errors ?? []) this.error(rule);
    for (const rule of settings.html ?? []) this.html(rule);
    for (const scope of settings.hang ?? []) this.hang(scope);
  }

  reset(): void {
    this.throttleRate = 0;
    this.throttleScope = {};
    this.throttled = 0;
    this.latencyMs = 0;
    this.htmlErrorRate = 0;
    this.errors = [];
    this.pages = [];
    this.hangs = [];
  }

  describe(): FaultSettings {
    return {
      throttleRate: this.throttleRate,
      throttle: this.throttleScope,
      latencyMs: this.latencyMs,
      htmlErrorRate: this.htmlErrorRate,
      errors: this.errors.map((e) => ({ ...e.rule })),
      html: this.pages.map((e) => ({ ...e.rule })),
      hang: this.hangs.map((e) => ({ ...e.rule })),
    };
  }

  /** What to do with one call; counts the fault it picks. */
  decide(service: string, operation: string): FaultDecision {
    if (take(this.hangs, service, operation)) return { kind: "hang" };
    const page = take(this.pages, service, operation);
    if (page) return { kind: "html", status: page.status ?? 200 };
    if (this.htmlErrorRate > 0 && this.random() < this.htmlErrorRate) return { kind: "html", status: 502 };
    const scope = this.throttleScope;
    if (
      this.throttleRate > 0 &&
      matches(scope, service, operation) &&
      (scope.times === undefined || this.throttled < scope.times) &&
      this.random() < this.throttleRate
    ) {
      this.throttled += 1;
      return { kind: "throttle" };
    }
    for (const entry of this.errors) {
      const { rule } = entry;
      if (!matches(rule, service, operation)) continue;
      if (rule.times !== undefined && entry.used >= rule.times) continue;
      if (this.random() >= (rule.rate ?? 1)) continue;
      entry.used += 1;
      return {
        kind: "error",
        code: rule.code,
        status: rule.status ?? SERVER_CODES[rule.code] ?? 400,
        message: rule.message ?? `Injected fault: ${rule.code}.`,
      };
    }
    return { kind: "none" };
  }
}

/** The first rule of `list` that matches and has uses left, counted as used. */
function take<T extends Scope>(list: Counted<T>[], service: string, operation: string): T | undefined {
  for (const entry of list) {
    if (!matches(entry.rule, service, operation)) continue;
    if (entry.rule.times !== undefined && entry.used >= entry.rule.times) continue;
    entry.used += 1;
    return entry.rule;
  }
  return undefined;
}

function matches(scope: Scope, service: string, operation: string): boolean {
  return (
    (scope.service === undefined || scope.service === service) &&
    (scope.operation === undefined || scope.operation === operation)
  );
}

function checkRate(rate: number, what: string): number {
  if (typeof rate !== "number" || !(rate >= 0 && rate <= 1)) {
    throw new RangeError(`${what} must be between 0 and 1, got ${String(rate)}`);
  }
  return rate;
}
