/**
 * Checks a bearer token the way EKS (aws-iam-authenticator) does before it asks STS: `k8s-aws-v1.`
 * prefix, base64url of an https STS URL at path `/`, only the expected query parameters, Action
 * GetCallerIdentity, `x-k8s-aws-id` among the signed headers, X-Amz-Expires within 0..900 and
 * X-Amz-Date less than 15 minutes old. Where EKS would then call STS, the sandbox re-signs the URL with
 * its own credentials for this cluster name and compares signatures, so a token for another cluster fails.
 */
import { timingSafeEqual } from "node:crypto";
import {
  CLUSTER_ID_HEADER,
  TOKEN_LIFETIME_MS,
  TOKEN_PREFIX,
  presignCallerIdentity,
  type AwsCredentials,
} from "../../health/kubernetes/token.ts";

const ALLOWED = new Set([
  "action",
  "version",
  "x-amz-algorithm",
  "x-amz-credential",
  "x-amz-date",
  "x-amz-expires",
  "x-amz-security-token",
  "x-amz-signature",
  "x-amz-signedheaders",
]);
const MAX_TOKEN = 8192;

export type Verdict = { ok: true; accessKeyId: string } | { ok: false; reason: string };

function parseAmzDate(text: string): Date | undefined {
  const m = text.match(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

export async function verifyToken(
  authorization: string | undefined,
  clusterName: string,
  credentials: readonly AwsCredentials[],
  now: Date,
): Promise<Verdict> {
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (!bearer) return { ok: false, reason: "no bearer token" };
  if (bearer.length > MAX_TOKEN) return { ok: false, reason: "token too large" };
  if (!bearer.startsWith(TOKEN_PREFIX))
    return { ok: false, reason: `token lacks the ${TOKEN_PREFIX} prefix` };
  const encoded = bearer.slice(TOKEN_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded))
    return { ok: false, reason: "token is not base64url without padding" };
  let url: URL;
  try {
    url = new URL(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    return { ok: false, reason: "token is not a URL" };
  }
  if (url.protocol !== "https:") return { ok: false, reason: "presigned URL is not https" };
  if (!/^sts(\.[a-z0-9-]+)?\.amazonaws\.com(\.cn)?$/.test(url.hostname)) {
    return { ok: false, reason: `unexpected STS host ${url.hostname}` };
  }
  if (url.pathname !== "/") return { ok: false, reason: "unexpected path in presigned URL" };
  const q = new Map<string, string>();
  for (const [key, value] of url.searchParams) {
    const k = key.toLowerCase();
    if (!ALLOWED.has(k)) return { ok: false, reason: `unexpected query parameter ${key}` };
    if (q.has(k)) return { ok: false, reason: `repeated query parameter ${key}` };
    q.set(k, value);
  }
  if (q.get("action") !== "GetCallerIdentity")
    return { ok: false, reason: "not a GetCallerIdentity request" };
  const signedHeaders = (q.get("x-amz-signedheaders") ?? "").toLowerCase().split(";");
  if (!signedHeaders.includes(CLUSTER_ID_HEADER))
    return { ok: false, reason: `${CLUSTER_ID_HEADER} is not signed` };
  const expires = Number(q.get("x-amz-expires"));
  if (!Number.isInteger(expires) || expires < 0 || expires > 900)
    return { ok: false, reason: "bad X-Amz-Expires" };
  const date = parseAmzDate(q.get("x-amz-date") ?? "");
  if (!date) return { ok: false, reason: "bad X-Amz-Date" };
  if (now.getTime() > date.getTime() + TOKEN_LIFETIME_MS) return { ok: false, reason: "token expired" };
  if (date.getTime() > now.getTime() + 5 * 60_000) return { ok: false, reason: "token dated in the future" };
  const [accessKeyId, , region, service, terminal] = (q.get("x-amz-credential") ?? "").split("/");
  if (!accessKeyId || !region || service !== "sts" || terminal !== "aws4_request") {
    return { ok: false, reason: "bad X-Amz-Credential" };
  }
  const secret = credentials.find((c) => c.accessKeyId === accessKeyId);
  if (!secret) return { ok: false, reason: `unknown access key ${accessKeyId}` };
  const sessionToken = q.get("x-amz-security-token");
  const expected = await presignCallerIdentity({
    clusterName,
    region,
    host: url.hostname,
    credentials: { ...secret, sessionToken },
    signingDate: date,
    expiresIn: expires,
  });
  const want = Buffer.from(new URL(expected).searchParams.get("X-Amz-Signature") ?? "");
  const got = Buffer.from(q.get("x-amz-signature") ?? "");
  if (want.length !== got.length || !timingSafeEqual(want, got)) {
    return { ok: false, reason: "signature does not match (wrong cluster or credentials)" };
  }
  return { ok: true, accessKeyId };
}
