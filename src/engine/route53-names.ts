/**
 * Route 53 names as Route 53 compares them: case-insensitive, with or without the final dot, and with
 * special characters returned as `\ddd` octal escapes (a wildcard comes back as `\052.example.com.`).
 */

/** Canonical form for matching: lower case, escapes decoded, no trailing dot. */
export function normalizeName(name: string): string {
  const decoded = name.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
  return decoded.toLowerCase().replace(/\.$/, "");
}

/** Hosted zone id without the `/hostedzone/` prefix. */
export function bareZoneId(id: string): string {
  return id.replace(/^\/?hostedzone\//, "");
}

/** Change id without the `/change/` prefix. */
export function bareChangeId(id: string): string {
  return id.replace(/^\/?change\//, "");
}
