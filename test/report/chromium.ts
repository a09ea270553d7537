/// <reference lib="dom" />
/** Opens a local HTML file in headless Chromium (/usr/bin/chromium, via playwright-core) and inspects it. */
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.EKS_BLUEGREEN_CHROMIUM ?? "/usr/bin/chromium";

export interface PageCheck {
  consoleErrors: string[];
  /** Requests other than the file itself (the page must fetch nothing). */
  requests: string[];
  fields: Record<string, string>;
  charts: string | null;
  /** Non-blank pixels of each canvas on the page, by canvas index. */
  inkedPixels: number[];
  eventRows: number;
  approvalRows: number;
  /** Each metric chart: its metric, the values the script plotted, the inked pixels of its canvas. */
  metricCharts: { metric: string; points: number; inked: number }[];
  /** Each metric's table of evaluations: time, green's and blue's exact values (null: no data). */
  metricValues: { metric: string; at: string; green: number | null; blue: number | null }[];
  screenshot?: Buffer;
}

export async function openReport(file: string, options: { screenshot?: boolean } = {}): Promise<PageCheck> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const consoleErrors: string[] = [];
    const requests: string[] = [];
    const url = pathToFileURL(file).href;
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("request", (r) => {
      if (r.url() !== url) requests.push(r.url());
    });
    await page.goto(url);
    await page
      .waitForFunction(() => document.body.getAttribute("data-charts") === "drawn", null, {
        timeout: 10_000,
      })
      .catch(() => {});
    const result = await page.evaluate(() => {
      const fields: Record<string, string> = {};
      document.querySelectorAll("[data-field]").forEach((el) => {
        fields[el.getAttribute("data-field")!] = (el.textContent ?? "").trim();
      });
      const inked = (c: HTMLCanvasElement | null) => {
        if (!c) return 0;
        const g = c.getContext("2d")!;
        const px = g.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 0; i < px.length; i += 4) {
          const white = px[i]! > 245 && px[i + 1]! > 245 && px[i + 2]! > 245;
          if (px[i + 3]! > 0 && !white) n++;
        }
        return n;
      };
      const inkedPixels = Array.from(document.querySelectorAll("canvas")).map(inked);
      const metricCharts = Array.from(document.querySelectorAll(".metric-chart")).map((el) => ({
        metric: el.getAttribute("data-metric") ?? "",
        points: Number(el.getAttribute("data-points") ?? "0"),
        inked: inked(el.querySelector("canvas")),
      }));
      const side = (row: Element, name: string) => {
        const v = row.querySelector(`td[data-side="${name}"]`)?.getAttribute("data-value");
        return v === null || v === undefined ? null : Number(v);
      };
      const metricValues = Array.from(document.querySelectorAll("table.metric-values tr.metric-value")).map(
        (row) => ({
          metric: row.closest("table")!.getAttribute("data-metric") ?? "",
          at: (row.querySelector("td")?.textContent ?? "").trim(),
          green: side(row, "green"),
          blue: side(row, "blue"),
        }),
      );
      return {
        metricCharts,
        metricValues,
        fields,
        charts: document.body.getAttribute("data-charts"),
        inkedPixels,
        eventRows: document.querySelectorAll("#events tbody tr").length,
        approvalRows: document.querySelectorAll("#approvals tbody tr.approval").length,
      };
    });
    const screenshot = options.screenshot ? await page.screenshot({ fullPage: false }) : undefined;
    return { consoleErrors, requests, ...result, ...(screenshot ? { screenshot } : {}) };
  } finally {
    await browser.close();
  }
}
