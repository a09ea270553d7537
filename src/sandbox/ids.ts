/** Identifiers shaped like AWS's (upper-case alphanumerics for Route 53, hex for the rest). */
import { randomBytes } from "node:crypto";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export function upperId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length];
  return out;
}

export function hexId(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString("hex")
    .slice(0, length);
}

/** An opaque pagination token carrying the index of the next item. */
export function encodeToken(index: number): string {
  return Buffer.from(JSON.stringify({ i: index }), "utf8").toString("base64");
}

export function decodeToken(token: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64").toString("utf8"));
    const index = (parsed as { i?: unknown }).i;
    return typeof index === "number" && Number.isInteger(index) && index >= 0 ? index : undefined;
  } catch {
    return undefined;
  }
}
