// test_person_page.mjs — what the person and location pages say about
// housing, work and wages, in Dutch and English: "tied to the job" is the
// API's (the monitor's) decision, not "the bed has a provider" — a bed of
// a provider that is not the person's employer or agency says no, a bed
// tied for part of its episode names those days, the timeline colours
// exactly the tied days, a location's residents say the same; jobs name
// their organisations and the agency's certification; wages are compared
// per hour with the hourly minimum when the hours are known (a legal
// 23-hour job is not "58 %"), the monitor's monthly measure is labelled as
// the monitor's, and a date before 2024 or outside the minimum-wage table
// is said, not left blank.
// Usage: node test_person_page.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);

const TEXT = {
  nl: { yes: 'ja, ', no: 'nee', noProvider: 'nee: ', housing: 'Huisvesting', work: 'Werk', ongoing: 'loopt nog' },
  en: { yes: 'yes, ', no: 'no', noProvider: 'no: ', housing: 'Housing', work: 'Work', ongoing: 'ongoing' },
};

async function login(role, lang = 'nl', width = 1280) {
  const page = await w.newPage(env, { lang, width });
  await w.login(env, page, role, { lang: lang === 'en' ? 'en' : undefined });
  return page;
}

// Persons of the caseworker's list whose beds are of each kind: a
// provider that is not the employer or agency, tied part of the time, tied
// the whole time.
async function findBeds(page) {
  return page.evaluate(async () => {
    const found = {};
    for (let pg = 1; pg <= 5 && Object.keys(found).length < 3; pg += 1) {
      const list = await (await fetch(`/api/v1/persons?pageSize=100&page=${pg}`)).json();
      for (const p of list.items) {
        const d = await (await fetch(`/api/v1/persons/${p.id}`)).json();
        for (const b of d.timeline.housings) {
          const ps = b.tied_periods;
          const whole = ps.length === 1 && ps[0].start_date === b.start_date && ps[0].end_date === b.end_date;
          const kind = !b.tied ? (b.provided_by_ref ? 'landlord' : null) : (whole ? 'whole' : 'part');
          if (kind && !found[kind]) found[kind] = { id: p.id, timeline: d.timeline };
        }
      }
    }
    return found;
  });
}

// The housing table's rows as {location, provider, tied} texts.
async function housingRows(page, lang) {
  const table = page.locator('h2', { hasText: new RegExp(`^${TEXT[lang].housing}$`) }).locator('xpath=following-sibling::div[1]//table');
  const rows = await table.locator('tbody tr').all();
  return Promise.all(rows.map(async (r) => {
    const cells = await r.locator('td, th').allTextContents();
    return { location: cells[0], provider: cells[1], tied: cells[2] };
  }));
}

async function test_tied_as_the_api_decides() {
  for (const lang of ['nl', 'en']) {
    const page = await login('caseworker', lang);
    const found = await findBeds(page);
    check(found.landlord && found.part && found.whole, `bed kinds found: ${Object.keys(found)}`);
    for (const [kind, { id, timeline }] of Object.entries(found)) {
      await page.goto(`${env.url}/#/persons/${id}`);
      await w.waitIdle(page);
      const rows = await housingRows(page, lang);
      check(rows.length === timeline.housings.length, `${kind}: ${rows.length} rows for ${timeline.housings.length} beds`);
      timeline.housings.forEach((b, i) => {
        const cell = rows[i].tied;
        if (b.tied) {
          check(cell.startsWith(TEXT[lang].yes) && cell.includes(b.provided_by_name), `${kind} ${lang}: tied bed says "${cell}"`);
          // Tied for part of the episode: the days are named.
          const ps = b.tied_periods;
          if (!(ps.length === 1 && ps[0].start_date === b.start_date && ps[0].end_date === b.end_date)) {
            for (const p of b.tied_periods) check(cell.includes(p.end_date ? String(Number(p.end_date.slice(0, 4))) : TEXT[lang].ongoing), `${kind}: period ${JSON.stringify(p)} in "${cell}"`);
          }
        } else if (b.provided_by_ref) {
          check(cell.startsWith(TEXT[lang].noProvider) && cell.includes(b.provided_by_name), `${kind} ${lang}: a landlord's bed says "${cell}"`);
        } else {
          check(cell === TEXT[lang].no, `${kind} ${lang}: a bed without provider says "${cell}"`);
        }
        check(rows[i].provider === (b.provided_by_name || (b.provided_by_ref ? b.provided_by_ref : '—')), `provider by name: "${rows[i].provider}"`);
      });
      // The timeline colours the tied days only: one tied bar per period.
      const periods = timeline.housings.reduce((n, b) => n + b.tied_periods.length, 0);
      const bars = await page.locator('svg.tl-chart rect.tl-house-tied').count();
      check(bars === periods, `${kind}: ${bars} tied bars for ${periods} tied periods`);
      await w.noMissingValues(page, `person ${id} (${lang})`);
    }
    w.noErrors(page, `tied (${lang})`);
    await page.context().close();
  }
}

