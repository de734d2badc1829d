// The traffic graph: nodes and edges from /api/graph (PromQL over Istio's metrics), laid out in columns by call depth,
// refreshed every 5 s. The table below the picture carries the same numbers for screen readers and tests.
import { header, getJson, el, table, rps, percent, ms, badge, resourceLink } from "./common.js";

header();
const svgNs = "http://www.w3.org/2000/svg";
const params = new URLSearchParams(location.search);
const controls = { type: document.getElementById("type"), window: document.getElementById("window") };
controls.type.value = params.get("type") ?? "versionedApp";
controls.window.value = params.get("window") ?? "1m";
let selected = params.get("node");
let graph = null;

for (const control of Object.values(controls)) control.addEventListener("change", () => { remember(); refresh(); });
document.getElementById("controls").addEventListener("submit", e => e.preventDefault());

function remember() {
  const query = new URLSearchParams({ type: controls.type.value, window: controls.window.value });
  if (selected) query.set("node", selected);
  history.replaceState(null, "", `?${query}`);
}

async function refresh() {
  const status = document.getElementById("status");
  try {
    graph = await getJson(`/api/graph?type=${controls.type.value}&window=${controls.window.value}`);
    draw(graph);
    listEdges(graph);
    if (selected) showNode(selected, false);
    status.className = "status";
    status.textContent = `Updated ${new Date(graph.at).toLocaleTimeString()}: ${graph.nodes.length} nodes, ${graph.edges.length} edges over the last ${graph.window}.`;
  } catch (error) {
    status.className = "status error";
    status.textContent = `The graph could not be loaded: ${error.message}`;
  }
}

const label = id => graph.nodes.find(n => n.id === id)?.label ?? id;

/** Columns by longest call depth from the nodes nobody calls; within a column, ordered near their callers. */
function layout(nodes, edges) {
  const rank = new Map(nodes.map(n => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    let changed = false;
    for (const e of edges) {
      const next = rank.get(e.source) + 1;
      if (e.source !== e.target && next < nodes.length && rank.get(e.target) < next) { rank.set(e.target, next); changed = true; }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const n of nodes) (columns[rank.get(n.id)] ??= []).push(n);
  const position = new Map();
  const rows = Math.max(...columns.map(c => c?.length ?? 0), 1);
  columns.forEach((column, r) => {
    if (!column) return;
    const callers = n => edges.filter(e => e.target === n.id && position.has(e.source)).map(e => position.get(e.source).y);
    const weight = n => { const ys = callers(n); return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : 0; };
    column.sort((a, b) => weight(a) - weight(b) || a.label.localeCompare(b.label));
    const top = 50 + (rows - column.length) * 50;
    column.forEach((n, i) => position.set(n.id, { x: 70 + r * 185, y: top + i * 100 }));
  });
  return { position, width: 30 + columns.length * 185, height: 40 + rows * 100 };
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(svgNs, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== null) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function draw({ nodes, edges }) {
  const box = document.getElementById("graph");
  if (nodes.length === 0) { box.replaceChildren(el("p", { style: "padding: 12px" }, "No traffic in this window.")); return; }
  const { position, width, height } = layout(nodes, edges);
  const root = svg("svg", { width: "100%", style: `min-width: ${Math.round(width * 0.6)}px; max-width: ${width}px`, viewBox: `0 0 ${width} ${height}`, role: "group", "aria-labelledby": "graph-title" },
    svg("title", { id: "graph-title" }, `Traffic graph: ${nodes.length} nodes, ${edges.length} edges. The table below lists every edge.`),
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
      svg("path", { d: "M 0 0 L 10 5 L 0 10 z", fill: "#8c959f" }))));
  for (const e of edges) root.append(edge(e, position.get(e.source), position.get(e.target)));
  for (const n of nodes) root.append(node(n, position.get(n.id)));
  box.replaceChildren(root);
}

function edge(e, from, to) {
  const [x1, y1, x2, y2] = [from.x + 24, from.y, to.x - 26, to.y];
  const bend = x2 > x1 ? 0 : 80;
  const d = `M ${x1} ${y1} C ${x1 + 60} ${y1 - bend}, ${x2 - 60} ${y2 - bend}, ${x2} ${y2}`;
  const group = svg("g", { class: "edge-group", "data-source": label(e.source), "data-target": label(e.target) });
  group.append(svg("path", { d, class: `edge ${e.health}`, "marker-end": "url(#arrow)" }));
  // Dots move faster with more traffic; red dots are the share of errors.
  const speed = Math.max(0.6, 8 / Math.sqrt(e.rps + 0.05));
  group.append(svg("path", { d, class: "flow", style: `animation-duration: ${speed.toFixed(2)}s` }));
  if (e.errorRate > 0) {
    const gap = Math.min(140, 14 / e.errorRate);
    group.append(svg("path", { d, class: "flow-error", style: `stroke-dasharray: 2 ${gap.toFixed(0)}; animation-duration: ${speed.toFixed(2)}s` }));
  }
  const [mx, my] = [(x1 + x2) / 2, (y1 + y2) / 2 - bend * 0.75 - 8];
  const text = svg("text", { x: mx, y: my, "text-anchor": "middle", class: "edge-label" },
    svg("tspan", { x: mx }, `${rps(e.rps)} rps · ${percent(e.share)}`),
    svg("tspan", { x: mx, dy: 13 }, `${e.errorRate > 0 ? `${percent(e.errorRate)} err · ` : ""}p99 ${ms(e.p99)}`));
  group.append(text);
  if (e.mtlsShare >= 0.99) group.append(lock(mx + 52, my - 10));
  return group;
}

function lock(x, y) {
  return svg("g", { transform: `translate(${x} ${y})`, class: "lock" }, svg("title", {}, "mutual TLS"),
    svg("path", { d: "M 2.5 5 V 3.5 a 2.5 2.5 0 0 1 5 0 V 5", fill: "none", stroke: "#1f2328", "stroke-width": 1.3 }),
    svg("rect", { x: 1, y: 5, width: 8, height: 6, rx: 1, fill: "#1f2328" }));
}

function node(n, { x, y }) {
  const shape = n.kind === "service" ? svg("polygon", { class: "shape", points: `${x},${y - 22} ${x + 22},${y + 16} ${x - 22},${y + 16}` })
    : n.kind === "gateway" ? svg("rect", { class: "shape", x: x - 20, y: y - 20, width: 40, height: 40, rx: 6 })
    : svg("circle", { class: "shape", cx: x, cy: y, r: 20 });
  const name = `${n.label}, ${n.kind}, ${n.health}, ${rps(n.inboundRps)} requests per second in`;
  const group = svg("g", { class: `node ${n.health}${n.id === selected ? " selected" : ""}`, tabindex: 0, role: "button",
      "aria-label": name, "data-id": n.id, "data-label": n.label },
    svg("title", {}, name), shape,
    svg("text", { x, y: y + 38, "text-anchor": "middle" }, n.label));
  const choose = () => { selected = n.id; remember(); draw(graph); showNode(n.id, true); };
  group.addEventListener("click", choose);
  group.addEventListener("keydown", e => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(); } });
  return group;
}

