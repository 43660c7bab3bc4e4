// test_texts_and_layout.mjs — what the pages say to each role, in Dutch
// and English, and how they fit a phone: each role reads whom it sees in
// its own terms (an agency is never told about "your municipalities"); a
// failed login is not "check the following fields"; a rejected delivery
// says nothing was stored and a one-row delivery is "1 rij"; a delivery on
// the command line is named as such, with its file and its counts each
// once; "After 1 year" in English; an expired housing certificate is
// marked expired; and at a phone's width no table is wider than the
// screen (each row becomes a block of labelled lines), while at a
// desktop's width the tables stay tables.
// Usage: node test_texts_and_layout.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);

async function login(role, { lang = 'nl', width = 1280 } = {}) {
  const page = await w.newPage(env, { lang, width, height: width < 500 ? 740 : 900 });
  await w.login(env, page, role, { lang: lang === 'en' ? 'en' : undefined });
  return page;
}

async function go(page, hash) {
  await page.goto(`${env.url}/${hash}`);
  await w.waitIdle(page);
}

async function intro(page) {
  return (await page.locator('#main h1 + p').textContent()).trim();
}

async function test_each_role_is_told_its_own_scope() {
  const cases = {
    nl: [
      ['agency', '#/persons', (s) => s.includes(w.AGENCY) && !/gemeente/i.test(s)],
      ['caseworker', '#/persons', (s) => s.includes('uw gemeenten (GM0599, GM0772, GM0518)')],
      ['admin', '#/persons', (s) => s.includes('U ziet alle personen.') && !/uw gemeente/.test(s)],
      ['inspector', '#/locations', (s) => s.startsWith('De locaties in uw gemeenten (GM0599, GM0772, GM0518)')],
      ['admin', '#/locations', (s) => s.startsWith('Alle locaties met')],
    ],
    en: [
      ['agency', '#/persons', (s) => s.includes(w.AGENCY) && !/municipalit/i.test(s)],
      ['caseworker', '#/persons', (s) => s.includes('your municipalities (GM0599, GM0772, GM0518)')],
      ['admin', '#/persons', (s) => s.includes('You see all persons.')],
      ['inspector', '#/locations', (s) => s.startsWith('The locations in your municipalities')],
      ['admin', '#/locations', (s) => s.startsWith('Every location with')],
    ],
  };
  for (const [lang, list] of Object.entries(cases)) {
    for (const [role, hash, ok] of list) {
      const page = await login(role, { lang });
      await go(page, hash);
      const text = await intro(page);
      check(ok(text), `${role} ${hash} (${lang}): "${text}"`);
      w.noErrors(page, `${role} ${hash}`);
      await page.context().close();
    }
  }
}

async function test_failed_login_is_not_a_field_list() {
  for (const [lang, wrong, list] of [['nl', 'De gebruikersnaam of het wachtwoord klopt niet', 'Controleer de volgende velden'],
    ['en', 'The user name or password is wrong', 'Please check these fields']]) {
    const page = await w.newPage(env, { lang });
    await page.goto(`${env.url}/?lang=${lang}#/`);
    await page.locator('input[name=username]').fill('analyst');
    await page.locator('input[name=password]').fill('not-the-password');
    await page.locator('#main form button[type=submit]').click();
    const summary = page.locator('.app-summary');
    await summary.getByText(wrong).waitFor();
    check(!(await summary.textContent()).includes(list), `${lang}: failed login titled "${await summary.textContent()}"`);
    // With empty fields the list of fields is right, and titled so.
    await page.locator('input[name=username]').fill('');
    await page.locator('input[name=password]').fill('');
    await page.locator('#main form button[type=submit]').click();
    check((await summary.textContent()).includes(list), `${lang}: the field list keeps its title`);
    await w.axe(page, `failed login (${lang})`);
    w.noErrors(page, `login (${lang})`);
    await page.context().close();
  }
}

