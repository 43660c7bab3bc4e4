// test_screenshots.mjs — the pictures in the README and the user guide:
// the dashboard, a person page, the housing register, a location page and
// a caseworker's signals, each taken once the page has drawn.
// IB_SCREENSHOTS names the folder (docs/img to renew the committed ones);
// without it they go to a temporary folder and are only checked.
// Usage: node test_screenshots.mjs path/to/inbeeld
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);
const dir = process.env.IB_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), 'ib_shots_'));

async function shoot(page, name) {
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file });
  const png = fs.readFileSync(file);
  check(png.subarray(1, 4).toString() === 'PNG' && png.length > 20000, `${name}.png: ${png.length} bytes`);
}

async function test_screenshots() {
  fs.mkdirSync(dir, { recursive: true });
  const size = { width: 1200, height: 820 };
  let page = await w.newPage(env, size);
  await w.login(env, page, 'analyst');
  await page.goto(`${env.url}/#/monitor?by=eu`);
  await page.locator('#chart-survival canvas').first().waitFor();
  await page.waitForFunction(() => document.querySelector('.page')?.dataset.complete === 'true');
  await page.evaluate(() => document.querySelector('#sec-survival').scrollIntoView());
  await shoot(page, 'dashboard');
  await page.evaluate(() => document.querySelector('#sec-cox').scrollIntoView());
  await shoot(page, 'dashboard-cox');
  await page.context().close();

  page = await w.newPage(env, size);
  await w.login(env, page, 'caseworker');
  const list = await w.apiGet(page, '/api/v1/persons?family_name=Nag&pageSize=5');
  await page.goto(`${env.url}/#/persons/${list.body.items[0].id}`);
  await page.getByRole('heading', { name: 'Tijdlijn' }).waitFor();
  await w.waitIdle(page);
  await shoot(page, 'person');
  await page.context().close();

  page = await w.newPage(env, size);
  await w.login(env, page, 'inspector');
  await page.goto(`${env.url}/#/locations`);
  await w.waitIdle(page);
  await shoot(page, 'housing');
  await page.locator('table.app-locations tbody th a').first().click();
  await page.locator('#occupancy-chart canvas').first().waitFor();
  await w.waitIdle(page);
  await shoot(page, 'location');
  w.noErrors(page, 'screenshots');
  await page.context().close();

  // The caseworker's signals, once the server's first evaluation is done,
  // and one of them taken on.
  page = await w.newPage(env, size);
  await w.login(env, page, 'caseworker');
  await page.waitForFunction(async () => (await (await fetch('/api/v1/signals?pageSize=1')).json()).total > 0, null, { polling: 500, timeout: 30000 });
  await page.goto(`${env.url}/#/signals?kind=not_registered`);
  await w.waitIdle(page);
  await page.evaluate(() => document.querySelector('.app-results').scrollIntoView());
  await shoot(page, 'signals');
  await page.locator('table.app-signals .app-signal-link').first().click();
  await page.getByRole('button', { name: 'In behandeling nemen' }).click();
  await page.getByText('Gedaan: in behandeling nemen.').waitFor();
  await page.mouse.move(0, 0);
  await shoot(page, 'signal');
  w.noErrors(page, 'screenshots of signals');
  await page.context().close();
  console.log(`     screenshots in ${dir}`);
}

const rc = await w.main([test_screenshots]);
await env.close();
if (!process.env.IB_SCREENSHOTS) fs.rmSync(dir, { recursive: true, force: true });
process.exit(rc);
