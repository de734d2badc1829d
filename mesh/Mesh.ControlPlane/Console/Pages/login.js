// Exchanges the login link's key (or a pasted operator token) for a session cookie that only this origin can send.
const status = document.getElementById("status");
const form = document.getElementById("login");
const next = new URLSearchParams(location.search).get("next");
const target = next && /^[a-z]+\.html(\?[^#]*)?$/.test(next) ? next : "graph.html";

async function login(body) {
  const response = await fetch("/console/session", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin",
  });
  if (response.ok) {
    location.replace(target);
    return;
  }
  const answer = await response.json().catch(() => ({}));
  status.textContent = `Not logged in: ${answer.error ?? response.statusText}`;
  form.hidden = false;
}

const key = new URLSearchParams(location.hash.slice(1)).get("key");
// The key leaves the address bar and the history at once.
history.replaceState(null, "", location.pathname + location.search);
if (key) {
  login({ key });
} else {
  status.textContent = "A credential is needed to see the mesh.";
  form.hidden = false;
}

form.addEventListener("submit", event => {
  event.preventDefault();
  login({ token: document.getElementById("token").value });
});
