/**
 * The AWS query protocol (form-encoded `Action=...&Version=...`): flattened parameters in, XML out.
 * Used by CloudWatch's older wire format and by STS.
 */
import type { SandboxRequest } from "./http.ts";
import { escapeXml } from "./xml.ts";

/** Form body merged over the URL query string (AWS accepts both). */
export function queryParams(request: SandboxRequest): URLSearchParams {
  const params = new URLSearchParams(request.query);
  const type = String(request.headers["content-type"] ?? "");
  if (request.body.length > 0 && (type === "" || type.includes("x-www-form-urlencoded"))) {
    for (const [k, v] of new URLSearchParams(request.body.toString("utf8"))) params.set(k, v);
  }
  return params;
}

/**
 * `AlarmNames.member.1=a&Dimensions.member.1.Name=x` → `{AlarmNames: ["a"], Dimensions: [{Name: "x"}]}`.
 * Values stay strings; the operation converts them.
 */
export function unflatten(params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of params) {
    if (key === "Action" || key === "Version") continue;
    const parts = key.split(".");
    let node: Record<string, unknown> = root;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return listify(root) as Record<string, unknown>;
}

function listify(value: unknown): unknown {
  if (!value || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  if (keys.length === 1 && keys[0] === "member") {
    const members = object["member"] as Record<string, unknown>;
    return Object.keys(members)
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => listify(members[k]));
  }
  return Object.fromEntries(keys.map((k) => [k, listify(object[k])]));
}

/** Renders a result object in query XML: lists as `<member>`, Dates as ISO-8601, undefined left out. */
export function queryXml(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => `<member>${queryXml(v)}</member>`).join("");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .map(([k, v]) => `<${k}>${queryXml(v)}</${k}>`)
      .join("");
  }
  return escapeXml(String(value));
}

export function queryDocument(
  action: string,
  namespace: string,
  result: Record<string, unknown>,
  requestId: string,
): string {
  const body = Object.values(result).some((v) => v !== undefined)
    ? `<${action}Result>${queryXml(result)}</${action}Result>`
    : "";
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${namespace}">${body}<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryErrorDocument(
  namespace: string,
  type: string,
  code: string,
  message: string,
  requestId: string,
): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${namespace}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}
