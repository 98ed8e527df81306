import type { DependencyStatus, SecretStatusView, StatusSnapshot } from './status.service.js';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** `1h 02m`, `3m 04s`, `12s`. */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '-';
  const s = Math.floor(Math.abs(ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${String(h % 24).padStart(2, '0')}h`;
}

/** `3m 04s ago` or `in 4m 00s` relative to `now`; `-` when unknown. */
export function formatWhen(iso: string | undefined, now: number): string {
  if (!iso) return '-';
  const d = new Date(iso).getTime() - now;
  return d <= 0 ? `${formatAge(-d)} ago` : `in ${formatAge(d)}`;
}

function dependency(name: string, d: DependencyStatus): string {
  const detail = d.status === 'up' ? `${d.latencyMs ?? '-'} ms` : (d.error ?? 'down');
  return `<div class="dep dep-${d.status}" id="dep-${name.toLowerCase()}"><span class="dot"></span><b>${escapeHtml(name)}</b> <span class="dep-status">${escapeHtml(d.status)}</span> <small>${escapeHtml(detail)}</small></div>`;
}

function row(s: SecretStatusView, now: number): string {
  const stages = s.stages.length
    ? s.stages.map((st) => `<div class="stage${st.versionId === s.versionId ? ' served' : ''}"><b>${escapeHtml(st.stage)}</b> <code>${escapeHtml(st.versionId)}</code></div>`).join('')
    : '-';
  const error = [s.lastErrorCode, s.describeErrorCode && s.describeErrorCode !== s.lastErrorCode ? `DescribeSecret: ${s.describeErrorCode}` : undefined].filter(Boolean).join('; ');
  return `<tr data-secret="${escapeHtml(s.name)}" class="state-${escapeHtml(s.state)}">
  <td class="name">${escapeHtml(s.name)}</td>
  <td class="state"><span class="badge">${escapeHtml(s.state)}</span>${s.rotationUnfinished ? ' <small class="warn">rotation unfinished</small>' : ''}</td>
  <td class="version"><code>${escapeHtml(s.versionId ?? '-')}</code></td>
  <td class="stages">${stages}</td>
  <td class="version-age">${escapeHtml(s.versionCreatedAt ? formatAge(now - new Date(s.versionCreatedAt).getTime()) : '-')}</td>
  <td class="age">${escapeHtml(s.fetchedAt ? formatAge(now - new Date(s.fetchedAt).getTime()) : '-')}</td>
  <td class="last-rotation">${escapeHtml(formatWhen(s.lastRotatedAt, now))}</td>
  <td class="next-rotation">${escapeHtml(s.rotationEnabled === false ? 'not scheduled' : formatWhen(s.nextRotationAt, now))}</td>
  <td class="next-refresh">${escapeHtml(formatWhen(s.nextRefreshAt, now))}</td>
  <td class="error">${escapeHtml(error || '-')}</td>
  <td class="source">${escapeHtml(s.source ?? '-')}</td>
</tr>`;
}

/** The table rows and dependency badges (also rebuilt by the page's script from `/status/data`). */
export function renderStatusBody(snapshot: StatusSnapshot): { dependencies: string; rows: string } {
  const now = new Date(snapshot.generatedAt).getTime();
  return {
    dependencies: dependency('Database', snapshot.database) + dependency('Redis', snapshot.redis),
    rows: snapshot.secrets.map((s) => row(s, now)).join('\n'),
  };
}

/**
 * The operators' page: database and Redis, one row per secret (state, served version, staging
 * labels, version age, last and next rotation, next refresh, last error), and a timeline of the
 * last hour drawn with uPlot (served from node_modules by `/status/assets`). It fetches
 * `/status/data` every few seconds and redraws. Metadata only: no value is ever on it.
 */
export function renderStatusPage(snapshot: StatusSnapshot, refreshMs = 5_000): string {
  const { dependencies, rows } = renderStatusBody(snapshot);
  const initial = JSON.stringify(snapshot).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(snapshot.title)}</title>
<link rel="stylesheet" href="/status/assets/uPlot.min.css">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem 2rem; color: #1f2328; }
  h1 { font-size: 1.3rem; margin: 0 0 .8rem; }
  h2 { font-size: 1.05rem; margin: 1.4rem 0 .4rem; }
  #deps { display: flex; gap: 1rem; }
  .dep { padding: .35rem .8rem; border: 1px solid #d0d7de; border-radius: .4rem; }
  .dot { display: inline-block; width: .6rem; height: .6rem; border-radius: 50%; margin-right: .3rem; background: #1a7f37; }
  .dep-down .dot { background: #cf222e; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
  th { background: #f6f8fa; white-space: nowrap; }
  code { font-size: 11px; }
  .stage { white-space: nowrap; font-size: 12px; }
  .stage b { display: inline-block; min-width: 7.5rem; font-weight: 600; color: #59636e; }
  .stage.served code { background: #dafbe1; }
  .badge { padding: .1rem .5rem; border-radius: 1rem; background: #ddf4ff; }
  .state-fresh .badge { background: #dafbe1; }
  .state-stale .badge, .state-fallback .badge { background: #fff8c5; }
  .state-failed .badge, .state-pending .badge { background: #ffebe9; }
  .warn { color: #9a6700; }
  #chart { min-height: 260px; }
  #recent { font-size: 12px; color: #59636e; padding-left: 1.2rem; }
  footer { margin-top: 1rem; color: #59636e; }
</style>
</head>
<body>
<h1>${escapeHtml(snapshot.title)}</h1>
<div id="deps">${dependencies}</div>
<h2>Secrets</h2>
<table id="secrets">
<thead><tr><th>Secret</th><th>State</th><th>Served version</th><th>Stages</th><th>Version age</th><th>Fetched</th><th>Last rotation</th><th>Next rotation</th><th>Next refresh</th><th>Last error</th><th>Source</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
<h2>Last hour</h2>
<div id="chart" data-points="0"></div>
<ul id="recent"></ul>
<footer>Updated <span id="generated">${escapeHtml(snapshot.generatedAt)}</span>, every ${Math.round(refreshMs / 1000)} s. Values are never shown.</footer>
<script src="/status/assets/uPlot.iife.min.js"></script>
<script id="initial" type="application/json">${initial}</script>
<script>
(function () {
  var REFRESH_MS = ${Number(refreshMs)};
  var esc = function (s) { return String(s).replace(/[&<>"']/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]; }); };
  var age = function (ms) {
    if (ms === undefined || !isFinite(ms)) return '-';
    var s = Math.floor(Math.abs(ms) / 1000), m = Math.floor(s / 60), h = Math.floor(m / 60);
    if (s < 60) return s + 's';
    if (m < 60) return m + 'm ' + String(s % 60).padStart(2, '0') + 's';
    if (h < 48) return h + 'h ' + String(m % 60).padStart(2, '0') + 'm';
    return Math.floor(h / 24) + 'd ' + String(h % 24).padStart(2, '0') + 'h';
  };
  var when = function (iso, now) { if (!iso) return '-'; var d = new Date(iso).getTime() - now; return d <= 0 ? age(-d) + ' ago' : 'in ' + age(d); };
  var since = function (iso, now) { return iso ? age(now - new Date(iso).getTime()) : '-'; };
  var dep = function (name, d) {
    var detail = d.status === 'up' ? (d.latencyMs + ' ms') : (d.error || 'down');
    return '<div class="dep dep-' + esc(d.status) + '" id="dep-' + name.toLowerCase() + '"><span class="dot"></span><b>' + esc(name) + '</b> <span class="dep-status">' + esc(d.status) + '</span> <small>' + esc(detail) + '</small></div>';
  };
  var row = function (s, now) {
    var stages = s.stages.length ? s.stages.map(function (st) { return '<div class="stage' + (st.versionId === s.versionId ? ' served' : '') + '"><b>' + esc(st.stage) + '</b> <code>' + esc(st.versionId) + '</code></div>'; }).join('') : '-';
    var error = [s.lastErrorCode, s.describeErrorCode && s.describeErrorCode !== s.lastErrorCode ? 'DescribeSecret: ' + s.describeErrorCode : ''].filter(Boolean).join('; ');
    return '<tr data-secret="' + esc(s.name) + '" class="state-' + esc(s.state) + '">' +
      '<td class="name">' + esc(s.name) + '</td>' +
      '<td class="state"><span class="badge">' + esc(s.state) + '</span>' + (s.rotationUnfinished ? ' <small class="warn">rotation unfinished</small>' : '') + '</td>' +
      '<td class="version"><code>' + esc(s.versionId || '-') + '</code></td>' +
      '<td class="stages">' + stages + '</td>' +
      '<td class="version-age">' + esc(since(s.versionCreatedAt, now)) + '</td>' +
      '<td class="age">' + esc(since(s.fetchedAt, now)) + '</td>' +
      '<td class="last-rotation">' + esc(when(s.lastRotatedAt, now)) + '</td>' +
      '<td class="next-rotation">' + esc(s.rotationEnabled === false ? 'not scheduled' : when(s.nextRotationAt, now)) + '</td>' +
      '<td class="next-refresh">' + esc(when(s.nextRefreshAt, now)) + '</td>' +
      '<td class="error">' + esc(error || '-') + '</td>' +
      '<td class="source">' + esc(s.source || '-') + '</td></tr>';
  };
  var chart;
  var el = document.getElementById('chart');
  var draw = function (t) {
    var nz = function (a) { return a.map(function (v) { return v > 0 ? v : null; }); };
    var data = [t.t, t.refreshes, nz(t.rotations), nz(t.errors), t.stale];
    var points = t.refreshes.concat(t.rotations, t.errors, t.stale).filter(function (v) { return v > 0; }).length;
    el.setAttribute('data-points', String(points));
    el.setAttribute('data-rotations', String(t.rotations.reduce(function (a, b) { return a + b; }, 0)));
    if (typeof uPlot === 'undefined') { el.textContent = 'chart library not loaded'; return; }
    if (chart) { chart.setData(data); return; }
    chart = new uPlot({
      width: Math.max(600, el.clientWidth || 900), height: 240,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(4, max + 1)]; } } },
      series: [
        {},
        { label: 'refreshes / min', stroke: '#0969da', fill: 'rgba(9,105,218,0.08)', paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
        { label: 'rotations', stroke: '#1a7f37', width: 0, points: { show: true, size: 10, fill: '#1a7f37' } },
        { label: 'errors', stroke: '#cf222e', width: 0, points: { show: true, size: 10, fill: '#cf222e' } },
        { label: 'stale secrets', stroke: '#bf8700', fill: 'rgba(212,167,44,0.25)', paths: uPlot.paths.stepped({ align: 1 }), points: { show: false } },
      ],
      axes: [{}, { label: 'count' }],
    }, data, el);
  };
  var recent = function (events) {
    document.getElementById('recent').innerHTML = events.map(function (e) {
      return '<li>' + esc(new Date(e.at).toISOString().slice(11, 19)) + ' ' + esc(e.kind) + ' <b>' + esc(e.secretId) + '</b>' + (e.versionId ? ' <code>' + esc(e.versionId) + '</code>' : '') + (e.code ? ' ' + esc(e.code) : '') + '</li>';
    }).join('');
  };
  var render = function (snap) {
    var now = new Date(snap.generatedAt).getTime();
    document.getElementById('deps').innerHTML = dep('Database', snap.database) + dep('Redis', snap.redis);
    document.querySelector('#secrets tbody').innerHTML = snap.secrets.map(function (s) { return row(s, now); }).join('');
    document.getElementById('generated').textContent = snap.generatedAt;
    draw(snap.timeline);
    recent(snap.recent);
    document.body.setAttribute('data-updated', snap.generatedAt);
  };
  render(JSON.parse(document.getElementById('initial').textContent));
  var tick = function () {
    fetch('/status/data', { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status)); })
      .then(render, function () { document.body.setAttribute('data-stale', '1'); })
      .then(function () { setTimeout(tick, REFRESH_MS); });
  };
  setTimeout(tick, REFRESH_MS);
})();
</script>
</body>
</html>
`;
}
