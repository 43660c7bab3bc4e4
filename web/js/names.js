// names.js — country and language names instead of their ISO codes, in
// the reader's language, from reference/countries.csv and languages.csv
// (Debian's iso-codes, scripts/iso-names.py; copied into the web folder by
// the build). A code the tables do not know is shown as it is.
import { h } from './dom.js';
import { language } from './i18n.js';

const pending = {};   // name -> Promise of its Map
const loaded = {};    // name -> Map, once read

// A CSV of the reference folder: "# comment" lines, a header, fields that
// may be quoted ("Korea, Republic of").
function parseCsv(text) {
  const rows = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const fields = [];
    let cur = ''; let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { cur += '"'; i += 1; } else if (c === '"') quoted = false; else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { fields.push(cur); cur = ''; } else cur += c;
    }
    fields.push(cur);
    rows.push(fields);
  }
  return rows.slice(1);
}

function load(name) {
  if (!pending[name]) {
    pending[name] = fetch(`data/${name}.csv`).then((r) => (r.ok ? r.text() : ''))
      .then((text) => new Map(parseCsv(text).map(([code, nl, en]) => [code, { nl, en }])))
      .catch(() => new Map())
      .then((m) => { loaded[name] = m; return m; });
  }
  return pending[name];
}

// Loads both tables; a page calls it before it draws names.
export async function loadNames() {
  await Promise.all([load('countries'), load('languages')]);
}

function nameOf(table, code) {
  const entry = loaded[table]?.get(code);
  return entry ? entry[language()] || entry.nl : null;
}

// "Polen (PL)": the name with the code beside it; the code alone when
// unknown; '' for no code. As text, for tables, CSV and titles.
export function countryText(code) {
  if (!code) return '';
  const name = nameOf('countries', code);
  return name ? `${name} (${code})` : code;
}

export function languageText(code) {
  if (!code) return '';
  const name = nameOf('languages', code);
  return name ? `${name} (${code})` : code;
}

// The same as an element whose code is also its title (on hover).
export function country(code) {
  const text = countryText(code);
  return text && text !== code ? h('span', { title: code }, text) : text;
}
