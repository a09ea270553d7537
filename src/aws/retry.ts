/**
 * The one retry layer for every AWS call (the SDK clients run with `maxAttempts: 1`). p-retry drives the
 * attempts; this file decides what is worth retrying, sleeps with exponential backoff and full jitter
 * (cancellable by the abort signal), reports each retry through `onRetry`, and turns whatever escapes
 * into an AwsError that keeps the AWS code, the HTTP status and the operation.
 */
import pRetry from "p-retry";
import { AwsError, ToolError } from "../errors.ts";
import { NotAnAwsAnswerError } from "./answers.ts";

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** Backoff base: the cap of the first retry's delay. */
  baseDelayMs: number;
  /** No single delay exceeds this. */
  maxDelayMs: number;
  /** Total time one call may spend, attempts and delays included; no retry starts after it. */
  budgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 8,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  budgetMs: 120_000,
};

/** What `onRetry` hears before each retry's delay. */
export interface RetryInfo {
  /** e.g. `route53:ChangeResourceRecordSets` */
  operation: string;
  /** The attempt that failed (1 = the first call). */
  attempt: number;
  /** AWS error code, network error code, or `HTTP <status>` for a non-AWS answer. */
  code: string;
  httpStatus: number | undefined;
  delayMs: number;
}

export type OnRetry = (info: RetryInfo) => void;

// Codes AWS uses for "slow down" or "busy, try again" across the four services.
const THROTTLE_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "TooManyRequestsException",
  "PriorRequestNotComplete",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);

/**
 * A request signed by a runner whose clock is minutes off. The SDK corrects its clock offset from the
 * answer's `Date` header when it sees one of these, so the next attempt is signed right: retry it.
 */
const CLOCK_SKEW_CODES = new Set([
  "RequestTimeTooSkewed",
  "RequestExpired",
  "RequestInTheFuture",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
]);

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
]);

/** How the retry layer sees one failure. */
export interface Classified {
  kind: "aws" | "network" | "non-aws" | "programmer" | "aborted";
  code: string;
  httpStatus: number | undefined;
  retryable: boolean;
  message: string;
}

interface SdkLikeError {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
  $response?: { statusCode?: number; body?: unknown; headers?: Record<string, string | undefined> };
  $retryable?: { throttling?: boolean };
}

/** The code of an AwsError for a 2xx answer that is not the service's (answers.ts). */
export const NOT_AN_AWS_ANSWER = "NotAnAwsAnswer";

const TIMEOUT_CODES = new Set(["TimeoutError", "ETIMEDOUT"]);

/** Pure: what a thrown value means for the retry layer. */
export function classifyError(error: unknown): Classified {
  if (error instanceof ToolError) {
    return {
      kind: "programmer",
      code: error.code,
      httpStatus: undefined,
      retryable: false,
      message: error.message,
    };
  }
  if (!(error instanceof Error)) {
    return {
      kind: "programmer",
      code: "NonError",
      httpStatus: undefined,
      retryable: false,
      message: String(error),
    };
  }
  if (error instanceof NotAnAwsAnswerError) {
    // An HTML page (or an empty answer) with a 2xx: a proxy or portal in the way, maybe for a moment.
    return {
      kind: "non-aws",
      code: NOT_AN_AWS_ANSWER,
      httpStatus: error.httpStatus,
      retryable: true,
      message: error.message,
    };
  }
  const e = error as Error & SdkLikeError;
  if (e.name === "AbortError") {
    return {
      kind: "aborted",
      code: "AbortError",
      httpStatus: undefined,
      retryable: false,
      message: e.message,
    };
  }
  const status = e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
  const networkCode = typeof e.code === "string" && NETWORK_CODES.has(e.code) ? e.code : undefined;
  if (networkCode || e.name === "TimeoutError") {
    const code = networkCode ?? "TimeoutError";
    return {
      kind: "network",
      code,
      httpStatus: undefined,
      retryable: true,
      message: TIMEOUT_CODES.has(code) ? timeoutMessage(e.message) : e.message,
    };
  }
  // The SDK could not parse the answer as the service's protocol: an HTML error page from a proxy, a
  // load balancer or an emulator that lacks the operation. It carries the raw response.
  const contentType = e.$response?.headers?.["content-type"] ?? e.$response?.headers?.["Content-Type"] ?? "";
  // JSON protocols fail to parse such a page (no $fault); XML protocols parse it as XML and find no
  // error code (name "Unknown"); either way the content type gives it away when it is there.
  const unparsed = e.$response !== undefined && e.$fault === undefined;
  const codeless = (e.name === "Unknown" || e.name === "UnknownError") && e.Code === undefined;
  if (unparsed || codeless || /text\/html/i.test(contentType)) {
    const s = status ?? 0;
    // A 2xx the SDK could not parse (a JSON protocol given a page) is the same case as answers.ts's.
    const ok = s >= 200 && s <= 299;
    return {
      kind: "non-aws",
      code: ok ? NOT_AN_AWS_ANSWER : `HTTP ${s}`,
      httpStatus: status,
      retryable: ok || s >= 500,
      message: `the endpoint answered HTTP ${s} with something that is not an AWS response (${firstLine(e.message)})`,
    };
  }
  if (e.$metadata !== undefined || e.$fault !== undefined) {
    const code = e.Code ?? e.name ?? "Unknown";
    const retryable =
      THROTTLE_CODES.has(code) ||
      CLOCK_SKEW_CODES.has(code) ||
      e.$retryable?.throttling === true ||
      status === 429 ||
      (status !== undefined && status >= 500);
    return { kind: "aws", code, httpStatus: status, retryable, message: e.message };
  }
  return { kind: "programmer", code: e.name, httpStatus: undefined, retryable: false, message: e.message };
}

