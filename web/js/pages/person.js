// person.js — one person: details, a timeline of stays, registrations,
// jobs, housing, life events and contact moments (drawn, and in tables
// with every date),
// who looked at this person (the audit), and for agencies and caseworkers
// forms to add records and correct those their own organisation delivered
// (sent as a one-record delivery in the exchange format, so the same
// validation applies; messages appear next to the field). Records another
// sender delivered are shown with that sender and cannot be edited here.
// The senders' records of the person, with where they disagree, and an
// unlink action per record (duplicates.js). Under the contact moments a
// writer with a record of its own records a new one in a few clicks
// ("Contactmoment vastleggen"); the table shows it once stored.
import { h, uid, put, fill } from '../dom.js';
import { t, date, code, num, language } from '../i18n.js';
import { get, getAll, query } from '../api.js';
import { dataTable } from '../table.js';
import { form } from '../form.js';
import { timelineFigure } from '../timeline.js';
import { loadNames, country, languageText } from '../names.js';
import { loadWml, wmlRow, wmlMonitor, wmlCoverage, hourlyWage } from '../wml.js';
import { WRITERS, personFields, codeChecks, deliver, clean } from '../records.js';
import { personName } from './persons.js';
import { personRecords } from './duplicates.js';

export async function render(view, params, ctx) {
  if (params.id === 'new') {
    registerPage(view, ctx);
    return;
  }
  const purpose = sessionStorage.getItem('inbeeld.purpose') || t('persons.defaultPurpose');
  const [data, wml] = await Promise.all([
    get(`/api/v1/persons/${encodeURIComponent(params.id)}`, { purpose }),
    loadWml(),
    loadNames(),
  ]);
  const p = data.person;
  const tl = data.timeline;
  const writer = WRITERS.includes(ctx.user.role);
  // The writer's own record of the person: the one shown, or another
  // sender's record listed under `records` (docs/linkage.md); its forms
  // add to that record.
  const own = writer ? (p.sender === ctx.user.organisation ? p
    : (p.records || []).find((r) => r.sender === ctx.user.organisation)) : null;
  const ownPerson = Boolean(own);
  // Per kind: the sender column, and for writers the edit action of their
  // own organisation's records with the panel its form opens in.
  const panels = {};
  const extra = (kind) => {
    const cols = [{ key: 'sender', label: t('person.sender') }];
    if (!writer || !EDITABLE.includes(kind)) return cols;
    panels[kind] = h('div', { class: 'app-edit', id: uid(`edit-${kind}`), hidden: true, tabindex: '-1' });
    cols.push({ key: 'actions', label: t('person.actions'), format: (r) => (r.sender === ctx.user.organisation
      ? editButton(kind, r, panels[kind], p)
      : h('span', { class: 'app-readonly' }, t('person.readOnly'))) });
    return cols;
  };
  // The contact moments' table, read again once the form stored one.
  const contactCols = extra('contacts');
  const contacts = { table: contactsTable(tl.contacts, contactCols) };
  contacts.show = (rows) => {
    const next = contactsTable(rows, contactCols);
    contacts.table.replaceWith(next);
    contacts.table = next;
  };
  // (Element.append writes a null as the text "null": only nodes here.)
  const after = (kind, rows) => [panels[kind] || null, writer && rows.some((r) => r.sender !== ctx.user.organisation)
    ? h('p', { class: 'utrecht-paragraph app-note' }, t('person.otherSenders')) : null];
  put(view,
    h('p', { class: 'app-back' }, h('a', { class: 'utrecht-link', href: '#/persons' }, t('person.back'))),
    h('h1', { class: 'utrecht-heading-1' }, personName(p)),
    details(p),
    // The senders' records of this person (not shown to an agency, which
    // sees its own record only) and, for admins and caseworkers, unlinking.
    ...(p.records ? [h('h2', { class: 'utrecht-heading-2' }, t('person.records')),
      personRecords(p, ctx, () => ctx.navigate(location.hash))] : []),
    h('h2', { class: 'utrecht-heading-2' }, t('person.timeline')),
    timelineChart(tl),
    h('h2', { class: 'utrecht-heading-2' }, t('person.stays')),
    dataTable({ caption: t('person.stays'), rows: tl.stays, empty: t('person.noneRecorded'), captionHidden: true, columns: [
      { key: 'arrival_date', label: t('person.arrival'), format: (r) => date(r.arrival_date) },
      { key: 'departure_date', label: t('person.departure'), format: (r) => date(r.departure_date) || t('person.present') },
      ...extra('stays'),
    ] }),
    ...after('stays', tl.stays),
    h('h2', { class: 'utrecht-heading-2' }, t('person.registrations')),
    dataTable({ caption: t('person.registrations'), rows: tl.registrations, empty: t('person.noneRecorded'), captionHidden: true, columns: [
      { key: 'kind', label: t('person.regKind'), format: (r) => code('reg', r.kind) },
      { key: 'municipality', label: t('person.municipality') },
      { key: 'start_date', label: t('person.start'), format: (r) => date(r.start_date) },
      { key: 'end_date', label: t('person.end'), format: (r) => date(r.end_date) || t('person.ongoing') },
      ...extra('registrations'),
    ] }),
    ...after('registrations', tl.registrations),
    h('h2', { class: 'utrecht-heading-2' }, t('person.employments')),
    dataTable({ caption: t('person.employments'), rows: tl.employments, empty: t('person.noneRecorded'), captionHidden: true, columns: [
      { key: 'employer_ref', label: t('person.employer'), format: (r) => orgName(r.employer_name, r.employer_ref) },
      { key: 'agency_ref', label: t('person.agency'), format: agencyCell },
      { key: 'contract', label: t('person.contract'), format: (r) => code('contract', r.contract) },
      { key: 'start_date', label: t('person.start'), format: (r) => date(r.start_date) },
      { key: 'end_date', label: t('person.end'), format: (r) => date(r.end_date) || t('person.ongoing') },
      { key: 'hours_per_week', label: t('person.hours'), numeric: true, format: (r) => num(r.hours_per_week, 0) },
      { key: 'monthly_wage', label: t('person.wage'), numeric: true, format: (r) => (r.monthly_wage === null ? '' : `€ ${num(r.monthly_wage, 2)}`) },
      { key: 'wml_hour', label: t('person.wageHour'), format: (r) => wageHour(r, wml) },
      { key: 'wml_month', label: t('person.wageMonitor'), format: (r) => wageMonth(r, wml) },
      ...extra('employments'),
    ] }),
    ...after('employments', tl.employments),
    wageNote(wml),
    h('h2', { class: 'utrecht-heading-2' }, t('person.housings')),
    dataTable({ caption: t('person.housings'), rows: tl.housings, empty: t('person.noneRecorded'), captionHidden: true, columns: [
      { key: 'location_ref', label: t('person.location'), format: locationCell },
      { key: 'provided_by_ref', label: t('person.providedBy'), format: (r) => orgName(r.provided_by_name, r.provided_by_ref) },
      { key: 'tied', label: t('person.tied'), format: tiedText },
      { key: 'start_date', label: t('person.start'), format: (r) => date(r.start_date) },
      { key: 'end_date', label: t('person.end'), format: (r) => date(r.end_date) || t('person.ongoing') },
      ...extra('housings'),
    ] }),
    ...after('housings', tl.housings),
    h('p', { class: 'utrecht-paragraph app-note' }, t('person.tiedNote')),
    h('h2', { class: 'utrecht-heading-2' }, t('person.lifeEvents')),
    dataTable({ caption: t('person.lifeEvents'), rows: tl.life_events, empty: t('person.noneRecorded'), captionHidden: true, columns: [
      { key: 'event', label: t('person.event'), format: (r) => code('event', r.event) },
      { key: 'date', label: t('person.date'), format: (r) => date(r.date) },
      ...extra('life_events'),
    ] }),
    ...after('life_events', tl.life_events),
    h('h2', { class: 'utrecht-heading-2' }, t('person.contacts')),
    contacts.table,
    ...after('contacts', tl.contacts),
    ...(own ? [contactForm(own, p, contacts.show, purpose)] : []));

  if (['caseworker', 'admin'].includes(ctx.user.role)) {
    put(view, h('h2', { class: 'utrecht-heading-2' }, t('person.audit')), await auditTable(p.id));
  }
  if (ownPerson) {
    put(view, h('h2', { class: 'utrecht-heading-2' }, t('person.forms')),
      h('p', { class: 'utrecht-paragraph' }, t('person.formsIntro')),
      recordForms(own));
  } else if (writer) {
    put(view, h('h2', { class: 'utrecht-heading-2' }, t('person.forms')),
      h('p', { class: 'utrecht-paragraph' }, t('person.otherPerson', { sender: p.sender })));
  }
}

