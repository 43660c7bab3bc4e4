// records.js — records of the exchange format entered in a form: who may
// deliver them (an agency and a caseworker, as their own organisation),
// the checks made before sending (the server checks everything again),
// the fields of a person, and delivery of one record as a JSON batch to
// /api/v1/imports, whose report becomes messages next to the fields.
import { t, code } from './i18n.js';
import { post, query, ApiError } from './api.js';
import { rejectionsToErrors } from './form.js';

// The roles that deliver records as their own organisation.
export const WRITERS = ['caseworker', 'agency'];

// The BSN's 11-check (elfproef): 9 digits, weights 9..2 and -1.
export function isBsn(s) {
  if (!/^\d{9}$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i += 1) sum += Number(s[i]) * (9 - i);
  sum -= Number(s[8]);
  return sum % 11 === 0 && s !== '000000000';
}

// Codes checked in the browser; each returns a message or ''.
export const codeChecks = {
  bsn: (v) => (isBsn(v) ? '' : t('persons.bsnError')),
  nationality: (v) => (/^[A-Z]{2}$/.test(v) ? '' : t('persons.nationalityError')),
  language: (v) => (/^[a-z]{2}$/.test(v) ? '' : t('form.languageError')),
  municipality: (v) => (/^GM\d{4}$/.test(v) ? '' : t('form.municipalityError')),
  sector: (v) => (/^[A-U]$/.test(v) ? '' : t('form.sectorError')),
};

const opts = (group, values) => values.map((v) => [v, code(group, v)]);
const text = (v) => (v === null || v === undefined ? undefined : String(v));

// The fields of a person, filled from p (empty for a new person). A stored
// BSN is never sent back (only its last four digits), and a correction
// replaces the whole record, so it must be given again.
export function personFields(p = {}) {
  return [
    { name: 'person_ref', label: t('register.ref'), required: true, hint: t('register.refHint'), attrs: { maxlength: 64 } },
    { name: 'bsn', label: t('person.bsn'), required: !!p.bsn_masked,
      hint: p.bsn_masked ? t('register.bsnAgain', { masked: p.bsn_masked }) : t('register.bsnHint'),
      attrs: { inputmode: 'numeric', maxlength: 9, autocomplete: 'off' }, validate: codeChecks.bsn },
    { name: 'family_name', label: t('person.familyName'), value: text(p.family_name) },
    { name: 'given_names', label: t('person.givenNames'), value: text(p.given_names) },
    { name: 'birth_date', label: t('person.birthDate'), type: 'date', required: true, value: p.birth_date },
    { name: 'sex', label: t('person.sex'), type: 'select', options: opts('sex', ['M', 'V', 'X']), value: text(p.sex) },
    { name: 'nationality', label: t('person.nationality'), required: true, value: p.nationality,
      hint: t('persons.nationalityHint'), attrs: { maxlength: 2 }, validate: codeChecks.nationality },
    { name: 'language', label: t('person.language'), value: text(p.language), hint: t('form.languageHint'),
      attrs: { maxlength: 2 }, validate: codeChecks.language },
    { name: 'category', label: t('person.category'), type: 'select',
      options: opts('category', ['labour', 'knowledge', 'status_holder', 'family', 'student', 'other']), value: p.category },
  ];
}

// The form's values without the empty ones (a missing key is empty).
export function clean(v) {
  const out = {};
  for (const [k, val] of Object.entries(v)) if (val !== '' && val !== undefined) out[k] = val;
  return out;
}

// Delivers one record of `kind` as the user's organisation. Returns the
// form's answer: {message} when stored, {errors, general} when rejected
// (each rejection at the field its column names).
export async function deliver(kind, record) {
  try {
    const report = await post(`/api/v1/imports${query({ kind })}`, [record]);
    const tot = report.totals || {};
    return { report, message: t('form.stored', { inserted: tot.inserted ?? 0, updated: tot.updated ?? 0, unchanged: tot.unchanged ?? 0 }) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 422 && e.body) {
      const errors = rejectionsToErrors(e.body);
      const general = errors._;
      delete errors._;
      return { errors, general };
    }
    throw e;
  }
}
