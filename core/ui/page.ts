/** The page shell and its stylesheet (the script is assembled in ui_route.ts). */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dlg-ts</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/ui/app.css">
<script src="/ui/app.js" defer></script>
</head>
<body>
<header><a href="#/" class="brand">dlg-ts</a><span id="tier"></span></header>
<main id="main"></main>
<dialog id="token-dialog">
  <form method="dialog">
    <p class="msg"></p>
    <input type="password" name="token" autocomplete="off" required>
    <button type="submit">Use token</button>
    <p class="muted">Kept in this tab only (sessionStorage).</p>
  </form>
</dialog>
</body>
</html>
`;

export const PAGE_CSS = `
:root { font: 14px/1.4 system-ui, sans-serif; color: #1f2937; background: #f6f7f9; }
body { margin: 0; }
header { display: flex; gap: 1em; align-items: baseline; padding: .6em 1.2em; background: #1e293b; color: #e2e8f0; }
header .brand { color: #fff; font-weight: 600; text-decoration: none; font-size: 1.1em; }
main { padding: 1em 1.2em; }
h2 { font-size: 1.15em; margin: .8em 0 .4em; }
table { border-collapse: collapse; background: #fff; min-width: 60%; }
th, td { text-align: left; padding: .35em .8em; border-bottom: 1px solid #e5e7eb; white-space: nowrap; }
th { font-weight: 600; color: #475569; background: #f1f5f9; }
a { color: #1d4ed8; }
.muted { color: #6b7280; }
.error { color: #b91c1c; background: #fef2f2; border: 1px solid #fecaca; padding: .4em .6em; margin: .4em 0;
  white-space: pre-wrap; }
.state { display: inline-block; padding: .05em .6em; border-radius: 1em; font-size: .85em; font-weight: 600;
  background: #e5e7eb; }
.state.s3, .state.s2, .state.s1 { background: #dbeafe; color: #1e40af; }
.state.s4 { background: #dcfce7; color: #166534; }
.state.s5 { background: #fef3c7; color: #92400e; }
.state.s6 { background: #fee2e2; color: #991b1b; }
.up { color: #166534; font-weight: 600; }
.down { color: #991b1b; font-weight: 600; }
td.health { white-space: normal; max-width: 36em; }
.why { color: #6b7280; font-size: .85em; word-break: break-word; }
.bar { display: flex; width: 14em; height: .8em; background: #e5e7eb; border-radius: .4em; overflow: hidden; }
.summary .bar { width: 100%; height: 1em; }
.summary { display: flex; flex-direction: column; gap: .4em; margin: .5em 0; }
.counts { display: flex; flex-wrap: wrap; gap: .4em 1em; }
.chip i { display: inline-block; width: .8em; height: .8em; border-radius: .2em; margin-right: .3em;
  vertical-align: -.05em; }
.head { display: flex; align-items: center; gap: 1em; }
.head h2 { margin: 0; }
button { font: inherit; padding: .25em .9em; border: 1px solid #94a3b8; border-radius: .3em; background: #fff;
  cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
button.danger { border-color: #dc2626; color: #b91c1c; }
.split { display: flex; gap: 1em; height: calc(100vh - 12em); min-height: 320px; }
#graph { flex: 1; min-width: 0; background: #fff; border: 1px solid #e5e7eb; cursor: grab; touch-action: none; }
aside { width: 28em; overflow: auto; background: #fff; border: 1px solid #e5e7eb; padding: .6em .9em; }
aside h3 { margin: .2em 0 .5em; word-break: break-all; }
aside dl { display: grid; grid-template-columns: auto 1fr; gap: .2em .8em; margin: 0; }
aside dt { color: #6b7280; }
aside dd { margin: 0; word-break: break-all; }
pre { background: #f8fafc; border: 1px solid #e5e7eb; padding: .5em; overflow: auto; font-size: .85em;
  max-height: 22em; }
pre.log { white-space: pre-wrap; word-break: break-word; }
dialog { border: 1px solid #94a3b8; border-radius: .5em; padding: 1.2em; }
dialog input { width: 22em; font: inherit; padding: .3em; margin-right: .5em; }
`;