// ---------------------------------------------------------------- contacts

const CONTACT_KINDS = ['information', 'language_course_offer', 'career_offer', 'other'];
const CHANNELS = ['desk', 'phone', 'visit', 'online', 'letter', 'other'];
const TOPICS = ['registration', 'work_contract', 'housing', 'health', 'taxes', 'safe_work', 'dismissal',
  'self_employment', 'dutch_language', 'transport', 'help', 'leave'];

const topicsText = (s) => (s ? s.split(' ').map((x) => code('topic', x)).join(', ') : '');

function contactsTable(rows, extraCols) {
  return dataTable({ caption: t('person.contacts'), rows, empty: t('person.noneRecorded'), captionHidden: true, columns: [
    { key: 'date', label: t('person.date'), format: (r) => date(r.date) },
    { key: 'kind', label: t('person.contactKind'), format: (r) => code('contact', r.kind) },
    { key: 'channel', label: t('person.channel'), format: (r) => code('channel', r.channel) },
    { key: 'topics', label: t('person.topics'), format: (r) => topicsText(r.topics) },
    { key: 'language', label: t('person.contactLanguage'), format: (r) => r.language || '' },
    { key: 'understood', label: t('person.understood'), format: (r) => code('understood', r.understood) },
    ...extraCols,
  ] });
}

