/**
 * The AWS SDK tells Node 20 that it will need Node 22 (a notice, once per process). The CLI keeps it off
 * stderr (cli/main.ts); test workers load the SDK in-process, so they drop that one notice the same
 * way, and every other warning still shows.
 */
const emit = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === "string" ? warning : warning.message;
  if (text.startsWith("NodeVersionSupportWarning")) return;
  (emit as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
