// test_signals.mjs — the signals inbox in a real browser, read from the
// rendered page. The caseworker: the start page says how many signals are
// theirs and lists the first that wait for an owner; the Signalen page
// shows only persons' signals, why each is there and what to do, with a
// link to the person and the due date ("te laat" in words); the filters
// (kind, state, overdue, municipality) agree with the API; a signal opened
// offers only the steps allowed (not "afhandelen" while open), is taken
// on, closed with an outcome, and the history says so; a step the signal
// no longer allows gets a clear message; a closed signal assigned in bulk
// is refused and its row marked; two signals go to a team at once. The
// inspector: only the location signals of its municipalities (a fixture
// location elsewhere is not shown), and takes one on. The analyst: counts
// per kind and state, the median, the chart of open signals, no person and
// no Signalen page. The agency: no Signalen page, the API refuses. The
// administrator changes a due period. A phone's width and English. axe
// finds no WCAG 2.1 AA violation on any of these pages.
// Usage: node test_signals.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const inbeeld = process.argv[2];
const env = await w.setUp(inbeeld);
const MUNIS = w.MUNIS.split(',');

// The server evaluates the rules once it has started; wait for it.
async function waitFor(what, fn, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const got = await fn();
    if (got) return got;
    check(Date.now() < deadline, `waited ${seconds} s for ${what}`);
    await new Promise((r) => { setTimeout(r, 250); });
  }
}
await waitFor('the first evaluation', () => /signalen: evaluatie \(start\)/.test(env.server.log()));

async function as(user, opts = {}) {
  const page = await w.newPage(env, opts);
  await w.login(env, page, user, { lang: opts.lang === 'en' ? 'en' : undefined });
  return page;
}

// A write with the page's session and its CSRF token.
async function apiSend(page, method, path, body, type = 'application/json') {
  return page.evaluate(async ([m, p, b, ty]) => {
    const me = await (await fetch('/api/v1/sessions/current')).json();
    const r = await fetch(p, {
      method: m, body: ty === 'application/json' ? JSON.stringify(b) : b,
      headers: { 'Content-Type': ty, Accept: 'application/json', 'X-CSRF-Token': me.csrf_token },
    });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body, type]);
}

async function goto(page, hash) {
  await page.goto(`${env.url}/${hash}`);
  await w.waitIdle(page);
}

const rowsOf = (page) => page.locator('table.app-signals tbody tr[data-signal]');
const statusText = (page) => page.locator('.app-results > p[role=status]').textContent();
const stepButtons = (page) => page.locator('.app-steps button').allTextContents();
const historyRows = async (page) => (await page.locator('table.app-history tbody tr').all())
  .reduce(async (acc, tr) => [...await acc, await tr.locator('th, td').allTextContents()], []);

