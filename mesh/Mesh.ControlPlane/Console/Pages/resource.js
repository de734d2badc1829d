// One served resource: its YAML as the control plane serves it, with where it came from and its findings.
import { header, getJson, el, table } from "./common.js";

header();
const key = new URLSearchParams(location.search).get("key") ?? "";
const [kind, ns, name] = key.split("/");
document.querySelector("h1").textContent = key;
document.title = `${key} · Mesh console`;

async function load() {
  const status = document.getElementById("status");
  try {
    // The documents first: without a session that call sends the browser to the login page.
    const [documents, findings] = await Promise.all([getJson("/api/config/documents"), getJson("/api/analyze")]);
    const response = await fetch(`/api/config/${encodeURIComponent(kind)}/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`);
    if (!response.ok) throw new Error(`${key} is not in the served config (${response.status})`);
    const yaml = await response.text();
    const source = documents.find(d => d.key === key);
    const own = findings.filter(f => f.resource === key);
    document.getElementById("content").replaceChildren(
      el("p", {}, source ? `From ${source.file}, line ${source.firstLine}.` : ""),
      own.length ? table("Findings", ["Code", "Severity", "Reason"], own.map(f => el("tr", {}, el("td", {}, el("code", {}, f.code)),
        el("td", {}, el("span", { class: `severity-${f.severity}` }, f.severity)), el("td", {}, f.message)))) : el("p", {}, "No findings."),
      el("pre", { "aria-label": "YAML" }, yaml));
    status.textContent = "";
  } catch (error) {
    status.className = "status error";
    status.textContent = error.message;
  }
}

load();
