// test_persons.mjs — the caseworker's persons pages in a real browser:
// search by family name, reference, date of birth and BSN (exact; the BSN
// stays out of the address bar), an invalid BSN and nationality refused next to the
// field, date of birth with the family name, the result count equal to
// the API's; the person page with its
// timeline, tables and "who looked at this person" (which lists this very
// view, with its purpose); and the agency's forms: invalid input gets the
// server's message next to the field, valid input is stored and shown. On
// the demo chain: one row per person, also by BSN, and an agency finds its
// own record by BSN, never another sender's.
// Usage: node test_persons.mjs path/to/inbeeld
import path from 'node:path';
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);

// The municipality's records: the ones with a BSN are found by BSN and by
// their ref (a ref is searched among the records, so it finds that record).
function demoPersons() {
  return w.readCsv(path.join(env.folder, 'demo', w.MUNICIPALITY, 'persons.csv'));
}

async function caseworker() {
  const page = await w.newPage(env);
  await w.login(env, page, 'caseworker');
  return page;
}

// A field by its label, whether or not "(niet verplicht)" follows it.
const byLabel = (page, label) => page.getByLabel(new RegExp(`^${label}( \\(|$)`));

async function search(page, fields) {
  for (const [label, value] of Object.entries(fields)) await byLabel(page, label).fill(value);
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await w.waitIdle(page);
}

async function test_search_by_name_matches_api() {
  const page = await caseworker();
  await search(page, { Achternaam: 'Nag', 'Doel van de inzage': 'spreekuur test' });
  const api = await w.apiGet(page, '/api/v1/persons?family_name=Nag&pageSize=1');
  check(api.status === 200 && api.body.total > 0, `API search: ${JSON.stringify(api.body).slice(0, 200)}`);
  const status = await page.locator('.app-results [role=status]').textContent();
  check(status === `${api.body.total} personen gevonden.`, `count: ${status} vs ${api.body.total}`);
  const names = await page.locator('.app-results tbody th a').allTextContents();
  check(names.length > 0 && names.every((n) => / Nag/.test(n) || n.startsWith('Nag')), `names: ${names}`);
  await w.axe(page, 'search results');
  // Nothing found: a helpful message, not an error.
  await search(page, { Achternaam: 'Zzzzqq' });
  check(await page.getByText('Geen personen gevonden').isVisible(), 'empty result message');
  w.noErrors(page, 'search');
  await page.context().close();
}