async function test_residents_tied_on_the_day() {
  const page = await login('inspector');
  // Locations with residents whose bed has a provider, tied or not today.
  const targets = await page.evaluate(async () => {
    const out = [];
    let tied = 0; let untied = 0;
    for (let pg = 1; pg <= 10 && !(tied && untied && out.length >= 4); pg += 1) {
      const list = await (await fetch(`/api/v1/locations?pageSize=100&page=${pg}`)).json();
      for (const l of list.items) {
        const r = await (await fetch(`/api/v1/locations/${l.id}/residents`)).json();
        const t = r.residents.filter((x) => x.tied).length;
        const u = r.residents.filter((x) => x.provided_by_ref && !x.tied).length;
        if ((t && !tied) || (u && !untied) || (t + u && out.length < 4)) out.push({ id: l.id, residents: r.residents });
        tied += t; untied += u;
      }
    }
    return { out, tied, untied };
  });
  check(targets.tied && targets.untied, `residents tied ${targets.tied}, of a provider not tied ${targets.untied}`);
  for (const target of targets.out) {
    await page.goto(`${env.url}/#/locations/${target.id}`);
    await w.waitIdle(page);
    const table = page.locator('table', { has: page.locator('caption', { hasText: /^Bewoners op \d/ }) });
    const cells = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.cells[3].textContent));
    check(cells.length === target.residents.length, `${cells.length} residents shown`);
    target.residents.forEach((x, i) => {
      const want = x.tied ? 'ja, ' : x.provided_by_ref ? 'nee: ' : 'nee';
      check(cells[i].startsWith(want), `resident ${x.person_ref}: "${cells[i]}" for tied=${x.tied}`);
    });
  }
  w.noErrors(page, 'residents');
  await page.context().close();
}

// The agency adds jobs to a person of its own through the API (as its
// forms do) and reads the work table.
async function addJobs(page, jobs) {
  return page.evaluate(async (rows) => {
    const me = await (await fetch('/api/v1/sessions/current')).json();
    const r = await fetch('/api/v1/imports?kind=employments', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token }, body: JSON.stringify(rows),
    });
    return { status: r.status, body: await r.json() };
  }, jobs);
}

async function workRows(page, lang) {
  const table = page.locator('h2', { hasText: new RegExp(`^${TEXT[lang].work}$`) }).locator('xpath=following-sibling::div[1]//table');
  const head = await table.locator('thead th').allTextContents();
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  return rows.map((cells) => Object.fromEntries(head.map((k, i) => [k, cells[i]])));
}

