import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

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
  {
    // The engine holds the rules (STYLE.md rule 1): the clock comes in through a context, I/O only through ports.
    files: ["src/engine/**/*.ts", "src/analysis/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: ["@aws-sdk/*", "node:fs", "node:fs/promises", "fs"] }],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "Use the injected clock.",
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "Use the injected clock.",
        },
      ],
    },
  },
);
