/**
 * Browser code: the graph on a canvas. One path per colour and one for all links, so 10k Drops
 * draw in a few milliseconds; redraws are coalesced into animation frames. Drag pans, the wheel
 * zooms, a click picks a Drop or expands a group.
 */
export const CANVAS_JS = String.raw`
const BOX_W = 60, BOX_H = 18, GROUP_W = 150, GROUP_H = 34;
class GraphView {
  constructor(canvas, o) {
    this.canvas = canvas;
    this.o = o; // {shown(i) -> shown state, label(unit) -> text, onPick(unit)}
    this.scale = 1; this.dx = 0; this.dy = 0;
    this.cellX = 90; this.cellY = 28; // layer and row spacing: wider when groups are shown
    this.frame = 0;
    this.units = []; this.x = new Float32Array(0); this.y = new Float32Array(0);
    this.from = new Int32Array(0); this.to = new Int32Array(0);
    let drag = null;
    canvas.addEventListener("pointerdown", (e) => { drag = { x: e.clientX, y: e.clientY, moved: false }; });
    canvas.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const mx = e.clientX - drag.x, my = e.clientY - drag.y;
      if (Math.abs(mx) + Math.abs(my) > 3) drag.moved = true;
      if (drag.moved) { this.dx += mx; this.dy += my; drag.x = e.clientX; drag.y = e.clientY; this.redraw(); }
    });
    canvas.addEventListener("pointerup", (e) => {
      if (drag && !drag.moved) {
        const u = this.pick(e.offsetX, e.offsetY);
        if (u !== undefined) this.o.onPick(u);
      }
      drag = null;
    });
    canvas.addEventListener("wheel", (e) => {
      e.preventDefault();
      const f = Math.exp(-e.deltaY * 0.0015);
      this.dx = e.offsetX - (e.offsetX - this.dx) * f;
      this.dy = e.offsetY - (e.offsetY - this.dy) * f;
      this.scale *= f;
      this.redraw();
    }, { passive: false });
    new ResizeObserver(() => this.redraw()).observe(canvas);
  }
  /** New units and positions (layout cells); fit them in view. */
  setGraph(units, layout, from, to) {
    this.units = units;
    this.x = layout.x; this.y = layout.y; this.from = from; this.to = to;
    const grouped = units.some((u) => u.group !== undefined);
    this.cellX = grouped ? GROUP_W + 50 : 90;
    this.cellY = grouped ? GROUP_H + 16 : 28;
    this.fit(layout);
    this.redraw();
  }
  fit(layout) {
    const w = this.canvas.clientWidth || 800, h = this.canvas.clientHeight || 500;
    const widest = this.cellX > 90 ? GROUP_W : BOX_W;
    const gw = (Math.max(1, layout.layers) - 1) * this.cellX + widest;
    const gh = Math.max(1, layout.maxRows) * this.cellY;
    this.scale = Math.min(2, (w - 40) / gw, (h - 20) / gh);
    this.dx = (w - gw * this.scale) / 2;
    this.dy = h / 2;
  }
  size(u) { return this.units[u].group !== undefined ? [GROUP_W, GROUP_H] : [BOX_W, BOX_H]; }
  pick(px, py) {
    const wx = (px - this.dx) / this.scale, wy = (py - this.dy) / this.scale;
    for (let u = 0; u < this.units.length; u++) {
      const [bw, bh] = this.size(u);
      const cx = this.x[u] * this.cellX, cy = this.y[u] * this.cellY;
      if (Math.abs(wx - cx - bw / 2) <= bw / 2 + 2 && Math.abs(wy - cy) <= bh / 2 + 2) return u;
    }
    return undefined;
  }
  redraw() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.draw(); });
  }
  draw() {
    const c = this.canvas, dpr = window.devicePixelRatio || 1;
    const w = c.clientWidth, h = c.clientHeight;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
    }
    const ctx = c.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(dpr * this.scale, 0, 0, dpr * this.scale, dpr * this.dx, dpr * this.dy);
    const n = this.units.length, X = this.x, Y = this.y;
    // Links: one path.
    ctx.beginPath();
    for (let e = 0; e < this.from.length; e++) {
      const a = this.from[e], b = this.to[e];
      ctx.moveTo(X[a] * this.cellX + this.size(a)[0], Y[a] * this.cellY);
      ctx.lineTo(X[b] * this.cellX, Y[b] * this.cellY);
    }
    ctx.strokeStyle = "#9aa3ae";
    ctx.lineWidth = 1 / Math.max(this.scale, 0.5);
    ctx.stroke();
    // Drops: one path per colour; apps are boxes, data rounded pills.
    const paths = COLOURS.map(() => new Path2D());
    const groups = [];
    for (let u = 0; u < n; u++) {
      const unit = this.units[u];
      if (unit.group !== undefined) { groups.push(u); continue; }
      const p = paths[this.o.shown(unit.drop)];
      const x = X[u] * this.cellX, y = Y[u] * this.cellY - BOX_H / 2;
      if (this.o.isApp(unit.drop)) p.rect(x, y, BOX_W, BOX_H);
      else p.roundRect(x, y, BOX_W, BOX_H, BOX_H / 2);
    }
    paths.forEach((p, i) => { ctx.fillStyle = COLOURS[i]; ctx.fill(p); });
    // Collapsed groups: a box with a bar of its Drops' states.
    for (const u of groups) this.drawGroup(ctx, u);
    // Labels once they are readable.
    if (this.scale * BOX_W >= 45) {
      ctx.fillStyle = "#111";
      ctx.font = "9px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      const x0 = -this.dx / this.scale, x1 = (w - this.dx) / this.scale;
      const y0 = -this.dy / this.scale, y1 = (h - this.dy) / this.scale;
      for (let u = 0; u < n; u++) {
        if (this.units[u].group !== undefined) continue;
        const x = X[u] * this.cellX, y = Y[u] * this.cellY;
        if (x + BOX_W < x0 || x > x1 || y < y0 - BOX_H || y > y1 + BOX_H) continue;
        ctx.fillText(clip(ctx, this.o.label(u), BOX_W - 6), x + 3, y);
      }
    }
    window.dlgUi.draws++;
  }
  drawGroup(ctx, u) {
    const [bw, bh] = this.size(u);
    const x = this.x[u] * this.cellX, y = this.y[u] * this.cellY - bh / 2;
    let counts = this.o.groupCounts?.(u);
    if (!counts) {
      counts = [0, 0, 0, 0, 0, 0];
      for (const i of this.units[u].members) counts[this.o.shown(i)]++;
    }
    const total = this.units[u].members.length;
    ctx.fillStyle = "#fff";
    ctx.fillRect(x, y, bw, bh);
    let bx = x;
    for (const i of [2, 3, 4, 5, 1, 0]) {
      const ww = bw * counts[i] / total;
      ctx.fillStyle = COLOURS[i];
      ctx.fillRect(bx, y + bh - 6, ww, 6);
      bx += ww;
    }
    ctx.strokeStyle = "#334155";
    ctx.lineWidth = 1 / Math.max(this.scale, 0.5);
    ctx.strokeRect(x, y, bw, bh);
    if (this.scale * bw >= 40) {
      ctx.fillStyle = "#111";
      ctx.font = "10px system-ui, sans-serif";
      ctx.textBaseline = "middle";
      ctx.fillText(clip(ctx, this.o.label(u), bw - 6), x + 3, y + 8);
      ctx.fillStyle = "#475569";
      ctx.fillText(total + " Drops", x + 3, y + 20);
    }
  }
}
function clip(ctx, text, width) {
  if (ctx.measureText(text).width <= width) return text;
  let s = text;
  while (s.length > 1 && ctx.measureText(s + "…").width > width) s = s.slice(0, -1);
  return s + "…";
}
`;
