import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The reliability suite's fast part (`*.fast.test.ts`) runs here; the rest only in `npm run test:reliability`.
    exclude: ["test/reliability/**/!(*.fast).test.ts", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    setupFiles: ["test/support/quiet-sdk-notice.ts"],
  },
});
