// test_imports.mjs — an agency's deliveries in a real browser: a file with
// bad rows is rejected as a whole and the report lists each rejected row
// with line, column and reason, exactly as the API reports it; the report
// downloads as CSV; a good file is stored; the history lists the
// deliveries; the form refuses a missing file or an unknown kind; a large
// file shows the upload, then the processing of its rows, then the report.
// Usage: node test_imports.mjs path/to/inbeeld
import fs from 'node:fs';
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);
const byLabel = (scope, label) => scope.getByLabel(new RegExp(`^${label}( \\(|$)`));

const BAD = 'person_ref,birth_date,nationality,family_name\n'
  + 'WEB1,1990-02-30,PL,Nowak\n'
  + 'WEB2,1991-03-03,P1,Kowalski\n'
  + 'WEB3,1992-04-04,RO,Ionescu\n'
  + 'WEB4,,RO,Popescu\n';
const GOOD = 'person_ref,birth_date,nationality,family_name\nWEB1,1990-02-28,PL,Nowak\nWEB3,1992-04-04,RO,Ionescu\n';

async function upload(page, name, text, mode) {
  await byLabel(page, 'Bestand').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  if (mode) await byLabel(page, 'Verwerking').selectOption(mode);
  await page.getByRole('button', { name: 'Aanleveren' }).click();
}

async function test_bad_rows_reported_like_the_api() {
  const page = await w.newPage(env);
  await w.login(env, page, 'agency');
  await page.goto(`${env.url}/#/imports`);
  await w.waitIdle(page);
  await w.axe(page, 'imports');
  // The API's own report of the same file, checked without storing.
  const api = await page.evaluate(async (body) => {
    const me = await (await fetch('/api/v1/sessions/current')).json();
    const r = await fetch('/api/v1/imports?kind=persons&dry_run=true', {
      method: 'POST', headers: { 'Content-Type': 'text/csv', 'X-CSRF-Token': me.csrf_token }, body,
    });
    return { status: r.status, body: await r.json() };
  }, BAD);
  check(api.status === 422, `API rejects the bad file: ${api.status}`);
  const expected = api.body.files[0].rejections;
  check(expected.length === 3, `three bad rows: ${JSON.stringify(expected)}`);

  await upload(page, 'persons.csv', BAD);
  await page.getByRole('heading', { name: 'Rapport' }).waitFor();
  check(await page.getByText('Er zijn regels afgewezen; er is niets opgeslagen.').isVisible(), 'rejected message: nothing stored');
  const rows = page.locator('table.app-rejections tbody tr');
  check(await rows.count() === expected.length, `one row per rejection: ${await rows.count()}`);
  for (let i = 0; i < expected.length; i += 1) {
    const cells = await rows.nth(i).locator('td').allTextContents();
    const e = expected[i];
    check(cells[1] === String(e.line) && cells[2] === String(e.column) && cells[3] === e.field && cells[4] === e.message,
      `row ${i}: ${cells} vs ${JSON.stringify(e)}`);
  }
  check(await page.locator('progress').getAttribute('value') === '100', 'progress complete');
  await w.axe(page, 'import report');
  const persons = await w.apiGet(page, '/api/v1/persons?ref=WEB3');
  check(persons.body.total === 0, 'nothing stored of a rejected file');

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download rapport (CSV)' }).click()]);
  const csv = fs.readFileSync(await download.path(), 'utf8').trim().split(/\r?\n/);
  check(csv[0] === 'file,line,column,field,message', `CSV header: ${csv[0]}`);
  check(csv.length === expected.length + 1 && csv[1].startsWith(`persons.csv,${expected[0].line},${expected[0].column},${expected[0].field},`), `CSV rows: ${csv}`);
  w.noErrors(page, 'bad import');
  await page.context().close();
}

