// test_i18n.mjs — the message catalogue (web/i18n/messages.js): Dutch and
// English have the same keys and the same {placeholders}; every key the
// code asks for with t('...') exists; every page of the menu has its
// module; no text is left empty; the country and language names cover the
// codes the server accepts. Runs without a browser.
// Usage: node test_i18n.mjs [path/to/inbeeld (unused)]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as w from './weblib.mjs';

const { check } = w;
const web = path.join(w.SOURCE, 'web');
const { messages } = await import(pathToFileURL(path.join(web, 'i18n', 'messages.js')));

function jsFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? jsFiles(path.join(dir, e.name)) : e.name.endsWith('.js') ? [path.join(dir, e.name)] : []);
}

async function test_same_keys_and_placeholders() {
  const nl = Object.keys(messages.nl); const en = Object.keys(messages.en);
  check(nl.length > 200, `catalogue size ${nl.length}`);
  check(JSON.stringify([...nl].sort()) === JSON.stringify([...en].sort()),
    `keys differ: ${nl.filter((k) => !(k in messages.en))} / ${en.filter((k) => !(k in messages.nl))}`);
  for (const k of nl) {
    const ph = (s) => JSON.stringify((s.match(/\{\w+\}/g) || []).sort());
    check(messages.nl[k].trim() && messages.en[k].trim(), `${k}: empty text`);
    check(ph(messages.nl[k]) === ph(messages.en[k]), `${k}: placeholders differ`);
  }
}

async function test_every_used_key_exists() {
  const used = new Set();
  for (const f of jsFiles(path.join(web, 'js'))) {
    const src = fs.readFileSync(f, 'utf8');
    for (const m of src.matchAll(/\bt\('([\w.]+)'/g)) used.add(m[1]);
    // Keys built from a prefix: t(`dash.by.${g}`) — every catalogue key
    // with that prefix counts as used, and at least one must exist.
    for (const m of src.matchAll(/\bt\(`([\w.]+)\$\{/g)) {
      check(Object.keys(messages.nl).some((k) => k.startsWith(m[1])), `${path.basename(f)}: no key starts with ${m[1]}`);
    }
    for (const m of src.matchAll(/label: '(menu\.\w+)'/g)) used.add(m[1]);
  }
  const missing = [...used].filter((k) => !(k in messages.nl));
  check(used.size > 150 && missing.length === 0, `keys used but missing: ${missing}`);
}

async function test_pages_exist() {
  const main = fs.readFileSync(path.join(web, 'js', 'main.js'), 'utf8');
  for (const m of main.matchAll(/'\.\/(pages\/\w+\.js)'/g)) {
    check(fs.existsSync(path.join(web, 'js', m[1])), `${m[1]} missing`);
  }
}

// The country and language names the pages show (reference/, from
// Debian's iso-codes) name every code the server accepts
// (src/core/iso.c), each in Dutch and English.
async function test_names_cover_the_accepted_codes() {
  const iso = fs.readFileSync(path.join(w.SOURCE, 'src', 'core', 'iso.c'), 'utf8');
  const table = (name) => {
    const body = iso.slice(iso.indexOf(`static const struct iso_entry ${name}[] = {`));
    return body.slice(0, body.indexOf('};')).match(/\{"(\w\w)",/g).map((m) => m.slice(2, 4));
  };
  for (const [file, codes] of [['countries.csv', table('countries')], ['languages.csv', table('languages')]]) {
    const rows = fs.readFileSync(path.join(w.SOURCE, 'reference', file), 'utf8').split('\n')
      .filter((l) => l && !l.startsWith('#')).slice(1);
    const named = new Map(rows.map((l) => [l.slice(0, 2), l.slice(3)]));
    const missing = codes.filter((c) => !named.has(c));
    check(missing.length === 0 && named.size >= codes.length, `${file}: no name for ${missing}`);
    for (const [c, names] of named) check(/^("[^"]+"|[^,"]+),("[^"]+"|[^,"]+)$/.test(names), `${file} ${c}: two names: ${names}`);
  }
}

process.exit(await w.main([test_same_keys_and_placeholders, test_every_used_key_exists, test_pages_exist,
  test_names_cover_the_accepted_codes]));
