// test_duplicates.mjs — "Mogelijke dubbelen" in a real browser: a second
// sender delivers look-alikes of two demo persons (the same names, a birth
// date one digit apart); the page shows each pair's records side by side
// with the differing field marked in words, in Dutch and in English; a
// decision needs a reason and shows its result; the person page then
// lists the senders' records with the disagreement marked and unlinks one
// with a reason. axe-core finds no WCAG 2.1 AA violation on either page.
// Usage: node test_duplicates.mjs path/to/inbeeld
import fs from 'node:fs';
import path from 'node:path';
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2], { persons: 300 });

// Two demo persons with a BSN and a day of birth below 28; their
// look-alikes from sender "gemeente" have no BSN and another last digit.
// The demo is a chain: the municipality's records are in the first folder
// of senders.txt.
const senders = fs.readFileSync(path.join(env.folder, 'demo', 'senders.txt'), 'utf8')
  .split('\n').filter((l) => l && !l.startsWith('#'));
const municipality = senders[0].split(' ')[0];
const [head, ...lines] = fs.readFileSync(path.join(env.folder, 'demo', municipality, 'persons.csv'), 'utf8').trim().split('\n');
const cols = head.split(',');
const demo = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])))
  .filter((p) => p.bsn && Number(p.birth_date.slice(8)) <= 27 && p.family_name && p.given_names && !/"/.test(p.family_name + p.given_names));
check(demo.length >= 2, 'two demo persons to copy');
const shifted = (d) => d.slice(0, 9) + (d[9] === '1' ? '2' : '1');
const copies = demo.slice(0, 2).map((p, i) => ({ ...p, person_ref: `GW${i + 1}`, bsn: '', birth_date: shifted(p.birth_date) }));
const dir = path.join(env.folder, 'gemeente');
fs.mkdirSync(dir);
fs.writeFileSync(path.join(dir, 'persons.csv'), `${cols.join(',')}\n${copies.map((c) => cols.map((k) => c[k] ?? '').join(',')).join('\n')}\n`);
w.run(process.argv[2], ['import', '--db', env.db, '--sender', 'gemeente', '--quiet', dir]);

async function openPairs(lang) {
  const page = await w.newPage(env, { lang });
  await w.login(env, page, 'admin', { lang });
  await page.getByRole('link', { name: lang === 'en' ? 'Possible duplicates' : 'Mogelijke dubbelen' }).click();
  await w.waitIdle(page);
  return page;
}

const pairWith = (page, ref) => page.locator('section.app-pair', { hasText: ref });

async function test_dutch_decide_same() {
  const page = await openPairs('nl');
  await page.getByRole('heading', { level: 1, name: 'Mogelijke dubbelen' }).waitFor();
  const pair = pairWith(page, 'GW1');
  check(await pair.count() === 1, 'the pair of GW1 is listed');
  const born = pair.locator('tr[data-field=birth_date]');
  check((await born.textContent()).includes('Verschilt'), `birth date not marked: ${await born.textContent()}`);
  check(!(await pair.locator('tr[data-field=family_name]').textContent()).includes('Verschilt'), 'equal family names marked');
  check((await pair.locator('thead').textContent()).includes('Record van gemeente'), 'the sender heads its record');
  await w.axe(page, 'duplicates (nl)');
  await pair.getByRole('button', { name: 'Zelfde persoon', exact: true }).click();
  check(await pair.getByText('Vul de reden in.').isVisible(), 'a decision without a reason is refused next to the field');
  await pair.getByLabel('Reden van het besluit').fill('zelfde paspoort gezien');
  await pair.getByRole('button', { name: 'Zelfde persoon', exact: true }).click();
  await pair.getByText('Besloten: zelfde persoon. De records zijn nu één persoon.').waitFor();
  check(await pair.getByText('Door admin, reden: zelfde paspoort gezien').isVisible(), 'who and why shown');
  const id = Number((await pair.locator('h2').textContent()).replace(/\D+/g, ''));
  const api = await w.apiGet(page, `/api/v1/duplicates/${id}`);
  check(api.status === 200 && api.body.state === 'linked' && api.body.decided_by === 'user:admin', `API: ${JSON.stringify(api.body)}`);
  await w.axe(page, 'duplicates after a decision');

  // The person page: the senders' records, the disagreement, unlinking.
  await pair.getByRole('link', { name: 'Naar de persoon' }).click();
  await page.getByRole('heading', { name: 'Records van de aanleveranciers' }).waitFor();
  await w.waitIdle(page);
  const records = page.locator('table.app-records');
  const personId = page.url().split('/').pop();
  const listed = await records.locator('tbody tr').count();
  const known = await w.apiGet(page, `/api/v1/persons/${personId}`);
  check(listed >= 2 && listed === known.body.person.records.length, `every sender's record listed: ${listed}`);
  check((await records.locator('tr', { hasText: 'GW1' }).textContent()).includes('met de hand'), 'linked by hand');
  check((await page.getByText(/De records verschillen in: geboortedatum/).count()) === 1, 'the disagreement is named');
  check((await records.getByText('Verschilt').count()) >= 2, 'differing birth dates marked');
  await w.axe(page, 'person page with records');
  await records.getByRole('button', { name: /Ontkoppelen gemeente GW1/ }).click();
  await page.getByRole('button', { name: 'Ontkoppelen', exact: true }).click();
  check(await page.getByText('Vul de reden in.').isVisible(), 'unlink without a reason refused');
  await page.getByLabel('Reden van het ontkoppelen').fill('toch een ander persoon');
  await page.getByRole('button', { name: 'Ontkoppelen', exact: true }).click();
  await page.waitForFunction((n) => document.querySelectorAll('table.app-records tbody tr').length === n, listed - 1);
  const after = await w.apiGet(page, `/api/v1/persons/${personId}`);
  check(after.body.person.records.every((r) => r.person_ref !== 'GW1'), 'GW1 unlinked');
  w.noErrors(page, 'dutch');
  await page.context().close();
}

async function test_english_decide_different() {
  const page = await openPairs('en');
  await page.getByRole('heading', { level: 1, name: 'Possible duplicates' }).waitFor();
  const pair = pairWith(page, 'GW2');
  check(await pair.count() === 1, 'the pair of GW2 is listed');
  check((await pair.locator('tr[data-field=birth_date]').textContent()).includes('Differs'), 'marked in English');
  check(!(await page.locator('main').textContent()).includes('GW1'), 'the decided pair is gone');
  await w.axe(page, 'duplicates (en)');
  await pair.getByLabel('Reason for the decision').fill('other mother, other village');
  await pair.getByRole('button', { name: 'Not the same person', exact: true }).click();
  await pair.getByText('Decided: not the same person. This pair will not be proposed again.').waitFor();
  await page.reload();
  await w.waitIdle(page);
  check(await pairWith(page, 'GW2').count() === 0, 'a pair declared different is not shown again');
  w.noErrors(page, 'english');
  await page.context().close();
}

async function test_menu_by_role() {
  for (const [name, sees] of [['caseworker', true], ['agency', false], ['analyst', false]]) {
    const page = await w.newPage(env);
    await w.login(env, page, name);
    const n = await page.locator('#menu').getByRole('link', { name: 'Mogelijke dubbelen' }).count();
    check(n === (sees ? 1 : 0), `${name} menu: ${n}`);
    await page.context().close();
  }
}

const rc = await w.main([test_dutch_decide_same, test_english_decide_different, test_menu_by_role]);
await env.close();
process.exit(rc);
