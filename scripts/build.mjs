// Bundles the CLI with code splitting, so each command's imports (the AWS SDK above all) load only
// when that command runs: the cold start of `plan --offline` stays small.
//
// The small pure-JS dependencies (commander, yaml, zod, p-retry) are bundled in: Node resolving and
// compiling their hundreds of files one by one cost about a third of `plan --offline`'s start
// (docs/performance.md). The AWS SDK and the Kubernetes client stay external: they are large, load
// lazily on the live paths only, and read files of their own at run time.
import { build } from "esbuild";
import { rm } from "node:fs/promises";

const EXTERNAL = ["@aws-sdk/*", "@smithy/*", "@kubernetes/client-node"];

// Bundled CommonJS (commander, yaml) calls require() for Node built-ins; ESM output has none.
const REQUIRE_SHIM = [
  'import { createRequire as __ebgCreateRequire } from "node:module";',
  "const require = __ebgCreateRequire(import.meta.url);",
].join("\n");

// `import { z } from "zod"` drags in all ~45 message locales through `z.locales`; the tool only ever
// uses English (zod's default), so the namespace keeps `en` alone (~15 ms less to compile at start).
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: "zod-locales-en", namespace: "zod-english-only" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-english-only" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: process.cwd(),
      loader: "js",
    }));
  },
};

await rm(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external: EXTERNAL,
  banner: { js: REQUIRE_SHIM },
  plugins: [zodEnglishOnly],
  sourcemap: "linked",
  logLevel: "warning",
  chunkNames: "chunks/[name]-[hash]",
});
