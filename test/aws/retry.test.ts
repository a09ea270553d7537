import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  backoffDelay,
  classifyError,
  createCaller,
  DEFAULT_RETRY_POLICY,
  type RetryInfo,
} from "../../src/aws/retry.ts";
import { AwsError, ToolError } from "../../src/errors.ts";

function awsError(
  code: string,
  status: number,
  fault: "client" | "server" = status >= 500 ? "server" : "client",
) {
  return Object.assign(new Error(`${code} happened`), {
    name: code,
    $fault: fault,
    $metadata: { httpStatusCode: status },
  });
}

function htmlError(status: number) {
  return Object.assign(new SyntaxError(`Unexpected token '<', "<!doctype "... is not valid JSON`), {
    $metadata: { httpStatusCode: status },
    $response: { statusCode: status, headers: { "content-type": "text/html" } },
  });
}

function networkError(code: string) {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

/** A call that fails with each error in turn, then succeeds. */
function flaky(errors: unknown[]) {
  let calls = 0;
  const fn = async () => {
    calls += 1;
    if (errors.length > 0) throw errors.shift();
    return "done";
  };
  return { fn, calls: () => calls };
}

const fast = { retries: 4, baseDelayMs: 1, maxDelayMs: 4, budgetMs: 5_000 };

describe("classifyError", () => {
  it.each([
    ["Throttling", 400],
    ["ThrottlingException", 400],
    ["TooManyRequestsException", 429],
    ["PriorRequestNotComplete", 400],
    ["RequestLimitExceeded", 503],
    ["InternalError", 500],
    ["ServiceUnavailable", 503],
    // A runner whose clock is off: the SDK corrects its offset from the answer, so the retry is signed right.
    ["RequestTimeTooSkewed", 403],
    ["InvalidSignatureException", 403],
  ])("retries %s (HTTP %i)", (code, status) => {
    expect(classifyError(awsError(code, status))).toMatchObject({ kind: "aws", code, retryable: true });
  });

  it.each([
    ["AccessDenied", 403],
    ["InvalidChangeBatch", 400],
    ["ResourceNotFoundException", 404],
    ["PreconditionFailed", 412],
  ])("does not retry %s (HTTP %i)", (code, status) => {
    expect(classifyError(awsError(code, status))).toMatchObject({
      kind: "aws",
      code,
      httpStatus: status,
      retryable: false,
    });
  });

  it.each(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE"])("retries the network error %s", (code) => {
    expect(classifyError(networkError(code))).toMatchObject({ kind: "network", code, retryable: true });
  });

  it("retries a request timeout", () => {
    const e = Object.assign(new Error("socket timed out"), { name: "TimeoutError" });
    expect(classifyError(e)).toMatchObject({ kind: "network", code: "TimeoutError", retryable: true });
  });

  it("an HTML page is a non-AWS answer, retryable only when 5xx", () => {
    expect(classifyError(htmlError(502))).toMatchObject({
      kind: "non-aws",
      code: "HTTP 502",
      httpStatus: 502,
      retryable: true,
    });
    expect(classifyError(htmlError(404))).toMatchObject({
      kind: "non-aws",
      code: "HTTP 404",
      retryable: false,
    });
  });

  it("programmer errors and ToolErrors are never retried", () => {
    expect(classifyError(new TypeError("x is undefined"))).toMatchObject({
      kind: "programmer",
      retryable: false,
    });
    expect(classifyError(new ToolError("internal", "bad"))).toMatchObject({
      kind: "programmer",
      retryable: false,
    });
    expect(classifyError("a string")).toMatchObject({ kind: "programmer", retryable: false });
  });
});

describe("backoffDelay (full jitter)", () => {
  it("stays within [0, min(max, base · 2^(retry−1))]", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (retry, r) => {
          const d = backoffDelay(retry, DEFAULT_RETRY_POLICY, () => r);
          const cap = Math.min(
            DEFAULT_RETRY_POLICY.maxDelayMs,
            DEFAULT_RETRY_POLICY.baseDelayMs * 2 ** (retry - 1),
          );
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(cap);
        },
      ),
    );
  });

  it("grows exponentially at the top of the range", () => {
    const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999,
    ]);
  });
});

