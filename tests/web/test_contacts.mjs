// test_contacts.mjs — contact moments on the person page in a real
// browser: the table lists the person's contacts as the API has them (the
// demo chain's municipality sends them) and the timeline marks each; the
// caseworker records one with "Contactmoment vastleggen" (kind, today's
// date and the desk filled in, the person's language too, topics ticked)
// and reads it back in the table without reloading, as the API stored it;
// a bad language code is refused next to the field before anything is
// sent, a date the server refuses gets its message at the date field and
// nothing is stored; axe finds nothing, in Dutch and in English.
// Usage: node test_contacts.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2], { persons: 600 });
const byLabel = (scope, label) => scope.getByLabel(new RegExp(`^${label}( \\(|$)`));
const errorAt = (scope, name) => scope.locator(`[data-field="${name}"] .utrecht-form-field-error-message`);

async function caseworker(lang) {
  const page = await w.newPage(env, { lang });
  await w.login(env, page, 'caseworker', { lang });
  page.imports = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/imports?kind=contacts')) page.imports += 1; });
  return page;
}

// A person in the caseworker's scope whose record the municipality (the
// caseworker's organisation) sent, with contacts already.
async function personWithContacts(page) {
  const list = await w.apiGet(page, '/api/v1/persons?pageSize=100&sort=id');
  for (const p of list.body.items.filter((i) => i.sender === w.MUNICIPALITY)) {
    const one = (await w.apiGet(page, `/api/v1/persons/${p.id}`)).body;
    if (one.timeline.contacts.length >= 2 && one.person.language) return one;
  }
  return null;
}

const contactsTable = (page) => page.locator('.page table.utrecht-table:not(.app-records)').nth(5);

function localToday() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}

async function test_table_and_timeline() {
  const page = await caseworker();
  const one = await personWithContacts(page);
  check(one, 'a person of the municipality with contacts');
  await page.goto(`${env.url}/#/persons/${one.person.id}`);
  await page.getByRole('heading', { name: 'Contactmomenten' }).waitFor();
  await w.waitIdle(page);
  const rows = contactsTable(page).locator('tbody tr');
  check(await rows.count() === one.timeline.contacts.length, `one row per contact: ${await rows.count()}`);
  const first = one.timeline.contacts[0];
  const cells = await rows.first().locator('td').allTextContents();
  check(cells[1] === { information: 'informatie (rechten en plichten)', language_course_offer: 'aanbod taalcursus',
    career_offer: 'aanbod loopbaanadvies', other: 'ander contact' }[first.kind], `kind in words: ${cells}`);
  check(cells[6] === w.MUNICIPALITY, `delivered by: ${cells}`);
  // One mark per contact on the axis; those outside it counted at the edge.
  const edge = (await page.locator('.tl-chart .tl-edge-events:has(.tl-contact) text').allTextContents()).reduce((n, s) => n + Number(s.match(/\d+/)[0]), 0);
  check(await page.locator('.tl-chart circle.tl-contact:not(.tl-contact--edge)').count() + edge === one.timeline.contacts.length, 'one mark per contact');
  // Nothing the page left empty shows as the word "null".
  check(!/\bnull\b/.test(await page.locator('#main').innerText()), 'no "null" on the page');
  w.noErrors(page, 'contacts table');
  await page.context().close();
}

