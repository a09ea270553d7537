/**
 * Label selectors, both forms Kubernetes uses: the query string (`app=web,tier in (a,b),!legacy`) that
 * `labelSelector` parameters take, and the `{ matchLabels, matchExpressions }` object PDBs and workloads
 * carry. Pure; the sandbox's API and the audit share them.
 */

export type Labels = Record<string, string> | undefined;

export interface Requirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values: string[];
}

export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms.map((t) => t.trim()).filter((t) => t.length > 0);
}

const KEY = String.raw`[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?`;
const VALUE = String.raw`([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;

/** Parses a selector string; throws an Error naming the bad term. */
export function parseSelector(text: string): Requirement[] {
  const out: Requirement[] = [];
  for (const term of splitTerms(text)) {
    let m: RegExpMatchArray | null;
    if ((m = term.match(new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`)))) {
      out.push({ key: m[1]!, operator: m[3] === "!=" ? "NotIn" : "In", values: [m[4] ?? ""] });
    } else if ((m = term.match(new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`)))) {
      const values = m[4]!.split(",").map((v) => v.trim());
      out.push({ key: m[1]!, operator: m[3] === "in" ? "In" : "NotIn", values });
    } else if ((m = term.match(new RegExp(`^!\\s*(${KEY})$`)))) {
      out.push({ key: m[1]!, operator: "DoesNotExist", values: [] });
    } else if ((m = term.match(new RegExp(`^(${KEY})$`)))) {
      out.push({ key: m[1]!, operator: "Exists", values: [] });
    } else {
      throw new Error(`cannot parse label selector term "${term}"`);
    }
  }
  return out;
}

export function matchesRequirements(requirements: readonly Requirement[], labels: Labels): boolean {
  const l = labels ?? {};
  return requirements.every((r) => {
    const has = Object.hasOwn(l, r.key);
    switch (r.operator) {
      case "In":
        return has && r.values.includes(l[r.key]!);
      case "NotIn":
        return !has || !r.values.includes(l[r.key]!);
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
    }
  });
}

export function matchesSelectorString(selector: string | undefined, labels: Labels): boolean {
  if (!selector || selector.trim() === "") return true;
  return matchesRequirements(parseSelector(selector), labels);
}

/**
 * An object selector. As Kubernetes reads it for PDBs (policy/v1), an empty selector matches every pod
 * in the namespace, and a missing one matches none.
 */
export function matchesLabelSelector(selector: LabelSelectorObject | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const requirements: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: "In",
    values: [value],
  }));
  for (const e of selector.matchExpressions ?? []) {
    if (
      e.operator === "In" ||
      e.operator === "NotIn" ||
      e.operator === "Exists" ||
      e.operator === "DoesNotExist"
    ) {
      requirements.push({ key: e.key, operator: e.operator, values: e.values ?? [] });
    } else {
      return false;
    }
  }
  return matchesRequirements(requirements, labels);
}
