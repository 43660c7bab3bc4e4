// test_caseworker.mjs — a caseworker's forms and deliveries in a real
// browser: registering a person with invalid input first (messages next
// to the fields from the browser's checks and from the server's report,
// nothing stored), then valid; adding a registration and correcting it
// with "Wijzigen"; an agency's record shown read-only with its sender and
// no edit action; uploading a file with bad rows and reading the report;
// the work list of persons here over 120 days without BRP; axe finds
// nothing on the new forms in Dutch and English.
// Usage: node test_caseworker.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2], { persons: 600 });
const ORG = w.USERS.caseworker[1];
const byLabel = (scope, label) => scope.getByLabel(new RegExp(`^${label}( \\(|$)`));
const errorAt = (scope, name) => scope.locator(`[data-field="${name}"] .utrecht-form-field-error-message`);
const shared = { personId: null };

async function caseworker(lang) {
  const page = await w.newPage(env, { lang });
  await w.login(env, page, 'caseworker', { lang });
  page.imports = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/api/v1/imports')) page.imports += 1; });
  return page;
}

async function test_register_person_invalid_then_valid() {
  const page = await caseworker();
  await page.goto(`${env.url}/#/persons`);
  await w.waitIdle(page);
  await page.getByRole('link', { name: 'Nieuwe persoon registreren' }).click();
  await page.getByRole('heading', { name: 'Nieuwe persoon registreren' }).waitFor();
  await w.axe(page, 'register form');
  const submit = page.getByRole('button', { name: 'Registreren' });

  // The browser's own checks: required fields, BSN 11-check, codes.
  await submit.click();
  for (const f of ['person_ref', 'birth_date', 'nationality']) {
    check(await errorAt(page, f).textContent() === 'Vul dit veld in.', `${f} required`);
  }
  await byLabel(page, 'Referentie').fill('CW-WEB-1');
  await byLabel(page, 'BSN').fill('123456788');
  await byLabel(page, 'Geboortedatum').fill('1750-02-28');
  await byLabel(page, 'Nationaliteit').fill('pl');
  await byLabel(page, 'Taal').fill('POL');
  await submit.click();
  check((await errorAt(page, 'bsn').textContent()).includes('elfproef'), 'BSN 11-check next to the field');
  check((await errorAt(page, 'nationality').textContent()).includes('landcode'), 'nationality code');
  check((await errorAt(page, 'language').textContent()).includes('taalcode'), 'language code');
  check(await byLabel(page, 'BSN').getAttribute('aria-invalid') === 'true', 'BSN marked invalid');
  const described = await byLabel(page, 'BSN').getAttribute('aria-describedby');
  check(described.split(' ').includes(await errorAt(page, 'bsn').getAttribute('id')), 'error tied to the field');
  const links = await page.locator('.app-summary a').allTextContents();
  check(links.length === 3 && links[0].startsWith('BSN:'), `summary links to each field: ${links}`);
  check(page.imports === 0, 'nothing sent while the browser finds errors');
  await w.axe(page, 'register form with errors');

  // The server's check: a date of birth before 1800 is refused; its
  // message sits at the date field, and nothing is stored.
  await byLabel(page, 'BSN').fill('111222333');
  await byLabel(page, 'Nationaliteit').fill('PL');
  await byLabel(page, 'Taal').fill('pl');
  await byLabel(page, 'Achternaam').fill('Wiśniewska');
  await submit.click();
  await errorAt(page, 'birth_date').filter({ hasText: 'ligt buiten 1800-2199' }).waitFor();
  check(page.imports === 1, 'one delivery sent');
  check(await errorAt(page, 'bsn').isHidden(), 'fixed field no longer in error');
  check((await w.apiGet(page, '/api/v1/persons?ref=CW-WEB-1')).body.total === 0, 'nothing stored');
  await w.axe(page, 'register form with the server\'s error');

  // A reference the organisation already uses is refused at the field.
  const taken = await page.evaluate(async () => {
    const me = await (await fetch('/api/v1/sessions/current')).json();
    const r = await fetch('/api/v1/imports?kind=persons', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify([{ person_ref: 'CW-WEB-0', birth_date: '1980-01-01', nationality: 'RO' }]),
    });
    return r.status;
  });
  check(taken === 200, `fixture person: ${taken}`);
  await byLabel(page, 'Referentie').fill('CW-WEB-0');
  await byLabel(page, 'Geboortedatum').fill('1990-02-28');
  await submit.click();
  await errorAt(page, 'person_ref').filter({ hasText: 'gebruikt deze referentie al' }).waitFor();
  check(page.imports === 2, 'nothing sent for a reference in use');

  await byLabel(page, 'Referentie').fill('CW-WEB-1');
  await submit.click();
  await page.getByRole('heading', { name: 'Wiśniewska' }).waitFor();
  await w.waitIdle(page);
  shared.personId = Number(page.url().split('#/persons/')[1]);
  const p = (await w.apiGet(page, `/api/v1/persons/${shared.personId}`)).body.person;
  check(p.person_ref === 'CW-WEB-1' && p.sender === ORG && p.bsn_masked === '*****2333', `stored: ${JSON.stringify(p)}`);
  check((await page.locator('.app-details').textContent()).includes(ORG), 'delivered by the own organisation');
  w.noErrors(page, 'register');
  await page.context().close();
}

