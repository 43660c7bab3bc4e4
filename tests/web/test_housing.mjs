// test_housing.mjs — the inspector's housing register in a real browser:
// the list shows every location in the inspector's municipalities with
// the residents the API counts, overcrowded first; a location page with
// occupancy over time (chart and table), the current residents and the
// inspections; the inspection form refuses invalid input next to the field
// and stores a valid inspection, which then shows in the list.
// Usage: node test_housing.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);
const byLabel = (scope, label) => scope.getByLabel(new RegExp(`^${label}( \\(|$)`));

async function expected(page) {
  const locs = [];
  for (let p = 1; ; p += 1) {
    const r = (await w.apiGet(page, `/api/v1/locations?page=${p}&pageSize=100`)).body;
    locs.push(...r.items);
    if (locs.length >= r.total) break;
  }
  const occ = new Map((await w.apiGet(page, '/api/v1/occupancy')).body.items.map((o) => [o.location_id, o.occupants]));
  return locs.map((l) => ({ ...l, occupants: occ.get(l.id) ?? 0 }));
}

async function test_register_overcrowded_first() {
  const page = await w.newPage(env);
  await w.login(env, page, 'inspector');
  await page.goto(`${env.url}/#/locations`);
  await w.waitIdle(page);
  const locs = await expected(page);
  const over = locs.filter((l) => l.capacity !== null && l.occupants > l.capacity);
  check(over.length > 0, 'the demo data has overcrowded locations');
  const summary = await page.locator('.page [role=status]').first().textContent();
  check(summary === `${locs.length} locaties, waarvan ${over.length} overbewoond.`, `summary: ${summary}`);
  const rows = page.locator('table.app-locations tbody tr');
  check(await rows.count() === Math.min(50, locs.length), `50 rows a page: ${await rows.count()}`);
  const badges = await page.locator('table.app-locations tbody .app-badge').allTextContents();
  const firstNotOver = badges.findIndex((b) => b !== 'overbewoond');
  check(firstNotOver === over.length, `overcrowded first: ${badges.slice(0, over.length + 2)}`);
  // Each overcrowded row shows the API's numbers.
  for (let i = 0; i < over.length; i += 1) {
    const cells = await rows.nth(i).locator('th, td').allTextContents();
    const l = locs.find((x) => x.location_ref === cells[0]);
    check(l && Number(cells[4]) === l.occupants && Number(cells[5]) === l.capacity, `row ${i}: ${cells}`);
  }
  await w.axe(page, 'housing register');
  if (locs.length > 50) {
    await page.getByRole('link', { name: 'Volgende pagina' }).click();
    await w.waitIdle(page);
    check((await page.locator('caption').textContent()).includes('pagina 2'), 'second page');
  }
  w.noErrors(page, 'register');
  await page.context().close();
}

async function test_location_page_and_inspection_form() {
  const page = await w.newPage(env);
  await w.login(env, page, 'inspector');
  await page.goto(`${env.url}/#/locations`);
  await w.waitIdle(page);
  await page.locator('table.app-locations tbody th a').first().click();
  await page.getByRole('heading', { name: 'Inspecties', exact: true }).waitFor();
  await w.waitIdle(page);
  const id = page.url().split('#/locations/')[1];
  const res = (await w.apiGet(page, `/api/v1/locations/${id}/residents`)).body;
  check(await page.locator('#occupancy-chart canvas').count() > 0, 'occupancy chart drawn');
  const residentRows = await page.locator('.page table.utrecht-table').nth(1).locator('tbody tr').count();
  check(residentRows === Math.max(1, res.residents.length), `one row per resident: ${residentRows} vs ${res.residents.length}`);
  const dd = await page.locator('.app-details dd').nth(2).textContent();
  check(dd.startsWith(`${res.occupants} van ${res.capacity}`), `occupancy: ${dd}`);
  await page.getByText('Toon de cijfers als tabel').click();
  const monthRows = await page.locator('details table tbody tr').count();
  check(monthRows === res.occupancy.length, `one row per month: ${monthRows} vs ${res.occupancy.length}`);
  await w.axe(page, 'location page');

  const form = page.locator('form.app-form').last();
  await form.getByRole('button', { name: 'Inspectie opslaan' }).click();
  check(await form.locator('[data-field="date"] .utrecht-form-field-error-message').textContent() === 'Vul dit veld in.', 'date required');
  check(await form.locator('[data-field="outcome"] .utrecht-form-field-error-message').textContent() === 'Vul dit veld in.', 'outcome required');
  await byLabel(form, 'Datum van de inspectie').fill('2026-11-20');
  await byLabel(form, 'Uitkomst').selectOption('defects');
  await byLabel(form, 'Aangetroffen personen').fill('-3');
  await form.getByRole('button', { name: 'Inspectie opslaan' }).click();
  check((await form.locator('[data-field="persons_found"] .utrecht-form-field-error-message').textContent()).includes('0 tot en met 100000'), 'persons found checked');
  await w.axe(page, 'inspection form with errors');
  await byLabel(form, 'Aangetroffen personen').fill('7');
  await byLabel(form, 'Bevindingen').fill('Brandmelder ontbreekt op de tweede verdieping.');
  await form.getByRole('button', { name: 'Inspectie opslaan' }).click();
  await page.getByText('De inspectie is opgeslagen.').first().waitFor();
  await w.waitIdle(page);
  const list = await page.locator('.page table.utrecht-table').nth(2).textContent();
  check(list.includes('gebreken') && list.includes('Brandmelder ontbreekt') && list.includes('inspector'), `inspection listed: ${list}`);
  const api = (await w.apiGet(page, `/api/v1/inspections?location=${id}`)).body;
  check(api.items.some((i) => i.date === '2026-11-20' && i.persons_found === 7 && i.outcome === 'defects'), 'inspection stored');
  w.noErrors(page, 'location');
  await page.context().close();
}

async function test_caseworker_reads_without_inspections() {
  const page = await w.newPage(env);
  await w.login(env, page, 'caseworker');
  await page.goto(`${env.url}/#/locations`);
  await w.waitIdle(page);
  await page.locator('table.app-locations tbody th a').first().click();
  await page.getByRole('heading', { name: 'Huidige bewoners' }).waitFor();
  await w.waitIdle(page);
  check(await page.getByRole('heading', { name: 'Inspecties', exact: true }).count() === 0, 'no inspections for a caseworker');
  const link = page.locator('.page table.utrecht-table').nth(1).locator('tbody a').first();
  if (await link.count()) {
    await link.click();
    await page.getByRole('heading', { name: 'Tijdlijn' }).waitFor();
  }
  w.noErrors(page, 'caseworker location');
  await page.context().close();
}

const rc = await w.main([test_register_overcrowded_first, test_location_page_and_inspection_form,
  test_caseworker_reads_without_inspections]);
await env.close();
process.exit(rc);