// Two overcrowded locations of the agency: one in a municipality of the
// inspector (GM0518), one outside it (GM1783). One bed, two persons each.
async function deliverOvercrowded() {
  const page = await as('agency');
  const files = {
    persons: 'person_ref,family_name,given_names,birth_date,nationality\nSG-A,Signaal,Anna,1990-01-01,PL\nSG-B,Signaal,Bas,1991-02-02,PL\n'
      + 'SG-C,Signaal,Cor,1992-03-03,RO\nSG-D,Signaal,Dirk,1993-04-04,RO\n',
    locations: 'location_ref,postcode,house_number,municipality,kind,capacity\nSG-IN,3311AA,7,GM0518,shared_house,1\nSG-OUT,2671AB,9,GM1783,shared_house,1\n',
    housings: 'person_ref,location_ref,start_date\nSG-A,SG-IN,2024-01-05\nSG-B,SG-IN,2024-01-05\nSG-C,SG-OUT,2024-01-05\nSG-D,SG-OUT,2024-01-05\n',
  };
  for (const [kind, csv] of Object.entries(files)) {
    const r = await apiSend(page, 'POST', `/api/v1/imports?kind=${kind}`, csv, 'text/csv');
    check(r.status === 200, `deliver ${kind}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  await page.context().close();
}
await deliverOvercrowded();

// Every signal the user's API gives with the query (all pages).
async function allSignals(page, q = '') {
  const items = [];
  for (let p = 1; ; p += 1) {
    const r = await w.apiGet(page, `/api/v1/signals?pageSize=100&page=${p}${q}`);
    check(r.status === 200, `signals ${q}: ${r.status}`);
    items.push(...r.body.items);
    if (items.length >= r.body.total || !r.body.items.length) return items;
  }
}

async function test_caseworker_start_page_and_list() {
  const page = await as('caseworker');
  check(page.url().endsWith('#/persons'), `the caseworker starts on the persons page: ${page.url()}`);
  const summary = page.locator('section.app-signal-summary');
  await summary.getByText(/^Aan u of uw teams toegewezen: 0 open of in behandeling, waarvan 0 over de termijn\.$/).waitFor();
  const unowned = (await w.apiGet(page, '/api/v1/signals?owner=none&state=open,in_progress&pageSize=1')).body.total;
  check(unowned > 0, 'the demo gives the caseworker signals to work on');
  check((await summary.textContent()).includes(`${unowned.toLocaleString('nl-NL')} signalen in uw werkgebied hebben nog geen eigenaar.`), 'unowned count on the start page');
  check(await summary.locator('li a[href^="#/signals/"]').count() === Math.min(5, unowned), 'the first few without an owner');
  check(await summary.getByRole('link', { name: 'Mijn signalen bekijken' }).getAttribute('href') === '#/signals?owner=me', 'link to the own signals');
  await w.axe(page, 'caseworker start page');

  await page.locator('#menu').getByRole('link', { name: 'Signalen' }).click();
  await page.getByRole('heading', { name: 'Signalen', level: 1 }).waitFor();
  await w.waitIdle(page);
  const api = (await w.apiGet(page, '/api/v1/signals?state=open,in_progress&pageSize=25')).body;
  check(await statusText(page) === `${api.total.toLocaleString('nl-NL')} signalen gevonden.`, `count: ${await statusText(page)} vs ${api.total}`);
  const rows = rowsOf(page);
  check(await rows.count() === api.items.length, 'one row per signal of the page');
  for (let i = 0; i < Math.min(5, api.items.length); i += 1) {
    const s = api.items[i];
    const row = rows.nth(i);
    const text = await row.textContent();
    check(text.includes(s.why) && text.includes(`Te doen: ${s.todo}`), `row ${i} says why and what to do: ${text}`);
    check(await row.locator(`a[href="#/persons/${s.subject.id}"]`).count() === 1, `row ${i} links to its person`);
    check(s.overdue === text.includes('te laat'), `row ${i}: overdue said in words`);
    check(/\d{1,2} (jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec)\.? \d{4}/.test(text), `row ${i}: a Dutch date: ${text}`);
  }
  check(await page.locator('table.app-signals a[href^="#/locations/"]').count() === 0, 'no location signals for a caseworker');
  await w.axe(page, 'Signalen (caseworker)');

  // Filters: a kind, with overdue only.
  await page.getByLabel(/^Soort/).selectOption('not_registered');
  await page.getByLabel('Alleen signalen over de termijn').check();
  await page.getByRole('button', { name: 'Filteren' }).click();
  await page.waitForURL(/kind=not_registered/);
  await w.waitIdle(page);
  const kindApi = (await w.apiGet(page, '/api/v1/signals?kind=not_registered&overdue=true&state=open,in_progress&pageSize=1')).body.total;
  check(kindApi > 0 && await statusText(page) === `${kindApi.toLocaleString('nl-NL')} signalen gevonden.`, `kind filter: ${await statusText(page)} vs ${kindApi}`);
  const kinds = await rows.locator('.app-signal-link').allTextContents();
  check(kinds.length && kinds.every((k) => k === 'Niet ingeschreven'), `only not_registered: ${kinds}`);
  check((await rows.allTextContents()).every((t) => t.includes('te laat')), 'only overdue rows');
  // A municipality: a wrong code is said at the field, a right one filters.
  await page.getByLabel(/^Gemeente/).fill('Westland');
  await page.getByRole('button', { name: 'Filteren' }).click();
  await page.getByText('Vul een CBS-code in als GM0599.').waitFor();
  await page.getByLabel(/^Gemeente/).fill('gm0599');
  await page.getByRole('button', { name: 'Filteren' }).click();
  await page.waitForURL(/municipality=GM0599/);
  await w.waitIdle(page);
  const munis = await rows.locator('td:nth-child(4)').allTextContents();
  check(munis.every((m) => m === 'GM0599'), `only GM0599: ${munis}`);
  await page.getByRole('link', { name: 'Alle filters wissen' }).click();
  await page.waitForURL(/#\/signals$/);
  w.noErrors(page, 'caseworker list');
  await page.context().close();
}

async function test_caseworker_takes_on_and_closes() {
  const page = await as('caseworker');
  await goto(page, '#/signals?kind=not_registered');
  const first = rowsOf(page).first();
  const id = Number(await first.getAttribute('data-signal'));
  const why = await first.locator('.app-signal-why').textContent();
  await first.locator('.app-signal-link').click();
  await page.getByRole('heading', { name: `Signaal ${id}: Niet ingeschreven`, level: 1 }).waitFor();
  await w.waitIdle(page);
  check((await page.locator('.page > .app-signal > .app-signal-why').textContent()) === why.replace(/^Waarom: /, ''), 'the same explanation as in the list');
  check(await page.locator('.app-details a[href^="#/persons/"]').count() === 1, 'links to the person');
  // Open: taking on or unfounded; closing as done is not offered.
  check(JSON.stringify(await stepButtons(page)) === JSON.stringify(['In behandeling nemen', 'Niet terecht']), `steps when open: ${await stepButtons(page)}`);
  check(await page.getByRole('button', { name: 'Afhandelen' }).count() === 0, 'no "afhandelen" while open');
  await w.axe(page, 'signal (open)');

  await page.getByRole('button', { name: 'In behandeling nemen' }).click();
  await page.getByText('Gedaan: in behandeling nemen.').waitFor();
  const details = await page.locator('.app-details').textContent();
  check(details.includes('in behandeling') && details.includes('Eigenaarcaseworker'), `state and owner: ${details}`);
  // No team yet, so nobody to hand over to: that step is left out.
  check(JSON.stringify(await stepButtons(page)) === JSON.stringify(['Afhandelen', 'Niet terecht', 'Vrijgeven']), `steps in progress: ${await stepButtons(page)}`);
  let history = await historyRows(page);
  check(history.length === 2, `two history lines: ${JSON.stringify(history)}`);
  check(history[0][1] === 'de regels' && history[0][2] === '(nieuw)' && history[0][3] === 'open', `found by the rules: ${history[0]}`);
  check(history[1][1] === 'caseworker' && history[1][2] === 'open' && history[1][3] === 'in behandeling' && history[1][4] === 'caseworker',
    `taken on: ${history[1]}`);

  // Closing asks for an outcome.
  const done = page.locator('form.app-step--done');
  await done.getByRole('button', { name: 'Afhandelen' }).click();
  check(await done.locator('.utrecht-form-field-error-message').textContent() === 'Vul dit veld in.', 'an outcome is required');
  await done.getByLabel('Uitkomst').selectOption('informed');
  await done.getByRole('button', { name: 'Afhandelen' }).click();
  await page.getByText('Gedaan: afhandelen.').waitFor();
  const closed = await page.locator('.app-details').textContent();
  check(closed.includes('afgehandeld') && closed.includes('Uitkomstvoorgelicht') && closed.includes('Gesloten op'), `closed: ${closed}`);
  check((await stepButtons(page)).length === 0 && await page.getByText(/er is geen stap meer te zetten/).isVisible(), 'no steps once done');
  history = await historyRows(page);
  check(history.length === 3 && history[2][2] === 'in behandeling' && history[2][3] === 'afgehandeld' && history[2][5] === 'afgehandeld: voorgelicht',
    `closed in the history: ${JSON.stringify(history[2])}`);
  await w.axe(page, 'signal (done)');
  const api = (await w.apiGet(page, `/api/v1/signals/${id}`)).body;
  check(api.state === 'done' && api.outcome === 'informed', `stored: ${api.state} ${api.outcome}`);

  // In the list of closed signals.
  await goto(page, '#/signals?state=done');
  check(await page.locator(`tr[data-signal="${id}"]`).count() === 1, 'the closed signal is listed as done');
  check((await page.locator(`tr[data-signal="${id}"]`).textContent()).includes('afgehandeld'), 'its state in words');
  w.noErrors(page, 'take on and close');
  await page.context().close();
  return id;
}

async function test_step_no_longer_allowed_and_unfounded() {
  const page = await as('caseworker');
  await goto(page, '#/signals?state=open&owner=none');
  const [a, b] = (await rowsOf(page).evaluateAll((trs) => trs.slice(0, 2).map((tr) => Number(tr.dataset.signal))));
  await goto(page, `#/signals/${a}`);
  // Meanwhile someone else finds it unfounded.
  const r = await apiSend(page, 'POST', `/api/v1/signals/${a}/transitions`, { to: 'unfounded', reason: 'dubbel gemeld' });
  check(r.status === 200, `closed elsewhere: ${r.status}`);
  await page.getByRole('button', { name: 'In behandeling nemen' }).click();
  const alert = page.locator('.app-notice[role=alert]');
  await alert.waitFor();
  const text = await alert.textContent();
  check(text.includes('Deze stap kan niet meer: het signaal is intussen veranderd.') && text.includes('Overgang niet toegestaan'), `409 said: ${text}`);
  check((await stepButtons(page)).length === 0, 'the steps possible now: none');
  check((await page.locator('.app-details').textContent()).includes('Redendubbel gemeld'), 'the signal as it is now');

  // Unfounded asks for a reason.
  await goto(page, `#/signals/${b}`);
  const unfounded = page.locator('form.app-step--unfounded');
  await unfounded.getByRole('button', { name: 'Niet terecht' }).click();
  check(await unfounded.locator('.utrecht-form-field-error-message').textContent() === 'Vul dit veld in.', 'a reason is required');
  await unfounded.getByLabel('Waarom is het signaal niet terecht?').fill('Persoon is al vertrokken volgens de werkgever.');
  await unfounded.getByRole('button', { name: 'Niet terecht' }).click();
  await page.getByText('Gedaan: niet terecht.').waitFor();
  const history = await historyRows(page);
  check(history[history.length - 1][3] === 'niet terecht' && history[history.length - 1][5].includes('Persoon is al vertrokken'), `unfounded: ${history[history.length - 1]}`);
  await w.axe(page, 'signal (unfounded)');
  w.noErrors(page, 'conflict');
  await page.context().close();
}

async function test_bulk_assignment(doneId) {
  w.run(inbeeld, ['signals', 'team', 'add', 'westland', '--db', env.db]);
  w.run(inbeeld, ['signals', 'team', 'member', 'westland', 'caseworker', '--db', env.db]);
  const page = await as('caseworker');
  await goto(page, '#/signals?state=open&owner=none&kind=one_year_offer');
  const rows = rowsOf(page);
  check(await rows.count() >= 2, 'two open signals to assign');
  const ids = [Number(await rows.nth(0).getAttribute('data-signal')), Number(await rows.nth(1).getAttribute('data-signal'))];
  // Nothing selected: said, nothing sent.
  await page.getByRole('button', { name: 'Toewijzen' }).click();
  check((await page.locator('.app-bulk-error').textContent()).includes('Kies eerst een of meer signalen'), 'nothing selected');
  for (const id of ids) await page.getByLabel(new RegExp(`^Kies signaal ${id}:`)).check();
  check(await page.locator('.app-selected').textContent() === '2 gekozen', 'two selected');
  await page.getByLabel('Toewijzen aan').selectOption({ label: 'team westland' });
  await page.getByRole('button', { name: 'Toewijzen' }).click();
  await page.locator('.app-bulk-done', { hasText: '2 signalen toegewezen aan team westland.' }).waitFor();
  await w.waitIdle(page);
  for (const id of ids) {
    check(await page.locator(`tr[data-signal="${id}"]`).count() === 0, `signal ${id} no longer open without owner`);
  }
  await goto(page, '#/signals?owner=me');
  for (const id of ids) {
    const text = await page.locator(`tr[data-signal="${id}"]`).textContent();
    check(text.includes('in behandeling') && text.includes('bij team westland'), `signal ${id} with the team: ${text}`);
  }
  // With the team's signal, handing over (to oneself) is offered.
  await goto(page, `#/signals/${ids[0]}`);
  check(JSON.stringify(await stepButtons(page)) === JSON.stringify(['Overdragen', 'Afhandelen', 'Niet terecht', 'Vrijgeven']), `steps of the team's signal: ${await stepButtons(page)}`);
  const handOver = page.locator('form.app-step--in_progress');
  await handOver.getByLabel('Nieuwe eigenaar').selectOption({ label: 'mijzelf (caseworker)' });
  await handOver.getByRole('button', { name: 'Overdragen' }).click();
  await page.getByText('Gedaan: overdragen.').waitFor();
  const last = (await historyRows(page)).pop();
  check(last[2] === 'in behandeling' && last[3] === 'in behandeling' && last[4] === 'caseworker', `handed over: ${last}`);
  // The start page counts them now.
  await goto(page, '#/persons');
  await page.locator('section.app-signal-summary').getByText(/^Aan u of uw teams toegewezen: 2 open of in behandeling/).waitFor();
  check(await page.locator('section.app-signal-summary li').count() === 2, 'the two listed first');

  // A closed signal cannot be assigned: nothing is, and its row says so.
  await goto(page, `#/signals?state=done`);
  await page.getByLabel(new RegExp(`^Kies signaal ${doneId}:`)).check();
  await page.getByLabel('Toewijzen aan').selectOption({ label: 'mijzelf (caseworker)' });
  await page.getByRole('button', { name: 'Toewijzen' }).click();
  const alert = page.locator('.app-bulk-error');
  await alert.getByText(`Signaal ${doneId} kon niet:`, { exact: false }).waitFor();
  check((await alert.textContent()).includes('Niets toegewezen.'), 'nothing assigned');
  check((await page.locator(`tr[data-signal="${doneId}"]`).textContent()).includes('dit signaal kon niet'), 'the refused row is marked in words');
  await w.axe(page, 'bulk assignment refused');
  check((await w.apiGet(page, `/api/v1/signals/${doneId}`)).body.state === 'done', 'still done');
  w.noErrors(page, 'bulk');
  await page.context().close();
}

async function test_inspector() {
  const page = await as('inspector');
  check(page.url().endsWith('#/locations'), `the inspector starts on the housing register: ${page.url()}`);
  const everything = await (async () => {
    const admin = await as('admin');
    const all = await waitFor('the fixture\'s signals', async () => {
      const items = await allSignals(admin, '&kind=overcrowded');
      return items.some((s) => s.subject.ref === 'SG-IN') && items.some((s) => s.subject.ref === 'SG-OUT') ? items : null;
    });
    await admin.context().close();
    return all;
  })();
  const mine = everything.filter((s) => MUNIS.includes(s.municipality) && ['open', 'in_progress'].includes(s.state));
  await goto(page, '#/locations');
  const summary = page.locator('section.app-signal-summary');
  await summary.locator('li').first().waitFor();
  check((await summary.locator('li a').allTextContents()).every((t) => t.startsWith('Overbewoning: locatie')), 'location signals on the start page');

  await page.locator('#menu').getByRole('link', { name: 'Signalen' }).click();
  await page.getByRole('heading', { name: 'Signalen', level: 1 }).waitFor();
  await w.waitIdle(page);
  const shown = await rowsOf(page).evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.signal)));
  check(JSON.stringify(shown.sort()) === JSON.stringify(mine.map((s) => s.id).sort()), `inspector sees ${shown}, its municipalities have ${mine.map((s) => s.id)}`);
  const text = await page.locator('table.app-signals').textContent();
  check(text.includes('locatie SG-IN') && !text.includes('SG-OUT'), 'its municipality\'s location only');
  check(await page.locator('table.app-signals a[href^="#/persons/"]').count() === 0, 'no persons');
  await w.axe(page, 'Signalen (inspector)');
  const row = page.locator('tr', { hasText: 'locatie SG-IN' });
  check((await row.textContent()).includes('Overbewoond sinds'), `why: ${await row.textContent()}`);
  await row.locator('.app-signal-link').click();
  await page.getByRole('heading', { name: /^Signaal \d+: Overbewoning$/ }).waitFor();
  await w.waitIdle(page);
  check(await page.locator('.app-details a[href^="#/locations/"]').textContent() === 'locatie SG-IN', 'links to the location');
  await page.getByRole('button', { name: 'In behandeling nemen' }).click();
  await page.getByText('Gedaan: in behandeling nemen.').waitFor();
  check((await page.locator('.app-details').textContent()).includes('in behandeling'), 'taken on by the inspector');
  await w.axe(page, 'signal (inspector)');
  const out = everything.find((s) => s.subject.ref === 'SG-OUT');
  check((await w.apiGet(page, `/api/v1/signals/${out.id}`)).status === 404, 'the other municipality\'s signal is not there');
  await goto(page, `#/signals/${out.id}`);
  check(await page.locator('h1').textContent() === 'Er ging iets mis', 'nor on its page');
  w.noErrors(page, 'inspector');
  await page.context().close();
}

