// signals.js — what the pages of the signals inbox share: a signal's kind,
// state and owner in words, the link to its person or location, its due
// date with "te laat" said in words (never by colour alone), and the
// owners a user can pick (themselves, the teams and their members, from
// /api/v1/teams).
import { h } from './dom.js';
import { t, code, date } from './i18n.js';
import { get } from './api.js';

export const KINDS = ['not_registered', 'overcrowded', 'job_and_bed', 'one_year_offer', 'information_moment', 'no_address'];
export const STATES = ['open', 'in_progress', 'done', 'unfounded', 'lapsed'];
export const OUTCOMES = ['contacted', 'informed', 'registered', 'offer_made', 'housing_arranged', 'referred', 'enforcement', 'left', 'other'];
// The roles that work signals (the others have no Signalen page).
export const INBOX_ROLES = ['caseworker', 'inspector', 'admin'];

export const kindText = (k) => code('signalKind', k);
export const stateText = (s) => code('signalState', s);

// {type, id, name} of the API, or "team:west" / "user:jansen" of a
// history line, in words.
export function ownerText(owner) {
  if (!owner) return t('sig.noOwner');
  if (typeof owner === 'string') {
    const [type, ...rest] = owner.split(':');
    return ownerText({ type, name: rest.join(':') });
  }
  return owner.type === 'team' ? t('sig.team', { name: owner.name }) : owner.name;
}

export function subjectText(s) {
  return t(s.subject.type === 'person' ? 'sig.person' : 'sig.location', { ref: s.subject.ref });
}

export function subjectHref(s) {
  return `#/${s.subject.type === 'person' ? 'persons' : 'locations'}/${s.subject.id}`;
}

export function subjectLink(s) {
  return h('a', { class: 'utrecht-link', href: subjectHref(s) }, subjectText(s));
}

// The due date; an overdue one also says so in words, with a mark
// (inline: on one line, for a sentence).
export function dueCell(s, { inline = false } = {}) {
  if (!s.overdue) return h('span', {}, date(s.due));
  return h('span', { class: 'app-overdue' },
    h('span', { class: 'app-overdue__mark', 'aria-hidden': 'true' }, '!'), ' ',
    h('strong', {}, t('sig.overdueMark')), inline ? ', ' : h('br'), date(s.due));
}

export function stateBadge(state) {
  return h('span', { class: `app-badge app-badge--sig-${state}` }, stateText(state));
}

// The owners a user can hand signals to: themselves, every team and the
// teams' members, as [value, label] for a select ("user:NAME",
// "team:NAME"). The server refuses an owner who may not see the signal.
export async function ownerOptions(ctx) {
  const teams = (await get('/api/v1/teams')).items;
  const me = ctx.user.name;
  const options = [[`user:${me}`, t('sig.bulkMe', { name: me })]];
  for (const team of teams) options.push([`team:${team.name}`, t('sig.team', { name: team.name })]);
  const members = [...new Set(teams.flatMap((team) => team.members.map((m) => m.name)))]
    .filter((n) => n !== me).sort();
  for (const name of members) options.push([`user:${name}`, name]);
  return { options, teams, members };
}
