import assert from "node:assert/strict";
import { fitProgress } from "./dlg_inspect.ts";

const counts = {
  total: 12000,
  done: 7000,
  running: 200,
  waiting: 4000,
  error: 800,
  skipped: 0,
  cancelled: 0,
};

Deno.test("fitProgress keeps the progress line inside the terminal width", () => {
  const p = { counts, state: "RUNNING", elapsedMs: 83_400 };
  const wide = fitProgress(p, 200);
  assert.match(wide, /^\[[#!>.]{30}\] 7000\/12000 done .* RUNNING 83\.4s$/);
  for (const columns of [100, 80, 60, 40, 20, 5]) {
    const line = fitProgress(p, columns);
    assert.ok(line.length <= Math.max(10, columns - 1), `${columns}: ${line.length} ${line}`);
    assert.match(line, /^\[/);
  }
  assert.match(fitProgress(p, 80), /RUNNING 83\.4s$/, "at 80 columns the bar narrows, all is said");
  assert.match(fitProgress(p, 40), /~$/, "narrower: the line is cut, and says so");
});
