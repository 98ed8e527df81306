/** One row of the status page: metadata only, never a value. */
export interface SecretStatusRow {
  readonly name: string;
  readonly versionId?: string;
  readonly ageMs?: number;
  readonly source?: string;
  readonly state: string;
  readonly lastErrorCode?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

/** `1h 02m`, `3m 04s`, `12s`. */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** The operators' page: one table row per secret the API uses. */
export function renderStatusPage(title: string, rows: readonly SecretStatusRow[], generatedAt: Date): string {
  const body = rows
    .map(
      (r) => `<tr data-secret="${escapeHtml(r.name)}" class="state-${escapeHtml(r.state)}">
  <td class="name">${escapeHtml(r.name)}</td>
  <td class="version"><code>${escapeHtml(r.versionId ?? '-')}</code></td>
  <td class="age">${escapeHtml(formatAge(r.ageMs))}</td>
  <td class="source">${escapeHtml(r.source ?? '-')}</td>
  <td class="state"><span class="badge">${escapeHtml(r.state)}</span>${r.lastErrorCode ? ` <small>${escapeHtml(r.lastErrorCode)}</small>` : ''}</td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1f2328; }
  h1 { font-size: 1.3rem; }
  table { border-collapse: collapse; min-width: 60rem; }
  th, td { text-align: left; padding: .4rem .8rem; border-bottom: 1px solid #d0d7de; }
  th { background: #f6f8fa; }
  code { font-size: 12px; }
  .badge { padding: .1rem .5rem; border-radius: 1rem; background: #ddf4ff; }
  .state-fresh .badge { background: #dafbe1; }
  .state-stale .badge, .state-fallback .badge { background: #fff8c5; }
  .state-failed .badge, .state-pending .badge { background: #ffebe9; }
  footer { margin-top: 1rem; color: #59636e; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<table id="secrets">
<thead><tr><th>Secret</th><th>Version</th><th>Age</th><th>Source</th><th>State</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
<footer>Generated ${escapeHtml(generatedAt.toISOString())}. Values are never shown.</footer>
</body>
</html>
`;
}
