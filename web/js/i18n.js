// i18n.js — the language of the interface (Dutch by default, English on
// request with ?lang=en or the switch in the header; remembered in
// localStorage) and t(), which takes every text from i18n/messages.js.
import { messages } from '../i18n/messages.js';

const KEY = 'inbeeld.lang';
let lang = pickLanguage();

function pickLanguage() {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked === 'nl' || asked === 'en') {
    localStorage.setItem(KEY, asked);
    return asked;
  }
  const kept = localStorage.getItem(KEY);
  return kept === 'en' ? 'en' : 'nl';
}

export function language() {
  return lang;
}

export function setLanguage(next) {
  lang = next === 'en' ? 'en' : 'nl';
  localStorage.setItem(KEY, lang);
  document.documentElement.lang = lang;
}

// t('persons.title') or t('persons.found', {n: 3}): {name} is replaced.
export function t(key, params) {
  let text = messages[lang][key] ?? messages.nl[key];
  if (text === undefined) {
    console.error('missing message', key);
    return key;
  }
  if (params) {
    // {n:one|other}: the form for 1 and the form for any other number
    // ("na {y} {y:jaar|jaar}", "after {y} {y:year|years}").
    text = text.replace(/\{(\w+):([^|{}]*)\|([^{}]*)\}/g, (m, name, one, other) =>
      (name in params ? (Number(params[name]) === 1 ? one : other) : m));
    // A value that is missing is shown as a dash, never as "null".
    text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? shown(params[name]) : m));
  }
  return text;
}

function shown(value) {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

// Numbers and dates the way the reader expects them (1.234,5 in Dutch).
export function num(value, digits = 0) {
  if (value === null || value === undefined || value === '') return '';
  if (value === 'verborgen') return t('dash.hiddenOther');  // hidden to protect another
  if (typeof value === 'string') return value;         // "<10": a small cell withheld
  return value.toLocaleString(lang === 'en' ? 'en-GB' : 'nl-NL', {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  });
}

export function pct(value, digits = 1) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return num(value * 100, digits) + '%';
}

export function date(iso) {
  if (!iso) return '';
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(lang === 'en' ? 'en-GB' : 'nl-NL', {
    day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC',
  });
}

// A code from the API ("agency", "short_stay_facility") in words, or the
// code itself where the catalogue has none.
export function code(group, value) {
  if (value === null || value === undefined || value === '') return '';
  const key = `code.${group}.${value}`;
  return messages[lang][key] ?? messages.nl[key] ?? String(value);
}
