/**
 * The audit as a JUnit XML report, for CI test reports: one test case per finding (class = finding
 * code, name = object). Blocking findings fail; warnings fail too with `--fail-on-warnings`; the rest
 * pass and carry their message. An audit with no findings is one passing case.
 */
import type { AuditFinding } from "./rules.ts";

const escape = (s: string) =>
  s
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;");

export function failsCi(f: AuditFinding, failOnWarnings: boolean): boolean {
  return f.blocking || (failOnWarnings && f.severity === "warning");
}

export function toJunit(findings: readonly AuditFinding[], suite: string, failOnWarnings: boolean): string {
  const failures = findings.filter((f) => failsCi(f, failOnWarnings)).length;
  const cases =
    findings.length === 0
      ? [`    <testcase classname="eks-bluegreen.audit" name="no findings"/>`]
      : findings.map((f) => {
          const head = `    <testcase classname="${escape(f.code)}" name="${escape(f.subject)}"${f.source ? ` file="${escape(f.source)}"` : ""}>`;
          const body = failsCi(f, failOnWarnings)
            ? `      <failure type="${escape(f.code)}" message="${escape(f.message)}">${escape(`${f.severity}: ${f.message}`)}</failure>`
            : `      <system-out>${escape(`${f.severity}: ${f.message}`)}</system-out>`;
          return `${head}\n${body}\n    </testcase>`;
        });
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="eks-bluegreen audit" tests="${Math.max(1, findings.length)}" failures="${failures}">`,
    `  <testsuite name="${escape(suite)}" tests="${Math.max(1, findings.length)}" failures="${failures}" errors="0" skipped="0">`,
    ...cases,
    `  </testsuite>`,
    `</testsuites>`,
    "",
  ].join("\n");
}
