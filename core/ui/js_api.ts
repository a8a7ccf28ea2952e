/**
 * Browser code (plain JS, served as one script): calls to the manager with the tab's token,
 * the session event stream over fetch streaming (EventSource cannot send a token), state names
 * and colours. No backticks in here: the code lives in a TS template string.
 */
export const API_JS = String.raw`
const TOKEN_KEY = "dlg-token";
const SESSION_STATES = ["PRISTINE", "BUILDING", "DEPLOYING", "RUNNING", "FINISHED", "CANCELLED", "FAILED"];
const DROP_STATES = ["INITIALIZED", "WRITING", "COMPLETED", "ERROR", "EXPIRED", "DELETED", "CANCELLED", "SKIPPED"];
const APP_STATES = ["NOT_RUN", "RUNNING", "FINISHED", "ERROR", "CANCELLED", "SKIPPED"];
// What a person sees per Drop: waiting, running, done, error, cancelled, skipped.
const SHOWN = ["waiting", "running", "done", "error", "cancelled", "skipped"];
const COLOURS = ["#c9ced6", "#3b82f6", "#22a55b", "#dc2626", "#f59e0b", "#a78bfa"];
/** The shown state (index into SHOWN) of a Drop's status and app execStatus. */
function shownState(status, exec) {
  if (status === 3 || exec === 3) return 3;
  if (status === 6 || exec === 4) return 4;
  if (status === 7 || exec === 5) return 5;
  if (status === 2 || status === 4 || status === 5) return 2;
  if (status === 1 || exec === 1) return 1;
  return 0;
}
function sessionOver(s) { return s === 4 || s === 5 || s === 6; }
/** One state from a tier's status (a number, or a map per child, nested at a master). */
function reduceStatus(status) {
  const all = [];
  const walk = (v) => {
    if (typeof v === "number") all.push(v);
    else if (v && typeof v === "object") for (const x of Object.values(v)) walk(x);
  };
  walk(status);
  if (!all.length) return undefined;
  const working = all.filter((s) => !sessionOver(s));
  if (working.length) return Math.max(...working);
  return all.includes(6) ? 6 : all.includes(5) ? 5 : 4;
}
function sessionStateName(s) { return s === undefined ? "UNKNOWN" : SESSION_STATES[s] || String(s); }

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
let tokenAsk = null;
function tokenHeaders() {
  const t = sessionStorage.getItem(TOKEN_KEY);
  return t ? { Authorization: "Bearer " + t } : {};
}
/** Ask for the token once (every call that got 401 meanwhile waits for the same answer). */
function askToken(refused) {
  if (!tokenAsk) {
    tokenAsk = new Promise((resolve) => {
      const dlg = document.getElementById("token-dialog");
      const input = dlg.querySelector("input");
      dlg.querySelector(".msg").textContent = refused
        ? "The manager refused that token. Enter the cluster's token:"
        : "This manager needs a token. Enter the cluster's token:";
      input.value = "";
      dlg.querySelector("form").onsubmit = (e) => {
        e.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        dlg.close();
        tokenAsk = null;
        resolve();
      };
      dlg.showModal();
      input.focus();
    });
  }
  return tokenAsk;
}
/** fetch with the tab's token; a 401 asks for one and tries again. */
async function call(path, init) {
  init = init || {};
  for (;;) {
    const had = sessionStorage.getItem(TOKEN_KEY) !== null;
    const headers = Object.assign({}, init.headers || {}, tokenHeaders());
    const res = await fetch(path, Object.assign({}, init, { headers }));
    if (res.status !== 401) return res;
    await res.body?.cancel();
    await askToken(had);
  }
}
function describeError(body, status) {
  if (body && typeof body === "object" && "type" in body) {
    const args = Array.isArray(body.args) ? body.args.map(String).join(": ") : "";
    return body.type + (args ? ": " + args : "");
  }
  return "HTTP " + status + (body ? ": " + String(body).slice(0, 200) : "");
}
/** A JSON call; a non-2xx answer throws with the manager's error type and message. */
async function api(path, init) {
  const res = await call(path, init);
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  if (!res.ok) {
    const err = new Error(describeError(body, res.status));
    err.status = res.status;
    throw err;
  }
  return body;
}
const sessionUrl = (sid, rest) => "/api/sessions/" + encodeURIComponent(sid) + (rest || "");

/**
 * Follow a session's event stream until the server ends it (after the terminal session event)
 * or signal aborts; a lost connection resumes with Last-Event-ID. onEvent(name, data).
 */
async function followEvents(sid, onEvent, signal) {
  let lastId;
  while (!signal.aborted) {
    let res;
    try {
      const headers = lastId ? { "Last-Event-ID": lastId } : {};
      res = await call(sessionUrl(sid, "/events"), { signal, headers });
    } catch {
      if (signal.aborted) return;
      await sleep(1000);
      continue;
    }
    if (!res.ok) throw new Error(describeError(await res.json().catch(() => null), res.status));
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    // The current line's pieces: a big snapshot is one line over many reads (kept in parts,
    // so reading it stays linear in its size).
    let parts = [], name = "message", data = [];
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return; // the server ends the stream after the terminal session event
        let start = 0, i;
        while ((i = value.indexOf("\n", start)) >= 0) {
          let line = value.slice(start, i);
          start = i + 1;
          if (parts.length) { parts.push(line); line = parts.join(""); parts = []; }
          if (line.endsWith("\r")) line = line.slice(0, -1);
          if (line === "") {
            if (data.length) onEvent(name, JSON.parse(data.join("\n")));
            name = "message";
            data = [];
          } else if (line[0] !== ":") {
            const c = line.indexOf(":");
            const field = c < 0 ? line : line.slice(0, c);
            const val = c < 0 ? "" : line.slice(c + 1).replace(/^ /, "");
            if (field === "event") name = val;
            else if (field === "data") data.push(val);
            else if (field === "id") lastId = val;
          }
        }
        if (start < value.length) parts.push(value.slice(start));
      }
    } catch {
      if (signal.aborted) return;
      await sleep(1000);
    }
  }
}

/** A small DOM builder: h("div", {class: "x", onclick}, child, "text"). Text is never HTML. */
function h(tag, attrs) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "style") el.style.cssText = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (let i = 2; i < arguments.length; i++) {
    const c = arguments[i];
    if (c === undefined || c === null || c === false) continue;
    for (const x of Array.isArray(c) ? c : [c]) {
      if (x !== undefined && x !== null && x !== false) {
        el.append(x instanceof Node ? x : document.createTextNode(String(x)));
      }
    }
  }
  return el;
}
function fmtBytes(n) {
  if (typeof n !== "number") return "-";
  const u = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < u.length - 1) { n /= 1000; i++; }
  return (i ? n.toFixed(1) : String(n)) + " " + u[i];
}
function fmtDuration(ms) {
  if (!(ms >= 0)) return "-";
  const s = Math.round(ms / 1000);
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
}
function fmtTime(t) { return t ? new Date(t).toLocaleString() : "-"; }
/** Counts per shown state, from a map oid -> {status, execStatus}. */
function countStates(drops) {
  const n = [0, 0, 0, 0, 0, 0];
  for (const d of Object.values(drops)) n[shownState(d.status, d.execStatus)]++;
  return n;
}
/** A stacked bar of counts per shown state. */
function progressBar(counts) {
  const total = counts.reduce((a, b) => a + b, 0);
  const bar = h("div", { class: "bar", title: SHOWN.map((s, i) => s + " " + counts[i]).join(", ") });
  if (total) {
    for (const i of [2, 3, 4, 5, 1]) {
      if (counts[i]) {
        bar.append(h("span", { style: "width:" + (100 * counts[i] / total) + "%;background:" + COLOURS[i] }));
      }
    }
  }
  return bar;
}
`;
