/**
 * Is this an answer of the service at all? A captive portal, a proxy's login page, or a web server that
 * `AWS_ENDPOINT_URL` points at by mistake answers HTTP 200 with an HTML page. The SDK does not always
 * notice: the JSON protocols (EKS, CloudWatch) fail to parse it, but the XML ones (Route 53, S3, STS)
 * parse the HTML as XML, find none of the output's elements and return an empty output. An empty
 * ListResourceRecordSets reads as "no records": a false drift pause and `record-missing` findings.
 *
 * Two checks, from the most general to the most specific, both thrown as NotAnAwsAnswerError, which the
 * one retry layer (retry.ts) retries and then turns into an AwsError (`NotAnAwsAnswer`):
 *
 * 1. `answerCheck`, a middleware on every client (clients.ts): a 2xx whose body starts like an HTML
 *    document is refused before the SDK deserializes it. It covers every call, including those whose
 *    output has no shape to check (S3 PutObject/DeleteObject), and every protocol alike, which is why it
 *    is the first line. No AWS operation the tool calls answers HTML. It looks at the body, not the
 *    Content-Type: emulators (moto) label empty or XML answers `text/html`.
 * 2. `requireAnswer`, in the adapters, for the outputs whose emptiness would be read as a fact: a body
 *    that is not HTML but not the service's answer either (an empty 200, a stray XML document) still
 *    deserializes to an empty output, and only the operation's shape (e.g. ListResourceRecordSets
 *    always carries `ResourceRecordSets` and `IsTruncated`) tells it apart.
 */
import { Readable } from "node:stream";

/** The endpoint answered 2xx with something that is not the service's answer. Retryable. */
export class NotAnAwsAnswerError extends Error {
  override readonly name = "NotAnAwsAnswer";
  constructor(
    readonly httpStatus: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Throws NotAnAwsAnswerError unless `ok`; returns `output` so calls can be wrapped inline. */
export function requireAnswer<T>(output: T, ok: boolean, service: string, missing: string): T {
  if (!ok) {
    const status = (output as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
      ?.httpStatusCode;
    throw new NotAnAwsAnswerError(
      status,
      `the endpoint answered HTTP ${status ?? "2xx"} without ${missing}: not a ${service} answer`,
    );
  }
  return output;
}

const HTML_START = /^(\ufeff)?\s*(<!--[\s\S]*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])/i;
/** Enough of the body to recognise a page; the rest is passed on untouched. */
const SNIFF_BYTES = 512;

interface RawResponse {
  statusCode: number;
  headers: Record<string, string | undefined>;
  body?: unknown;
}

function header(headers: Record<string, string | undefined>, name: string): string {
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return v ?? "";
  return "";
}

/** Pure: why this 2xx answer is an HTML page (undefined: it is not). */
export function htmlPageReason(contentType: string, start: string): string | undefined {
  if (!HTML_START.test(start)) return undefined;
  const type = contentType.split(";")[0]!.trim();
  return type ? `an HTML page (content-type ${type})` : "an HTML page";
}

/**
 * Reads the body's first bytes and gives back a stream that yields the whole body again, so the SDK
 * deserializes (or streams, for S3 GetObject) exactly what it would have.
 */
async function peek(body: Readable): Promise<{ start: string; body: Readable }> {
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const head: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    size += chunk.length;
  }
  const start = Buffer.concat(head).subarray(0, SNIFF_BYTES).toString("utf8");
  async function* replay(): AsyncGenerator<Buffer> {
    yield* head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === "string" ? Buffer.from(next.value) : next.value;
    }
  }
  return { start, body: Readable.from(replay(), { objectMode: false }) };
}

type Next = (args: unknown) => Promise<{ response: unknown; output?: unknown }>;

/** The deserialize-step middleware (placed inside the SDK's deserializer, so it sees the raw answer). */
export function answerCheck(service: string) {
  return (next: Next) =>
    async (args: unknown): Promise<{ response: unknown; output?: unknown }> => {
      const result = await next(args);
      const res = result.response as RawResponse | undefined;
      if (!res || typeof res.statusCode !== "number" || res.statusCode < 200 || res.statusCode > 299) {
        return result;
      }
      const contentType = header(res.headers ?? {}, "content-type");
      let start = "";
      if (res.body instanceof Readable) {
        const peeked = await peek(res.body);
        start = peeked.start;
        res.body = peeked.body;
      }
      const reason = htmlPageReason(contentType, start);
      if (reason) {
        if (res.body instanceof Readable) res.body.destroy();
        throw new NotAnAwsAnswerError(
          res.statusCode,
          `the endpoint answered HTTP ${res.statusCode} with ${reason}, not a ${service} answer`,
        );
      }
      return result;
    };
}

interface WithStack {
  middlewareStack: { add(mw: unknown, options: Record<string, unknown>): void };
}

/** Adds `answerCheck` to a client. */
export function checkAnswers<C extends WithStack>(client: C, service: string): C {
  client.middlewareStack.add(answerCheck(service), {
    step: "deserialize",
    // Low priority runs innermost in the step: after the HTTP handler, before the SDK's deserializer.
    priority: "low",
    name: "eksBluegreenAnswerCheck",
  });
  return client;
}