async function test_record_a_contact() {
  const page = await caseworker();
  const one = await personWithContacts(page);
  await page.goto(`${env.url}/#/persons/${one.person.id}`);
  const section = page.locator('section.app-contact-form');
  await section.getByRole('heading', { name: 'Contactmoment vastleggen' }).waitFor();
  await w.waitIdle(page);
  await w.axe(page, 'person page with the contact form');

  // Filled in for speed: information, today, desk, the person's language.
  check(await byLabel(section, 'Soort contact').inputValue() === 'information', 'kind information');
  check(await byLabel(section, 'Datum').inputValue() === localToday(), `today: ${await byLabel(section, 'Datum').inputValue()}`);
  check(await byLabel(section, 'Kanaal').inputValue() === 'desk', 'the desk');
  check(await byLabel(section, 'Taal van het gesprek').inputValue() === one.person.language, 'the person\'s language');
  check(await section.getByRole('checkbox').count() === 12, 'the twelve topics');

  // The browser's check: a language code of three letters is not sent.
  const before = one.timeline.contacts.length;
  await byLabel(section, 'Taal van het gesprek').fill('POL');
  await section.getByRole('button', { name: 'Vastleggen' }).click();
  check((await errorAt(section, 'language').textContent()).includes('taalcode'), 'language refused at the field');
  check(page.imports === 0, 'nothing sent while the browser finds an error');

  // The server's check: a date before 1800; its message at the date field.
  await byLabel(section, 'Taal van het gesprek').fill('pl');
  await byLabel(section, 'Datum').fill('1750-03-01');
  await section.getByRole('button', { name: 'Vastleggen' }).click();
  await errorAt(section, 'date').filter({ hasText: 'ligt buiten 1800-2199' }).waitFor();
  check(page.imports === 1, 'one delivery sent');
  check((await w.apiGet(page, `/api/v1/contacts?person=${one.person.id}&pageSize=100`)).body.total === before, 'nothing stored');
  await w.axe(page, 'contact form with the server\'s error');

  // A valid contact: stored, and in the table at once.
  await byLabel(section, 'Datum').fill('2025-11-03');
  await byLabel(section, 'Soort contact').selectOption('language_course_offer');
  await byLabel(section, 'Kanaal').selectOption('phone');
  await section.getByLabel('Nederlandse taal').check();
  await section.getByLabel('Arbeidscontract').check();
  await byLabel(section, 'Begrepen').selectOption('partly');
  await section.getByRole('button', { name: 'Vastleggen' }).click();
  await section.getByText('Opgeslagen: 1 nieuw').waitFor();
  const stored = (await w.apiGet(page, `/api/v1/contacts?person=${one.person.id}&pageSize=100`)).body.items
    .filter((c) => c.date === '2025-11-03' && c.kind === 'language_course_offer');
  check(stored.length === 1 && stored[0].channel === 'phone' && stored[0].topics === 'work_contract dutch_language'
    && stored[0].language === 'pl' && stored[0].understood === 'partly' && stored[0].sender === w.MUNICIPALITY,
  `stored as delivered: ${JSON.stringify(stored)}`);
  const rows = contactsTable(page).locator('tbody tr');
  await page.waitForFunction((n) => document.querySelectorAll('.page table.utrecht-table:not(.app-records)')[5]
    .querySelectorAll('tbody tr').length === n, before + 1);
  const shown = await rows.filter({ hasText: '3 nov 2025' }).filter({ hasText: 'aanbod taalcursus' }).locator('td').allTextContents();
  check(shown[2] === 'telefoon' && shown[3] === 'arbeidscontract, Nederlandse taal' && shown[4] === 'pl' && shown[5] === 'deels',
    `the new row: ${shown}`);
  await w.axe(page, 'contact recorded');
  w.noErrors(page, 'record a contact');
  await page.context().close();
}

async function test_english() {
  const page = await caseworker('en');
  const one = await personWithContacts(page);
  await page.goto(`${env.url}/?lang=en#/persons/${one.person.id}`);
  const section = page.locator('section.app-contact-form');
  await section.getByRole('heading', { name: 'Record a contact moment' }).waitFor();
  await w.waitIdle(page);
  check(await section.getByLabel('Dutch language').count() === 1, 'topics in English');
  check(await page.getByRole('heading', { name: 'Contact moments' }).isVisible(), 'the table\'s heading');
  await w.axe(page, 'contact form in English');
  w.noErrors(page, 'English');
  await page.context().close();
}

const rc = await w.main([test_table_and_timeline, test_record_a_contact, test_english]);
await env.close();
process.exit(rc);