async function test_add_and_correct_registration() {
  check(shared.personId, 'the person of the first test');
  const page = await caseworker();
  await page.goto(`${env.url}/#/persons/${shared.personId}`);
  await page.getByRole('heading', { name: 'Gegevens aanvullen of corrigeren' }).waitFor();
  await w.waitIdle(page);
  const add = page.locator('details', { hasText: 'Inschrijving (BRP/RNI) toevoegen' });
  await add.locator('summary').click();
  await byLabel(add, 'Soort').selectOption('brp');
  await byLabel(add, 'Gemeente').fill('GM51');
  await byLabel(add, 'Begin').fill('2024-03-01');
  await add.getByRole('button', { name: 'Toevoegen' }).click();
  check((await errorAt(add, 'municipality').textContent()).includes('GM0518'), 'municipality code checked in the browser');
  // BRP without a municipality: the server's reason at the field.
  await byLabel(add, 'Gemeente').fill('');
  await add.getByRole('button', { name: 'Toevoegen' }).click();
  await errorAt(add, 'municipality').filter({ hasText: 'verplicht bij kind brp' }).waitFor();
  await byLabel(add, 'Gemeente').fill('GM0518');
  await add.getByRole('button', { name: 'Toevoegen' }).click();
  await add.getByText('Opgeslagen: 1 nieuw').waitFor();

  await page.reload();
  await page.getByRole('heading', { name: 'Inschrijvingen' }).waitFor();
  await w.waitIdle(page);
  const edit = page.getByRole('button', { name: /^Wijzigen BRP/ });
  check(await edit.count() === 1, 'one edit action, on the own registration');
  await edit.click();
  const panel = page.locator('.app-edit:not([hidden])');
  await panel.getByRole('heading', { name: /^Wijzigen: BRP/ }).waitFor();
  check(await byLabel(panel, 'Gemeente').inputValue() === 'GM0518', 'prefilled');
  check(await byLabel(panel, 'Begin').count() === 0, 'the key is not offered for change');
  await w.axe(page, 'edit form');
  await byLabel(panel, 'Einde').fill('2024-02-01');
  await panel.getByRole('button', { name: 'Opslaan' }).click();
  await errorAt(panel, 'end_date').filter({ hasText: 'ligt vóór' }).waitFor();
  await byLabel(panel, 'Einde').fill('2024-09-30');
  await panel.getByRole('button', { name: 'Opslaan' }).click();
  await panel.getByText('Opgeslagen: 0 nieuw, 1 gewijzigd').waitFor();
  const regs = (await w.apiGet(page, `/api/v1/persons/${shared.personId}`)).body.timeline.registrations;
  check(regs.length === 1 && regs[0].end_date === '2024-09-30' && regs[0].municipality === 'GM0518', `corrected: ${JSON.stringify(regs)}`);
  const audit = (await w.apiGet(page, `/api/v1/persons/${shared.personId}/audit?pageSize=100`)).body.items;
  check(audit.some((e) => e.action === 'update' && e.entity === 'registration' && e.actor === 'user:caseworker'), `the correction is audited: ${JSON.stringify(audit.map((e) => [e.action, e.entity, e.actor]))}`);

  // Correcting the personal details asks for the stored BSN again: the
  // form used to send none, which erased it.
  const person = page.locator('details', { hasText: 'Persoonsgegevens corrigeren' });
  await person.locator('summary').click();
  check((await person.locator('[data-field="bsn"]').textContent()).includes('*****2333'), 'the stored BSN is named');
  await byLabel(person, 'Voornamen').fill('Anna');
  await person.getByRole('button', { name: 'Opslaan' }).click();
  check(await errorAt(person, 'bsn').textContent() === 'Vul dit veld in.', 'BSN required for a correction');
  await byLabel(person, 'BSN').fill('111222333');
  await person.getByRole('button', { name: 'Opslaan' }).click();
  await person.getByText('Opgeslagen: 0 nieuw, 1 gewijzigd').waitFor();
  const corrected = (await w.apiGet(page, `/api/v1/persons/${shared.personId}`)).body.person;
  check(corrected.given_names === 'Anna' && corrected.bsn_masked === '*****2333', `BSN kept: ${JSON.stringify(corrected)}`);
  w.noErrors(page, 'add and correct');
  await page.context().close();
}

