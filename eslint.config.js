import { builtinModules } from "node:module";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

/**
 * The import boundary between the folders of src/ (docs/architecture.md, "Boundaries"): each folder may
 * import itself, `errors.ts`, `version.ts`, `messages.ts` (the output message catalog) and the folders listed here, nothing else of src/. The
 * pure core (plan, analysis, engine) is at the bottom; the CLI at the top, imported by nothing but
 * itself and bin/. A wrong-way import fails `npm run lint` (test/architecture/boundary.test.ts).
 */
export const ALLOWED_IMPORTS = {
  plan: [],
  analysis: ["plan"],
  engine: ["plan", "analysis"],
  aws: ["engine"],
  state: ["engine", "plan"],
  security: ["plan", "state"],
  health: ["engine", "aws", "plan"],
  notify: ["engine", "aws", "plan"],
  report: ["engine", "plan"],
  preview: ["engine", "aws", "plan", "analysis"],
  fleet: ["engine", "aws", "plan", "state", "security"],
  sandbox: ["plan", "analysis", "health"],
  runner: ["engine", "aws", "plan", "analysis", "state", "health", "notify"],
  cli: [
    "engine",
    "aws",
    "plan",
    "analysis",
    "state",
    "health",
    "notify",
    "preview",
    "report",
    "security",
    "fleet",
    "sandbox",
    "runner",
  ],
};
const FOLDERS = Object.keys(ALLOWED_IMPORTS);

/**
 * The pure rules: no Node built-ins, no AWS SDK, no `process`, no clock of their own (STYLE.md rule 1).
 * plan/ sits below them but reads the plan file and hashes it, so it is not in this list.
 */
const PURE = ["analysis", "engine"];
const NODE_BUILTINS = [
  {
    group: ["node:*", ...builtinModules.flatMap((m) => [m, `${m}/*`])],
    message: "The core does no I/O: files, processes and the network only through ports (src/runner/).",
  },
  { group: ["@aws-sdk/*"], message: "The core sees AWS only through the ports of engine/ports.ts." },
];

const CLOCK = [
  {
    selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
    message: "Use the injected clock.",
  },
  {
    selector: "NewExpression[callee.name='Date'][arguments.length=0]",
    message: "Use the injected clock.",
  },
];

function boundary(folder) {
  const forbidden = FOLDERS.filter((f) => f !== folder && !ALLOWED_IMPORTS[folder].includes(f));
  const allowed = [...ALLOWED_IMPORTS[folder].map((f) => `${f}/`), "errors.ts"];
  if (!PURE.includes(folder)) allowed.push("version.ts", "messages.ts");
  const message = `src/${folder}/ may import only ${allowed.join(", ")} and itself (eslint.config.js ALLOWED_IMPORTS; docs/architecture.md, "Boundaries").`;
  const patterns = forbidden.map((f) => ({ regex: `^(\\.\\./)+${f}/`, message }));
  if (PURE.includes(folder)) {
    // The core says nothing to anyone: no version banner, no output messages (the shell's, src/messages.ts).
    patterns.push(...NODE_BUILTINS, { regex: "^(\\.\\./)+(version|messages)\\.ts$", message });
  }
  // no-restricted-imports does not see `await import(...)`, which the shell uses to load code lazily.
  const lazy =
    forbidden.length > 0
      ? [{ selector: `ImportExpression[source.value=/^(\\.\\.\\/)+(${forbidden.join("|")})\\//]`, message }]
      : [];
  if (PURE.includes(folder)) {
    lazy.push({
      selector: "ImportExpression[source.value=/^(node:|@aws-sdk\\/)/]",
      message: NODE_BUILTINS[0].message,
    });
  }
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      "no-restricted-imports": ["error", { patterns }],
      "no-restricted-syntax": ["error", ...lazy, ...(PURE.includes(folder) ? CLOCK : [])],
    },
  };
}

export default tseslint.config(
  { ignores: ["dist/", "dist.*/", "node_modules/", "coverage/", ".eks-bluegreen/", "scratch/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  ...FOLDERS.map(boundary),
  {
    // The engine holds the rules (STYLE.md rule 1): the clock comes in through a context, I/O only through
    // ports (the clock and import rules are in boundary() above).
    files: PURE.map((f) => `src/${f}/**/*.ts`),
    rules: {
      "no-restricted-globals": [
        "error",
        { name: "process", message: "The core reads no environment and no process: take it as an input." },
      ],
    },
  },
);