async function test_analyst_counts_and_chart() {
  const page = await as('analyst');
  check(!(await page.locator('#menu a').allTextContents()).includes('Signalen'), 'no Signalen page for analysts');
  await goto(page, '#/monitor');
  const sec = page.locator('#sec-signals');
  await sec.locator('#chart-signals canvas').first().waitFor({ timeout: 60000 });
  await page.waitForFunction(() => document.querySelector('.page')?.dataset.complete === 'true', null, { timeout: 120000 });
  const counts = (await w.apiGet(page, '/api/v1/signals/counts')).body;
  const table = sec.locator('table.app-signal-counts');
  const rows = await table.locator('tbody tr').all();
  check(rows.length === counts.totals.length && rows.length === 6, `a row per kind: ${rows.length}`);
  const cells = await table.locator('tbody tr').first().locator('th, td').allTextContents();
  const t0 = counts.totals.find((r) => r.kind === 'not_registered');
  check(cells[0] === 'Niet ingeschreven' && cells[1] === t0.open.toLocaleString('nl-NL'), `the counts as the API gives them: ${cells}`);
  const numbers = (await table.locator('tbody td').allTextContents()).filter((c) => /^\d[\d.]*$/.test(c));
  check(numbers.length && !numbers.includes('1') && !numbers.includes('2'), `no 1 or 2 published: ${numbers}`);
  check((await table.textContent()).includes('minder dan 10 gesloten'), 'a withheld median said in words');
  check(await sec.locator('.app-perturbed').isVisible(), 'the perturbation is said');
  check(await page.locator('.page a[href^="#/persons/"]').count() === 0, 'no person on the dashboard');
  await sec.locator('details', { hasText: 'Per gemeente' }).locator('summary').click();
  await sec.locator('details', { hasText: 'Open signalen per week (tabel)' }).locator('summary').click();
  check(await sec.locator('table.app-signal-munis tbody tr').count() === counts.rows.length, 'a row per municipality and kind');
  await w.axe(page, 'dashboard signals');
  await goto(page, '#/signals');
  check(await page.locator('h1').textContent() === 'Pagina niet gevonden', 'no Signalen page');
  check((await w.apiGet(page, '/api/v1/signals')).status === 403, 'the API refuses the list');
  w.noErrors(page, 'analyst');
  await page.context().close();
}

