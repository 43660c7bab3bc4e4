// weblib.mjs — shared by the browser tests: a fresh database with the demo
// chain (`inbeeld demo --layout chain`, imported sender by sender in the
// order of senders.txt and linked into persons), one user per role, the real
// `inbeeld serve` on a free port serving the built web folder, Debian's
// chromium driven by playwright-core (from web/node_modules, installed by
// scripts/web.sh), and axe-core injected into every page checked.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE = process.env.IB_SOURCE_DIR || path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(SOURCE, 'web', 'package.json'));
export const { chromium } = require('playwright-core');
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PASSWORD = 'test-password-123';
export const MUNIS = 'GM0599,GM0772,GM0518';
// The chain's senders the users belong to: the municipality (the first line
// of senders.txt) and the first agency; makeDatabase checks both.
export const MUNICIPALITY = 'gemeente-GM0599';
export const AGENCY = 'uitzendbureau-flexwerk';
// name: [role, organisation, municipalities]
export const USERS = {
  admin: ['admin', MUNICIPALITY, ''],
  analyst: ['analyst', 'cbs', ''],
  caseworker: ['caseworker', MUNICIPALITY, MUNIS],
  inspector: ['inspector', MUNICIPALITY, MUNIS],
  agency: ['agency', AGENCY, ''],
};

export class Failure extends Error {}
export function check(cond, msg) {
  if (!cond) throw new Failure(msg);
}

export function run(inbeeld, args, input) {
  const r = spawnSync(inbeeld, args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Failure(`inbeeld ${args.join(' ')}: exit ${r.status}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

// The web folder: IB_WEB_DIR, else build it next to the binary's build.
export function webDir(inbeeld) {
  if (process.env.IB_WEB_DIR) return process.env.IB_WEB_DIR;
  const out = path.join(path.dirname(path.dirname(path.resolve(inbeeld))), 'web');
  const r = spawnSync('bash', [path.join(SOURCE, 'scripts', 'web.sh'), out], { encoding: 'utf8' });
  if (r.status !== 0) throw new Failure(`scripts/web.sh: ${r.stdout}${r.stderr}`);
  return out;
}

// The chain's senders in import order: [{ folder, sender }], from the
// "FOLDER SENDER_REF" lines of DEMO/senders.txt.
export function demoSenders(demo) {
  return fs.readFileSync(path.join(demo, 'senders.txt'), 'utf8').split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => { const [folder, sender] = l.trim().split(/\s+/); return { folder, sender }; });
}

// The rows of a demo CSV file (no quoted fields in the demo) as objects.
export function readCsv(file) {
  const [head, ...lines] = fs.readFileSync(file, 'utf8').trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

export function makeDatabase(inbeeld, folder, persons = 2000) {
  const db = path.join(folder, 'web.db');
  const demo = path.join(folder, 'demo');
  run(inbeeld, ['init', '--db', db]);
  run(inbeeld, ['demo', '--persons', String(persons), '--seed', '1', '--layout', 'chain', '--out', demo]);
  const senders = demoSenders(demo);
  check(senders[0].sender === MUNICIPALITY, `the chain's first sender is ${senders[0].sender}, not ${MUNICIPALITY}`);
  check(senders.find((s) => s.sender.startsWith('uitzendbureau-'))?.sender === AGENCY, `the chain's first agency is not ${AGENCY}`);
  for (const { folder: sub, sender } of senders) {
    run(inbeeld, ['import', '--db', db, '--sender', sender, '--quiet', path.join(demo, sub)]);
  }
  for (const [name, [role, org, munis]] of Object.entries(USERS)) {
    const args = ['user', 'add', name, '--db', db, '--role', role, '--organisation', org];
    if (munis) args.push('--municipalities', munis);
    run(inbeeld, args, `${PASSWORD}\n`);
  }
  return db;
}

// extraEnv: variables added to the server's environment.
export function startServer(inbeeld, db, web, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(inbeeld, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--threads', '4',
      '--static', web, '--login-rate', '100000'], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...extraEnv } });
    let log = '';
    const timer = setTimeout(() => reject(new Failure(`server did not start: ${log}`)), 30000);
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
      if (m && !proc.port) {
        proc.port = Number(m[1]);
        clearTimeout(timer);
        resolve({ proc, port: proc.port, url: `http://127.0.0.1:${proc.port}`, log: () => log });
      }
    });
    proc.on('exit', (code) => reject(new Failure(`server exited ${code}: ${log}`)));
  });
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.IB_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Everything a test needs: folder, db, server, browser; close() ends all.
export async function setUp(inbeeld, { persons = 2000 } = {}) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'ib_web_'));
  const db = makeDatabase(inbeeld, folder, persons);
  const web = webDir(inbeeld);
  const server = await startServer(inbeeld, db, web);
  const browser = await launch();
  const env = { folder, db, web, server, browser, url: server.url };
  env.close = async () => {
    await browser.close();
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
    fs.rmSync(folder, { recursive: true, force: true });
  };
  return env;
}

