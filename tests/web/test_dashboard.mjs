// test_dashboard.mjs — the analyst's monitor in a real browser: the first
// chart draws, every table holds exactly the numbers of the API's
// /api/v1/monitor/* answers (perturbed tables with a note saying so;
// survival counts withheld as "<10", or in words when hidden only to
// protect another), the CSV and XLSX downloads answer, the filters change what is
// asked (grouping, municipality; an invalid municipality is refused next
// to the field), the page reads in English too, and axe finds nothing;
// the survival figure is asked for alone and the other four only once it
// is drawn, with exactly the paths the server prepares after each load
// (src/http/api_monitor.c, first_questions); right after a change to the
// data the page shows the figures from before it at once, says so, and
// then draws the new ones by itself.
// Usage: node test_dashboard.mjs path/to/inbeeld
import fs from 'node:fs';
import path from 'node:path';
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);

const nf = (digits) => new Intl.NumberFormat('nl-NL', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const HIDDEN_OTHER = 'verborgen ter bescherming van een andere cel';
const num = (v, d = 0) => (v === 'verborgen' ? HIDDEN_OTHER : typeof v === 'string' ? v : nf(d).format(v));
const pct = (v) => (typeof v === 'string' ? v : `${nf(1).format(v * 100)}%`);

async function open(page, hash = '#/monitor', url = env.url) {
  await page.goto(`${url}/${hash}`);
  await page.locator('#chart-survival canvas').first().waitFor();
  await page.waitForFunction(() => document.querySelector('.page')?.dataset.complete === 'true');
}

async function cellsOf(page, sectionId) {
  return page.locator(`#${sectionId} table.utrecht-table tbody tr`).evaluateAll((trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.innerText.replace(/\s+/g, ' ').trim())));
}

async function test_numbers_equal_the_api() {
  const page = await w.newPage(env);
  await w.login(env, page, 'analyst');
  await open(page);
  await w.axe(page, 'dashboard');

  // Survival: grouping EU / non-EU by default, then "all groups".
  const s = (await w.apiGet(page, '/api/v1/monitor/survival?by=eu')).body;
  const rows = await cellsOf(page, 'sec-survival');
  const groups = [...s.groups, s.all];
  check(rows.length === groups.length, `survival rows: ${rows.length} vs ${groups.length}`);
  groups.forEach((g, i) => {
    const r = rows[i];
    check(r[1] === num(g.n) && r[2] === num(g.events), `survival ${g.group}: n/events ${r}`);
    g.retention.forEach((p, k) => {
      const want = p.suppressed && p.n_risk === 'verborgen' ? HIDDEN_OTHER
        : p.suppressed ? `te weinig (${p.n_risk})` : p.beyond_follow_up ? 'nog niet te meten'
        : `${pct(p.surv)} ${pct(p.lower)} – ${pct(p.upper)}`;
      check(r[3 + k] === want, `survival ${g.group} after ${p.years} years: "${r[3 + k]}" vs "${want}"`);
    });
  });

  const c = (await w.apiGet(page, '/api/v1/monitor/cox')).body;
  const coxRows = await cellsOf(page, 'sec-cox');
  const coefs = c.coefficients.filter((x) => !x.aliased);
  check(coxRows.length === coefs.length, 'one row per covariate');
  coefs.forEach((x, i) => check(coxRows[i][1] === num(x.hr, 2) && coxRows[i][2] === `${num(x.hr_lower, 2)} – ${num(x.hr_upper, 2)}`,
    `cox ${x.name}: ${coxRows[i]}`));
  check(await page.locator('#sec-cox svg rect').count() === coefs.length, 'one square per covariate in the forest plot');

  const ty = (await w.apiGet(page, '/api/v1/monitor/typology?by=eu')).body;
  const tyRows = await cellsOf(page, 'sec-typology');
  ty.rows.forEach((r, i) => {
    check(tyRows[i][6] === num(r.total), `typology total ${i}`);
    ['vulnerable_passer_by', 'perspective_rich_passer_by', 'chronically_vulnerable', 'durably_perspective_rich', 'other'].forEach((k, j) => {
      check(tyRows[i][1 + j].startsWith(num(r[k])), `typology ${i} ${k}: ${tyRows[i][1 + j]} vs ${r[k]}`);
    });
  });

  for (const [figure, cols] of [['registration', ['brp', 'rni', 'none', 'total']],
    ['housing', ['housed', 'in_overcrowded', 'tied', 'locations_occupied', 'locations_overcrowded']]]) {
    const d = (await w.apiGet(page, `/api/v1/monitor/${figure}`)).body;
    check(d.perturbed === true, `${figure}: perturbed for an analyst`);
    check(await page.locator(`#sec-${figure} .app-perturbed`).count() === 1, `${figure}: the page says the counts are perturbed`);
    const got = await cellsOf(page, `sec-${figure}`);
    const want = [...d.rows, d.totals];
    check(got.length === want.length, `${figure}: ${got.length} rows vs ${want.length}`);
    want.forEach((r, i) => cols.forEach((k, j) => {
      check(got[i][1 + j] === num(r[k]), `${figure} row ${i} ${k}: "${got[i][1 + j]}" vs ${r[k]}`);
      check(r[k] !== 1 && r[k] !== 2, `${figure} row ${i} ${k}: a 1 or 2 published`);
    }));
  }

  // Downloads answer with the right types.
  for (const href of await page.locator('a.app-download').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) {
    const type = await page.evaluate(async (u) => {
      const r = await fetch(u);
      return `${r.status} ${r.headers.get('content-type')}`;
    }, href);
    const want = href.includes('format=csv') ? /^200 text\/csv/ : /^200 application\/vnd\.openxmlformats/;
    check(want.test(type), `${href}: ${type}`);
  }
  w.noErrors(page, 'dashboard');
  await page.context().close();
}