async function test_good_file_and_history() {
  const page = await w.newPage(env);
  await w.login(env, page, 'agency');
  await page.goto(`${env.url}/#/imports`);
  await w.waitIdle(page);
  await upload(page, 'persons.csv', GOOD, 'dry_run');
  await page.getByText('Het bestand is gecontroleerd en in orde').waitFor();
  check((await w.apiGet(page, '/api/v1/persons?ref=WEB1')).body.total === 0, 'dry run stores nothing');
  await upload(page, 'persons.csv', GOOD, 'all');
  await page.getByText('Het bestand is verwerkt en opgeslagen.').waitFor();
  check((await page.locator('.app-report').textContent()).includes('2 gelezen, 2 nieuw'), 'totals shown');
  check((await w.apiGet(page, '/api/v1/persons?ref=WEB1')).body.total === 1, 'stored');
  // The delivery just made is in the history without reloading the page:
  // first as pending (or at once from the audit log), then from the log.
  const first = page.locator('.app-history tbody tr').first();
  check(/wordt vastgelegd|persons\.csv 2 rijen/.test(await first.textContent()), `the new delivery heads the history: ${await first.textContent()}`);
  await page.waitForFunction(() => /persons\.csv 2 rijen/.test(document.querySelector('.app-history tbody tr').textContent), null, { timeout: 15000 });
  check(!(await first.textContent()).includes('wordt vastgelegd'), 'no longer pending');
  await page.reload();
  await w.waitIdle(page);
  const history = await page.locator('table.utrecht-table').last().textContent();
  check(history.includes('persons.csv 2 rijen') && history.includes('2 gelezen, 2 nieuw') && history.includes('agency'), `history: ${history}`);
  // The rejected delivery of the first test is in the history too.
  check(history.includes('afgewezen, niets opgeslagen'), `rejected delivery listed: ${history}`);
  await w.axe(page, 'imports with history');
  w.noErrors(page, 'good import');
  await page.context().close();
}

async function test_form_errors() {
  const page = await w.newPage(env);
  await w.login(env, page, 'agency');
  await page.goto(`${env.url}/#/imports`);
  await w.waitIdle(page);
  await page.getByRole('button', { name: 'Aanleveren' }).click();
  check(await page.locator('[data-field="file"] .utrecht-form-field-error-message').textContent() === 'Vul dit veld in.', 'file required');
  await upload(page, 'mensen.csv', GOOD);
  check((await page.locator('[data-field="kind"] .utrecht-form-field-error-message').textContent()).startsWith('Kies de soort'), 'unknown kind');
  await w.axe(page, 'import form with errors');
  // Choosing the kind makes the same file acceptable.
  await byLabel(page, 'Soort gegevens').selectOption('persons');
  await page.getByRole('button', { name: 'Aanleveren' }).click();
  await page.getByText('Het bestand is verwerkt en opgeslagen.').waitFor();
  w.noErrors(page, 'form errors');
  await page.context().close();
}

// A large file: the page shows the upload, that it waits for the server
// (deliveries are stored one after the other), then the server's progress
// through the rows (a polite live region beside the bar), then the report.
async function test_progress_through_processing() {
  const page = await w.newPage(env);
  await w.login(env, page, 'agency');
  await page.goto(`${env.url}/#/imports`);
  await w.waitIdle(page);
  const n = 200000;
  const lines = ['person_ref,birth_date,nationality,family_name'];
  for (let i = 0; i < n; i += 1) lines.push(`WBIG${i},1980-01-01,PL,Groot`);
  const text = page.locator('#imp-progress-text');
  check(await text.getAttribute('aria-live') === 'polite', 'the progress text is a polite live region');
  await page.evaluate(() => {
    window.progressTexts = [];
    const el = document.getElementById('imp-progress-text');
    new MutationObserver(() => window.progressTexts.push(el.textContent))
      .observe(el, { childList: true, characterData: true, subtree: true });
  });
  await upload(page, 'persons.csv', `${lines.join('\n')}\n`);
  await page.waitForFunction(() => window.progressTexts.some((s) => /^Verwerken: [\d.]+ regels gelezen/.test(s)));
  await w.axe(page, 'import in progress');
  await page.getByText('Het bestand is verwerkt en opgeslagen.').waitFor({ timeout: 120000 });
  const texts = await page.evaluate(() => window.progressTexts);
  const processing = texts.filter((s) => s.startsWith('Verwerken: '));
  check(texts[0].startsWith('Versturen: '), `the upload first: ${texts.slice(0, 3)}`);
  const waiting = texts.indexOf('Verstuurd; wachten tot de server begint…');
  check(waiting > 0, `then the wait for the server: ${texts.slice(0, 5)}`);
  check(processing.length >= 1 && texts.indexOf(processing[0]) > waiting, `then the rows: ${texts}`);
  check(texts[texts.length - 1] === 'Verwerkt.', `then the end: ${texts.slice(-3)}`);
  check(await page.locator('progress').getAttribute('value') === '100', 'progress complete');
  check((await page.locator('.app-report').textContent()).includes('200.000 gelezen, 200.000 nieuw'), 'the report');
  await w.axe(page, 'import report after progress');
  w.noErrors(page, 'progress');
  await page.context().close();
}

const rc = await w.main([test_bad_rows_reported_like_the_api, test_good_file_and_history, test_form_errors,
  test_progress_through_processing]);
await env.close();
process.exit(rc);
