/** The dashboard's whole stylesheet: system fonts, cards, badges. No external assets. */
export const STYLES = `
:root { --bg:#f5f6f8; --card:#fff; --ink:#1d2330; --muted:#667085; --line:#e4e7ec; --accent:#2f6fed;
  --ok:#137a3e; --ok-bg:#e3f6ea; --bad:#b42318; --bad-bg:#fde8e6; --warn:#8a5a00; --warn-bg:#fff4d6; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif; color:var(--ink); background:var(--bg); }
header.top { background:#141a26; color:#fff; padding:14px 24px; display:flex; flex-wrap:wrap; gap:12px 24px; align-items:center; }
header.top h1 { font-size:17px; margin:0; font-weight:650; letter-spacing:.2px; }
header.top .meta { display:flex; gap:8px; flex-wrap:wrap; align-items:center; }
header.top .spacer { flex:1; }
header.top input { background:#252d3d; border:1px solid #3a4457; color:#fff; border-radius:6px; padding:5px 8px; width:190px; }
header.top a { color:#b9c8ff; }
main { max-width:1280px; margin:0 auto; padding:20px 24px 48px; }
.grid { display:grid; grid-template-columns:repeat(auto-fit,minmax(340px,1fr)); gap:16px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:16px 18px; box-shadow:0 1px 2px rgba(16,24,40,.04); margin-bottom:16px; min-width:0; }
.card h2 { font-size:13px; text-transform:uppercase; letter-spacing:.6px; color:var(--muted); margin:0 0 12px; font-weight:650; }
.wide { grid-column:1/-1; }
.badge { display:inline-block; padding:2px 9px; border-radius:999px; font-size:12px; font-weight:600; background:#e9ecf2; color:#344054; white-space:nowrap; }
.badge.ok { background:var(--ok-bg); color:var(--ok); } .badge.bad { background:var(--bad-bg); color:var(--bad); }
.badge.warn { background:var(--warn-bg); color:var(--warn); } .badge.info { background:#e8efff; color:#2146a8; }
header.top .badge { background:#252d3d; color:#dfe5f3; }
header.top .badge.ok { background:#1d4d33; color:#b7f0cd; } header.top .badge.bad { background:#5c1f1a; color:#ffd0cb; }
button { font:inherit; border-radius:6px; border:1px solid var(--line); background:#fff; padding:4px 12px; cursor:pointer; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
button.danger { background:#fff; border-color:#f2b8b5; color:var(--bad); }
button:disabled { opacity:.5; cursor:not-allowed; }
table { width:100%; border-collapse:collapse; font-size:13px; }
th,td { text-align:left; padding:7px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:12px; }
td.num { font-variant-numeric:tabular-nums; }
.muted { color:var(--muted); } .mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
.risk { background:var(--warn-bg); border:1px solid #f5d27a; color:#5c3d00; border-radius:10px; padding:12px 16px; margin-bottom:16px; }
.risk ul { margin:6px 0 0; padding-left:18px; }
.funnel { display:flex; gap:8px; flex-wrap:wrap; }
.funnel .step { flex:1; min-width:80px; background:#f8f9fb; border:1px solid var(--line); border-radius:8px; padding:10px; }
.funnel .step b { display:block; font-size:22px; font-variant-numeric:tabular-nums; }
.funnel .step span { color:var(--muted); font-size:12px; }
.diagnosis { border-left:4px solid var(--ok); padding:4px 0 4px 12px; }
.diagnosis.blocked { border-color:var(--bad); }
.diagnosis h3 { margin:0 0 4px; font-size:16px; }
.status-banner { font-size:18px; font-weight:700; }
.status-banner.ok { color:var(--ok); } .status-banner.bad { color:var(--bad); } .status-banner.warn { color:var(--warn); }
.charts { display:grid; grid-template-columns:1fr; gap:8px; }
.chart { overflow-x:auto; }
.chart h3 { font-size:13px; margin:4px 0; }
svg.statechart { max-width:100%; height:auto; font-family:inherit; display:block; }
svg.statechart .state rect { fill:#fff; stroke:#98a2b3; stroke-width:1.4; }
svg.statechart .state.final rect.inner { fill:none; stroke:#98a2b3; stroke-width:1; }
svg.statechart .state.live > rect:first-child { fill:#eef4ff; stroke:var(--accent); stroke-width:2; }
svg.statechart .state .name { font-size:13px; font-weight:600; fill:var(--ink); }
svg.statechart .state .sub { font-size:10px; fill:var(--muted); }
svg.statechart .badge rect { fill:#e4e7ec; stroke:none; }
svg.statechart .state.live .badge rect { fill:var(--accent); }
svg.statechart .badge text { font-size:11px; font-weight:700; fill:#344054; }
svg.statechart .state.live .badge text { fill:#fff; }
svg.statechart path.edge, svg.statechart .initial path { fill:none; stroke:#8792a6; stroke-width:1.2; }
svg.statechart path.edge.back { stroke-dasharray:4 3; }
svg.statechart .edge-label { font-size:10px; fill:#475467; paint-order:stroke; stroke:#fff; stroke-width:3px; stroke-linejoin:round; }
svg.statechart marker path, svg.statechart .initial circle { fill:#8792a6; }
#toast { position:fixed; right:16px; bottom:16px; background:#141a26; color:#fff; padding:10px 14px; border-radius:8px; display:none; max-width:420px; }
.live-dot { width:8px; height:8px; border-radius:50%; background:#98a2b3; display:inline-block; }
.live-dot.on { background:#32d583; }
.windows a { margin-right:6px; }
.controls-row { display:flex; gap:12px; align-items:center; flex-wrap:wrap; }
.card.unlock { max-width:420px; margin:40px auto; }
.card.unlock input { width:100%; padding:6px 8px; }
`;
