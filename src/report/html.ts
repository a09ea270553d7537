/**
 * The report page as one self-contained HTML string (pure): the data as embedded JSON, uPlot's script
 * and stylesheet inline (given by the caller), and a little script that draws the weights chart, the
 * alarm swim lanes and, for a plan with analysis, one chart per metric with blue's and green's values. Nothing is fetched when the page is viewed. The tables are plain HTML, so the page
 * still reads without scripts.
 */
import { stringify } from "yaml";
import type { PlanDoc } from "../plan/schema.ts";
import type { ReportData } from "./data.ts";

export interface ChartLibrary {
  js: string;
  css: string;
}

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** JSON safe inside a <script> element. */
const embed = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028|\u2029/g, "");

function eventRows(d: ReportData): string {
  return d.events
    .map((e) => {
      const move = e.to && e.from !== e.to ? `${esc(e.from ?? "-")} → ${esc(e.to)}` : "";
      const evidence = e.evidence
        ? `<details><summary>evidence</summary><pre>${esc(JSON.stringify(e.evidence, null, 1))}</pre></details>`
        : "";
      return `<tr class="ev ev-${esc(e.type)}" data-seq="${e.seq}"><td>${e.seq}</td><td>${esc(e.at)}</td><td><code>${esc(e.type)}</code></td><td>${move}</td><td>${esc(e.step ?? "")}</td><td>${esc(e.message)}${evidence}</td></tr>`;
    })
    .join("\n");
}

/** A value as read (4 significant digits; the exact number in `data-value`). */
const cell = (side: string, v: number | null) =>
  v === null
    ? `<td data-side="${side}">no data</td>`
    : `<td data-side="${side}" data-value="${v}">${esc(Number(v.toPrecision(4)))}</td>`;

/** Per metric: a chart (drawn by the script) and, folded, a table of every evaluation's values. */
function metricSections(d: ReportData): string {
  if (d.metrics.length === 0) return "";
  const parts = d.metrics.map((m, i) => {
    const rows = m.t
      .map(
        (t, j) =>
          `<tr class="metric-value"><td>${esc(new Date(t * 1000).toISOString())}</td>${cell("green", m.green[j]!)}${cell("blue", m.blue[j]!)}<td>${esc(m.verdict[j])}</td></tr>`,
      )
      .join("");
    const omitted = m.omitted > 0 ? ` (the latest ${m.t.length}; ${m.omitted} older left out)` : "";
    const body =
      m.t.length === 0
        ? `<p class="muted">No evaluation of ${esc(m.name)} was recorded.</p>`
        : `<div class="metric-chart" id="metric-${i}" data-metric="${esc(m.name)}"></div>
<details><summary>values per evaluation${omitted}</summary><table class="metric-values" data-metric="${esc(m.name)}"><thead><tr><th>evaluated</th><th>green</th><th>blue</th><th>verdict</th></tr></thead><tbody>${rows}</tbody></table></details>`;
    return `<h3>${esc(m.name)}</h3>\n${body}`;
  });
  return `<h2>Metrics: green and blue</h2>
<div class="legend muted">value per evaluation:<span style="background:#2b62c9"></span>blue<span style="background:#1f8f4e"></span>green (every evaluation kept in the state, and the events' analysis evidence)</div>
${parts.join("\n")}`;
}

