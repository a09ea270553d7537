/**
 * Who acts, for the event log: the name given (`--by`), else $USER, else $USERNAME (Windows), else
 * "operator". Blank values count as unset. approve, resume and rollback all use this one fallback.
 */
export const DEFAULT_OPERATOR = "operator";

export function operatorName(env: NodeJS.ProcessEnv, given?: string): string {
  for (const candidate of [given, env.USER, env.USERNAME]) {
    const name = candidate?.trim();
    if (name) return name;
  }
  return DEFAULT_OPERATOR;
}
