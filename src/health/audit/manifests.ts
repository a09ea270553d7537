/**
 * Reads Kubernetes manifests the way `kubectl apply -f DIR --recursive` takes them: every .yaml, .yml
 * and .json file under a directory (or one file), multi-document YAML, `kind: List` flattened, empty
 * documents skipped. A file that does not parse is a usage error naming the file and line.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { extname, join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { ToolError, ExitCode } from "../../errors.ts";

/** One object from a manifest, with where it came from. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown };
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

export interface ManifestObject {
  object: KubeObject;
  /** `file` or `file#n` (n = 1-based document index) */
  source: string;
  /** The file and the 1-based line the object's YAML document starts on (SARIF locations). */
  file?: string;
  line?: number;
}

const EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** What a file-system error code means, in words. */
const FS_CAUSES: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOTDIR: "a part of the path is not a directory",
  ELOOP: "too many symbolic links",
  EISDIR: "is a directory",
  EMFILE: "too many open files",
};

/**
 * A failed stat, readdir or readFile as a usage error naming the path and the real cause: a path that
 * does not exist is `manifests-not-found`; any other failure (permissions, a file used as a directory)
 * is `manifests-unreadable`. Both exit 2.
 */
function unreadable(path: string, error: unknown): ToolError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") {
    return new ToolError("manifests-not-found", `Cannot read ${path}: no such file or directory.`, {
      hint: "Pass a directory or a file of Kubernetes manifests (YAML or JSON).",
      exitCode: ExitCode.Usage,
      cause: error,
    });
  }
  const cause = (code && FS_CAUSES[code]) ?? (error instanceof Error ? error.message : String(error));
  return new ToolError("manifests-unreadable", `Cannot read ${path}: ${cause}${code ? ` (${code})` : ""}.`, {
    hint:
      code === "EACCES" || code === "EPERM"
        ? "Give your user read access to it (and search access to its folders), or pass another path."
        : "Check the path: pass a directory or a file of Kubernetes manifests (YAML or JSON).",
    exitCode: ExitCode.Usage,
    cause: error,
  });
}

/** Runs one file-system read of `path`, turning its failure into `unreadable(path, …)`. */
async function reading<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw unreadable(path, error);
  }
}

async function filesUnder(path: string): Promise<string[]> {
  const info = await reading(path, () => stat(path));
  if (info.isFile()) return [path];
  const entries = await reading(path, () => readdir(path, { withFileTypes: true }));
  const out: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith(".")) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(child)));
    else if (entry.isFile() && EXTENSIONS.has(extname(entry.name).toLowerCase())) out.push(child);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function flatten(value: unknown, source: string, into: ManifestObject[], file: string): void {
  if (value === null || value === undefined) return;
  if (!isObject(value) || typeof value.kind !== "string" || typeof value.apiVersion !== "string") {
    throw new ToolError(
      "invalid-manifest",
      `${source}: not a Kubernetes object (it needs apiVersion and kind).`,
      {
        hint: `Fix or remove that document in ${file}.`,
        exitCode: ExitCode.Usage,
      },
    );
  }
  if (value.kind === "List" || value.kind.endsWith("List")) {
    const items = Array.isArray(value.items) ? value.items : [];
    items.forEach((item, i) => flatten(item, `${source}[${i}]`, into, file));
    return;
  }
  const metadata = isObject(value.metadata) ? value.metadata : {};
  into.push({ object: { ...value, metadata } as KubeObject, source });
}

export async function loadManifests(path: string, cwd = process.cwd()): Promise<ManifestObject[]> {
  const out: ManifestObject[] = [];
  for (const file of await filesUnder(path)) {
    const name = relative(cwd, file) || file;
    const text = await reading(name, () => readFile(file, "utf8"));
    const docs = parseAllDocuments(text, { prettyErrors: true });
    const list = Array.isArray(docs) ? docs : [docs];
    list.forEach((doc, i) => {
      const error = doc.errors[0];
      if (error) {
        const line = error.linePos?.[0];
        throw new ToolError(
          "invalid-manifest",
          `${name}${line ? `:${line.line}:${line.col}` : ""}: not valid YAML: ${error.message.split("\n")[0]}`,
          {
            hint: "Fix the YAML; `kubectl apply --dry-run=client -f` shows the same error.",
            exitCode: ExitCode.Usage,
          },
        );
      }
      const first = out.length;
      flatten(doc.toJS(), list.length > 1 ? `${name}#${i + 1}` : name, out, name);
      const offset = doc.contents?.range?.[0] ?? doc.range[0];
      const line = text.slice(0, offset).split("\n").length;
      for (const m of out.slice(first)) Object.assign(m, { file: name, line });
    });
  }
  return out;
}