// A new page that fails the test on a console error or an uncaught
// exception, and on any request that leaves the server.
export async function newPage(env, { lang = 'nl', width = 1280, height = 900 } = {}) {
  const context = await env.browser.newContext({ viewport: { width, height }, locale: lang === 'en' ? 'en-GB' : 'nl-NL' });
  const page = await context.newPage();
  page.errors = [];
  // Failed responses (401 before login, 422 of a rejected import) are part
  // of the tests; the pages must show them, which the tests check.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => page.errors.push(`exception: ${e.message}`));
  // JavaScript bytes loaded since the last resetJs(), for the 300 KB budget.
  page.js = { bytes: 0, pending: [] };
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script' || /\.m?js(\?|$)/.test(r.url())) {
      page.js.pending.push(r.body().then((b) => { page.js.bytes += b.length; }).catch(() => {}));
    }
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(env.url) && !u.startsWith('blob:') && !u.startsWith('data:')) page.errors.push(`external request: ${u}`);
  });
  return page;
}

export async function login(env, page, name, { lang } = {}) {
  await page.goto(`${env.url}/${lang ? `?lang=${lang}` : ''}#/`);
  await page.getByLabel(lang === 'en' ? 'User name' : 'Gebruikersnaam').fill(name);
  await page.getByLabel(lang === 'en' ? 'Password' : 'Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', { name: lang === 'en' ? 'Log in' : 'Inloggen' }).click();
  await page.locator('#menu:not([hidden])').waitFor();
  await waitIdle(page);
}

// Waits until the current page has rendered (no loading text left).
export async function waitIdle(page) {
  await page.waitForFunction(() => !document.querySelector('#main .loading'));
  await page.waitForLoadState('networkidle');
}

// Runs axe-core (WCAG 2.0/2.1 A and AA) on the page; fails on any violation.
export async function axe(page, where) {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline
  // scripts) stays in force for the application itself.
  await page.evaluate(AXE);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  check(result.length === 0, `axe on ${where}: ${result.length} violation(s):\n  ${result.join('\n  ')}`);
}

export async function jsBytes(page) {
  await Promise.all(page.js.pending);
  return page.js.bytes;
}

export function noErrors(page, where) {
  check(page.errors.length === 0, `${where}: ${page.errors.join('; ')}`);
}

// Fails when the page shows a value the code never filled in: the words
// null, undefined or NaN in any text node (hidden ones, option labels and
// SVG titles included), attribute (aria-label, title, href) or form value.
export async function noMissingValues(page, where) {
  const found = await page.evaluate(() => {
    const re = /\b(null|undefined|NaN)\b/;
    const out = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (re.test(n.nodeValue)) out.push(`text in <${n.parentNode.nodeName.toLowerCase()}>: "${n.nodeValue.trim().slice(0, 100)}"`);
    }
    for (const el of document.body.querySelectorAll('*')) {
      for (const a of el.attributes) if (re.test(a.value)) out.push(`<${el.nodeName.toLowerCase()} ${a.name}="${a.value.slice(0, 100)}">`);
      if ('value' in el && typeof el.value === 'string' && re.test(el.value)) out.push(`value of <${el.nodeName.toLowerCase()} name=${el.name}>: ${el.value}`);
    }
    if (re.test(document.title)) out.push(`title: ${document.title}`);
    return out;
  });
  check(found.length === 0, `${where}: ${found.length} missing value(s) shown:\n  ${found.slice(0, 10).join('\n  ')}`);
}

// Same-origin API call with the page's session (for comparing numbers).
export async function apiGet(page, p) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { headers: { Accept: 'application/json' } });
    return { status: r.status, body: await r.json() };
  }, p);
}

export async function screenshot(page, name) {
  const dir = process.env.IB_SCREENSHOTS;
  if (!dir) return;
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
}

// Runs the named async tests in order and reports like the API tests.
export async function main(tests) {
  let failed = 0;
  for (const t of tests) {
    try {
      await t();
      console.log(`ok   ${t.name}`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${t.name}: ${e.stack || e}`);
    }
  }
  console.log(`${tests.length - failed} of ${tests.length} passed`);
  return failed ? 1 : 0;
}
