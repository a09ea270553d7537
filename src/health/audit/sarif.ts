/**
 * The audit as SARIF 2.1.0, for GitHub code scanning: one rule per finding code (rule id = code), levels
 * from severity (a blocking finding is `error`, info is `note`), and a location per result: the manifest
 * file and the line its object starts on when auditing manifests, or the object's name when live.
 */
import { VERSION } from "../../version.ts";
import type { AuditFinding } from "./rules.ts";

export interface FindingLocation {
  /** Path relative to the repository root, with `/`. */
  uri: string;
  line?: number;
}

const HELP = "https://github.com/eks-bluegreen/eks-bluegreen/blob/main/docs/health.md";

function level(f: AuditFinding): "error" | "warning" | "note" {
  if (f.blocking || f.severity === "error") return "error";
  return f.severity === "warning" ? "warning" : "note";
}

export function toSarif(
  findings: readonly AuditFinding[],
  locate: (f: AuditFinding) => FindingLocation | undefined,
): unknown {
  const codes = [...new Set(findings.map((f) => f.code))].sort();
  const rules = codes.map((code) => ({
    id: code,
    name: code
      .split("-")
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(""),
    shortDescription: { text: code },
    helpUri: HELP,
    defaultConfiguration: {
      level: level(findings.find((f) => f.code === code)!),
    },
  }));
  const results = findings.map((f) => {
    const where = locate(f);
    return {
      ruleId: f.code,
      ruleIndex: codes.indexOf(f.code),
      level: level(f),
      message: { text: f.message },
      locations: [
        where
          ? {
              physicalLocation: {
                artifactLocation: { uri: where.uri },
                ...(where.line ? { region: { startLine: where.line } } : {}),
              },
              logicalLocations: [{ fullyQualifiedName: f.subject, kind: "object" }],
            }
          : { logicalLocations: [{ fullyQualifiedName: f.subject, kind: "object" }] },
      ],
      properties: { severity: f.severity, blocking: f.blocking },
    };
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "eks-bluegreen",
            version: VERSION,
            informationUri: "https://github.com/eks-bluegreen/eks-bluegreen",
            rules,
          },
        },
        results,
      },
    ],
  };
}