async function test_filters() {
  const page = await w.newPage(env);
  await w.login(env, page, 'analyst');
  await open(page);
  await page.getByLabel('Indeling in groepen').selectOption('nationality');
  await page.getByRole('button', { name: 'Toon cijfers' }).click();
  await page.waitForFunction(() => location.hash.includes('by=nationality'));
  await open(page, '#/monitor?by=nationality');
  const s = (await w.apiGet(page, '/api/v1/monitor/survival?by=nationality&curve=false')).body;
  check((await cellsOf(page, 'sec-survival')).length === s.groups.length + 1, 'one row per nationality and all');
  check(await page.getByText(/De grafiek toont de 8 grootste van/).isVisible(), 'chart limited to 8 curves');
  // An invalid municipality is refused next to the field.
  await page.getByLabel(/^Gemeente/).fill('0599');
  await page.getByRole('button', { name: 'Toon cijfers' }).click();
  check((await page.locator('[data-field="municipality"] .utrecht-form-field-error-message').textContent()).includes('GM0599'), 'municipality error');
  await w.axe(page, 'dashboard with a filter error');
  await page.getByLabel(/^Gemeente/).fill('gm0599');
  await page.getByLabel(/^Peildatum/).fill('2025-01-01');
  await page.getByRole('button', { name: 'Toon cijfers' }).click();
  await page.waitForFunction(() => location.hash.includes('municipality=GM0599'));
  await open(page, '#/monitor?at=2025-01-01&municipality=GM0599&by=nationality');
  const reg = (await w.apiGet(page, '/api/v1/monitor/registration?at=2025-01-01&municipality=GM0599')).body;
  const got = await cellsOf(page, 'sec-registration');
  check(got[got.length - 1][4] === num(reg.totals.total), `registration total for GM0599: ${got[got.length - 1]} vs ${reg.totals.total}`);
  check((await page.locator('#sec-survival caption').textContent()).includes('1 jan 2025'), 'reference date in the caption');
  w.noErrors(page, 'filters');
  await page.context().close();
}

async function test_survival_asked_first() {
  const page = await w.newPage(env);
  const events = [];
  const monitor = (r) => {
    const u = new URL(r.url());
    return u.pathname.startsWith('/api/v1/monitor/') ? u.pathname + u.search : null;
  };
  page.on('request', (r) => { if (monitor(r)) events.push(['asked', monitor(r)]); });
  page.on('requestfinished', (r) => { if (monitor(r)) events.push(['answered', monitor(r)]); });
  await w.login(env, page, 'analyst');      // an analyst lands on the dashboard
  await open(page);
  const asked = events.filter((e) => e[0] === 'asked').map((e) => e[1]);
  check(asked[0] === '/api/v1/monitor/survival?by=eu', `first request: ${asked[0]}`);
  check(JSON.stringify([...asked].sort()) === JSON.stringify(['/api/v1/monitor/cox', '/api/v1/monitor/housing',
    '/api/v1/monitor/registration', '/api/v1/monitor/survival?by=eu', '/api/v1/monitor/typology?by=eu']),
  `the dashboard's requests: ${asked}`);
  const survivalDone = events.findIndex((e) => e[0] === 'answered' && e[1].startsWith('/api/v1/monitor/survival'));
  const firstOther = events.findIndex((e) => e[0] === 'asked' && !e[1].startsWith('/api/v1/monitor/survival'));
  check(survivalDone >= 0 && survivalDone < firstOther, `others asked before survival was answered: ${JSON.stringify(events)}`);
  w.noErrors(page, 'survival first');
  await page.context().close();
}

