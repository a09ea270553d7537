/**
 * YAML text → plain data, keeping the parsed document and its line counter so any field path can be
 * traced back to a line and column for error messages.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from "yaml";
import type { PlanIssue } from "../errors.ts";

export type FieldPath = readonly (string | number)[];

/** Aliases a plan may expand; beyond this a document is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;

export interface PlanSource {
  data: unknown;
  /** Line and column (1-based) of the value at `path`, or of its key when `at: "key"`. Falls back to the nearest ancestor. */
  locate(path: FieldPath, at?: "key" | "value"): { line: number; column: number } | undefined;
  /** The source text of the scalar at `path` (e.g. `1.30`, which YAML reads as the number 1.3). */
  raw(path: FieldPath): string | undefined;
}

export type ParseOutcome = { ok: true; source: PlanSource } | { ok: false; issues: PlanIssue[] };

/** `steps[2].green` from `["steps", 2, "green"]`. */
export function formatPath(path: FieldPath): string {
  let text = "";
  for (const part of path) {
    text += typeof part === "number" ? `[${part}]` : text ? `.${part}` : part;
  }
  return text;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();
}

function yamlHint(code: string): string | undefined {
  switch (code) {
    case "DUPLICATE_KEY":
      return "each key may appear once in a mapping; remove or merge the duplicate";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
      return "check the indentation and punctuation on this line: spaces only, no tabs";
    case "TAB_AS_INDENT":
      return "indent with spaces, not tabs";
    case "MULTIPLE_DOCS":
      return "a plan is one YAML document: remove the extra `---`";
    default:
      return undefined;
  }
}

function childNode(node: unknown, key: string | number): { key?: Node; value?: Node } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
    if (!pair) return undefined;
    return { key: pair.key as Node, value: (pair.value ?? undefined) as Node | undefined };
  }
  if (isSeq(node) && typeof key === "number") {
    const item = node.items[key];
    return item ? { value: item as Node } : undefined;
  }
  return undefined;
}

function nodeAt(doc: Document, path: FieldPath): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of path) {
    node = childNode(node, key)?.value;
    if (!node) return undefined;
  }
  return node as Node;
}

function makeLocate(doc: Document, counter: LineCounter): PlanSource["locate"] {
  return (path, at = "value") => {
    let node: unknown = doc.contents;
    let best: Node | undefined = (doc.contents ?? undefined) as Node | undefined;
    for (let i = 0; i < path.length; i++) {
      const child = childNode(node, path[i]!);
      if (!child) break;
      const last = i === path.length - 1;
      const target = last && at === "key" ? (child.key ?? child.value) : (child.value ?? child.key);
      if (target) best = target;
      node = child.value;
    }
    const offset = best?.range?.[0];
    if (offset === undefined) return undefined;
    const pos = counter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

export function parseYaml(text: string): ParseOutcome {
  const counter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: counter,
    prettyErrors: true,
    uniqueKeys: true,
    merge: true,
  });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const code = e.code;
        const message =
          code === "MULTIPLE_DOCS" ? "the file holds more than one YAML document" : firstLine(e.message);
        return {
          path: "",
          message: `not valid YAML: ${message}`,
          hint: yamlHint(code),
          line: pos?.line,
          column: pos?.col,
        };
      }),
    };
  }
  if (doc.contents === null || doc.contents === undefined) {
    return {
      ok: false,
      issues: [
        {
          path: "",
          message: "the file is empty",
          hint: "start from plans/minimal.yaml; a plan needs at least apiVersion, metadata, region, clusters, traffic and steps",
        },
      ],
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const bomb = /alias/i.test(message);
    return {
      ok: false,
      issues: [
        {
          path: "",
          message: bomb
            ? `the YAML expands too many aliases (more than ${MAX_ALIAS_COUNT}); refusing to expand it`
            : `the YAML cannot be read: ${firstLine(message)}`,
          hint: bomb ? "write the values out instead of nesting anchors and aliases" : undefined,
        },
      ],
    };
  }
  const raw = (path: FieldPath) => {
    const node = nodeAt(doc, path);
    return isScalar(node) && node.range ? text.slice(node.range[0], node.range[1]).trim() : undefined;
  };
  return { ok: true, source: { data, locate: makeLocate(doc, counter), raw } };
}
