/** The audit as a person reads it: a summary line, then one row per finding with its reason beneath. */
import type { AuditFinding } from "./rules.ts";

export function summarize(findings: readonly AuditFinding[]): {
  error: number;
  warning: number;
  info: number;
} {
  const count = { error: 0, warning: 0, info: 0 };
  for (const f of findings) count[f.severity]++;
  return count;
}

export function renderAudit(findings: readonly AuditFinding[], heading: string): string {
  const c = summarize(findings);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const lines = [`${heading}: ${plural(c.error, "error")}, ${plural(c.warning, "warning")}, ${c.info} info`];
  if (findings.length === 0) return `${lines[0]}\nNo findings.`;
  const w = {
    severity: Math.max(8, ...findings.map((f) => f.severity.length)),
    code: Math.max(4, ...findings.map((f) => f.code.length)),
    subject: Math.max(6, ...findings.map((f) => f.subject.length)),
  };
  lines.push("");
  lines.push(
    `${"SEVERITY".padEnd(w.severity)}  ${"CODE".padEnd(w.code)}  ${"OBJECT".padEnd(w.subject)}  SOURCE`,
  );
  for (const f of findings) {
    lines.push(
      `${f.severity.padEnd(w.severity)}  ${f.code.padEnd(w.code)}  ${f.subject.padEnd(w.subject)}  ${f.source ?? ""}`.trimEnd(),
    );
    lines.push(`${" ".repeat(w.severity + 2)}${f.message}`);
  }
  const blocking = findings.filter((f) => f.blocking).length;
  lines.push("");
  lines.push(
    blocking > 0
      ? `${plural(blocking, "blocking finding")}: fix ${blocking === 1 ? "it" : "them"} before moving traffic to green (exit 4).`
      : "Nothing blocks the upgrade.",
  );
  return lines.join("\n");
}
