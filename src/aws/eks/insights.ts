/** Reads a cluster's upgrade insights. */
import type { InsightReading } from "../../engine/ports.ts";
import { sdk, type EksCall } from "./api.ts";

export async function readInsights(
  call: EksCall,
  cluster: string,
  signal?: AbortSignal,
): Promise<InsightReading[]> {
  const { ListInsightsCommand } = await sdk();
  const out: InsightReading[] = [];
  let nextToken: string | undefined;
  do {
    const page = await call(
      "ListInsights",
      (c, s) =>
        c.send(new ListInsightsCommand({ clusterName: cluster, nextToken, maxResults: 100 }), {
          abortSignal: s,
        }),
      signal,
    );
    for (const i of page.insights ?? []) {
      const status = i.insightStatus?.status;
      out.push({
        id: i.id ?? "",
        name: i.name ?? "",
        category: i.category ?? "",
        status: status === "PASSING" || status === "WARNING" || status === "ERROR" ? status : "UNKNOWN",
        reason: i.insightStatus?.reason ?? "",
      });
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}
