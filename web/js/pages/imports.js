// imports.js — delivering a file in the exchange format: choose the kind
// (or let the file name tell it), upload with progress, follow the
// server's progress through the rows (the upload is named, and
// /api/v1/imports/progress/{name} polled while the server works), and
// read the report: per file what was read, stored and rejected, and each rejected
// row with line, column and reason, downloadable as CSV. Below, the history
// of the earlier deliveries of the user's organisation (from the audit
// log; an administrator sees all). Agencies and caseworkers deliver as
// their own organisation, an administrator names the sender.
import { h, put, fill } from '../dom.js';
import { t, num, language } from '../i18n.js';
import { get, query, ApiError, getCsrf } from '../api.js';
import { dataTable, csvButton } from '../table.js';
import { form } from '../form.js';


const KINDS = ['organisations', 'locations', 'persons', 'stays', 'registrations', 'employments', 'housings', 'life_events', 'contacts'];

const POLL_MS = 300;

// A name for the upload that no one guesses: only its user may read its
// progress anyway, but another's name in use would refuse the delivery.
function uploadName() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `w-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// POST with XMLHttpRequest: fetch cannot report upload progress. onSent
// runs once the whole file is sent (the server works on it from then).
function upload(url, file, type, onProgress, onSent) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', type);
    xhr.setRequestHeader('Accept', 'application/json');
    const csrf = getCsrf();
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
    xhr.upload.onload = onSent;
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { body = null; }
      if (xhr.status === 200 || xhr.status === 422) resolve({ status: xhr.status, report: body });
      else reject(new ApiError(xhr.status, body?.title ? body : null, body));
    };
    xhr.onerror = () => reject(new Error(t('imp.networkError')));
    xhr.send(file);
  });
}

export function kindOf(name) {
  const stem = name.replace(/\.(csv|json)$/i, '').toLowerCase();
  return KINDS.includes(stem) ? stem : '';
}

// Asks the server how far it is with upload `name` every POLL_MS until
// stop() is called; show(state) gets each newer answer (a 404: not begun).
// A poll is not held back by the one before: the server answers a
// kept-alive connection in the worker thread that accepted it, and when
// that is the thread busy with this import, the poll waits until the end,
// while the next poll, on another connection, is answered at once.
const POLLS_MAX = 4;
const RANK = { rows: 0, finishing: 1, done: 2 };

function follow(name, show) {
  let stopped = false;
  let inFlight = 0;
  let shown = null;
  const newer = (s) => !shown || RANK[s.phase] > RANK[shown.phase]
    || (s.phase === shown.phase && s.rows >= shown.rows);
  const poll = async () => {
    inFlight += 1;
    try {
      const s = await get(`/api/v1/imports/progress/${encodeURIComponent(name)}`);
      if (!stopped && newer(s)) { shown = s; show(s); }
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) stopped = true;
    } finally {
      inFlight -= 1;
    }
  };
  const timer = setInterval(() => { if (!stopped && inFlight < POLLS_MAX) poll(); }, POLL_MS);
  poll();
  return () => { stopped = true; clearInterval(timer); };
}

// The progress bar and its text: the upload, then the server's phases.
function progressBox() {
  const bar = h('progress', { class: 'app-progress', max: 100, value: 0, 'aria-labelledby': 'imp-progress-text' });
  const text = h('p', { class: 'utrecht-paragraph', id: 'imp-progress-text', 'aria-live': 'polite' });
  const box = h('div', { class: 'app-import-progress', hidden: true }, text, bar);
  const set = (percent, message) => {
    if (percent === null) bar.removeAttribute('value');
    else bar.value = percent;
    text.textContent = message;
  };
  return {
    box,
    start() { box.hidden = false; set(0, t('imp.uploading', { percent: 0 })); },
    sent(frac) { const p = Math.round(frac * 100); set(p, t('imp.uploading', { percent: p })); },
    // Sent, and no progress from the server yet: deliveries are stored one
    // after the other, so this one may wait for another's end.
    waiting() { set(null, t('imp.waiting')); },
    server(s) {
      if (s.phase === 'rows') {
        set(s.percent, t('imp.processing', { rows: num(s.rows), stored: num(s.stored), rejected: num(s.rejected) }));
      } else if (s.phase === 'finishing') {
        set(100, t('imp.finishing', { rows: num(s.rows) }));
      }
    },
    done() { set(100, t('imp.processed')); },
  };
}

export async function render(view, params, ctx) {
  const progress = progressBox();
  const reportBox = h('div', { class: 'app-report', tabindex: '-1' });
  const fields = [
    { name: 'file', label: t('imp.file'), type: 'file', required: true, hint: t('imp.fileHint'), attrs: { accept: '.csv,.json,text/csv,application/json' } },
    { name: 'kind', label: t('imp.kind'), type: 'select', options: KINDS.map((k) => [k, t(`kind.${k}`)]), hint: t('imp.kindHint') },
    { name: 'mode', label: t('imp.mode'), type: 'select', required: true, value: 'all',
      options: [['all', t('imp.modeAll')], ['partial', t('imp.modePartial')], ['dry_run', t('imp.modeDry')]] },
  ];
  if (ctx.user.role === 'admin') fields.push({ name: 'sender', label: t('imp.sender'), required: true, hint: t('imp.senderHint') });
  const hist = historyBox();
  const f = form({
    fields,
    submitLabel: t('imp.submit'),
    onSubmit: async (v) => {
      const kind = v.kind || kindOf(v.file.name);
      if (!kind) return { errors: { kind: t('imp.kindUnknown') } };
      const type = /\.json$/i.test(v.file.name) ? 'application/json' : 'text/csv';
      const name = uploadName();
      const url = `/api/v1/imports${query({ kind, partial: v.mode === 'partial' ? 'true' : '', dry_run: v.mode === 'dry_run' ? 'true' : '', sender: v.sender, upload: name })}`;
      progress.start();
      fill(reportBox);
      let stop = () => {};
      let result;
      try {
        result = await upload(url, v.file, type, progress.sent, () => {
          progress.waiting();
          stop = follow(name, progress.server);
        });
      } finally {
        stop();
      }
      const { status, report } = result;
      progress.done();
      showReport(reportBox, report, status, v.mode);
      reportBox.focus();
      // A dry run leaves no trace in the audit log; a delivery does, and
      // shows in the history at once, as pending until the log has it.
      if (v.mode !== 'dry_run') hist.add({ kind, file: v.file.name, actor: `user:${ctx.user.name}`, totals: report?.totals });
      return { message: status === 200 ? t('imp.okShort') : t('imp.rejectedShort') };
    },
  });
  put(view,
    h('h1', { class: 'utrecht-heading-1' }, t('imp.title')),
    h('p', { class: 'utrecht-paragraph' }, t('imp.intro')),
    ctx.user.role === 'admin' ? null : h('p', { class: 'utrecht-paragraph' }, t('imp.asOrg', { org: ctx.user.organisation })),
    f, progress.box, reportBox,
    h('h2', { class: 'utrecht-heading-2' }, t('imp.history')),
    hist.box);
  await hist.load();
}

// What happened to the delivery, in words: stored, stored in part, or
// nothing stored (a rejected all-or-nothing file, every dry run).
function outcome(status, totals, mode) {
  const stored = (totals.inserted ?? 0) + (totals.updated ?? 0);
  if (mode === 'dry_run') return status === 200 ? t('imp.dryOk') : t('imp.dryRejected');
  if (status === 200) return t('imp.ok');
  if (mode === 'partial' && stored > 0) return t('imp.partial', { n: num(stored) });
  return t('imp.rejectedNothing');
}

function showReport(box, report, status, mode) {
  const files = report?.files || [];
  const rejections = [];
  for (const file of files) for (const r of file.rejections || []) rejections.push({ file: file.file, ...r });
  const totals = report?.totals || {};
  const ok = status === 200;
  const summary = h('div', { class: `utrecht-alert ${ok ? 'utrecht-alert--ok' : 'utrecht-alert--error'}`, role: ok ? 'status' : 'alert' },
    h('p', { class: 'utrecht-paragraph' }, h('strong', {}, outcome(status, totals, mode))),
    h('p', { class: 'utrecht-paragraph' }, t('imp.totals', {
      read: num(totals.read ?? 0), inserted: num(totals.inserted ?? 0), updated: num(totals.updated ?? 0),
      unchanged: num(totals.unchanged ?? 0), rejected: num(totals.rejected ?? rejections.length),
    })));
  const cols = [
    { key: 'file', label: t('imp.fileCol') },
    { key: 'line', label: t('imp.line'), numeric: true },
    { key: 'column', label: t('imp.column'), numeric: true },
    { key: 'field', label: t('imp.field') },
    { key: 'message', label: t('imp.reason') },
  ];
  fill(box, h('h2', { class: 'utrecht-heading-2' }, t('imp.report')), summary);
  if (rejections.length) {
    put(box,
      h('div', { class: 'utrecht-button-group' }, csvButton('importrapport.csv', cols, rejections, t('imp.downloadReport'))),
      dataTable({ caption: t('imp.rejections', { n: rejections.length }), columns: cols, rows: rejections, className: 'app-rejections' }));
  }
}

// The earlier deliveries, newest first. A delivery just made is shown at
// once as pending, and the list is read again until the audit log has it.
function historyBox() {
  const box = h('div', { class: 'app-history' });
  const pending = [];
  let newest = 0;
  const columns = [
    { key: 'at', label: t('audit.at'), format: (r) => new Date(r.at).toLocaleString(language() === 'en' ? 'en-GB' : 'nl-NL') },
    { key: 'actor', label: t('audit.actor'), format: (r) => actorName(r.actor) },
    { key: 'kind', label: t('imp.kind'), format: (r) => t(`kind.${r.kind}`) },
    { key: 'detail', label: t('imp.what') },
    { key: 'stored', label: t('imp.outcome'), format: (r) => (r.pending ? h('span', { class: 'app-badge app-badge--unknown' }, t('imp.pending'))
      : r.stored ? t('imp.historyStored') : t('imp.historyRejected')) },
    { key: 'result', label: t('imp.counts'), format: (r) => r.result || '—' },
  ];
  let res = { items: [], total: 0 };
  const render = () => {
    const rows = [...pending, ...res.items];
    fill(box, dataTable({ caption: t('imp.historyCaption', { n: res.total + pending.length }), rows, empty: t('imp.noHistory'), columns }));
  };
  const load = async () => {
    res = await get(`/api/v1/imports${query({ pageSize: 50 })}`);
    // Pending until an entry of this user and kind newer than the newest
    // seen before the upload is there.
    for (let i = pending.length - 1; i >= 0; i -= 1) {
      const p = pending[i];
      if (res.items.some((r) => r.id > p.after && r.kind === p.kind && r.actor === p.actor)) pending.splice(i, 1);
    }
    for (const r of res.items) newest = Math.max(newest, r.id);
    render();
    return pending.length;
  };
  const add = async ({ kind, file, actor, totals }) => {
    const tot = totals || {};
    pending.unshift({ pending: true, after: newest, at: new Date().toISOString(), actor, kind, detail: file,
      result: t('imp.totals', { read: num(tot.read ?? 0), inserted: num(tot.inserted ?? 0), updated: num(tot.updated ?? 0),
        unchanged: num(tot.unchanged ?? 0), rejected: num(tot.rejected ?? 0) }) });
    render();
    for (let tries = 0; tries < 20 && await load(); tries += 1) {
      await new Promise((r) => { setTimeout(r, 500); });
    }
  };
  return { box, load, add };
}

// "user:NAME" is a user of the application; "cli:NAME" a delivery on the
// command line by the system account NAME ("onbekend" when it had none).
function actorName(actor) {
  if (actor.startsWith('user:')) return actor.slice(5);
  if (actor.startsWith('cli:')) {
    const who = actor.slice(4);
    return who && who !== 'onbekend' ? t('imp.actorCliUser', { name: who }) : t('imp.actorCli');
  }
  return actor;
}
