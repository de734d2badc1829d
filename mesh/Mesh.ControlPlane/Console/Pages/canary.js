// The canary wizard: weights per subset with sliders, a header route and faults, previewed as the VirtualService the
// control plane would serve (validated by a dry run) and applied through the admin API like `meshctl apply`.
import { header, getJson, send, el } from "./common.js";

header();
const $ = id => document.getElementById(id);
let previewed = null; // the YAML the Apply button sends: exactly what was shown

async function services() {
  const registry = await getJson("/api/registry");
  const hosts = registry.services.map(s => s.host).filter(h => h.endsWith(".svc.cluster.local")).sort();
  $("service").replaceChildren(...hosts.map(h => {
    const [name, ns] = h.split(".");
    return el("option", { value: `${ns}/${name}` }, `${name} (${ns})`);
  }));
  const wanted = new URLSearchParams(location.search).get("service");
  if (wanted && hosts.some(h => h.startsWith(`${wanted}.`))) $("service").value = `default/${wanted}`;
  await load();
}

async function load() {
  const [ns, name] = $("service").value.split("/");
  const canary = await getJson(`/api/canary/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`);
  $("current").textContent = canary.virtualService
    ? `Routed now by VirtualService ${canary.virtualService.key}; applying replaces it.`
    : `No VirtualService routes ${canary.host} now: requests are balanced over every instance.`;
  const subsets = canary.subsets.length ? canary.subsets : [];
  const even = subsets.length ? Math.floor(100 / subsets.length) : 0;
  $("subsets").replaceChildren(...(subsets.length ? subsets.map((subset, i) => {
    const weight = canary.weights?.[subset] ?? (canary.weights ? 0 : even + (i === 0 ? 100 - even * subsets.length : 0));
    const slider = el("input", { type: "range", id: `weight-${subset}`, name: subset, min: 0, max: 100, step: 1, value: weight, "aria-describedby": "total" });
    const number = el("input", { type: "number", id: `weight-${subset}-value`, min: 0, max: 100, value: weight, "aria-label": `Weight of ${subset}, percent` });
    slider.addEventListener("input", () => { number.value = slider.value; changed(); });
    number.addEventListener("input", () => { slider.value = number.value; changed(); });
    return el("div", { class: "subset-row" }, el("label", { for: slider.id }, subset), slider, number);
  }) : [el("p", {}, `No DestinationRule defines subsets for ${canary.host}: add one to split traffic.`)]));
  $("header-subset").replaceChildren(...subsets.map(s => el("option", { value: s }, s)));
  if (subsets.includes("v2")) $("header-subset").value = "v2";
  changed();
}

function weights() {
  return Object.fromEntries([...document.querySelectorAll("#subsets input[type=range]")].map(i => [i.name, Number(i.value)]));
}

function changed() {
  const total = Object.values(weights()).reduce((a, b) => a + b, 0);
  $("total").textContent = `Total: ${total}%${total === 100 ? "" : " (must be 100%)"}`;
  $("total").className = total === 100 ? "" : "error";
  previewed = null;
  $("apply").disabled = true;
}

function plan() {
  const [ns, service] = $("service").value.split("/");
  const value = $("header-value").value.trim();
  return {
    namespace: ns, service, weights: weights(),
    headerRoute: value ? { header: $("header-name").value.trim(), value, subset: $("header-subset").value } : null,
    fault: {
      delayPercent: Number($("delay-percent").value), fixedDelay: $("delay-duration").value.trim(),
      abortPercent: Number($("abort-percent").value), abortStatus: Number($("abort-status").value),
    },
  };
}

async function preview(event) {
  event.preventDefault();
  const result = await send("POST", "/api/canary/preview", JSON.stringify(plan()), { "content-type": "application/json" });
  if (!result.ok) { show(`The preview failed: ${result.body.error ?? result.status}`, true); return; }
  $("yaml").textContent = result.body.yaml;
  $("findings").replaceChildren(...result.body.findings.map(f => el("li", { class: `severity-${f.severity}` }, f.text)));
  previewed = result.body.valid ? result.body.yaml : null;
  $("apply").disabled = !previewed;
  show(result.body.valid ? "Valid. Apply sends exactly this YAML to the control plane." : "Not valid: fix the errors listed and preview again.", !result.body.valid);
}

async function apply() {
  if (!previewed) return;
  $("apply").disabled = true;
  const result = await send("POST", "/api/config", previewed, { "content-type": "application/yaml", "X-Mesh-Source": "console canary wizard" });
  if (result.ok) {
    const [, service] = $("service").value.split("/");
    show(`Applied: config revision ${result.body.revision}. Every proxy is being pushed the new routes.`, false,
      el("a", { href: `graph.html?type=versionedApp&window=10s` }, `See ${service}'s split in the graph`));
    await load();
  } else {
    show(`Refused (${result.status}): ${(result.body.findings ?? []).map(f => f.text).join("; ") || result.body.error}`, true);
  }
}

function show(text, error, ...extra) {
  $("status").className = error ? "status error" : "status";
  $("status").replaceChildren(text, " ", ...extra);
}

$("wizard").addEventListener("submit", preview);
$("apply").addEventListener("click", apply);
$("service").addEventListener("change", load);
for (const id of ["header-name", "header-value", "header-subset", "delay-percent", "delay-duration", "abort-percent", "abort-status"]) {
  $(id).addEventListener("input", changed);
}
services().catch(error => show(`Services could not be loaded: ${error.message}`, true));
