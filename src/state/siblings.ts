/**
 * Where other upgrades' states live beside this one in S3, given this plan's state key. Pure; used by the
 * S3 store (to list them) and the IAM policy (to let it read them).
 *
 * - A key `<p>/<name>/state.json` (one folder per plan) looks at `<p>/<other>/state.json`.
 * - Any other key `<p>/<file>` looks at the other objects directly under `<p>/`, lock objects left out.
 */
export interface SiblingPattern {
  /** The ListObjectsV2 prefix. */
  prefix: string;
  /** Whether a listed key is another upgrade's state (the caller leaves out its own key). */
  matches: (key: string) => boolean;
  /** The same set as an IAM resource pattern on the bucket's objects. */
  resource: string;
}

export function siblingPattern(key: string): SiblingPattern {
  const parts = key.split("/");
  const file = parts[parts.length - 1]!;
  if (parts.length >= 2 && file === "state.json") {
    const prefix = parts.slice(0, -2).join("/");
    const base = prefix === "" ? "" : `${prefix}/`;
    return {
      prefix: base,
      matches: (k) => {
        const rest = k.slice(base.length).split("/");
        return k.startsWith(base) && rest.length === 2 && rest[1] === "state.json";
      },
      resource: `${base}*/state.json`,
    };
  }
  const prefix = parts.length >= 2 ? `${parts.slice(0, -1).join("/")}/` : "";
  return {
    prefix,
    matches: (k) => k.startsWith(prefix) && !k.slice(prefix.length).includes("/") && !k.endsWith(".lock"),
    resource: `${prefix}*`,
  };
}