async function test_wages_per_hour_and_as_the_monitor() {
  let page = await login('agency');
  const list = await w.apiGet(page, '/api/v1/persons?pageSize=20');
  let person = null;
  for (const p of list.body.items) {
    const d = await w.apiGet(page, `/api/v1/persons/${p.id}`);
    if (d.body.timeline.employments.length) { person = d.body; break; }
  }
  check(person, 'an agency person with a job');
  const job = person.timeline.employments[0];
  const base = { person_ref: person.person.person_ref, employer_ref: job.employer_ref, agency_ref: job.agency_ref, contract: 'agency', sector: 'A' };
  const added = await addJobs(page, [
    // 23 hours a week at € 1,410 a month in March 2025: € 14.15 an hour,
    // 101 % of the € 14.06 hourly minimum, though 58 % of the full-time month.
    { ...base, start_date: '2025-03-03', end_date: '2025-03-31', hours_per_week: '23', monthly_wage: '1410' },
    // Before 2024: no hourly minimum in law.
    { ...base, start_date: '2020-05-04', end_date: '2020-05-31', hours_per_week: '40', monthly_wage: '1800' },
    // Before the table.
    { ...base, start_date: '2014-06-02', end_date: '2014-06-30', hours_per_week: '40', monthly_wage: '1500' },
  ]);
  check(added.status === 200, `jobs added: ${JSON.stringify(added.body)}`);
  for (const lang of ['nl', 'en']) {
    if (lang === 'en') { await page.context().close(); page = await login('agency', 'en'); }
    await page.goto(`${env.url}/#/persons/${person.person.id}`);
    await w.waitIdle(page);
    const rows = await workRows(page, lang);
    const start = (iso) => rows.find((r) => r[lang === 'nl' ? 'Begin' : 'Start'] === new Date(`${iso}T00:00:00Z`).toLocaleDateString(lang === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }));
    const hour = lang === 'nl' ? 'Per uur, t.o.v. minimumuurloon' : 'Per hour, against the hourly minimum';
    const month = lang === 'nl' ? 'Per maand, t.o.v. voltijd minimumloon (monitor)' : 'Per month, against the full-time minimum (monitor)';
    const part = start('2025-03-03');
    check(part, `the 23-hour job is listed: ${JSON.stringify(rows)}`);
    check(part[hour] === (lang === 'nl' ? '€ 14,15 = 101% van € 14,06' : '€ 14.15 = 101% of € 14.06'), `per hour: "${part[hour]}"`);
    check(part[month] === '58%', `as the monitor: "${part[month]}"`);
    const old = start('2020-05-04');
    check(old[hour].includes(lang === 'nl' ? 'vóór 2024 geen wettelijk minimumuurloon' : 'no statutory hourly minimum before 2024'), `2020: "${old[hour]}"`);
    check(old[month] === '109%', `2020 as the monitor (1800 / 1653.60): "${old[month]}"`);
    const before = start('2014-06-02');
    check(before[hour].includes(lang === 'nl' ? 'dekt deze datum niet' : 'does not cover this date'), `2014: "${before[hour]}"`);
    check(before[month].startsWith('100%') && before[month].includes('2015'), `2014 as the monitor, with the first row: "${before[month]}"`);
    // Every other job has a figure or says why not: never an empty cell.
    for (const r of rows) check(r[hour].trim() && r[month].trim(), `empty wage cell: ${JSON.stringify(r)}`);
    // The agency's certification beside its name.
    const cert = { nen4400: 'NEN 4400-1', snf: 'SNF', both: 'NEN 4400-1' };
    const agencyCol = lang === 'nl' ? 'Uitzendbureau' : 'Agency';
    check(rows.every((r) => r[agencyCol] === '—' || (job.agency_certified ? r[agencyCol].includes(cert[job.agency_certified]) : r[agencyCol].includes('('))),
      `certification shown: ${rows.map((r) => r[agencyCol])}`);
    check(rows.some((r) => r[agencyCol].includes(job.agency_name)), `the agency by name: ${rows.map((r) => r[agencyCol])}`);
    await w.noMissingValues(page, `wages (${lang})`);
    w.noErrors(page, `wages (${lang})`);
  }
  await page.context().close();
}

