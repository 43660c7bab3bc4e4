// first_chart.mjs — time from pressing "Inloggen" to the dashboard's first
// chart drawn (the survival curves' canvas in the page), and to every
// figure of the dashboard shown, in Debian's chromium driven by
// playwright-core; each run in a fresh browser context (no cache), after
// one warm-up run. Also the JavaScript the dashboard loads and the time
// the survival answer takes on its own.
// Usage: node bench/web/first_chart.mjs URL USER PASSWORD [RUNS]
// Env: BEFORE_EACH, a shell command run before every run and the warm-up
// (bench/web/first_visit.sh: a change of the data, so that each visit is
// the first after a change).
import { execSync } from 'node:child_process';
import { launch } from '../../tests/web/weblib.mjs';

const [url, user, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 5);
const browser = await launch();

async function once() {
  if (process.env.BEFORE_EACH) execSync(process.env.BEFORE_EACH, { stdio: ['ignore', 'ignore', 'inherit'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let js = 0;
  const bodies = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script') bodies.push(r.body().then((b) => { js += b.length; }).catch(() => {}));
  });
  await page.goto(`${url}/#/monitor`);
  await page.getByLabel('Gebruikersnaam').fill(user);
  await page.getByLabel('Wachtwoord').fill(password);
  const t0 = Date.now();
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.locator('#chart-survival canvas').first().waitFor({ timeout: 600000 });
  const first = Date.now() - t0;
  // From the login's answer (the session exists) to the chart drawn, in the
  // page's own clock: what the application does after the password check.
  const after = await page.evaluate(() => {
    const login = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/v1/sessions'));
    return Number(document.querySelector('#chart-survival').dataset.rendered) - login.responseEnd;
  });
  const loginMs = await page.evaluate(() => {
    const login = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/v1/sessions'));
    return login.responseEnd - login.startTime;
  });
  await page.waitForFunction(() => document.querySelector('.page')?.dataset.complete === 'true', null, { timeout: 600000 });
  const all = Date.now() - t0;
  const api = await page.evaluate(async () => {
    const s = performance.now();
    const r = await fetch('/api/v1/monitor/survival?by=eu');
    await r.text();
    return performance.now() - s;
  });
  await Promise.all(bodies);
  await context.close();
  return { first, after, loginMs, all, api, js };
}

await once();
const results = [];
for (let i = 0; i < runs; i += 1) results.push(await once());
await browser.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const col = (k) => results.map((r) => r[k]);
console.log(JSON.stringify({
  runs,
  first_chart_ms: { median: median(col('first')), min: Math.min(...col('first')), max: Math.max(...col('first')) },
  after_login_answer_ms: { median: Math.round(median(col('after'))), min: Math.round(Math.min(...col('after'))), max: Math.round(Math.max(...col('after'))) },
  login_answer_ms: { median: Math.round(median(col('loginMs'))) },
  all_figures_ms: { median: median(col('all')), min: Math.min(...col('all')), max: Math.max(...col('all')) },
  survival_api_ms: { median: Math.round(median(col('api'))) },
  dashboard_js_kb: Math.round(results[0].js / 1024),
}));
