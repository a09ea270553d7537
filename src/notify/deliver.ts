/**
 * The shell side of notifications: sends the deliveries the pure selector picked, each attempt bounded
 * by the sink's timeout, and returns the outcomes for `transition` to record. It never throws and never
 * says the URL: a URL is a secret read from the environment at the moment of sending, and every error
 * is reduced to a short code (`HTTP 500`, `ECONNREFUSED`, `no answer within 5s`, an AWS error code).
 */
import type { SNSClient } from "@aws-sdk/client-sns";
import type { UpgradeState } from "../engine/state.ts";
import { parseDuration } from "../plan/duration.ts";
import type { PlanDoc } from "../plan/schema.ts";
import { dueDeliveries, sinksOf, type Delivery } from "./events.ts";
import { buildMessage, slackPayload } from "./message.ts";
import type { NotifyResult } from "../engine/notified.ts";

export interface NotifierOptions {
  env: NodeJS.ProcessEnv;
  /** The plan file as given, for the "what next" line. */
  file?: string;
  sns?: () => Promise<SNSClient>;
}

export type Notify = (state: UpgradeState) => Promise<NotifyResult[]>;

export function createNotifier(doc: PlanDoc, options: NotifierOptions): Notify | undefined {
  const sinks = sinksOf(doc);
  if (sinks.length === 0) return undefined;
  return async (state) => {
    const due = dueDeliveries(state, sinks);
    return Promise.all(due.map((d) => deliverOne(d, state, options)));
  };
}

async function deliverOne(d: Delivery, state: UpgradeState, options: NotifierOptions): Promise<NotifyResult> {
  const base = { sink: d.sink.name, eventSeq: d.event.seq, attempt: d.attempt };
  const timeoutMs = parseDuration(d.sink.timeout);
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const message = buildMessage(d, state, options.file);
    if (d.sink.kind === "sns") {
      if (!options.sns) return { ...base, ok: false, error: "no SNS client" };
      const { publishToSns } = await import("../aws/sns.ts");
      await publishToSns(
        await options.sns(),
        {
          topicArn: d.sink.topicArn,
          message: JSON.stringify(message),
          subject: `eks-bluegreen ${state.plan.name}: ${d.event.type}`,
          idempotencyKey: d.idempotencyKey,
        },
        signal,
      );
      return { ...base, ok: true };
    }
    const raw = options.env[d.sink.urlEnv];
    if (!raw) return { ...base, ok: false, error: `notification-url-unset (${d.sink.urlEnv})` };
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ...base, ok: false, error: `${d.sink.urlEnv} is not a URL` };
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return { ...base, ok: false, error: `${d.sink.urlEnv} is not an http(s) URL` };
    }
    const body = d.sink.kind === "slack" ? slackPayload(message) : message;
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": d.idempotencyKey,
        "user-agent": "eks-bluegreen",
      },
      body: JSON.stringify(body),
      signal,
      redirect: "error",
    });
    await response.body?.cancel().catch(() => {});
    if (!response.ok) return { ...base, ok: false, error: `HTTP ${response.status}` };
    return { ...base, ok: true };
  } catch (error) {
    return { ...base, ok: false, error: describe(error, signal, timeoutMs) };
  }
}

/** A short, URL-free description of a failed attempt. */
function describe(error: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `no answer within ${Math.round(timeoutMs / 100) / 10}s`;
  const e = error as { name?: string; code?: string; cause?: { code?: string; name?: string } };
  const code = e.cause?.code ?? e.code;
  if (typeof code === "string" && /^[A-Z_]+$/.test(code)) return code;
  // AWS SDK errors carry the service's error code as their name (SNS's classes add "Exception").
  if (e.name && e.name !== "TypeError" && e.name !== "Error" && /^[A-Za-z.]+$/.test(e.name)) {
    return e.name.replace(/Exception$/, "");
  }
  return "delivery failed";
}