function approvalRows(d: ReportData): string {
  if (d.approvals.length === 0) return `<tr><td colspan="5">No approvals recorded.</td></tr>`;
  return d.approvals
    .map(
      (a) =>
        `<tr class="approval"><td>${esc(a.gate)}</td><td>${esc(a.by)}</td><td>${esc(a.at)}</td><td>${esc(a.usedAt ?? "")}</td><td>${esc(a.expiredAt ?? "")}</td></tr>`,
    )
    .join("\n");
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:20px auto;max-width:1200px;padding:0 16px;color:#1d2430}
h3{font-size:15px;margin:18px 0 6px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde;padding-bottom:4px}
.facts{display:flex;flex-wrap:wrap;gap:8px 24px;margin:10px 0}.facts div{min-width:120px}.facts b{display:block;font-size:12px;color:#667;font-weight:500}
.phase{display:inline-block;padding:2px 8px;border-radius:10px;background:#e6eefc}
.phase-rolled-back,.phase-rolling-back{background:#fde2e1}.phase-completed{background:#dff5e3}.phase-paused,.phase-awaiting-approval,.phase-waiting-to-retire{background:#fff1cc}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eef;padding:4px 6px;text-align:left;vertical-align:top}
tr.ev-rollback-started td,tr.ev-rolled-back td{background:#fff4f4}tr.ev-notify-failed td{color:#a50}
pre{background:#f6f7f9;padding:8px;overflow:auto;max-height:320px;font-size:12px}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:middle}
.muted{color:#667}
`;

const DRAW = `
(function(){
  var d = JSON.parse(document.getElementById("report-data").textContent);
  var width = Math.max(480, Math.min(1160, document.documentElement.clientWidth - 40));
  var xs = Array.from(new Set(d.written.t.concat(d.observed.t))).sort(function(a,b){return a-b;});
  var w = [], o = [], wi = 0, oi = 0, cur = d.written.green[0];
  for (var i = 0; i < xs.length; i++) {
    while (wi < d.written.t.length && d.written.t[wi] <= xs[i]) { cur = d.written.green[wi]; wi++; }
    w.push(cur);
    var ov = null;
    for (var k = 0; k < d.observed.t.length; k++) if (d.observed.t[k] === xs[i]) ov = d.observed.green[k];
    o.push(ov);
  }
  new uPlot({
    width: width, height: 260, title: "Green's share of traffic (%)",
    scales: { x: { time: true }, y: { range: [0, 100] } },
    series: [
      {},
      { label: "written", stroke: "#1f8f4e", width: 2, fill: "rgba(31,143,78,0.12)", paths: uPlot.paths.stepped({ align: 1 }) },
      { label: "observed", stroke: "#2b62c9", width: 1, spanGaps: false, points: { show: true, size: 7 } }
    ],
    axes: [{}, { values: function(u, v){ return v.map(function(x){ return x + "%"; }); } }]
  }, [xs, w, o], document.getElementById("weights"));

  d.metrics.forEach(function(m, i){
    var el = document.getElementById("metric-" + i);
    if (!el) return;
    new uPlot({
      width: width, height: 200, title: m.name,
      scales: { x: { time: true } },
      series: [
        {},
        { label: "blue", stroke: "#2b62c9", width: 2, spanGaps: false, points: { show: true, size: 6 } },
        { label: "green", stroke: "#1f8f4e", width: 2, spanGaps: false, points: { show: true, size: 6 } }
      ]
    }, [m.t, m.blue, m.green], el);
    var drawn = 0;
    for (var j = 0; j < m.t.length; j++) { if (m.blue[j] !== null) drawn++; if (m.green[j] !== null) drawn++; }
    el.setAttribute("data-points", String(drawn));
  });

  var colors = { OK: "#3cb371", ALARM: "#e0463c", INSUFFICIENT_DATA: "#b8bcc6" };
  var c = document.getElementById("lanes");
  var lanes = d.alarms, rowH = 26, left = 190, top = 8;
  c.width = width; c.height = Math.max(60, top + rowH * lanes.length + 28);
  var g = c.getContext("2d");
  g.fillStyle = "#fff"; g.fillRect(0, 0, c.width, c.height);
  var span = Math.max(1, d.end - d.start), x = function(t){ return left + (c.width - left - 10) * (t - d.start) / span; };
  g.font = "12px system-ui, sans-serif";
  if (lanes.length === 0) { g.fillStyle = "#667"; g.fillText("No alarm states were recorded in the event log.", 10, 30); }
  lanes.forEach(function(lane, i){
    var y = top + i * rowH;
    g.fillStyle = "#1d2430"; g.fillText(lane.name.length > 28 ? lane.name.slice(0, 27) + "…" : lane.name, 6, y + 16);
    lane.changes.forEach(function(ch, j){
      var next = j + 1 < lane.changes.length ? lane.changes[j + 1].t : d.end;
      g.fillStyle = colors[ch.state] || "#999";
      g.fillRect(x(ch.t), y + 3, Math.max(2, x(next) - x(ch.t)), rowH - 8);
    });
  });
  g.fillStyle = "#667";
  var fmt = function(t){ return new Date(t * 1000).toISOString().replace("T", " ").slice(0, 19) + "Z"; };
  g.fillText(fmt(d.start), left, c.height - 8);
  var endLabel = fmt(d.end); g.fillText(endLabel, c.width - 10 - g.measureText(endLabel).width, c.height - 8);
  document.body.setAttribute("data-charts", "drawn");
})();
`;

export function renderReport(d: ReportData, doc: PlanDoc, lib: ChartLibrary): string {
  const s = d.state;
  const planChanged =
    d.plan.hash !== d.plan.stateHash
      ? `<p class="muted">The plan file has changed since the upgrade started: its hash is now <code>${esc(d.plan.hash)}</code>.</p>`
      : "";
  const steps = d.plan.steps
    .map(
      (st, i) =>
        `<tr><td>${i + 1}</td><td>${st.green}%</td><td>${esc(st.bake)}</td><td>${st.approval ? "yes" : ""}</td></tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(d.plan.name)}: eks-bluegreen report</title>
<style>${lib.css}</style><style>${CSS}</style></head>
<body>
<h1>${esc(d.plan.name)} <span class="phase phase-${esc(s.phase)}" data-field="phase">${esc(s.phase)}</span></h1>
<div class="muted">eks-bluegreen upgrade report · generated ${esc(d.generatedAt)} · plan <code>${esc(d.plan.file)}</code></div>
<div class="facts">
<div><b>step</b><span data-field="step">${s.step}</span> of ${d.plan.steps.length}</div>
<div><b>green written</b><span data-field="writtenGreen">${s.writtenGreen}</span>%</div>
<div><b>events</b><span data-field="events">${s.events}</span></div>
<div><b>started</b>${esc(s.createdAt)}</div>
<div><b>last change</b>${esc(s.updatedAt)}</div>
</div>
<p data-field="reason">${esc(s.reason)}</p>
${s.rollbackReason ? `<p><b>Rollback:</b> <span data-field="rollbackReason">${esc(s.rollbackReason)}</span></p>` : ""}
<h2>Weights over time</h2>
<div id="weights"></div>
${metricSections(d)}
<h2>Alarms</h2>
<div class="legend muted">state:<span style="background:#3cb371"></span>OK<span style="background:#e0463c"></span>ALARM<span style="background:#b8bcc6"></span>INSUFFICIENT_DATA (as recorded in the events' evidence)</div>
<canvas id="lanes"></canvas>
<h2>Approvals</h2>
<table id="approvals"><thead><tr><th>gate</th><th>by</th><th>at</th><th>used</th><th>expired</th></tr></thead><tbody>
${approvalRows(d)}
</tbody></table>
<h2>Events</h2>
<table id="events"><thead><tr><th>#</th><th>at</th><th>type</th><th>phase</th><th>step</th><th>message</th></tr></thead><tbody>
${eventRows(d)}
</tbody></table>
<h2>The plan</h2>
<p>Hash <code data-field="planHash">${esc(d.plan.stateHash)}</code></p>
${planChanged}
<table><thead><tr><th>step</th><th>green</th><th>bake</th><th>approval</th></tr></thead><tbody>${steps}</tbody></table>
<details><summary>plan (as parsed, defaults filled)</summary><pre>${esc(stringify(doc))}</pre></details>
<script type="application/json" id="report-data">${embed(d)}</script>
<script>${lib.js}</script>
<script>${DRAW}</script>
</body></html>
`;
}
