/**
 * Browser code: the router and the sessions page (every session with state, progress, size,
 * start and run time; live from the event streams of the sessions still running, with a light
 * refresh of the list for new ones) and, at an island or master, its children and their health.
 */
export const SESSIONS_JS = String.raw`
const MAX_STREAMS = 4; // browsers allow 6 connections per host: leave room for calls
window.dlgUi = { draws: 0, metrics: {} };
let pageStop = new AbortController();
const main = () => document.getElementById("main");
/** Times seen in this tab, for managers that do not report them. */
const seen = new Map();

function route() {
  pageStop.abort();
  pageStop = new AbortController();
  const m = location.hash.match(/^#\/session\/([^?]*)(\?.*)?$/);
  main().replaceChildren();
  tierKind().catch(() => {});
  if (m) sessionPage(decodeURIComponent(m[1]), new URLSearchParams(m[2] || ""), pageStop.signal);
  else sessionsPage(pageStop.signal);
}
window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);

/** "node", "island" or "master", from the routes the manager answers. */
async function tierKind() {
  if (window.dlgUi.tier) return window.dlgUi.tier;
  const has = async (p) => (await call(p)).ok;
  window.dlgUi.tier = await has("/api/islands") ? "master" : await has("/api/nodes") ? "island" : "node";
  document.getElementById("tier").textContent = "dlg-" + window.dlgUi.tier + " at " + location.host;
  return window.dlgUi.tier;
}

async function sessionsPage(signal) {
  const kind = await tierKind();
  const kids = h("section", { id: "children" });
  const table = h("table", { id: "sessions" });
  main().append(kids, h("h2", {}, "Sessions"), table);
  const watched = new Map(); // sid -> {drops, status, error}
  const stats = new Map(); // sid -> drop states of a finished session, read once
  const render = (list) => {
    table.replaceChildren(h("tr", {}, ["Session", "State", "Progress", "Drops", "Size", "Started", "Ran for"].map((t) => h("th", {}, t))));
    if (!list.length) table.append(h("tr", {}, h("td", { colspan: 7, class: "muted" }, "No sessions yet.")));
    for (const s of list) {
      const live = watched.get(s.sessionId);
      const state = reduceStatus(live?.status ?? s.status);
      const drops = live?.drops ?? stats.get(s.sessionId);
      const counts = drops ? countStates(drops) : undefined;
      const t = seen.get(s.sessionId) || {};
      const started = s.started ?? t.started;
      const ended = s.finished ?? t.finished ?? (sessionOver(state) ? undefined : Date.now());
      table.append(h("tr", { "data-sid": s.sessionId },
        h("td", {}, h("a", { href: "#/session/" + encodeURIComponent(s.sessionId) }, s.sessionId)),
        h("td", {}, h("span", { class: "state s" + state }, sessionStateName(state))),
        h("td", { class: "progress" }, counts ? progressBar(counts) : "-"),
        h("td", {}, counts ? counts[2] + counts[3] + counts[4] + counts[5] + " / " + Object.keys(drops).length : "-"),
        h("td", {}, String(s.size ?? "-")),
        h("td", {}, fmtTime(started)),
        h("td", {}, started && ended ? fmtDuration(ended - started) : "-")));
    }
  };
  let list = [];
  const watch = (sid) => {
    const live = { drops: {}, status: undefined };
    watched.set(sid, live);
    const mark = (st) => {
      const t = seen.get(sid) || {};
      if (st >= 3 && !t.started) t.started = Date.now();
      if (sessionOver(st) && t.started && !t.finished) t.finished = Date.now();
      seen.set(sid, t);
    };
    followEvents(sid, (name, data) => {
      if (name === "snapshot") { live.drops = data.drops; live.status = data.status; }
      else if (name === "drops") for (const d of data) live.drops[d.oid] = d;
      else if (name === "session") live.status = data.status;
      mark(reduceStatus(live.status));
      schedule();
    }, signal).catch(() => {}).finally(() => {
      if (!signal.aborted) { stats.set(sid, live.drops); watched.delete(sid); schedule(); }
    });
  };
  let pending = 0;
  const schedule = () => { if (!pending) pending = setTimeout(() => { pending = 0; render(list); }, 200); };
  signal.addEventListener("abort", () => clearTimeout(pending));
  while (!signal.aborted) {
    try {
      list = await api("/api/sessions");
      for (const s of list) {
        const st = reduceStatus(s.status);
        if (!sessionOver(st) && !watched.has(s.sessionId) && watched.size < MAX_STREAMS) watch(s.sessionId);
        if (sessionOver(st) && !watched.has(s.sessionId) && !stats.has(s.sessionId)) {
          stats.set(s.sessionId, undefined);
          api(sessionUrl(s.sessionId, "/graph/status")).then((d) => { stats.set(s.sessionId, d); schedule(); }, () => {});
        }
      }
      render(list);
      if (kind !== "node") await renderChildren(kids, kind, list);
    } catch (e) {
      table.replaceChildren(h("tr", {}, h("td", { class: "error" }, e.message)));
    }
    await sleep(3000);
  }
}

/** An island's nodes or a master's islands: up or down (since when, why), sessions on each. */
async function renderChildren(el, kind, sessions) {
  const kids = await api("/api/children").catch(() => undefined);
  const rows = kids ?? (await api("/api/nodes")).map((n) => ({ name: String(n), up: undefined }));
  const table = h("table", {}, h("tr", {}, ["Name", "Health", "Sessions"].map((t) => h("th", {}, t))));
  for (const c of rows) {
    const on = sessions.filter((s) => s.status && typeof s.status === "object" && c.name in s.status);
    const health = c.up === undefined ? "-" : c.up ? h("span", { class: "up" }, "up")
      : [h("span", { class: "down" }, "down since " + fmtTime(c.downSince)), c.error ? h("div", { class: "why" }, c.error) : null];
    table.append(h("tr", { "data-child": c.name }, h("td", {}, c.name), h("td", { class: "health" }, health),
      h("td", {}, on.length ? on.map((s) => s.sessionId).join(", ") : "none")));
  }
  el.replaceChildren(h("h2", {}, kind === "master" ? "Islands" : "Nodes"), table);
}
`;
