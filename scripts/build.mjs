// Bundles the CLI with code splitting, so each command's imports (the AWS SDK above all) load only
// when that command runs: the cold start of `plan --offline` stays small.
//
// The small pure-JS dependencies (commander, yaml, zod, p-retry) are bundled in: Node resolving and
// compiling their hundreds of files one by one cost about a third of `plan --offline`'s start
// (docs/performance.md). The AWS SDK and the Kubernetes client stay external: they are large, load
// lazily on the live paths only, and read files of their own at run time.
import { build } from "esbuild";
import { rename, rm } from "node:fs/promises";

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

// Build next to dist/ and swap it in, so a test running the CLI while another build runs never finds
// dist/ half-written or missing.
const dist = new URL("../dist", import.meta.url);
const next = new URL(`../dist.next-${process.pid}`, import.meta.url);
const old = new URL(`../dist.old-${process.pid}`, import.meta.url);
await rm(next, { recursive: true, force: true });
await build({
  entryPoints: { cli: "src/cli/main.ts" },
  outdir: next.pathname,
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
await rename(dist, old).catch((error) => {
  if (error.code !== "ENOENT") throw error;
});
await rename(next, dist);
await rm(old, { recursive: true, force: true });