// Today in the user's own time zone, as YYYY-MM-DD.
function today() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

// "Contactmoment vastleggen": a one-record delivery of contacts.csv for
// the writer's own record of the person, open on the page: the kind, today
// and the desk, and the person's language are filled in, so a contact
// takes the topics and a click. Once stored, the table above is read again.
function contactForm(own, p, show, purpose) {
  const fields = [
    { name: 'kind', label: t('person.contactKind'), type: 'select', required: true, options: opts('contact', CONTACT_KINDS), value: 'information' },
    { name: 'date', label: t('person.date'), type: 'date', required: true, value: today() },
    { name: 'channel', label: t('person.channel'), type: 'select', options: opts('channel', CHANNELS), value: 'desk' },
    { name: 'topics', label: t('person.topics'), type: 'checkboxes', hint: t('form.topicsHint'), options: opts('topic', TOPICS) },
    { name: 'language', label: t('person.contactLanguage'), hint: t('form.contactLanguageHint'), value: text(own.language || p.language),
      attrs: { maxlength: 2 }, validate: codeChecks.language },
    { name: 'understood', label: t('person.understood'), type: 'select', hint: t('form.understoodHint'), options: opts('understood', ['yes', 'partly', 'no']) },
  ];
  const section = h('section', { class: 'app-contact-form', 'aria-labelledby': uid('contact-form') });
  const heading = h('h3', { class: 'utrecht-heading-3', id: section.getAttribute('aria-labelledby') }, t('form.addContact'));
  put(section, heading, h('p', { class: 'utrecht-paragraph' }, t('form.contactIntro')), form({
    fields,
    submitLabel: t('form.record'),
    onSubmit: async (v) => {
      const result = await deliver('contacts', { person_ref: own.person_ref, ...clean(v) });
      if (result.errors) return result;
      show(await getAll(`/api/v1/contacts${query({ person: p.id })}`, { purpose }));
      return result;
    },
  }));
  return section;
}

