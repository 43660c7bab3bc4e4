// test_csv.mjs — the CSV downloads of the web application (web/js/csv.js):
// a cell a spreadsheet would run as a formula gets a quote in front, plain
// numbers stay numbers, quoting as RFC 4180. Runs without a browser.
// Usage: node test_csv.mjs [path/to/inbeeld (unused)]
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as w from './weblib.mjs';

const { check } = w;
const { csvField, guardCell } = await import(pathToFileURL(path.join(w.SOURCE, 'web', 'js', 'csv.js')));

async function test_formulas_guarded() {
  const cases = [
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['@SUM(A1:A9)', "'@SUM(A1:A9)"],
    ['+31 6 1234', "'+31 6 1234"],
    ['-1+2', "'-1+2"],
    ['\tcmd', "'\tcmd"],
    ["'=x", "''=x"],
  ];
  for (const [value, want] of cases) check(csvField(value) === want, `${value}: ${csvField(value)}`);
}

async function test_numbers_and_names_kept() {
  for (const v of ['-3.5', '+2', '-1.5e-05', 'Wójcik', "'s-Hertogenbosch", 'a=b', '<10']) {
    check(guardCell(v) === v, `${v} changed to ${guardCell(v)}`);
  }
  check(csvField(-3.5) === '-3.5' && csvField(null) === '' && csvField('a;b') === '"a;b"', 'plain fields');
}

process.exit(await w.main([test_formulas_guarded, test_numbers_and_names_kept]));