function edgeRows(edges, other) {
  return edges.map(e => el("tr", {}, el("td", {}, label(other(e))), el("td", { class: "num" }, rps(e.rps)),
    el("td", { class: "num" }, percent(e.errorRate)), el("td", { class: "num" }, ms(e.p99))));
}

async function showNode(id, focusPanel) {
  const panel = document.getElementById("panel");
  const n = graph?.nodes.find(x => x.id === id);
  if (!n) { panel.replaceChildren(el("h2", {}, "Select a node"), el("p", {}, "The selected node has no traffic in this window.")); return; }
  const inbound = graph.edges.filter(e => e.target === id), outbound = graph.edges.filter(e => e.source === id);
  const heading = el("h2", { tabindex: -1 }, n.label);
  const parts = [heading, el("p", {}, `${n.kind} in ${n.namespace} `, badge(n.health)),
    table("Inbound", ["From", "rps", "Errors", "p99"], edgeRows(inbound, e => e.source)),
    table("Outbound", ["To", "rps", "Errors", "p99"], edgeRows(outbound, e => e.target))];
  panel.replaceChildren(...parts, el("p", { class: "status" }, "Loading config and proxies…"));
  if (focusPanel) heading.focus();
  try {
    const detail = await getJson(`/api/graph/node?id=${encodeURIComponent(id)}`);
    if (selected !== id) return;
    const proxies = detail.workloads.map(w => el("tr", {},
      el("td", {}, w.workload),
      el("td", {}, w.proxy ? badge(w.proxy.status) : "not connected"),
      el("td", {}, w.proxy?.ackedVersion ?? "–"),
      el("td", {}, certificate(w.certificate))));
    const config = detail.config.length
      ? el("ul", {}, detail.config.map(r => el("li", {}, resourceLink(r.key))))
      : el("p", {}, "No VirtualService, DestinationRule or policy applies.");
    panel.replaceChildren(...parts, table("Proxies", ["Workload", "Sync", "Config version", "Certificate expires"], proxies),
      el("h3", {}, "Config"), config);
  } catch (error) {
    panel.replaceChildren(...parts, el("p", { class: "error" }, error.message));
  }
}

function certificate(cert) {
  if (!cert?.notAfter) return "–";
  const left = (new Date(cert.notAfter) - Date.now()) / 1000;
  const inText = left > 7200 ? `${(left / 3600).toFixed(0)} h` : left > 120 ? `${(left / 60).toFixed(0)} min` : `${Math.max(0, left).toFixed(0)} s`;
  return el("time", { datetime: cert.notAfter, title: cert.identity ?? "" }, `in ${inText}`);
}

function listEdges({ edges }) {
  const rows = edges.map(e => el("tr", { "data-source": label(e.source), "data-target": label(e.target), "data-share": e.share.toFixed(4),
      "data-rps": e.rps.toFixed(3), "data-mtls": e.mtlsShare >= 0.99 ? "yes" : "no" },
    el("td", {}, label(e.source)), el("td", {}, label(e.target)), el("td", {}, e.service),
    el("td", { class: "num" }, rps(e.rps)), el("td", { class: "num" }, percent(e.share)), el("td", { class: "num" }, percent(e.errorRate)),
    el("td", { class: "num" }, ms(e.p99)), el("td", {}, e.mtlsShare >= 0.99 ? "yes" : e.mtlsShare > 0 ? percent(e.mtlsShare) : "no"),
    el("td", {}, badge(e.health))));
  document.getElementById("edges").replaceChildren(
    table("Edges", ["From", "To", "Service", "Requests/s", "Share of service", "Errors", "p99", "mTLS", "Health"], rows, { id: "edge-table" }));
}

refresh();
setInterval(refresh, 5000);
