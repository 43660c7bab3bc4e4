// test_no_null.mjs — no page shows a value the code never filled in: every
// page of every role, in Dutch and in English, is visited (the menu's
// pages, search results and the work list, several person pages, a new
// person's form, location pages, the deliveries after a rejected and a
// stored upload, the duplicates, the monitor with groups, a page that does
// not exist, the login page and a failed login) and must not contain the
// words null, undefined or NaN in any text, attribute or form value
// (weblib.noMissingValues), nor log an error.
// Usage: node test_no_null.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);

const LANGS = ['nl', 'en'];
// The pages each role sees; PERSONS and LOCATIONS stand for pages of a few
// persons and locations the role can see, UPLOAD for the deliveries page
// after two uploads.
const ROLE_PAGES = {
  admin: ['#/monitor', '#/monitor?by=nationality', '#/persons', '#/persons?family_name=a', '#/persons?unregistered=1',
    'PERSONS', '#/locations', '#/locations?page=2', 'LOCATIONS', '#/imports', 'UPLOAD', '#/duplicates', '#/nowhere', '#/persons/999999999'],
  analyst: ['#/monitor', '#/monitor?by=eu', '#/monitor?by=category', '#/persons'],
  caseworker: ['#/persons', '#/persons?family_name=b', '#/persons?unregistered=1', '#/persons/new', 'PERSONS',
    '#/locations', 'LOCATIONS', '#/imports', 'UPLOAD', '#/duplicates'],
  inspector: ['#/locations', 'LOCATIONS', '#/monitor'],
  agency: ['#/persons', '#/persons?family_name=c', '#/persons/new', 'PERSONS', '#/imports', 'UPLOAD'],
};

// A few persons of the role's own list, and for the admin also persons
// with the records that leave fields empty: a registration without a
// municipality (RNI), a job without an agency (and without a wage or
// hours, where the demo has one), a bed without a provider and one with,
// life events.
async function personsOf(page, role) {
  const ids = new Set();
  const list = await w.apiGet(page, '/api/v1/persons?pageSize=50');
  check(list.status === 200 && list.body.items.length > 3, `${role}: persons list ${list.status}`);
  for (const i of [0, 1, list.body.items.length - 1]) ids.add(list.body.items[i].id);
  if (role === 'admin') {
    const pick = async (path, test, required = true) => {
      for (let n = 1; n <= 500; n += 1) {
        const r = await w.apiGet(page, `${path}?pageSize=100&page=${n}`);
        check(r.status === 200, `${path}: ${r.status}`);
        if (r.body.items.length === 0) break;
        const hit = r.body.items.find(test);
        if (hit) { ids.add(hit.person_id); return; }
      }
      check(!required, `no record for ${path}`);
    };
    await pick('/api/v1/registrations', (r) => r.municipality === null);
    await pick('/api/v1/employments', (r) => r.agency_ref === null);
    await pick('/api/v1/employments', (r) => r.monthly_wage === null, false);
    await pick('/api/v1/employments', (r) => r.hours_per_week === null, false);
    await pick('/api/v1/housings', (r) => r.provided_by_ref === null, false);
    await pick('/api/v1/housings', (r) => r.provided_by_ref !== null);
    await pick('/api/v1/life-events', () => true);
  }
  return [...ids].map((id) => `#/persons/${id}`);
}

async function locationsOf(page) {
  const list = await w.apiGet(page, '/api/v1/locations?pageSize=100');
  const items = list.body.items;
  check(items.length > 1, `locations: ${items.length}`);
  // One without a capacity or floor area, one without a certificate, and the first.
  const picks = [items[0], items.find((l) => l.capacity === null || l.floor_area_m2 === null),
    items.find((l) => l.certified_until === null), items.find((l) => l.provider_ref === null)];
  return [...new Set(picks.filter(Boolean).map((l) => `#/locations/${l.id}`))];
}

// Two uploads on the deliveries page: a file with bad rows (rejected, all
// or nothing) and a good one, so that the report, the rejections table
// and the history with a delivery just made are on the page.
async function uploadTwice(page, role, lang) {
  await page.goto(`${env.url}/#/imports`);
  await w.waitIdle(page);
  const ref = `NN-${role}-${lang}`;
  const files = [
    `person_ref,birth_date,nationality,family_name\n${ref}-1,1990-02-30,PL,Nowak\n${ref}-2,1991-03-03,P1,Kowalski\n`,
    `person_ref,birth_date,nationality,family_name\n${ref}-3,1990-02-28,PL,Nowak\n`,
  ];
  for (const text of files) {
    await page.locator('input[name=file]').setInputFiles({ name: 'persons.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    if (role === 'admin') await page.locator('input[name=sender]').fill(w.AGENCY);
    await page.locator('#main form button[type=submit]').click();
    await page.locator('.app-report h2').waitFor();
    await page.waitForFunction(() => !document.querySelector('#main form button[type=submit]').disabled);
    await w.waitIdle(page);
    await w.noMissingValues(page, `${role} (${lang}) import report`);
  }
}

async function visit(page, hash, where) {
  await page.goto(`${env.url}/${hash}`);
  await w.waitIdle(page);
  await w.noMissingValues(page, where);
}

async function test_login_pages() {
  for (const lang of LANGS) {
    const page = await w.newPage(env, { lang });
    await page.goto(`${env.url}/?lang=${lang}#/`);
    await page.locator('input[name=username]').waitFor();
    await w.noMissingValues(page, `login (${lang})`);
    await page.locator('input[name=username]').fill('analyst');
    await page.locator('input[name=password]').fill('wrong-password');
    await page.locator('#main form button[type=submit]').click();
    await page.locator('.app-summary:not([hidden])').waitFor();
    await w.noMissingValues(page, `failed login (${lang})`);
    w.noErrors(page, `login (${lang})`);
    await page.context().close();
  }
}

async function test_every_page_of_every_role() {
  let visited = 0;
  for (const lang of LANGS) {
    for (const [role, pages] of Object.entries(ROLE_PAGES)) {
      const page = await w.newPage(env, { lang });
      await w.login(env, page, role, { lang: lang === 'en' ? 'en' : undefined });
      for (const item of pages) {
        let hashes = [item];
        if (item === 'PERSONS') hashes = await personsOf(page, role);
        if (item === 'LOCATIONS') hashes = await locationsOf(page);
        if (item === 'UPLOAD') {
          await uploadTwice(page, role, lang);
          visited += 1;
          continue;
        }
        for (const hash of hashes) {
          await visit(page, hash, `${role} (${lang}) ${hash}`);
          visited += 1;
          // On a person page, also every edit form the role can open.
          if (hash.startsWith('#/persons/') && hash !== '#/persons/new') {
            for (const b of await page.locator('button.app-edit-button').all()) await b.click();
            for (const d of await page.locator('details.app-disclosure').all()) await d.evaluate((e) => { e.open = true; });
            await w.noMissingValues(page, `${role} (${lang}) ${hash} with its forms open`);
          }
        }
      }
      w.noErrors(page, `${role} (${lang})`);
      await page.context().close();
    }
  }
  check(visited > 60, `only ${visited} pages visited`);
  console.log(`     ${visited} pages checked`);
}

const rc = await w.main([test_login_pages, test_every_page_of_every_role]);
await env.close();
process.exit(rc);