async function test_english() {
  const page = await w.newPage(env, { lang: 'en' });
  await w.login(env, page, 'analyst', { lang: 'en' });
  await open(page);
  check(await page.getByRole('heading', { name: 'Labour migration monitor' }).isVisible(), 'English title');
  check(await page.getByRole('heading', { name: 'What binds: the Cox model' }).isVisible(), 'English section');
  await w.axe(page, 'dashboard (en)');
  w.noErrors(page, 'english');
  await page.context().close();
}

// Every stay present on the reference date that arrived before 2024-06-01
// leaves on 2024-07-01, as each sender of the chain that reported the stay
// tells it (a person's stays of several senders are one stay, so all of
// them end): one file per sender, each imported in one transaction.
function importDepartures() {
  let changed = 0;
  for (const { folder: sub, sender } of w.demoSenders(path.join(env.folder, 'demo'))) {
    const file = path.join(env.folder, 'demo', sub, 'stays.csv');
    if (!fs.existsSync(file)) continue;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const cols = lines[0].split(',');
    const arrival = cols.indexOf('arrival_date');
    const departure = cols.indexOf('departure_date');
    const out = lines.map((line, i) => {
      const f = line.split(',');
      if (i === 0 || f.length !== cols.length || f[departure] !== '' || f[arrival] >= '2024-06-01') return line;
      f[departure] = '2024-07-01';
      changed += 1;
      return f.join(',');
    });
    const folder = path.join(env.folder, 'departures', sub);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'stays.csv'), out.join('\n'));
    w.run(process.argv[2], ['import', '--db', env.db, '--sender', sender, '--quiet', folder]);
  }
  check(changed > 50, `too few stays to change: ${changed}`);
}

// Last: it changes the data. The second server's reloads are slowed down
// (as they take seconds at national size), so the page is opened while
// the new data is still loading.
async function test_previous_figures_then_new() {
  const slow = await w.startServer(process.argv[2], env.db, env.web, { INBEELD_TEST_MONITOR_LOAD_DELAY_MS: '10000' });
  try {
    const at = { ...env, url: slow.url };
    await waitPrepared(slow);
    const page = await w.newPage(at);
    await w.login(at, page, 'analyst');
    await open(page, '#/monitor', slow.url);
    const before = await cellsOf(page, 'sec-survival');
    check((await page.locator('.app-previous').count()) === 0, 'a note on current figures');

    importDepartures();
    const t0 = Date.now();
    await page.reload();
    await page.locator('#sec-survival .app-previous').waitFor({ timeout: 9000 });
    await page.locator('#chart-survival canvas').first().waitFor();
    const shownAfter = Date.now() - t0;
    check(JSON.stringify(await cellsOf(page, 'sec-survival')) === JSON.stringify(before),
      'the figures shown at once are not those from before the change');
    check((await page.locator('#sec-survival .app-previous').textContent()).includes('van vóór die wijziging'),
      'the note says the figures are from before the change');
    await w.axe(page, 'dashboard with figures from before a change');
    await w.screenshot(page, 'dashboard-previous');

    await page.waitForFunction(() => document.querySelector('.page')?.dataset.complete === 'true', null, { timeout: 120000 });
    check((await page.locator('.app-previous').count()) === 0, 'the note is still there after the new figures came');
    check(await page.locator('#sec-survival .app-renewed').isVisible(), 'no word that the figures were updated');
    const after = await cellsOf(page, 'sec-survival');
    check(JSON.stringify(after) !== JSON.stringify(before), 'the new figures were not drawn');
    const s = (await w.apiGet(page, '/api/v1/monitor/survival?by=eu')).body;
    check(after[after.length - 1][2] === num(s.all.events), `departures after the change: ${after[after.length - 1]} vs ${s.all.events}`);
    console.log(`     figures from before the change drawn ${shownAfter} ms after the reload`);
    w.noErrors(page, 'previous figures');
    await page.context().close();
  } finally {
    slow.proc.kill('SIGTERM');
    await new Promise((r) => slow.proc.once('exit', r));
  }
}

async function waitPrepared(server) {
  const deadline = Date.now() + 120000;
  while (!server.log().includes('antwoorden voor het dashboard klaar')) {
    check(Date.now() < deadline, 'the server did not prepare the dashboard');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const rc = await w.main([test_numbers_equal_the_api, test_filters, test_survival_asked_first, test_english,
  test_previous_figures_then_new]);
await env.close();
process.exit(rc);
