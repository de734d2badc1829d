// Shared by every page of the console: the header, JSON calls to the control plane, and formatting.
const pages = [["graph.html", "Graph"], ["validations.html", "Validations"], ["canary.html", "Canary"], ["proxies.html", "Proxies"]];

export function header() {
  const here = location.pathname.split("/").pop();
  const links = pages.map(([href, text]) =>
    `<li><a href="${href}"${href === here ? ' aria-current="page"' : ""}>${text}</a></li>`).join("");
  document.querySelector("body > header").innerHTML =
    `<span class="brand">Mesh console</span><nav aria-label="Console"><ul>${links}</ul></nav>`;
}

/** Without a session the API answers 401: go to the login page, and come back here after it. */
function loginIfNeeded(response) {
  if (response.status === 401) {
    const here = location.pathname.split("/").pop() + location.search;
    location.assign(`login.html?next=${encodeURIComponent(here)}`);
  }
}

export async function getJson(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  loginIfNeeded(response);
  const body = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

export async function send(method, path, body, headers = {}) {
  const response = await fetch(path, { method, body, headers });
  loginIfNeeded(response);
  const text = await response.text();
  let json; try { json = JSON.parse(text); } catch { json = { error: text }; }
  return { ok: response.ok, status: response.status, body: json };
}

/** Builds an element: el("td", { class: "num" }, "12"). Text is always set as text, never as HTML. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value); else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function table(caption, headings, rows, attributes = {}) {
  return el("table", attributes, el("caption", {}, caption),
    el("thead", {}, el("tr", {}, headings.map(h => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows));
}

export const rps = v => v >= 10 ? v.toFixed(1) : v.toFixed(2);
export const percent = v => `${(v * 100).toFixed(v > 0 && v < 0.1 ? 1 : 0)}%`;
export const ms = v => v === null || v === undefined ? "–" : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms`;
export const badge = (text, cls = text) => el("span", { class: `badge ${cls}` }, text);
export const resourceLink = key => el("a", { href: `resource.html?key=${encodeURIComponent(key)}` }, key);
