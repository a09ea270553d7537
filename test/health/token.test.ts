import { createHash, createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  eksToken,
  tokenSource,
  TOKEN_PREFIX,
  presignCallerIdentity,
  encodeToken,
} from "../../src/health/kubernetes/token.ts";
import { verifyToken } from "../../src/sandbox/k8s/token-verify.ts";

const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const at = new Date("2026-11-25T12:00:00Z");

function decode(token: string): URL {
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), "base64url").toString("utf8"));
}

/** SigV4 query signing written out by hand from the AWS spec, to check the signer independently. */
function expectedSignature(url: URL, clusterName: string, secret: string): string {
  const params = [...url.searchParams].filter(([k]) => k !== "X-Amz-Signature");
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const query = params
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join("&");
  const canonical = [
    "GET",
    "/",
    query,
    `host:${url.hostname}`,
    `x-k8s-aws-id:${clusterName}`,
    "",
    "host;x-k8s-aws-id",
    createHash("sha256").update("").digest("hex"),
  ].join("\n");
  const date = url.searchParams.get("X-Amz-Date")!;
  const scope = `${date.slice(0, 8)}/us-east-1/sts/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", date, scope, createHash("sha256").update(canonical).digest("hex")].join(
    "\n",
  );
  let key: Buffer = createHmac("sha256", `AWS4${secret}`).update(date.slice(0, 8)).digest();
  for (const part of ["us-east-1", "sts", "aws4_request"])
    key = createHmac("sha256", key).update(part).digest();
  return createHmac("sha256", key).update(toSign).digest("hex");
}

describe("EKS token", () => {
  test("is a presigned STS GetCallerIdentity URL for the cluster, base64url without padding, prefixed k8s-aws-v1.", async () => {
    const { token, expiresAt } = await eksToken({
      clusterName: "green",
      region: "us-east-1",
      credentials: creds,
      now: at,
    });
    expect(token.startsWith("k8s-aws-v1.")).toBe(true);
    expect(token.slice(TOKEN_PREFIX.length)).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = decode(token);
    expect(url.origin).toBe("https://sts.us-east-1.amazonaws.com");
    expect(url.pathname).toBe("/");
    expect(url.searchParams.get("Action")).toBe("GetCallerIdentity");
    expect(url.searchParams.get("Version")).toBe("2011-06-15");
    expect(url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(url.searchParams.get("X-Amz-Date")).toBe("20261125T120000Z");
    expect(url.searchParams.get("X-Amz-SignedHeaders")).toBe("host;x-k8s-aws-id");
    expect(url.searchParams.get("X-Amz-Credential")).toBe("AKIDEXAMPLE/20261125/us-east-1/sts/aws4_request");
    expect(url.searchParams.get("X-Amz-Signature")).toBe(
      expectedSignature(url, "green", creds.secretAccessKey),
    );
    expect(expiresAt.toISOString()).toBe("2026-11-25T12:15:00.000Z");
  });

  test("carries the session token of temporary credentials", async () => {
    const { token } = await eksToken({
      clusterName: "g",
      region: "us-east-1",
      credentials: { ...creds, sessionToken: "FwoG/abc+=" },
      now: at,
    });
    expect(decode(token).searchParams.get("X-Amz-Security-Token")).toBe("FwoG/abc+=");
  });

  test("is minted again only once the current one is older than the refresh age", async () => {
    let now = at;
    let minted = 0;
    const next = tokenSource({
      clusterName: "green",
      region: "us-east-1",
      credentials: async () => (minted++, creds),
      now: () => now,
    });
    const first = await next();
    now = new Date(at.getTime() + 9 * 60_000);
    expect(await next()).toBe(first);
    now = new Date(at.getTime() + 10 * 60_000);
    const second = await next();
    expect(second).not.toBe(first);
    expect(decode(second).searchParams.get("X-Amz-Date")).toBe("20261125T121000Z");
    expect(minted).toBe(2);
  });
});

describe("sandbox token verification (as EKS checks tokens)", () => {
  const accepted = [creds];
  const mint = (cluster: string, c = creds) =>
    eksToken({ clusterName: cluster, region: "us-east-1", credentials: c, now: at });

  test("accepts a token presigned for this cluster, up to 15 minutes old", async () => {
    const { token } = await mint("green");
    expect(await verifyToken(`Bearer ${token}`, "green", accepted, at)).toEqual({
      ok: true,
      accessKeyId: "AKIDEXAMPLE",
    });
    expect(
      (await verifyToken(`Bearer ${token}`, "green", accepted, new Date(at.getTime() + 14 * 60_000))).ok,
    ).toBe(true);
  });

  test.each([
    ["no header", undefined, "no bearer token"],
    ["basic auth", "Basic dXNlcjpwYXNz", "no bearer token"],
    ["garbage", "Bearer garbage", "prefix"],
    ["bad base64", "Bearer k8s-aws-v1.@@@", "base64url"],
    ["not a URL", `Bearer k8s-aws-v1.${Buffer.from("hello").toString("base64url")}`, "not a URL"],
    ["another host", `Bearer ${encodeToken("https://evil.example.com/?Action=GetCallerIdentity")}`, "host"],
  ])("refuses %s", async (_name, header, reason) => {
    const verdict = await verifyToken(header, "green", accepted, at);
    expect(verdict.ok).toBe(false);
    expect(verdict.ok ? "" : verdict.reason).toContain(reason);
  });

  test("refuses a token for another cluster, with unknown keys, expired, or tampered with", async () => {
    const other = (await mint("blue")).token;
    expect(await verifyToken(`Bearer ${other}`, "green", accepted, at)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("signature"),
    });
    const wrongSecret = (await mint("green", { ...creds, secretAccessKey: "nope" })).token;
    expect((await verifyToken(`Bearer ${wrongSecret}`, "green", accepted, at)).ok).toBe(false);
    const unknown = (await mint("green", { ...creds, accessKeyId: "AKIDOTHER" })).token;
    expect(await verifyToken(`Bearer ${unknown}`, "green", accepted, at)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("unknown access key"),
    });
    const { token } = await mint("green");
    expect(
      await verifyToken(`Bearer ${token}`, "green", accepted, new Date(at.getTime() + 16 * 60_000)),
    ).toMatchObject({ ok: false, reason: "token expired" });
    const url = decode(token);
    url.searchParams.set("Action", "AssumeRole");
    expect((await verifyToken(`Bearer ${encodeToken(url.toString())}`, "green", accepted, at)).ok).toBe(
      false,
    );
    const extra = decode(token);
    extra.searchParams.set("Foo", "bar");
    expect(await verifyToken(`Bearer ${encodeToken(extra.toString())}`, "green", accepted, at)).toMatchObject(
      { ok: false, reason: expect.stringContaining("Foo") },
    );
  });

  test("refuses a presigned URL that does not sign x-k8s-aws-id", async () => {
    const url = new URL(
      await presignCallerIdentity({
        clusterName: "green",
        region: "us-east-1",
        credentials: creds,
        signingDate: at,
      }),
    );
    url.searchParams.set("X-Amz-SignedHeaders", "host");
    expect(await verifyToken(`Bearer ${encodeToken(url.toString())}`, "green", accepted, at)).toMatchObject({
      ok: false,
      reason: expect.stringContaining("not signed"),
    });
  });
});

test("property: no header, however malformed, crashes the verifier or gets through", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string(),
        fc.string().map((t) => `Bearer ${t}`),
        fc.string().map((t) => `Bearer k8s-aws-v1.${Buffer.from(t).toString("base64url")}`),
        fc.webUrl({ withQueryParameters: true }).map((u) => `Bearer ${encodeToken(u)}`),
      ),
      async (header) => {
        const verdict = await verifyToken(header, "green", [creds], at);
        return verdict.ok === false && typeof verdict.reason === "string";
      },
    ),
    { numRuns: 300 },
  );
});
