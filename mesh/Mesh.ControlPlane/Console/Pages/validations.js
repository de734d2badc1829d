// The live config's findings (what `meshctl analyze --live` reports), and the last change the control plane refused.
import { header, getJson, el, table, badge, resourceLink } from "./common.js";

header();

function rows(findings, served) {
  return findings.map(f => el("tr", { "data-code": f.code, "data-resource": f.resource ?? "" },
    el("td", {}, el("code", {}, f.code)),
    el("td", {}, el("span", { class: `severity-${f.severity}` }, f.severity)),
    el("td", {}, f.resource ? (served.has(f.resource) ? resourceLink(f.resource) : f.resource) : "–"),
    el("td", {}, `${f.file}:${f.line}:${f.column}`),
    el("td", {}, f.message)));
}

async function load() {
  const status = document.getElementById("status");
  try {
    const [findings, config, resources] = await Promise.all([getJson("/api/analyze"), getJson("/api/config/status"), getJson("/api/config")]);
    const served = new Set(resources.map(r => `${r.kind}/${r.namespace}/${r.name}`));
    const headings = ["Code", "Severity", "Resource", "Where", "Reason"];
    const live = findings.length
      ? table(`Findings in the served config (${findings.length})`, headings, rows(findings, served), { id: "live-findings" })
      : el("p", { id: "live-findings" }, `No validation issues in the ${served.size} served resources.`);
    const parts = [el("h2", {}, `Served config, revision ${config.revision}`), live];
    if (config.rejectedFindings.length) {
      parts.push(el("h2", {}, "Last refused change"),
        el("p", {}, `From ${config.rejectedSource} at ${new Date(config.rejectedAt).toLocaleString()}. It was not applied: the mesh goes on serving revision ${config.revision}.`),
        table("Errors that refused it", headings, rows(config.rejectedFindings, served), { id: "rejected-findings" }));
    }
    document.getElementById("content").replaceChildren(...parts);
    const errors = findings.filter(f => f.severity === "error").length;
    status.className = "status";
    status.replaceChildren(`${findings.length} finding(s), ${errors} error(s) in the served config. `,
      config.rejectedFindings.length ? badge("a change was refused", "failing") : "");
  } catch (error) {
    status.className = "status error";
    status.textContent = `Validations could not be loaded: ${error.message}`;
  }
}

load();
setInterval(load, 5000);