function details(p) {
  const rows = [
    [t('person.ref'), p.person_ref],
    [t('person.bsn'), p.bsn_masked || '—'],
    [t('person.birthDate'), date(p.birth_date)],
    [t('person.sex'), code('sex', p.sex) || '—'],
    [t('person.nationality'), country(p.nationality)],
    [t('person.language'), languageText(p.language) || '—'],
    [t('person.category'), code('category', p.category)],
    [t('person.sender'), p.sender],
  ];
  return h('dl', { class: 'app-details' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// An organisation by its name, with the sender's reference for it on
// hover; the reference where the name is unknown.
function orgName(name, ref) {
  if (!ref) return '—';
  return name ? h('span', { title: ref }, name) : ref;
}

// The agency with its certification (NEN 4400-1, SNF), as its
// organisation record states it.
function agencyCell(r) {
  if (!r.agency_ref) return '—';
  return [orgName(r.agency_name, r.agency_ref), ' ',
    h('span', { class: 'app-cert' }, `(${r.agency_certified ? code('cert', r.agency_certified) : t('person.certNone')})`)];
}

// The location by its address, linked to its page (inspectors, caseworkers
// and administrators see locations), with the sender's reference.
function locationCell(r) {
  const address = r.postcode ? `${r.postcode} ${r.house_number}${r.municipality ? `, ${r.municipality}` : ''}` : '';
  return [h('a', { class: 'utrecht-link', href: `#/locations/${r.location_id}` }, address || r.location_ref),
    address ? h('span', { class: 'app-ref' }, ` (${r.location_ref})`) : null];
}

function period(p) {
  return `${date(p.start_date)} – ${date(p.end_date) || t('person.ongoing')}`;
}

// Tied by the monitor's rule, as the API decides it: the bed's provider is
// the person's employer or agency on those days (docs/monitor.md).
export function tiedText(r) {
  const org = r.provided_by_name || r.provided_by_ref;
  if (r.tied) {
    const ps = r.tied_periods || [];
    const whole = ps.length === 1 && ps[0].start_date === r.start_date && ps[0].end_date === r.end_date;
    return whole ? t('person.tiedWhole', { org }) : t('person.tiedDuring', { org, periods: ps.map(period).join('; ') });
  }
  return r.provided_by_ref ? t('person.tiedNot', { org }) : t('person.notTied');
}

// The wage per hour against the statutory hourly minimum on the job's
// start date, when the hours are known: the legal test, also for part
// time. The table has hourly amounts from 2024; before that, and outside
// the table, the cell says so.
function wageHour(r, wml) {
  if (r.monthly_wage === null) return t('person.wageUnknown');
  if (r.hours_per_week === null || !(r.hours_per_week > 0)) return t('person.hoursUnknown');
  const perHour = hourlyWage(r.monthly_wage, r.hours_per_week);
  const row = wmlRow(wml, r.start_date);
  if (!row) return t('person.wmlNotCovered', { euro: euro(perHour) });
  if (row.hourly === null) return t('person.wmlNoHourly', { euro: euro(perHour) });
  return t('person.wageHourPct', { euro: euro(perHour), pct: num((100 * perHour) / row.hourly, 0), min: euro(row.hourly) });
}

// The monitor's definition (docs/monitor.md): the monthly wage against the
// full-time monthly minimum, whatever the hours; outside the table the
// monitor takes the nearest row, and the cell says so.
function wageMonth(r, wml) {
  if (r.monthly_wage === null) return t('person.wageUnknown');
  const row = wmlMonitor(wml, r.start_date);
  if (!row) return '—';
  const pct = `${num((100 * r.monthly_wage) / row.monthly, 0)}%`;
  return wmlRow(wml, r.start_date) ? pct : t('person.wmlNearest', { pct, date: date(row.from) });
}

function euro(v) {
  return `€ ${num(v, 2)}`;
}

function wageNote(wml) {
  const cover = wmlCoverage(wml);
  return h('p', { class: 'utrecht-paragraph app-note' }, t('person.wageNote'), ' ',
    cover ? t('person.wmlTable', { from: date(cover.from), until: date(cover.until) }) : null);
}

// ---------------------------------------------------------------- timeline

// The periods and events of the timeline (timeline.js draws them), each
// with the words of its tooltip.
function timelineChart(tl) {
  const until = (end, open) => date(end) || t(open);
  const items = {
    stays: tl.stays.map((s) => [s.arrival_date, s.departure_date, 'tl-stay',
      `${t('person.stay')}: ${date(s.arrival_date)} – ${until(s.departure_date, 'person.present')}`]),
    registrations: tl.registrations.map((r) => [r.start_date, r.end_date, `tl-reg-${r.kind}`,
      `${code('reg', r.kind)}${r.municipality ? ` ${r.municipality}` : ''}: ${date(r.start_date)} – ${until(r.end_date, 'person.ongoing')}`]),
    employments: tl.employments.map((e) => [e.start_date, e.end_date, `tl-job-${e.contract}`,
      `${code('contract', e.contract)} ${e.employer_name || e.employer_ref}: ${date(e.start_date)} – ${until(e.end_date, 'person.ongoing')}`]),
    housings: tl.housings.flatMap((e) => {
      const label = `${e.location_ref} (${tiedText(e)}): ${date(e.start_date)} – ${until(e.end_date, 'person.ongoing')}`;
      // The tied days drawn over the bed's bar (tl-overlay: not a period of its own).
      return [[e.start_date, e.end_date, 'tl-house', label],
        ...(e.tied_periods || []).map((p) => [p.start_date, p.end_date, 'tl-house-tied tl-overlay', label])];
    }),
  };
  const points = {
    life_events: tl.life_events.map((e) => [e.date, `${code('event', e.event)}: ${date(e.date)}`]),
    contacts: (tl.contacts || []).map((c) => [c.date, `${code('contact', c.kind)}: ${date(c.date)}`]),
  };
  return timelineFigure(tl, items, points, [['tl-stay', t('person.stay')], ['tl-reg-brp', code('reg', 'brp')], ['tl-reg-rni', code('reg', 'rni')],
    ['tl-job-agency', code('contract', 'agency')], ['tl-job-temporary', code('contract', 'temporary')],
    ['tl-job-permanent', code('contract', 'permanent')], ['tl-house', t('person.housingOwn')], ['tl-house-tied', t('person.tiedShort')], ['tl-event', t('person.event')],
    ['tl-contact', t('person.contact')]]);
}

// ---------------------------------------------------------------- audit

async function auditTable(id) {
  const res = await get(`/api/v1/persons/${id}/audit${query({ pageSize: 100 })}`);
  return h('div', {},
    h('p', { class: 'utrecht-paragraph' }, t('person.auditIntro', { n: res.total })),
    dataTable({ caption: t('person.audit'), captionHidden: true, rows: res.items, columns: [
      { key: 'at', label: t('audit.at'), format: (r) => new Date(r.at).toLocaleString(language() === 'en' ? 'en-GB' : 'nl-NL') },
      { key: 'actor', label: t('audit.actor'), format: (r) => r.actor.replace(/^user:/, '') },
      { key: 'action', label: t('audit.action'), format: (r) => code('audit', r.action) },
      { key: 'detail', label: t('audit.detail') },
    ] }));
}

// ---------------------------------------------------------------- forms

const opts = (group, values) => values.map((v) => [v, code(group, v)]);
const text = (v) => (v === null || v === undefined ? undefined : String(v));

// The fields of each kind, filled from a record r (empty for a new one),
// and the columns that identify a record within its sender (docs/formats.md):
// a correction sends the same key with the new content; a changed key would
// be a new record, so the edit form shows the key and does not offer it.
const FIELDS = {
  stays: (r = {}) => [
    { name: 'arrival_date', label: t('person.arrival'), type: 'date', required: true, value: r.arrival_date },
    { name: 'departure_date', label: t('person.departure'), type: 'date', hint: t('form.departureHint'), value: text(r.departure_date) },
  ],
  registrations: (r = {}) => [
    { name: 'kind', label: t('person.regKind'), type: 'select', required: true, options: opts('reg', ['brp', 'rni']), value: r.kind },
    { name: 'municipality', label: t('person.municipality'), hint: t('form.municipalityHint'), value: text(r.municipality), validate: codeChecks.municipality },
    { name: 'start_date', label: t('person.start'), type: 'date', required: true, value: r.start_date },
    { name: 'end_date', label: t('person.end'), type: 'date', value: text(r.end_date) },
  ],
  employments: (r = {}) => [
    { name: 'employer_ref', label: t('person.employer'), required: true, hint: t('form.orgRefHint'), value: r.employer_ref },
    { name: 'agency_ref', label: t('person.agency'), hint: t('form.orgRefHint'), value: text(r.agency_ref) },
    { name: 'contract', label: t('person.contract'), type: 'select', required: true, options: opts('contract', ['agency', 'temporary', 'permanent', 'self_employed']), value: r.contract },
    { name: 'start_date', label: t('person.start'), type: 'date', required: true, value: r.start_date },
    { name: 'end_date', label: t('person.end'), type: 'date', value: text(r.end_date) },
    { name: 'hours_per_week', label: t('person.hours'), attrs: { inputmode: 'decimal' }, value: text(r.hours_per_week) },
    { name: 'monthly_wage', label: t('person.wage'), hint: t('form.wageHint'), attrs: { inputmode: 'decimal' }, value: text(r.monthly_wage) },
    { name: 'sector', label: t('form.sector'), hint: t('form.sectorHint'), attrs: { maxlength: 1 }, value: text(r.sector), validate: codeChecks.sector },
  ],
  housings: (r = {}) => [
    { name: 'location_ref', label: t('person.location'), required: true, hint: t('form.locationRefHint'), value: r.location_ref },
    { name: 'provided_by_ref', label: t('form.providedBy'), hint: t('form.providedByHint'), value: text(r.provided_by_ref) },
    { name: 'start_date', label: t('person.start'), type: 'date', required: true, value: r.start_date },
    { name: 'end_date', label: t('person.end'), type: 'date', value: text(r.end_date) },
  ],
  life_events: (r = {}) => [
    { name: 'event', label: t('person.event'), type: 'select', required: true, options: opts('event', ['partner_start', 'partner_end', 'child_birth', 'home_purchase', 'home_sale']), value: r.event },
    { name: 'date', label: t('person.date'), type: 'date', required: true, value: r.date },
  ],
};
const KEYS = {
  stays: ['arrival_date'],
  registrations: ['kind', 'start_date'],
  employments: ['employer_ref', 'start_date'],
  housings: ['location_ref', 'start_date'],
  life_events: ['event', 'date'],
};
// A life event is nothing but its key: it is added, not corrected.
const EDITABLE = ['stays', 'registrations', 'employments', 'housings'];
const ADD_TITLE = {
  stays: 'form.addStay', registrations: 'form.addRegistration', employments: 'form.addEmployment',
  housings: 'form.addHousing', life_events: 'form.addLifeEvent',
};

// The record's key in words, for the edit form and the button's name.
function keyText(kind, r) {
  switch (kind) {
    case 'stays': return t('edit.keyStay', { date: date(r.arrival_date) });
    case 'registrations': return t('edit.keyRegistration', { kind: code('reg', r.kind), date: date(r.start_date) });
    case 'employments': return t('edit.keyEmployment', { org: r.employer_ref, date: date(r.start_date) });
    default: return t('edit.keyHousing', { location: r.location_ref, date: date(r.start_date) });
  }
}

function editButton(kind, r, panel, p) {
  return h('button', {
    type: 'button', class: 'utrecht-button utrecht-button--secondary-action app-edit-button', 'aria-controls': panel.id,
    onclick: () => openEdit(kind, r, panel, p),
  }, t('edit.button'), h('span', { class: 'visually-hidden' }, ` ${keyText(kind, r)}`));
}

function openEdit(kind, r, panel, p) {
  const keys = Object.fromEntries(KEYS[kind].map((k) => [k, r[k]]));
  const fields = FIELDS[kind](r).filter((f) => !KEYS[kind].includes(f.name));
  fill(panel,
    h('h3', { class: 'utrecht-heading-3' }, t('edit.title', { what: keyText(kind, r) })),
    h('p', { class: 'utrecht-paragraph' }, t('edit.keyNote')),
    form({
      fields,
      submitLabel: t('form.save'),
      onSubmit: (v) => deliver(kind, { person_ref: p.person_ref, ...keys, ...clean(v) }),
    }));
  panel.hidden = false;
  panel.focus();
}

// "Nieuwe persoon registreren": the person's record, delivered as the
// user's organisation; once stored, the person's page opens, where the
// stays, registrations and the rest are added.
function registerPage(view, ctx) {
  if (!WRITERS.includes(ctx.user.role)) {
    put(view, h('h1', { class: 'utrecht-heading-1' }, t('shell.notFound')),
      h('p', { class: 'utrecht-paragraph' }, t('shell.notFoundText')));
    return;
  }
  put(view,
    h('p', { class: 'app-back' }, h('a', { class: 'utrecht-link', href: '#/persons' }, t('person.back'))),
    h('h1', { class: 'utrecht-heading-1' }, t('register.title')),
    h('p', { class: 'utrecht-paragraph' }, t('register.intro', { org: ctx.user.organisation })),
    form({
      fields: personFields(),
      submitLabel: t('register.submit'),
      onSubmit: async (v) => {
        // Re-sending a key replaces its record: a reference the organisation
        // already uses belongs to someone else, whom this must not overwrite.
        const ownWithRef = async () => {
          const found = await get(`/api/v1/persons${query({ ref: v.person_ref, pageSize: 100 })}`, { purpose: t('register.purpose') });
          return found.items.find((x) => x.sender === ctx.user.organisation);
        };
        if (await ownWithRef()) return { errors: { person_ref: t('register.refTaken') } };
        const result = await deliver('persons', clean(v));
        if (result.errors) return result;
        const mine = await ownWithRef();
        if (mine) ctx.navigate(`#/persons/${mine.id}`);
        return result;
      },
    }));
}

function recordForms(p) {
  const ref = p.person_ref;
  const section = (title, f) => h('details', { class: 'app-disclosure' }, h('summary', {}, title), f);
  const person = personFields(p).filter((f) => f.name !== 'person_ref');
  return h('div', { class: 'app-forms' },
    section(t('form.correctPerson'), form({
      fields: person,
      submitLabel: t('form.save'),
      onSubmit: (v) => deliver('persons', { person_ref: ref, ...clean(v) }),
    })),
    Object.keys(FIELDS).map((kind) => section(t(ADD_TITLE[kind]), form({
      fields: FIELDS[kind](),
      submitLabel: t('form.add'),
      onSubmit: (v) => deliver(kind, { person_ref: ref, ...clean(v) }),
    }))));
}