async function test_search_by_ref_and_bsn() {
  const page = await caseworker();
  const persons = demoPersons().filter((p) => p.bsn);
  let target = null;
  for (const p of persons) {
    const r = await w.apiGet(page, `/api/v1/persons?ref=${p.person_ref}`);
    if (r.body.total === 1) { target = { ...p, id: r.body.items[0].id }; break; }
  }
  check(target, 'a person with a BSN in the caseworker\'s municipalities');
  await search(page, { Referentie: target.person_ref });
  check(await page.locator('.app-results tbody tr').count() === 1, 'one result by ref');
  // Family name and date of birth together.
  await search(page, { Referentie: '', Achternaam: target.family_name, Geboortedatum: target.birth_date });
  const byBirth = await w.apiGet(page, `/api/v1/persons?family_name=${encodeURIComponent(target.family_name)}&birth_date=${target.birth_date}`);
  check(await page.locator('.app-results tbody tr').count() === byBirth.body.total && byBirth.body.total >= 1, 'results by name and date of birth');
  // One row per person: the record that matched, so the person's link, not
  // necessarily the municipality's ref.
  const links = async () => page.locator('.app-results tbody th a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  check((await links()).includes(`#/persons/${target.id}`), `the person by name and date of birth: ${await links()}`);
  await byLabel(page, 'Achternaam').fill('');
  await byLabel(page, 'Geboortedatum').fill('');
  await search(page, { Referentie: '', BSN: target.bsn });
  check(!page.url().includes(target.bsn), `BSN not in the address: ${page.url()}`);
  const rows = page.locator('.app-results tbody tr');
  check(await rows.count() === 1, `one result by BSN: ${await rows.count()}`);
  check((await links())[0] === `#/persons/${target.id}`, `the right person by BSN: ${await links()}`);
  check((await rows.first().textContent()).includes(`*****${target.bsn.slice(5)}`), 'BSN shown masked');
  check(!(await page.locator('.app-results').textContent()).includes(target.bsn), 'full BSN never shown');
  // A BSN failing the 11-check is refused next to the field.
  await search(page, { BSN: '123456788' });
  const bsnError = page.locator('[data-field="bsn"] .utrecht-form-field-error-message');
  check(await bsnError.isVisible() && (await bsnError.textContent()).includes('elfproef'), 'BSN error next to the field');
  check(await byLabel(page, 'BSN').getAttribute('aria-invalid') === 'true', 'BSN field invalid');
  await w.axe(page, 'search with an invalid BSN');
  await byLabel(page, 'BSN').fill('');
  await search(page, { Nationaliteit: 'P' });
  check(await page.locator('[data-field="nationality"] .utrecht-form-field-error-message').isVisible(), 'nationality error');
  w.noErrors(page, 'ref and BSN');
  await page.context().close();
}

async function test_person_page_timeline_and_audit() {
  const page = await caseworker();
  await search(page, { Achternaam: 'Nag', 'Doel van de inzage': 'huisbezoek voorbereiden' });
  await page.locator('.app-results tbody th a').first().click();
  await page.getByRole('heading', { name: 'Tijdlijn' }).waitFor();
  await w.waitIdle(page);
  const id = page.url().split('#/persons/')[1];
  const api = await w.apiGet(page, `/api/v1/persons/${id}`);
  const tl = api.body.timeline;
  // A period wholly outside the stays is an arrow at the edge (tl-outside).
  check(await page.locator('.tl-chart rect.tl-bar:not(.tl-overlay), .tl-chart path.tl-outside:not(.tl-overlay)').count() === tl.stays.length + tl.registrations.length + tl.employments.length + tl.housings.length,
    'one bar per period');
  // One mark per life event on the axis; those outside it counted at the edge.
  const edge = (await page.locator('.tl-chart .tl-edge-events:has(.tl-event) text').allTextContents()).reduce((n, s) => n + Number(s.match(/\d+/)[0]), 0);
  check(await page.locator('.tl-chart path.tl-event:not(.tl-event--edge)').count() + edge === tl.life_events.length, 'one mark per life event');
  // The senders' records of the person (duplicates.js), one row each.
  check(await page.locator('.page table.app-records tbody tr').count() === api.body.person.records.length,
    'one row per sender\'s record');
  const tables = page.locator('.page table.utrecht-table:not(.app-records)');
  // stays, registrations, work, housing, life events, contacts, audit
  check(await tables.count() === 7, `seven tables: ${await tables.count()}`);
  const jobs = tables.nth(2).locator('tbody tr');
  check(await jobs.count() === Math.max(1, tl.employments.length), 'one row per job');
  if (tl.employments.some((e) => e.monthly_wage !== null)) {
    check(/\d+%/.test(await tables.nth(2).textContent()), 'wage as % of the minimum wage');
  }
  check(await tables.nth(5).locator('tbody tr').count() === Math.max(1, tl.contacts.length), 'one row per contact');
  const audit = await tables.nth(6).textContent();
  check(audit.includes('caseworker') && audit.includes('huisbezoek voorbereiden'), 'audit lists this view with its purpose');
  await w.axe(page, 'person page');
  w.noErrors(page, 'person page');
  await page.context().close();
}

async function test_agency_forms_validate_and_store() {
  const page = await w.newPage(env);
  await w.login(env, page, 'agency');
  const first = await w.apiGet(page, '/api/v1/persons?pageSize=1&sort=person_ref');
  const p = first.body.items[0];
  await page.goto(`${env.url}/#/persons/${p.id}`);
  await page.getByRole('heading', { name: 'Gegevens aanvullen of corrigeren' }).waitFor();
  await w.waitIdle(page);
  await w.axe(page, 'person page with forms (closed)');

  // A stay whose departure lies before its arrival: the server's reason
  // appears next to the departure field.
  const stay = page.locator('details', { hasText: 'Verblijf toevoegen' });
  await stay.locator('summary').click();
  await stay.getByRole('button', { name: 'Toevoegen' }).click();
  check((await stay.locator('[data-field="arrival_date"] .utrecht-form-field-error-message').textContent()) === 'Vul dit veld in.', 'required arrival');
  await stay.getByLabel('Aankomst').fill('2024-05-01');
  await stay.getByLabel(/Vertrek/).fill('2024-04-01');
  await stay.getByRole('button', { name: 'Toevoegen' }).click();
  const depErr = stay.locator('[data-field="departure_date"] .utrecht-form-field-error-message');
  await depErr.waitFor();
  check((await depErr.textContent()).includes('ligt niet na arrival_date'), `departure error: ${await depErr.textContent()}`);
  check(await stay.locator('.app-summary a').count() === 1, 'error summary links to the field');
  await w.axe(page, 'stay form with an error');

  // An unknown employer: the message sits at the employer field.
  const job = page.locator('details', { hasText: 'Dienstverband toevoegen' });
  await job.locator('summary').click();
  await job.getByLabel('Werkgever/inlener').fill('GEEN-ORG');
  await job.getByLabel('Contract').selectOption('agency');
  await job.getByLabel('Begin').fill('2025-02-01');
  await job.getByRole('button', { name: 'Toevoegen' }).click();
  const empErr = job.locator('[data-field="employer_ref"] .utrecht-form-field-error-message');
  await empErr.waitFor();
  check((await empErr.textContent()).includes('GEEN-ORG'), `employer error: ${await empErr.textContent()}`);

  // A valid life event is stored and shows on the page after reloading.
  const before = (await w.apiGet(page, `/api/v1/persons/${p.id}`)).body.timeline.life_events.length;
  const ev = page.locator('details', { hasText: 'Levensgebeurtenis toevoegen' });
  await ev.locator('summary').click();
  await ev.getByLabel('Gebeurtenis').selectOption('child_birth');
  await ev.getByLabel('Datum').fill('2024-06-15');
  await ev.getByRole('button', { name: 'Toevoegen' }).click();
  await ev.getByText('Opgeslagen: 1 nieuw').waitFor();
  const after = (await w.apiGet(page, `/api/v1/persons/${p.id}`)).body.timeline.life_events;
  check(after.length === before + 1 && after.some((e) => e.event === 'child_birth' && e.date === '2024-06-15'), 'life event stored');
  await page.reload();
  await page.getByRole('heading', { name: 'Levensgebeurtenissen' }).waitFor();
  await w.waitIdle(page);
  check((await page.locator('.page table.utrecht-table').nth(4).textContent()).includes('15 jun 2024'), 'life event shown');
  w.noErrors(page, 'agency forms');
  await page.context().close();
}

// A BSN the municipality and the agency both sent is one person: one row
// for the caseworker, and for the agency its own record only (it must not
// learn that the municipality knows the person).
async function test_bsn_search_one_row_per_person() {
  const municipal = new Map(demoPersons().filter((p) => p.bsn).map((p) => [p.bsn, p]));
  const own = w.readCsv(path.join(env.folder, 'demo', w.AGENCY, 'persons.csv'))
    .find((p) => p.bsn && municipal.has(p.bsn));
  check(own, 'a BSN both the municipality and the agency sent');
  const page = await w.newPage(env);
  await w.login(env, page, 'agency');
  const mine = (await w.apiGet(page, `/api/v1/persons?bsn=${own.bsn}`)).body;
  check(mine.total === 1 && mine.items.length === 1 && mine.items[0].sender === w.AGENCY
    && mine.items[0].person_ref === own.person_ref, `the agency by BSN: ${JSON.stringify(mine)}`);
  await page.context().close();
  const cw = await caseworker();
  const all = (await w.apiGet(cw, `/api/v1/persons?bsn=${own.bsn}`)).body;
  check(all.total === 1 && all.items.length === 1 && all.items[0].id === mine.items[0].id,
    `the caseworker by BSN: ${JSON.stringify(all)}`);
  const person = (await w.apiGet(cw, `/api/v1/persons/${all.items[0].id}`)).body.person;
  check(person.records.some((r) => r.sender === w.MUNICIPALITY) && person.records.some((r) => r.sender === w.AGENCY),
    `the person's records: ${JSON.stringify(person.records)}`);
  await cw.context().close();
}

const rc = await w.main([test_search_by_name_matches_api, test_search_by_ref_and_bsn,
  test_person_page_timeline_and_audit, test_agency_forms_validate_and_store,
  test_bsn_search_one_row_per_person]);
await env.close();
process.exit(rc);
