// test_roles.mjs — logging in as each role in a real browser: the menu
// shows exactly the pages of the role, a page of another role is not
// shown, a wrong password gets a message, the language switch turns every
// text to English and back and is remembered, logout ends the session; axe
// finds no WCAG 2.1 AA violation on any page visited, in either language;
// no page loads more than 300 KB of JavaScript; pages fit a phone's width.
// Usage: node test_roles.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);

const MENUS = {
  admin: ['Monitor', 'Personen', 'Huisvesting', 'Signalen', 'Aanleveringen', 'Mogelijke dubbelen'],
  analyst: ['Monitor'],
  caseworker: ['Personen', 'Huisvesting', 'Signalen', 'Aanleveringen', 'Mogelijke dubbelen'],
  inspector: ['Huisvesting', 'Signalen'],
  agency: ['Personen', 'Aanleveringen'],
};
const FORBIDDEN = { analyst: '#/persons', caseworker: '#/monitor', inspector: '#/imports', agency: '#/locations' };
const HREF = { Monitor: '#/monitor', Personen: '#/persons', Huisvesting: '#/locations', Aanleveringen: '#/imports', 'Mogelijke dubbelen': '#/duplicates', Signalen: '#/signals' };

async function menuOf(page) {
  return page.locator('#menu a').allTextContents();
}

async function test_login_page_and_wrong_password() {
  const page = await w.newPage(env);
  await page.goto(`${env.url}/`);
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  await w.axe(page, 'login');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  check(await page.locator('#main [aria-invalid="true"]').count() === 2, 'empty login: both fields marked invalid');
  await w.axe(page, 'login with errors');
  await page.getByLabel('Gebruikersnaam').fill('analyst');
  await page.getByLabel('Wachtwoord').fill('not-the-password');
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.getByText('De gebruikersnaam of het wachtwoord klopt niet').waitFor();
  check(await page.locator('#menu').isHidden(), 'no menu without a session');
  w.noErrors(page, 'login');
  await page.context().close();
}

async function test_each_role_sees_its_pages() {
  for (const [user, menu] of Object.entries(MENUS)) {
    const page = await w.newPage(env);
    await w.login(env, page, user);
    const got = await menuOf(page);
    check(JSON.stringify(got) === JSON.stringify(menu), `${user}: menu ${got} instead of ${menu}`);
    check((await page.locator('#whoami').textContent()).startsWith(user), `${user}: whoami`);
    for (const item of menu) {
      await page.goto(`${env.url}/${HREF[item]}`);
      await w.waitIdle(page);
      check(await page.locator('#menu a[aria-current="page"]').textContent() === item, `${user}: ${item} is the current page`);
      check(await page.locator('h1').count() === 1, `${user} ${item}: one h1`);
      check(!(await page.locator('h1').textContent()).includes('mis'), `${user} ${item}: no error page`);
      await w.axe(page, `${user} ${item}`);
    }
    if (FORBIDDEN[user]) {
      await page.goto(`${env.url}/${FORBIDDEN[user]}`);
      await w.waitIdle(page);
      check(await page.locator('h1').textContent() === 'Pagina niet gevonden', `${user}: ${FORBIDDEN[user]} is not shown`);
    }
    w.noErrors(page, user);
    await page.context().close();
  }
}

async function test_language_switch_is_remembered() {
  const page = await w.newPage(env);
  await w.login(env, page, 'caseworker');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { name: 'Find persons' }).waitFor();
  check(await page.evaluate(() => document.documentElement.lang) === 'en', 'html lang en');
  check(JSON.stringify(await menuOf(page)) === JSON.stringify(['Persons', 'Housing', 'Signals', 'Deliveries', 'Possible duplicates']), 'English menu');
  await w.axe(page, 'persons (en)');
  await page.reload();
  await page.getByRole('heading', { name: 'Find persons' }).waitFor();
  await page.goto(`${env.url}/#/locations`);
  await page.getByRole('heading', { name: 'Housing register' }).waitFor();
  await w.waitIdle(page);
  await w.axe(page, 'housing (en)');
  await page.goto(`${env.url}/?lang=nl#/persons`);
  await page.getByRole('heading', { name: 'Personen zoeken' }).waitFor();
  check(await page.evaluate(() => document.documentElement.lang) === 'nl', 'html lang nl');
  w.noErrors(page, 'language');
  await page.context().close();
}

async function test_keyboard_only() {
  const page = await w.newPage(env);
  await page.goto(`${env.url}/`);
  await page.getByLabel('Gebruikersnaam').waitFor();
  // Skip link first, then the header buttons, then the form.
  await page.keyboard.press('Tab');
  check(await page.evaluate(() => document.activeElement.id) === 'skip', 'first tab stop is the skip link');
  await page.keyboard.press('Enter');
  check(await page.evaluate(() => document.activeElement.id) === 'main', 'skip link moves focus to the content');
  await page.getByLabel('Gebruikersnaam').focus();
  await page.keyboard.type('inspector');
  await page.keyboard.press('Tab');
  await page.keyboard.type(w.PASSWORD);
  await page.keyboard.press('Enter');
  await page.locator('#menu:not([hidden])').waitFor();
  await w.waitIdle(page);
  // Open the first location with the keyboard alone.
  const link = page.locator('table a').first();
  const ref = await link.textContent();
  await link.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: new RegExp(`Locatie ${ref}`) }).waitFor();
  w.noErrors(page, 'keyboard');
  await page.context().close();
}

async function test_javascript_budget() {
  for (const [user, hash] of [['analyst', '#/monitor'], ['caseworker', '#/persons'], ['caseworker', '#/persons/new'],
    ['inspector', '#/locations'], ['agency', '#/imports']]) {
    const page = await w.newPage(env);
    await w.login(env, page, user);
    await page.goto(`${env.url}/${hash}`);
    await w.waitIdle(page);
    const bytes = await w.jsBytes(page);
    check(bytes > 10000 && bytes < 300 * 1024, `${user} ${hash}: ${bytes} bytes of JavaScript`);
    console.log(`     ${hash}: ${(bytes / 1024).toFixed(0)} KB JavaScript`);
    await page.context().close();
  }
}

// On a phone-sized window nothing but tables (which scroll in their own
// region) is wider than the screen, and axe still finds nothing.
async function test_small_screen() {
  const page = await w.newPage(env, { width: 375, height: 740 });
  await w.login(env, page, 'admin');
  for (const hash of ['#/monitor', '#/persons', '#/locations', '#/signals', '#/imports']) {
    await page.goto(`${env.url}/${hash}`);
    await w.waitIdle(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    check(overflow <= 0, `${hash}: page ${overflow}px wider than a 375px screen`);
    await w.axe(page, `${hash} at 375px`);
  }
  w.noErrors(page, 'small screen');
  await page.context().close();
}

async function test_logout() {
  const page = await w.newPage(env);
  await w.login(env, page, 'agency');
  await page.getByRole('button', { name: 'Afmelden' }).click();
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  const me = await w.apiGet(page, '/api/v1/sessions/current');
  check(me.status === 401, `session ended: ${me.status}`);
  await page.goto(`${env.url}/#/imports`);
  await page.getByRole('heading', { name: 'Inloggen' }).waitFor();
  await page.context().close();
}

const rc = await w.main([test_login_page_and_wrong_password, test_each_role_sees_its_pages,
  test_language_switch_is_remembered, test_keyboard_only, test_javascript_budget, test_small_screen, test_logout]);
await env.close();
process.exit(rc);