async function test_agency_has_no_signals() {
  const page = await as('agency');
  check(!(await page.locator('#menu a').allTextContents()).includes('Signalen'), 'no Signalen in the menu');
  await goto(page, '#/signals');
  check(await page.locator('h1').textContent() === 'Pagina niet gevonden', 'no Signalen page');
  await goto(page, '#/persons');
  check(await page.locator('section.app-signal-summary').count() === 0, 'no signals on the agency\'s persons page');
  check((await w.apiGet(page, '/api/v1/signals')).status === 403, 'the API refuses the list');
  check((await w.apiGet(page, '/api/v1/signals/1')).status === 403, 'and a signal');
  w.noErrors(page, 'agency');
  await page.context().close();
}

async function test_admin_settings() {
  const page = await as('admin');
  await goto(page, '#/signals');
  const sec = page.locator('section', { has: page.getByRole('heading', { name: 'Instellingen van de signalen' }) });
  await sec.locator('summary').click();
  const due = sec.getByLabel('Termijn Overbewoning (dagen)');
  check(await due.inputValue() === '14', `due period shown: ${await due.inputValue()}`);
  await sec.getByLabel(/^Niet ingeschreven: maanden na aankomst/).fill('5000');
  await sec.getByRole('button', { name: 'Opslaan' }).click();
  await sec.locator('[data-field="registration_months"] .utrecht-form-field-error-message', { hasText: 'registration_months: een getal van' }).waitFor();
  await sec.getByLabel(/^Niet ingeschreven: maanden na aankomst/).fill('4');
  await due.fill('10');
  await sec.getByRole('button', { name: 'Opslaan' }).click();
  await sec.getByText('Opgeslagen. De signalen worden opnieuw bepaald.').waitFor();
  check((await w.apiGet(page, '/api/v1/signal-settings')).body.due_days.overcrowded === 10, 'stored');
  await w.axe(page, 'signal settings');
  await due.fill('14');
  await sec.getByRole('button', { name: 'Opslaan' }).click();
  await sec.getByText('Opgeslagen. De signalen worden opnieuw bepaald.').waitFor();
  await sec.getByRole('button', { name: 'Signalen nu opnieuw bepalen' }).click();
  await sec.getByText(/^Bepaald op .*: [\d.]+ actief/).waitFor();
  w.noErrors(page, 'settings');
  await page.context().close();
}