async function deliver(page, name, text, mode) {
  await page.locator('input[name=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  await page.locator('select[name=mode]').selectOption(mode);
  await page.locator('#main form button[type=submit]').click();
  await page.locator('.app-report h2').waitFor();
  await page.waitForFunction(() => !document.querySelector('#main form button[type=submit]').disabled);
}

async function test_deliveries_say_what_was_stored() {
  const page = await login('agency');
  await go(page, '#/imports');
  const head = 'person_ref,birth_date,nationality,family_name\n';
  await deliver(page, 'persons.csv', `${head}TXT1,1990-02-30,PL,Nowak\nTXT2,1990-03-01,PL,Nowak\n`, 'all');
  check((await page.locator('.app-report').textContent()).includes('er is niets opgeslagen'), 'all or nothing: nothing stored, said so');
  await deliver(page, 'persons.csv', `${head}TXT3,1990-02-30,PL,Nowak\nTXT4,1990-03-01,PL,Nowak\n`, 'partial');
  check((await page.locator('.app-report').textContent()).includes('De goede regels zijn opgeslagen (1)'), 'partial: what was stored');
  await deliver(page, 'persons.csv', `${head}TXT5,1990-03-01,PL,Nowak\n`, 'all');
  await page.waitForFunction(() => document.querySelector('.app-history tbody tr').cells[3].textContent === 'persons.csv 1 rij', null, { timeout: 15000 });
  const rows = await page.locator('.app-history tbody tr').evaluateAll((trs) => trs.map((tr) => tr.cells[3].textContent));
  check(!rows.some((r) => /\b1 rijen$/.test(r)), `no "1 rijen": ${rows.slice(0, 3)}`);
  w.noErrors(page, 'deliveries');
  await page.context().close();

  // The administrator sees the chain's deliveries on the command line.
  for (const lang of ['nl', 'en']) {
    const admin = await login('admin', { lang });
    await go(admin, '#/imports');
    const cli = await admin.locator('.app-history tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    const byCli = cli.filter((c) => c[1].startsWith(lang === 'nl' ? 'opdrachtregel' : 'command line'));
    check(byCli.length > 10, `${lang}: command-line deliveries named so: ${cli.slice(0, 2)}`);
    for (const c of byCli) {
      check(!c[1].includes('cli:') && !c[1].includes('onbekend'), `actor in words: ${c[1]}`);
      check(/\.csv \(afzender [\w-]+\)$/.test(c[3]) && /^\d+ gelezen, \d+ nieuw/.test(c[5]), `file and counts each once: ${c}`);
    }
    w.noErrors(admin, `admin deliveries (${lang})`);
    await admin.context().close();
  }
}

async function test_after_one_year_in_english() {
  const page = await login('analyst', { lang: 'en' });
  await go(page, '#/monitor');
  const heads = await page.locator('#main table thead th').allTextContents();
  check(heads.includes('After 1 year') && heads.includes('After 3 years'), `survival table heads: ${heads.filter((x) => x.startsWith('After'))}`);
  check(!heads.includes('After 1 years'), 'no "After 1 years"');
  w.noErrors(page, 'dashboard (en)');
  await page.context().close();
}

async function test_expired_certificates_are_marked() {
  for (const lang of ['nl', 'en']) {
    const page = await login('inspector', { lang });
    await go(page, '#/locations');
    const today = (await w.apiGet(page, '/api/v1/occupancy')).body.date;
    const all = [];
    for (let n = 1; ; n += 1) {
      const r = await w.apiGet(page, `/api/v1/locations?pageSize=100&page=${n}`);
      all.push(...r.body.items);
      if (all.length >= r.body.total) break;
    }
    const byId = new Map(all.map((l) => [String(l.id), l]));
    const expired = (l) => Boolean(l.certified_until) && l.certified_until < today;
    check(all.some(expired) && all.some((l) => l.certified_until && !expired(l)), 'the demo has expired and valid certificates');
    const word = lang === 'nl' ? 'verlopen' : 'expired';
    const rows = await page.locator('table.app-locations tbody tr').evaluateAll((trs) => trs.map((tr) => ({
      id: tr.querySelector('a').getAttribute('href').split('/').pop(), cert: tr.cells[tr.cells.length - 1].textContent })));
    let marked = 0;
    for (const r of rows) {
      const l = byId.get(r.id);
      check(r.cert.includes(word) === expired(l), `location ${l.location_ref} certified until ${l.certified_until}: "${r.cert}"`);
      marked += expired(l);
    }
    // A location page says it too.
    const one = all.find(expired);
    await go(page, `#/locations/${one.id}`);
    const dd = await page.locator('.app-details dd').last().textContent();
    check(dd.includes(word), `location ${one.location_ref}: "${dd}"`);
    console.log(`     ${lang}: ${marked} of ${rows.length} locations on page 1 marked ${word}`);
    w.noErrors(page, `certificates (${lang})`);
    await page.context().close();
  }
}

// Every table region of the page: wider than its box (a sideways scroll)?
async function wideTables(page) {
  return page.evaluate(() => [...document.querySelectorAll('#main .table-scroll')]
    .filter((e) => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map((e) => `${e.getAttribute('aria-label')}: ${e.scrollWidth}px in ${e.clientWidth}px`));
}

async function test_tables_fit_a_phone() {
  const pages = {
    admin: ['#/monitor', '#/persons', '#/locations', '#/imports', '#/duplicates', 'PERSON', 'LOCATION'],
    caseworker: ['#/persons?family_name=a', 'PERSON'],
    agency: ['#/persons', '#/imports', 'PERSON'],
    inspector: ['#/locations', 'LOCATION'],
  };
  for (const lang of ['nl', 'en']) {
    for (const [role, hashes] of Object.entries(pages)) {
      const page = await login(role, { lang, width: 375 });
      for (let hash of hashes) {
        if (hash === 'PERSON') hash = `#/persons/${(await w.apiGet(page, '/api/v1/persons?pageSize=5')).body.items[2].id}`;
        if (hash === 'LOCATION') hash = `#/locations/${(await w.apiGet(page, '/api/v1/locations?pageSize=5')).body.items[0].id}`;
        await go(page, hash);
        const wide = await wideTables(page);
        check(wide.length === 0, `${role} ${hash} (${lang}) at 375px: ${wide.join('; ')}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        check(overflow <= 0, `${role} ${hash}: page ${overflow}px wider than the screen`);
        // Each cell carries its column's label, shown before the value.
        const unlabelled = await page.locator('#main table.app-stack tbody td:not([colspan]):not([data-label])').count();
        check(unlabelled === 0, `${role} ${hash}: ${unlabelled} cells without a label`);
        if (hash.startsWith('#/persons/')) await w.axe(page, `${hash} at 375px (${lang})`);
      }
      w.noErrors(page, `${role} phone (${lang})`);
      await page.context().close();
    }
  }
  // At a desktop's width the tables are tables: a header row on screen.
  const page = await login('caseworker');
  await go(page, '#/persons?family_name=a');
  const head = page.locator('#main table.app-stack thead').first();
  check(await head.isVisible() && (await head.boundingBox()).height > 10, 'desktop: the header row is shown');
  const display = await page.locator('#main table.app-stack tbody tr').first().evaluate((tr) => getComputedStyle(tr).display);
  check(display === 'table-row', `desktop: rows are table rows (${display})`);
  await page.context().close();
}

const rc = await w.main([test_each_role_is_told_its_own_scope, test_failed_login_is_not_a_field_list,
  test_deliveries_say_what_was_stored, test_after_one_year_in_english, test_expired_certificates_are_marked,
  test_tables_fit_a_phone]);
await env.close();
process.exit(rc);