// Countries and languages by name with the code beside them, beds by their
// address, a location's provider by name: in the search results, on the
// person page and the duplicates, in both languages.
const COUNTRY = { nl: { PL: 'Polen', RO: 'Roemenië', BG: 'Bulgarije', HU: 'Hongarije', SY: 'Syrië' },
  en: { PL: 'Poland', RO: 'Romania', BG: 'Bulgaria', HU: 'Hungary', SY: 'Syria' } };

async function test_names_instead_of_codes() {
  for (const lang of ['nl', 'en']) {
    const page = await login('caseworker', lang);
    await page.goto(`${env.url}/#/persons?nationality=PL`);
    await w.waitIdle(page);
    const nats = await page.locator('.app-results tbody tr').evaluateAll((trs) => trs.map((tr) => tr.cells[3].textContent));
    check(nats.length > 0 && nats.every((n) => n === `${COUNTRY[lang].PL} (PL)`), `${lang} results: ${nats.slice(0, 3)}`);
    const list = await w.apiGet(page, '/api/v1/persons?pageSize=50');
    const p = list.body.items.find((x) => COUNTRY[lang][x.nationality]);
    const d = (await w.apiGet(page, `/api/v1/persons/${p.id}`)).body;
    await page.goto(`${env.url}/#/persons/${p.id}`);
    await w.waitIdle(page);
    const details = Object.fromEntries(await page.locator('.app-details').evaluate((dl) => [...dl.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling.textContent])));
    const natLabel = lang === 'nl' ? 'Nationaliteit' : 'Nationality';
    check(details[natLabel] === `${COUNTRY[lang][p.nationality]} (${p.nationality})`, `${lang} details: ${details[natLabel]}`);
    if (d.person.language) {
      const langLabel = lang === 'nl' ? 'Taal' : 'Language';
      check(/^\S.* \([a-z]{2}\)$/.test(details[langLabel]) && details[langLabel].endsWith(`(${d.person.language})`), `${lang} language: ${details[langLabel]}`);
    }
    const rows = await housingRows(page, lang);
    d.timeline.housings.forEach((b, i) => {
      check(rows[i].location === `${b.postcode} ${b.house_number}, ${b.municipality} (${b.location_ref})`, `${lang} bed: "${rows[i].location}"`);
    });
    w.noErrors(page, `names (${lang})`);
    await page.context().close();
  }
  // A location's provider by name, its ref beside it.
  const page = await login('inspector');
  const loc = (await w.apiGet(page, '/api/v1/locations?pageSize=20')).body.items.find((l) => l.provider_ref);
  const one = (await w.apiGet(page, `/api/v1/locations/${loc.id}`)).body;
  await page.goto(`${env.url}/#/locations/${loc.id}`);
  await w.waitIdle(page);
  const provider = await page.locator('.app-details dt', { hasText: 'Huisvester' }).locator('xpath=following-sibling::dd[1]').textContent();
  check(one.provider_name && provider === `${one.provider_name} (${loc.provider_ref})`, `provider: "${provider}"`);
  await page.context().close();
  // The duplicates compare nationalities by name.
  const cw = await login('caseworker');
  await cw.goto(`${env.url}/#/duplicates`);
  await w.waitIdle(cw);
  const cells = (await cw.locator('table.app-compare tr[data-field="nationality"]').evaluateAll((trs) => trs.map((tr) => [tr.cells[1].textContent, tr.cells[2].textContent]))).flat();
  check(cells.length > 0 && cells.every((c) => / \([A-Z]{2}\)$/.test(c)), `duplicates: ${cells.slice(0, 4)}`);
  await cw.context().close();
}

const rc = await w.main([test_tied_as_the_api_decides, test_residents_tied_on_the_day, test_wages_per_hour_and_as_the_monitor,
  test_names_instead_of_codes]);
await env.close();
process.exit(rc);