/** The SDK's timeout text ("@smithy/node-http-handler - [ERROR] a request has exceeded …") in our words. */
export function timeoutMessage(sdkMessage: string): string {
  const ms = /(\d+) ?ms/.exec(sdkMessage)?.[1];
  const limit = ms ? ` within ${ms} ms` : " in time";
  if (/establish a connection/.test(sdkMessage)) return `the endpoint did not accept a connection${limit}`;
  if (/inactivity/.test(sdkMessage)) return `the endpoint stopped sending${limit}`;
  return `the endpoint did not answer${limit}`;
}

function firstLine(text: string): string {
  return text.split("\n")[0]!.slice(0, 200);
}

/** Full jitter: a uniform delay in [0, min(maxDelay, base · 2^(retry−1))]. `retry` counts from 1. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

/** The AwsError for a failure that escaped the retry layer (programmer errors and aborts pass through). */
export function toAwsError(error: unknown, operation: string): unknown {
  const c = classifyError(error);
  if (c.kind === "programmer" || c.kind === "aborted") return error;
  const hint =
    c.kind === "non-aws"
      ? "The endpoint did not answer like AWS: check AWS_ENDPOINT_URL / --endpoint-url and any proxy in between."
      : c.kind === "network" && TIMEOUT_CODES.has(c.code)
        ? "The AWS endpoint did not answer in time (EKS_BLUEGREEN_AWS_TIMEOUT_MS sets the limit); check the network, the region and any endpoint override."
        : c.kind === "network"
          ? "Could not reach the AWS endpoint; check the network, the region and any endpoint override."
          : c.retryable
            ? "AWS kept refusing within the retry budget; try again later."
            : undefined;
  return new AwsError({
    awsCode: c.code,
    message: c.message,
    operation,
    httpStatus: c.httpStatus,
    retryable: c.retryable,
    hint,
    cause: error,
  });
}

function validatePolicy(policy: RetryPolicy): void {
  for (const key of ["retries", "baseDelayMs", "maxDelayMs", "budgetMs"] as const) {
    const v = policy[key];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new TypeError(`Retry policy option \`${key}\` must be a finite number ≥ 0, got ${v}.`);
    }
  }
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts (a retry wait: abort ends the call). */
export function sleepOrReject(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

export interface Caller {
  /**
   * Runs `fn` with retries. `fn` receives the abort signal to hand to `client.send(cmd, { abortSignal })`
   * so an abort also cancels the request in flight. Rejects with an AwsError, or with the signal's reason
   * when aborted.
   */
  call<T>(
    operation: string,
    fn: (signal: AbortSignal | undefined) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T>;
}

export interface CallerOptions {
  policy?: Partial<RetryPolicy>;
  onRetry?: OnRetry;
  /** Aborts every call made through this caller (e.g. Ctrl-C). */
  signal?: AbortSignal;
  /** For tests: the jitter's random source. */
  random?: () => number;
}

export function createCaller(options: CallerOptions = {}): Caller {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.policy };
  validatePolicy(policy);
  const random = options.random ?? Math.random;
  return {
    async call<T>(
      operation: string,
      fn: (signal: AbortSignal | undefined) => Promise<T>,
      callSignal?: AbortSignal,
    ): Promise<T> {
      const signal = anySignal(options.signal, callSignal);
      const started = performance.now();
      try {
        return await pRetry(() => fn(signal), {
          retries: policy.retries,
          // p-retry's own delay stays 0: the jittered sleep happens in shouldRetry, where the decision is known.
          minTimeout: 0,
          maxTimeout: 0,
          factor: 1,
          maxRetryTime: policy.budgetMs,
          signal,
          shouldRetry: async ({ error, attemptNumber }) => {
            const c = classifyError(error);
            if (!c.retryable) return false;
            const left = policy.budgetMs - (performance.now() - started);
            if (left <= 0) return false;
            const delayMs = Math.min(backoffDelay(attemptNumber, policy, random), Math.floor(left));
            options.onRetry?.({
              operation,
              attempt: attemptNumber,
              code: c.code,
              httpStatus: c.httpStatus,
              delayMs,
            });
            await sleepOrReject(delayMs, signal);
            return true;
          },
        });
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        throw toAwsError(error, operation);
      }
    },
  };
}
