/**
 * The bearer token EKS accepts, built exactly as `aws eks get-token` and aws-iam-authenticator build it:
 * a presigned STS GetCallerIdentity URL whose signed headers include `x-k8s-aws-id: <cluster>`, encoded
 * base64url without padding and prefixed `k8s-aws-v1.`. EKS hands the URL to STS, so the token proves
 * who we are without the AWS CLI. STS treats it as valid for 15 minutes after X-Amz-Date.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";

export const TOKEN_PREFIX = "k8s-aws-v1.";
export const CLUSTER_ID_HEADER = "x-k8s-aws-id";
/** What the CLI signs (`X-Amz-Expires`); STS ignores it and allows 15 minutes from X-Amz-Date. */
export const PRESIGN_EXPIRES_SECONDS = 60;
/** How long STS accepts a presigned GetCallerIdentity URL. */
export const TOKEN_LIFETIME_MS = 15 * 60_000;

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type CredentialsProvider = () => Promise<AwsCredentials>;

/** SHA-256 for SignatureV4 from node:crypto (the SDK's own hash packages are not direct dependencies). */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    if (this.secret === undefined) return createHash("sha256");
    const key = typeof this.secret === "string" ? this.secret : toBuffer(this.secret);
    return createHmac("sha256", key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === "string" ? Buffer.from(data, "utf8") : toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** The regional STS host the CLI presigns against (the token is never sent there by us). */
export function stsHost(region: string): string {
  return region.startsWith("cn-") ? `sts.${region}.amazonaws.com.cn` : `sts.${region}.amazonaws.com`;
}

export interface PresignInput {
  clusterName: string;
  region: string;
  credentials: AwsCredentials;
  signingDate: Date;
  expiresIn?: number;
  host?: string;
}

/** The presigned GetCallerIdentity URL, as a string. Exported so the sandbox can verify by re-signing. */
export async function presignCallerIdentity(input: PresignInput): Promise<string> {
  const host = input.host ?? stsHost(input.region);
  const signer = new SignatureV4({
    credentials: input.credentials,
    region: input.region,
    service: "sts",
    sha256: NodeSha256,
    uriEscapePath: true,
    applyChecksum: false,
  });
  const signed = await signer.presign(
    {
      method: "GET",
      protocol: "https:",
      hostname: host,
      path: "/",
      query: { Action: "GetCallerIdentity", Version: "2011-06-15" },
      headers: { host, [CLUSTER_ID_HEADER]: input.clusterName },
    },
    { signingDate: input.signingDate, expiresIn: input.expiresIn ?? PRESIGN_EXPIRES_SECONDS },
  );
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(signed.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) if (typeof v === "string") query.append(key, v);
  }
  return `https://${host}/?${query.toString()}`;
}

export function encodeToken(url: string): string {
  return TOKEN_PREFIX + Buffer.from(url, "utf8").toString("base64url");
}

export interface EksToken {
  token: string;
  /** When STS stops accepting it. */
  expiresAt: Date;
}

export async function eksToken(input: {
  clusterName: string;
  region: string;
  credentials: AwsCredentials;
  now: Date;
}): Promise<EksToken> {
  const url = await presignCallerIdentity({ ...input, signingDate: input.now });
  return { token: encodeToken(url), expiresAt: new Date(input.now.getTime() + TOKEN_LIFETIME_MS) };
}

/**
 * Hands out a token, minting a new one once the current one is older than `refreshAfterMs`
 * (10 minutes by default: well inside STS's 15, as the CLI's 14-minute expiry is).
 */
export function tokenSource(options: {
  clusterName: string;
  region: string;
  credentials: CredentialsProvider;
  now?: () => Date;
  refreshAfterMs?: number;
}): () => Promise<string> {
  const now = options.now ?? (() => new Date());
  const refreshAfterMs = options.refreshAfterMs ?? 10 * 60_000;
  let current: { token: string; mintedAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return async () => {
    const at = now();
    if (current && at.getTime() - current.mintedAt < refreshAfterMs) return current.token;
    pending ??= (async () => {
      try {
        const { token } = await eksToken({
          clusterName: options.clusterName,
          region: options.region,
          credentials: await options.credentials(),
          now: at,
        });
        current = { token, mintedAt: at.getTime() };
        return token;
      } finally {
        pending = undefined;
      }
    })();
    return pending;
  };
}