async function test_agency_record_has_no_edit_action() {
  const page = await caseworker();
  // A person of whom the own organisation (the municipality) holds no
  // record: in the chain most persons have one, which it may correct.
  // (the municipality was imported first: the persons it does not know
  // have the highest ids)
  const list = await w.apiGet(page, '/api/v1/persons?pageSize=100&sort=-id');
  let other = null;
  for (const p of list.body.items.filter((i) => i.sender !== ORG)) {
    const records = (await w.apiGet(page, `/api/v1/persons/${p.id}`)).body.person.records;
    if (records.every((r) => r.sender !== ORG)) { other = p; break; }
  }
  check(other, 'a person of whom the own organisation holds no record');
  await page.goto(`${env.url}/#/persons/${other.id}`);
  await page.getByRole('heading', { name: 'Tijdlijn' }).waitFor();
  await w.waitIdle(page);
  check(await page.getByRole('button', { name: /^Wijzigen/ }).count() === 0, 'no edit action on the agency\'s records');
  check(await page.locator('details.app-disclosure').count() === 0, 'no add forms for the agency\'s person');
  check(await page.getByText(`Deze persoon is geleverd door ${other.sender}.`).isVisible(), 'corrections go through the sender');
  const stays = page.locator('.page table.utrecht-table:not(.app-records)').first();
  if (await stays.locator('tbody tr td').count() > 1) {
    check((await stays.textContent()).includes(other.sender) && (await stays.textContent()).includes('alleen inzien'), 'delivered by, read-only');
  }
  await w.axe(page, 'an agency\'s person for a caseworker');
  w.noErrors(page, 'agency record');
  await page.context().close();
}

async function test_upload_with_bad_rows() {
  const page = await caseworker();
  await page.goto(`${env.url}/#/imports`);
  await w.waitIdle(page);
  check(await page.getByText(`U levert aan als uw organisatie, ${ORG}.`).isVisible(), 'delivers as its organisation');
  const bad = 'person_ref,birth_date,nationality\nCW-F1,1990-13-01,PL\nCW-F2,1991-01-01,PL\nCW-F3,1992-01-01,Polen\n';
  await byLabel(page, 'Bestand').setInputFiles({ name: 'persons.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.getByRole('button', { name: 'Aanleveren' }).click();
  await page.getByRole('heading', { name: 'Rapport' }).waitFor();
  const rows = page.locator('table.app-rejections tbody tr');
  check(await rows.count() === 2, `two rejected rows: ${await rows.count()}`);
  const first = await rows.nth(0).locator('td').allTextContents();
  check(first[1] === '2' && first[2] === '2' && first[3] === 'birth_date', `line, column, field: ${first}`);
  check(await page.getByRole('button', { name: 'Download rapport (CSV)' }).isVisible(), 'report downloadable');
  check((await w.apiGet(page, '/api/v1/persons?ref=CW-F2')).body.total === 0, 'nothing stored');
  await w.axe(page, 'caseworker import report');
  await page.reload();
  await w.waitIdle(page);
  const history = await page.locator('table.utrecht-table').last().textContent();
  check(history.includes('afgewezen, niets opgeslagen') && history.includes('registrations.json'), `history of the organisation: ${history}`);
  w.noErrors(page, 'caseworker upload');
  await page.context().close();
}

async function test_worklist_unregistered() {
  const page = await caseworker();
  await page.goto(`${env.url}/#/persons`);
  await w.waitIdle(page);
  await page.getByRole('link', { name: /^Werklijst: langer dan 120 dagen/ }).click();
  await page.getByRole('heading', { name: /^Werklijst/ }).waitFor();
  await w.waitIdle(page);
  const today = new Date().toISOString().slice(0, 10);
  const api = await w.apiGet(page, `/api/v1/persons?unregistered_on=${today}&pageSize=1`);
  check(api.status === 200, `API work list: ${api.status}`);
  const status = await page.locator('.app-results [role=status]').textContent();
  check(status.startsWith(`${api.body.total} personen zijn vandaag langer dan 120 dagen`), `count: ${status} vs ${api.body.total}`);
  check(await page.locator('.app-results tbody th a').count() === Math.min(25, api.body.total), 'one row per person on the page');
  await w.axe(page, 'work list');
  await page.getByRole('link', { name: 'Alle personen tonen' }).click();
  await page.getByRole('link', { name: /^Werklijst/ }).waitFor();
  w.noErrors(page, 'work list');
  await page.context().close();
}

async function test_forms_in_english() {
  const page = await caseworker('en');
  await page.goto(`${env.url}/#/persons/new`);
  await page.getByRole('heading', { name: 'Register a new person' }).waitFor();
  await page.getByRole('button', { name: 'Register' }).click();
  check(await errorAt(page, 'person_ref').textContent() === 'Fill in this field.', 'English message');
  await byLabel(page, 'BSN').fill('123456788');
  await page.getByRole('button', { name: 'Register' }).click();
  await w.axe(page, 'register form with errors (en)');
  await page.goto(`${env.url}/#/persons/${shared.personId}`);
  await page.getByRole('heading', { name: 'Add or correct records' }).waitFor();
  await w.waitIdle(page);
  await page.getByRole('button', { name: /^Edit BRP/ }).click();
  await page.locator('.app-edit:not([hidden]) form').waitFor();
  for (const d of await page.locator('details.app-disclosure').all()) await d.locator('summary').click();
  await w.axe(page, 'person forms open (en)');
  w.noErrors(page, 'English forms');
  await page.context().close();
}

const rc = await w.main([test_register_person_invalid_then_valid, test_add_and_correct_registration,
  test_agency_record_has_no_edit_action, test_upload_with_bad_rows, test_worklist_unregistered,
  test_forms_in_english]);
await env.close();
process.exit(rc);
