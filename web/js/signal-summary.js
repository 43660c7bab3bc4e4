// signal-summary.js — the signals on a start page: a caseworker's (the
// persons page) and an inspector's (the housing register). How many
// signals are with them or their teams, how many of those are overdue,
// the first few (or, with none, the first few that nobody has yet) and how
// many wait for an owner, each linking to the Signalen page filtered.
import { h } from './dom.js';
import { t, language, num } from './i18n.js';
import { get, query } from './api.js';
import { kindText, subjectText, dueCell } from './signals.js';

const ROLES = ['caseworker', 'inspector'];
const FIRST = 5;
const ACTIVE = 'open,in_progress';

// Puts the summary after the page's introduction (the first paragraph
// after its heading) for the roles that work signals on that page; it
// fills itself in when the answers come.
export function addSignalSummary(view, ctx) {
  if (!ROLES.includes(ctx.user.role)) return;
  const body = h('div', { class: 'app-section__body', 'aria-busy': 'true' },
    h('p', { class: 'loading-section' }, t('shell.loading')));
  const section = h('section', { class: 'app-signal-summary', 'aria-labelledby': 'h-signal-summary' },
    h('h2', { class: 'utrecht-heading-2', id: 'h-signal-summary' }, t('sig.start.title')), body);
  const intro = view.querySelector('h1 + p');
  if (intro) intro.after(section);
  else view.append(section);
  fill(body).catch(() => {
    body.replaceChildren(h('p', { class: 'utrecht-paragraph' }, t('sig.start.failed')));
  }).finally(() => body.removeAttribute('aria-busy'));
}

function list(q, pageSize) {
  return get(`/api/v1/signals${query({ ...q, state: ACTIVE, pageSize, lang: language() })}`, { purpose: t('sig.purpose') });
}

async function fill(body) {
  const mine = await list({ owner: 'me' }, FIRST);
  const allShown = mine.items.length === mine.total;
  const [overdue, unowned] = await Promise.all([
    allShown ? { total: mine.items.filter((s) => s.overdue).length } : list({ owner: 'me', overdue: 'true' }, 1),
    list({ owner: 'none' }, mine.total ? 1 : FIRST),
  ]);
  const items = mine.total ? mine.items : unowned.items;
  body.replaceChildren(
    h('p', { class: 'utrecht-paragraph' }, t('sig.start.counts', { open: num(mine.total), overdue: num(overdue.total) })),
    mine.total ? '' : h('p', { class: 'utrecht-paragraph' }, t('sig.start.noneMine')),
    items.length ? h('h3', { class: 'utrecht-heading-3' }, mine.total ? t('sig.start.first') : t('sig.start.firstUnowned')) : '',
    items.length ? h('ul', { class: 'utrecht-unordered-list app-signal-first' }, items.map((s) => h('li', {},
      h('a', { class: 'utrecht-link', href: `#/signals/${s.id}` }, `${kindText(s.kind)}: ${subjectText(s)}`),
      ' — ', dueCell(s, { inline: true }), h('br'), h('span', { class: 'app-note' }, s.why)))) : '',
    h('p', { class: 'utrecht-paragraph' }, t('sig.start.unowned', { n: num(unowned.total) })),
    h('p', { class: 'utrecht-paragraph app-signal-links' },
      h('a', { class: 'utrecht-link', href: `#/signals${query({ owner: 'me' })}` }, t('sig.start.mine')), ' · ',
      h('a', { class: 'utrecht-link', href: `#/signals${query({ owner: 'none' })}` }, t('sig.start.unownedLink'))));
}
