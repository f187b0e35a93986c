// The Aigis dashboard: plain JS, no dependencies, every URL relative (so it works under a proxy's sub-path).
// The admin key lives in sessionStorage (this tab only) and goes in the Authorization header, never in a URL.
"use strict";
(function () {
  const KEY = "aigis.adminKey";
  const HISTORY = 300; // samples kept for the sparklines: 5 minutes at one a second
  const $ = (id) => document.getElementById(id);
  let samples = [];
  let stream = null;
  let keysCursor = null;

  function key() { return sessionStorage.getItem(KEY); }

  async function api(path, options) {
    const init = Object.assign({ headers: {} }, options || {});
    init.headers = Object.assign({ "Authorization": "Bearer " + key() }, init.headers);
    const response = await fetch(path, init);
    if (response.status === 401 || response.status === 403) {
      logout(response.status === 401 ? "The admin key was refused." : "That key is not an admin key.");
      throw new Error("refused");
    }
    return response;
  }

  async function errorText(response) {
    try { const body = await response.json(); return body.error ? body.error.message : response.statusText; }
    catch (e) { return response.statusText; }
  }

  // ---- login ----
  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = $("login-key").value.trim();
    $("login-key").value = "";
    sessionStorage.setItem(KEY, value);
    try {
      const check = await api("admin/v1/services?limit=1");
      if (!check.ok) { logout(await errorText(check)); return; }
      start();
    } catch (e) {
      if (e.message !== "refused") { logout("Cannot reach the admin API."); }
    }
  });

  $("logout").addEventListener("click", () => logout(""));

  function logout(message) {
    sessionStorage.removeItem(KEY);
    if (stream) { stream.abort(); stream = null; }
    $("nav").hidden = true;
    for (const id of ["overview", "keys"]) { $(id).hidden = true; }
    $("login").hidden = false;
    $("login-error").textContent = message || "";
  }

  function start() {
    $("login").hidden = true;
    $("login-error").textContent = "";
    $("nav").hidden = false;
    show(location.hash.slice(1) || "overview");
    connect();
  }

  // ---- pages ----
  window.addEventListener("hashchange", () => { if (key()) { show(location.hash.slice(1)); } });

  function show(page) {
    if (page !== "keys") { page = "overview"; }
    $("overview").hidden = page !== "overview";
    $("keys").hidden = page !== "keys";
    for (const link of document.querySelectorAll("nav a")) { link.classList.toggle("active", link.dataset.page === page); }
    if (page === "keys") { loadKeys(true); }
  }

  // ---- the one event stream ----
  async function connect() {
    const controller = new AbortController();
    stream = controller;
    try {
      const response = await api("admin/v1/dashboard/stream", { signal: controller.signal, headers: { "Accept": "text/event-stream" } });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      $("live").textContent = "live";
      $("live").classList.add("on");
      for (;;) {
        const { value, done } = await reader.read();
        if (done) { break; }
        buffer += decoder.decode(value, { stream: true });
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (e) {
      if (controller.signal.aborted || e.message === "refused") { return; }
    }
    $("live").textContent = "reconnecting";
    $("live").classList.remove("on");
    if (stream === controller && key()) { setTimeout(connect, 2000); }
  }

  function onEvent(text) {
    let name = "message";
    let data = "";
    for (const line of text.split("\n")) {
      if (line.startsWith("event: ")) { name = line.slice(7); }
      else if (line.startsWith("data: ")) { data += line.slice(6); }
    }
    const payload = JSON.parse(data);
    if (name === "history") { samples = payload.samples.slice(-HISTORY); }
    else if (name === "sample") { samples.push(payload); if (samples.length > HISTORY) { samples.shift(); } }
    if (samples.length > 0) { render(samples[samples.length - 1]); }
  }

  const fmt = (v, digits) => v === null || v === undefined ? "-" : Number(v).toFixed(digits);
  const pct = (v) => v === null || v === undefined ? "-" : (v * 100).toFixed(1) + "%";
  const ms = (v) => v === null || v === undefined ? "-" : (v < 1000 ? v.toFixed(0) + " ms" : (v / 1000).toFixed(2) + " s");

  function render(sample) {
    $("total-rps").textContent = fmt(sample.requests_per_second, 1);
    $("total-tokens").textContent = fmt(sample.tokens_per_second, 0);
    $("total-services").textContent = String(sample.services.length);
    $("total-alerts").textContent = String(sample.alerts_firing);
    const body = $("fleet").tBodies[0];
    const seen = new Set();
    for (const s of sample.services) {
      seen.add(s.name);
      let row = body.querySelector(`tr[data-service="${CSS.escape(s.name)}"]`);
      if (!row) {
        row = document.createElement("tr");
        row.dataset.service = s.name;
        for (const cls of ["name", "kind", "healthy", "inflight", "rps", "errors", "refused", "ttft50", "ttft99", "tokens", "cache", "total", "spark"]) {
          const cell = document.createElement("td");
          cell.className = cls;
          row.appendChild(cell);
        }
        body.appendChild(row);
      }
      const cells = row.cells;
      cells[0].textContent = s.name;
      cells[1].textContent = s.kind;
      cells[2].textContent = `${s.healthy}/${s.instances}`;
      cells[2].className = "healthy " + (s.healthy < s.instances ? "down" : "up");
      cells[3].textContent = String(s.in_flight);
      cells[4].textContent = fmt(s.requests_per_second, 2);
      cells[5].textContent = pct(s.error_ratio);
      cells[6].textContent = fmt(s.refused_per_second, 2);
      cells[7].textContent = ms(s.ttft_p50_ms);
      cells[8].textContent = ms(s.ttft_p99_ms);
      cells[9].textContent = fmt(s.tokens_per_second, 0);
      cells[10].textContent = pct(s.cache_hit_rate);
      cells[11].textContent = String(s.requests_total);
      cells[12].replaceChildren(sparkline(s.name));
    }
    for (const row of Array.from(body.rows)) { if (!seen.has(row.dataset.service)) { row.remove(); } }
  }

  // A sparkline of one service's requests per second over the samples kept: one SVG polyline.
  function sparkline(name) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("viewBox", `0 0 ${HISTORY} 28`);
    svg.setAttribute("preserveAspectRatio", "none");
    const values = samples.map((x) => { const p = x.services.find((s) => s.name === name); return p ? p.requests_per_second : 0; });
    const max = Math.max(1, ...values);
    const offset = HISTORY - values.length;
    const line = document.createElementNS(ns, "polyline");
    line.setAttribute("points", values.map((v, i) => `${offset + i},${(27 - (v / max) * 26).toFixed(1)}`).join(" "));
    svg.appendChild(line);
    return svg;
  }

  // ---- keys ----
  async function loadKeys(reset) {
    if (reset) { keysCursor = null; $("key-table").tBodies[0].replaceChildren(); }
    const path = "admin/v1/keys?limit=50" + (keysCursor ? "&cursor=" + encodeURIComponent(keysCursor) : "");
    const response = await api(path);
    if (!response.ok) { $("key-error").textContent = await errorText(response); return; }
    const page = await response.json();
    for (const k of page.data) { $("key-table").tBodies[0].appendChild(keyRow(k)); }
    keysCursor = page.next_cursor;
    $("keys-more").hidden = !keysCursor;
  }

  function keyRow(k) {
    const row = document.createElement("tr");
    row.dataset.key = k.id;
    for (const value of [k.id, k.name, k.tenant, k.role, k.status, new Date(k.created_at).toISOString().replace("T", " ").slice(0, 19)]) {
      const cell = document.createElement("td");
      cell.textContent = value;
      row.appendChild(cell);
    }
    row.cells[4].className = "status";
    const actions = document.createElement("td");
    if (k.status === "active" || k.status === "rotating") {
      const revoke = document.createElement("button");
      revoke.type = "button";
      revoke.className = "plain revoke";
      revoke.textContent = "Revoke";
      revoke.addEventListener("click", () => revokeKey(k));
      actions.appendChild(revoke);
    }
    row.appendChild(actions);
    return row;
  }

  async function revokeKey(k) {
    if (!confirm(`Revoke key ${k.id} (${k.name})? Requests with it are refused from the next one on.`)) { return; }
    const response = await api("admin/v1/keys/" + encodeURIComponent(k.id), { method: "DELETE" });
    if (!response.ok) { $("key-error").textContent = await errorText(response); return; }
    const updated = await response.json();
    const row = $("key-table").querySelector(`tr[data-key="${CSS.escape(k.id)}"]`);
    if (row) { row.replaceWith(keyRow(updated)); }
  }

  $("keys-more").addEventListener("click", () => loadKeys(false));

  $("key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("key-error").textContent = "";
    const body = { name: $("key-name").value.trim(), tenant: $("key-tenant").value.trim(), role: $("key-role").value };
    const response = await api("admin/v1/keys", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    if (!response.ok) { $("key-error").textContent = await errorText(response); return; }
    const created = await response.json();
    $("new-key-value").textContent = created.key;
    $("new-key").hidden = false;
    $("key-name").value = "";
    await loadKeys(true);
  });

  // The secret leaves the page as soon as the user says it is stored.
  $("new-key-done").addEventListener("click", () => { $("new-key-value").textContent = ""; $("new-key").hidden = true; });

  if (key()) { start(); }
})();