async function test_phone_and_english() {
  let page = await as('caseworker', { width: 375, height: 740 });
  for (const hash of ['#/signals', '#/persons']) {
    await goto(page, hash);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `${hash}: page ${overflow}px wider than a 375px screen`);
    await w.axe(page, `${hash} at 375px`);
  }
  await goto(page, '#/signals');
  await goto(page, `#/signals/${await rowsOf(page).first().getAttribute('data-signal')}`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  check(overflow <= 0, `a signal: page ${overflow}px wider than a 375px screen`);
  await w.axe(page, 'a signal at 375px');
  w.noErrors(page, 'phone');
  await page.context().close();

  page = await as('caseworker', { lang: 'en' });
  await page.locator('section.app-signal-summary').getByText(/^Assigned to you or your teams:/).waitFor();
  await page.locator('#menu').getByRole('link', { name: 'Signals' }).click();
  await page.getByRole('heading', { name: 'Signals', level: 1 }).waitFor();
  await w.waitIdle(page);
  check(/^[\d,]+ signals found\.$/.test(await statusText(page)), `English count: ${await statusText(page)}`);
  const text = await rowsOf(page).first().textContent();
  check(/In the Netherlands since|since/.test(text) && text.includes('To do:') && /\d{1,2} [A-Z][a-z]{2,3} \d{4}/.test(text), `English row: ${text}`);
  check(!/Te doen|niet ingeschreven/i.test(await page.locator('table.app-signals').textContent()), 'no Dutch left in the table');
  await w.axe(page, 'Signals (en)');
  await rowsOf(page).first().locator('.app-signal-link').click();
  await page.getByRole('heading', { name: /^Signal \d+: / }).waitFor();
  await w.waitIdle(page);
  check(JSON.stringify(await stepButtons(page)) === JSON.stringify(['Take on', 'Close as unfounded']), `English steps: ${await stepButtons(page)}`);
  check((await historyRows(page))[0][1] === 'the rules', 'English history');
  await w.axe(page, 'signal (en)');
  w.noErrors(page, 'English');
  await page.context().close();
}

const shared = {};
const rc = await w.main([
  test_caseworker_start_page_and_list,
  async function test_caseworker_takes_on_and_closes_() { shared.done = await test_caseworker_takes_on_and_closes(); },
  test_step_no_longer_allowed_and_unfounded,
  async function test_bulk_assignment_() { check(shared.done, 'a closed signal of the test before'); await test_bulk_assignment(shared.done); },
  test_inspector, test_analyst_counts_and_chart, test_agency_has_no_signals, test_admin_settings, test_phone_and_english]);
await env.close();
process.exit(rc);
