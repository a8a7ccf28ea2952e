/**
 * Browser code: one session's page. The graph from GET .../graph laid out once, coloured live
 * from the event stream; counts, a progress bar, cancel and delete; a click on a Drop shows its
 * spec, state, error, log and data size. Above GROUP_AT Drops (or `?group=N`), Drops are grouped
 * by node (several nodes) or by the translator's construct, and a click expands a group.
 */
export const SESSION_JS = String.raw`
const GROUP_AT = 20000;
/** Least time between redraws of a big session's page (ms). */
const REDRAW_MS = 200;
/** Graph reloads per session in this tab, so a graph that never matches its events stops. */
const reloads = new Map();

async function sessionPage(sid, params, signal) {
  const t0 = performance.now();
  const title = h("span", { class: "state", id: "session-state" }, "…");
  const err = h("div", { class: "error", id: "session-error", hidden: true });
  const countsEl = h("div", { class: "counts", id: "counts" });
  const barEl = h("div", { class: "progress", id: "progress" });
  const cancel = h("button", { id: "cancel", onclick: () => act("cancel") }, "Cancel");
  const del = h("button", { id: "delete", class: "danger", onclick: () => act("delete") }, "Delete");
  const canvas = h("canvas", { id: "graph" });
  const side = h("aside", { id: "drop" }, h("p", { class: "muted" }, "Click a Drop to see its details."));
  main().append(
    h("div", { class: "head" }, h("a", { href: "#/" }, "← Sessions"), h("h2", {}, "Session " + sid), title, cancel, del),
    err, h("div", { class: "summary" }, barEl, countsEl), h("div", { class: "split" }, canvas, side));
  const fail = (e) => { err.hidden = false; err.textContent = e.message; };
  async function act(what) {
    if (what === "delete" && !confirm("Delete session " + sid + " and its Drops?")) return;
    try {
      if (what === "cancel") await api(sessionUrl(sid, "/cancel"), { method: "POST" });
      else { await api(sessionUrl(sid), { method: "DELETE" }); location.hash = "#/"; }
    } catch (e) { fail(e); }
  }
  const g0 = performance.now();
  let graph;
  try { graph = await api(sessionUrl(sid, "/graph?view=ui")); } catch (e) { fail(e); return; }
  if (signal.aborted) return;
  const m0 = performance.now();
  const model = pageModel(graph);
  graph = undefined;
  const n = model.oids.length;
  const status = new Uint8Array(n), exec = new Uint8Array(n);
  const threshold = Number(params.get("group") || GROUP_AT);
  // Group by node when the Drops span several, else by construct; big groups in parts.
  const groups = groupKeys(model, model.nodes > 1, threshold);
  const keyOf = groups.keyOf;
  window.dlgUi.metrics.graphMs = m0 - g0;
  window.dlgUi.metrics.modelMs = performance.now() - m0;
  const collapsed = new Set();
  if (n > threshold) {
    for (const k of groups.keys) collapsed.add(k);
    side.firstChild.textContent = "Click a group to show its Drops, or a Drop to see its details.";
  }
  let g;
  const view = new GraphView(canvas, {
    shown: (i) => shownState(status[i], exec[i]),
    isApp: (i) => model.isApp[i] === 1,
    label: (u) => {
      const unit = g.units[u];
      return unit.group !== undefined ? unit.group : model.label(unit.drop);
    },
    groupCounts: (u) => unitCounts.subarray(u * 6, u * 6 + 6),
    onPick: (u) => {
      const unit = g.units[u];
      if (unit.group === undefined) return showDrop(unit.drop);
      collapsed.delete(unit.group);
      // A group too big to draw opens into its parts, each a group again.
      for (const k of groups.split(unit.group)) collapsed.add(k);
      relayout();
    },
  });
  // Shown-state counts: in all and per unit, kept as Drops change (no pass over a million).
  const totals = [n, 0, 0, 0, 0, 0];
  let unitCounts = new Int32Array(0);
  function relayout() {
    const l0 = performance.now();
    g = groupUnits(model, keyOf, collapsed);
    unitCounts = new Int32Array(g.units.length * 6);
    for (let i = 0; i < n; i++) unitCounts[g.unitOf[i] * 6 + shownState(status[i], exec[i])]++;
    const lay = layeredLayout(g.units.length, g.from, g.to);
    window.dlgUi.metrics.layoutMs = performance.now() - l0;
    window.dlgUi.metrics.units = g.units.length;
    view.setGraph(g.units, lay, g.from, g.to);
  }
  relayout();
  // Where a Drop (or its group) is on screen, for tests driving the page.
  window.dlgUi.locate = (oid) => {
    const u = g.unitOf[model.index.get(oid)];
    const r = canvas.getBoundingClientRect();
    const [bw] = view.size(u);
    return { x: r.left + view.dx + (view.x[u] * view.cellX + bw / 2) * view.scale, y: r.top + view.dy + view.y[u] * view.cellY * view.scale };
  };
  let sessionStatus, selected;
  const renderSummary = () => {
    const counts = totals;
    countsEl.replaceChildren(...SHOWN.map((s, i) => h("span", { class: "chip", "data-state": s },
      h("i", { style: "background:" + COLOURS[i] }), s + " " + counts[i])),
      h("span", { class: "chip" }, "total " + n));
    barEl.replaceChildren(progressBar(counts));
    const st = reduceStatus(sessionStatus);
    title.textContent = sessionStateName(st);
    title.className = "state s" + st;
    cancel.disabled = sessionOver(st);
  };
  // Redraws coalesced: every frame for small graphs, at most every REDRAW_MS for big ones.
  let pending = 0;
  const changed = () => {
    if (pending) return;
    pending = setTimeout(() => {
      pending = 0;
      view.redraw();
      renderSummary();
    }, n > threshold ? REDRAW_MS : 16);
  };
  const setDrop = (oid, d) => {
    const i = model.index.get(oid);
    if (i === undefined) return graphGrew();
    const was = shownState(status[i], exec[i]);
    status[i] = d.status;
    exec[i] = d.execStatus ?? 0;
    const now = shownState(status[i], exec[i]);
    if (now !== was) {
      totals[was]--;
      totals[now]++;
      const u = g.unitOf[i] * 6;
      unitCounts[u + was]--;
      unitCounts[u + now]++;
    }
    if (i === selected) showDrop(i, true);
  };
  renderSummary();
  requestAnimationFrame(() => {
    window.dlgUi.metrics.drops = n;
    window.dlgUi.metrics.firstPaintMs = performance.now() - t0;
  });
  followEvents(sid, (name, data) => {
    if (name === "snapshot") {
      for (const oid in data.drops) setDrop(oid, data.drops[oid]);
      window.dlgUi.metrics.snapshotDrops = n;
      sessionStatus = data.status;
      if (data.error) fail(new Error(data.error));
    } else if (name === "drops") for (const d of data) setDrop(d.oid, d);
    else if (name === "session") {
      sessionStatus = data.status;
      if (data.error) fail(new Error(data.error));
      // The end: read every Drop's final state once (a child lost mid-run sends no more events).
      if (sessionOver(reduceStatus(data.status))) {
        api(sessionUrl(sid, "/graph/status")).then((all) => {
          for (const oid in all) setDrop(oid, all[oid]);
          changed();
        }, () => {});
      }
    } else if (name === "log" && model.index.get(data.oid) === selected) showDrop(selected, true);
    changed();
  }, signal).catch(fail);

  // Drops appended after the page loaded: load the graph again (a few times at most).
  function graphGrew() {
    const k = reloads.get(sid) || 0;
    if (k >= 3 || signal.aborted) return;
    reloads.set(sid, k + 1);
    const hash = location.hash;
    pageStop.abort();
    setTimeout(() => { if (location.hash === hash) route(); }, 300);
  }
  let shownAt = 0, timer = 0;
  async function showDrop(i, refresh) {
    // Live refreshes of the open Drop at most twice a second.
    if (refresh) {
      if (!timer) timer = setTimeout(() => { timer = 0; showDrop(selected); }, Math.max(0, 500 - (Date.now() - shownAt)));
      return;
    }
    selected = i;
    shownAt = Date.now();
    const oid = model.oids[i];
    let info;
    try { info = await api(sessionUrl(sid, "/graph/drop/" + encodeURIComponent(oid))); }
    catch (e) { info = { error: e.message }; }
    if (selected !== i || signal.aborted) return;
    const spec = model.spec(i);
    const state = DROP_STATES[info.dropStatus ?? status[i]] + (info.execState ? " (app " + info.execState + ")" : "");
    const logs = Array.isArray(info.logs) ? info.logs : [];
    side.replaceChildren(
      h("h3", {}, model.label(i)),
      h("dl", {},
        h("dt", {}, "OID"), h("dd", {}, oid),
        h("dt", {}, "State"), h("dd", { id: "drop-state" }, state),
        h("dt", {}, "Class"), h("dd", {}, spec?.dropclass || model.nameOf(i) || "-"),
        h("dt", {}, "Node"), h("dd", {}, model.nodeOf(i) || "-"),
        model.isApp[i] ? null : [h("dt", {}, "Data size"), h("dd", { id: "drop-size" }, fmtBytes(info.size))]),
      info.error ? h("div", { class: "error", id: "drop-error" }, info.error) : null,
      h("h4", {}, "Log"),
      logs.length ? h("pre", { id: "drop-log", class: "log" }, logs.map((l) => (l.time || "") + " " + (l.Level || "") + " " + (l.Message || "") + "\n"))
        : h("p", { class: "muted" }, "No log lines."),
      spec ? [h("h4", {}, "Spec"), h("pre", { class: "spec" }, JSON.stringify(spec, null, 2))] : null);
  }
}
`;