describe("createCaller", () => {
  it("retries throttling until it succeeds and tells onRetry each time", async () => {
    const retries: RetryInfo[] = [];
    const call = flaky([awsError("Throttling", 400), networkError("ECONNRESET")]);
    const caller = createCaller({ policy: fast, onRetry: (i) => retries.push(i), random: () => 0.5 });
    await expect(caller.call("route53:GetChange", call.fn)).resolves.toBe("done");
    expect(call.calls()).toBe(3);
    expect(retries).toEqual([
      { operation: "route53:GetChange", attempt: 1, code: "Throttling", httpStatus: 400, delayMs: 0 },
      { operation: "route53:GetChange", attempt: 2, code: "ECONNRESET", httpStatus: undefined, delayMs: 1 },
    ]);
  });

  it("maps what escapes to an AwsError keeping code, status and operation", async () => {
    const caller = createCaller({ policy: fast });
    const error = await caller
      .call("eks:DeleteCluster", flaky([awsError("ResourceInUseException", 409)]).fn)
      .catch((e) => e);
    expect(error).toBeInstanceOf(AwsError);
    expect(error).toMatchObject({
      code: "aws-error",
      awsCode: "ResourceInUseException",
      httpStatus: 409,
      operation: "eks:DeleteCluster",
      exitCode: 4,
    });
  });

  it("stops after the retry count with the last error", async () => {
    const call = flaky(Array.from({ length: 10 }, () => awsError("Throttling", 400)));
    const caller = createCaller({ policy: { ...fast, retries: 2 } });
    await expect(caller.call("cloudwatch:DescribeAlarms", call.fn)).rejects.toMatchObject({
      awsCode: "Throttling",
      retryable: true,
    });
    expect(call.calls()).toBe(3);
  });

  it("stops when the time budget runs out, however many retries are left", async () => {
    const call = flaky(Array.from({ length: 1000 }, () => awsError("Throttling", 400)));
    const caller = createCaller({
      policy: { retries: 1000, baseDelayMs: 20, maxDelayMs: 20, budgetMs: 100 },
      random: () => 0.999,
    });
    const started = Date.now();
    await expect(caller.call("x:Y", call.fn)).rejects.toBeInstanceOf(AwsError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(call.calls()).toBeLessThan(20);
  });

  it("never retries an HTML 404 and retries an HTML 502 only within the budget", async () => {
    const caller = createCaller({ policy: { ...fast, retries: 3 } });
    const notFound = flaky([htmlError(404), htmlError(404)]);
    await expect(caller.call("eks:ListInsights", notFound.fn)).rejects.toMatchObject({
      awsCode: "HTTP 404",
      httpStatus: 404,
    });
    expect(notFound.calls()).toBe(1);
    const badGateway = flaky(Array.from({ length: 10 }, () => htmlError(502)));
    await expect(caller.call("eks:ListInsights", badGateway.fn)).rejects.toMatchObject({
      awsCode: "HTTP 502",
    });
    expect(badGateway.calls()).toBe(4);
  });

  it("passes programmer errors through untouched and unretried", async () => {
    const caller = createCaller({ policy: fast });
    const bug = new TypeError("Cannot read properties of undefined");
    const call = flaky([bug]);
    await expect(caller.call("x:Y", call.fn)).rejects.toBe(bug);
    expect(call.calls()).toBe(1);
  });

  it("rejects with the abort reason, before the first attempt or during a backoff", async () => {
    const before = new AbortController();
    before.abort(new Error("cancelled"));
    const call = flaky([]);
    await expect(createCaller({ signal: before.signal }).call("x:Y", call.fn)).rejects.toThrow("cancelled");
    expect(call.calls()).toBe(0);

    const during = new AbortController();
    const slow = createCaller({
      policy: { retries: 5, baseDelayMs: 10_000, maxDelayMs: 10_000, budgetMs: 60_000 },
      random: () => 0.9,
    });
    const started = Date.now();
    setTimeout(() => during.abort(new Error("ctrl-c")), 30);
    await expect(slow.call("x:Y", flaky([awsError("Throttling", 400)]).fn, during.signal)).rejects.toThrow(
      "ctrl-c",
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("checks its options and names the bad one", () => {
    expect(() => createCaller({ policy: { retries: -1 } })).toThrow(/`retries`/);
    expect(() => createCaller({ policy: { budgetMs: Number.NaN } })).toThrow(/`budgetMs`/);
  });
});
