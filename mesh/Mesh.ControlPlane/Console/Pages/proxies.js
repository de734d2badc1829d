// Every connected proxy: SYNCED, STALE or NACKED and its config version (`meshctl proxy-status`), and on demand its
// routes and clusters from its config dump (`meshctl proxy-config routes|clusters`).
import { header, getJson, el, table, badge } from "./common.js";

header();
const open = new Map(); // proxy id -> its config section, fetched when opened

async function load() {
  const status = document.getElementById("status");
  try {
    const proxies = await getJson("/api/proxies");
    const rows = proxies.map(p => el("tr", { "data-proxy": p.proxyId, "data-status": p.status },
      el("td", {}, p.proxyId), el("td", {}, p.kind), el("td", {}, p.workload),
      el("td", {}, badge(p.status)), el("td", {}, p.sentVersion ?? "–"), el("td", {}, p.ackedVersion ?? "–"),
      el("td", {}, p.nackError ?? ""),
      el("td", {}, el("button", { type: "button", "data-toggle": p.proxyId, "aria-expanded": open.has(p.proxyId) ? "true" : "false", onclick: () => toggle(p.proxyId) },
        open.has(p.proxyId) ? `Hide config of ${p.workload}` : `Show config of ${p.workload}`))));
    const synced = proxies.filter(p => p.status === "SYNCED").length;
    status.className = "status";
    status.textContent = `${synced} of ${proxies.length} proxies SYNCED.`;
    const focused = document.activeElement?.dataset?.toggle;
    document.getElementById("content").replaceChildren(
      table("Proxies", ["Proxy", "Kind", "Workload", "Status", "Sent", "ACKed", "Refused because", "Config"], rows, { id: "proxy-table" }),
      ...open.values());
    if (focused) document.querySelector(`[data-toggle="${CSS.escape(focused)}"]`)?.focus();
  } catch (error) {
    status.className = "status error";
    status.textContent = `Proxy status could not be loaded: ${error.message}`;
  }
}

async function toggle(id) {
  if (open.has(id)) open.delete(id); else open.set(id, await dump(id));
  await load();
}

async function dump(id) {
  const section = el("section", { "aria-label": `Config of ${id}`, "data-dump": id });
  try {
    const config = await getJson(`/api/proxies/${encodeURIComponent(id)}/config_dump`);
    const routes = config.routes.flatMap(l => l.virtualHosts.flatMap(h => h.routes.map(r => el("tr", {},
      el("td", {}, l.listener), el("td", {}, h.name), el("td", {}, h.domains.join(", ")), el("td", {}, r.match.join(" || ")),
      el("td", {}, r.action === "route" ? r.clusters.map(c => `${c.cluster} ${c.weight}%`).join(", ") : r.action)))));
    const clusters = config.clusters.map(c => el("tr", {}, el("td", {}, c.name), el("td", {}, c.protocol), el("td", {}, c.loadBalancer ?? ""),
      el("td", {}, c.endpoints.length ? c.endpoints.map(e => `${e.address} (${e.workload})`).join(", ") : "(none)")));
    section.append(el("h2", {}, `${config.proxy}, config version ${config.version}`),
      table("Routes", ["Listener", "Virtual host", "Domains", "Match", "Destinations"], routes),
      table("Clusters", ["Cluster", "Protocol", "Load balancer", "Endpoints"], clusters));
  } catch (error) {
    section.append(el("p", { class: "error" }, `${id}: ${error.message}`));
  }
  return section;
}

load();
setInterval(load, 5000);
