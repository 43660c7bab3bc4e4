// main.js — the application shell: who is logged in, the menu their role
// may see, the language switch and a small hash router (#/persons/12).
// Each page module exports render(main, params, ctx) and is loaded only
// when first visited, so a page loads only the JavaScript it needs.
import { t, language, setLanguage } from './i18n.js';
import { get, request, setCsrf, whenUnauthorized, ApiError } from './api.js';
import { h, put, fill } from './dom.js';

// Pages, the roles that see them in the menu, and their modules.
const PAGES = [
  { path: 'monitor', label: 'menu.monitor', roles: ['analyst', 'admin'], module: './pages/dashboard.js' },
  { path: 'persons', label: 'menu.persons', roles: ['caseworker', 'agency', 'admin'], module: './pages/persons.js' },
  { path: 'locations', label: 'menu.locations', roles: ['inspector', 'caseworker', 'admin'], module: './pages/locations.js' },
  { path: 'signals', label: 'menu.signals', roles: ['caseworker', 'inspector', 'admin'], module: './pages/signals.js' },
  { path: 'imports', label: 'menu.imports', roles: ['caseworker', 'agency', 'admin'], module: './pages/imports.js' },
  { path: 'duplicates', label: 'menu.duplicates', roles: ['caseworker', 'admin'], module: './pages/duplicates.js' },
];
const DETAIL = {
  persons: './pages/person.js',
  locations: './pages/location.js',
  signals: './pages/signal.js',
};

const ctx = { user: null };
const main = document.getElementById('main');
let rendering = 0;

function homeOf(user) {
  return PAGES.find((p) => p.roles.includes(user.role))?.path ?? 'persons';
}

function renderShell() {
  document.documentElement.lang = language();
  document.title = 'inbeeld';
  document.getElementById('skip').textContent = t('shell.skip');
  document.getElementById('lang').textContent = language() === 'nl' ? 'English' : 'Nederlands';
  document.getElementById('lang').setAttribute('lang', language() === 'nl' ? 'en' : 'nl');
  document.getElementById('footer').textContent = t('shell.footer');
  const logout = document.getElementById('logout');
  logout.textContent = t('shell.logout');
  logout.hidden = !ctx.user;
  const who = document.getElementById('whoami');
  who.textContent = ctx.user ? t('shell.whoami', { name: ctx.user.name, role: t(`role.${ctx.user.role}`) }) : '';
  const menu = document.getElementById('menu');
  menu.setAttribute('aria-label', t('shell.menu'));
  menu.hidden = !ctx.user;
  fill(menu);
  if (ctx.user) {
    const current = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
    put(menu, h('ul', { class: 'app-menu__list' }, PAGES.filter((p) => p.roles.includes(ctx.user.role)).map((p) =>
      h('li', {}, h('a', {
        href: `#/${p.path}`, class: 'app-menu__link', 'aria-current': current === p.path ? 'page' : false,
      }, t(p.label))))));
  }
}

async function route() {
  const ticket = ++rendering;
  const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
  const [area, id] = path.split('/').filter(Boolean).map(decodeURIComponent);
  renderShell();
  let modulePath;
  if (!ctx.user) {
    modulePath = './pages/login.js';
  } else if (!area) {
    location.replace(`#/${homeOf(ctx.user)}`);
    return;
  } else {
    const page = PAGES.find((p) => p.path === area);
    if (!page || !page.roles.includes(ctx.user.role)) {
      modulePath = null;
    } else {
      modulePath = id ? DETAIL[area] : page.module;
    }
  }
  fill(main, h('p', { class: 'loading', role: 'status' }, t('shell.loading')));
  if (!modulePath) {
    fill(main, h('h1', { class: 'utrecht-heading-1' }, t('shell.notFound')),
      h('p', { class: 'utrecht-paragraph' }, t('shell.notFoundText')));
    return;
  }
  try {
    const mod = await import(modulePath);
    if (ticket !== rendering) return;
    const view = h('div', { class: 'page' });
    await mod.render(view, { ...Object.fromEntries(new URLSearchParams(search || '')), id }, ctx);
    if (ticket !== rendering) return;
    fill(main, view);
    const h1 = view.querySelector('h1');
    document.title = h1 ? `${h1.textContent} — inbeeld` : 'inbeeld';
  } catch (e) {
    if (ticket !== rendering) return;
    fill(main, h('h1', { class: 'utrecht-heading-1' }, t('shell.error')),
      h('div', { class: 'utrecht-alert utrecht-alert--error', role: 'alert' },
        h('p', { class: 'utrecht-paragraph' }, e instanceof ApiError ? e.message : t('shell.errorText'))));
    if (!(e instanceof ApiError)) console.error(e);
  }
}

// Called by the login page once the session exists.
ctx.loggedIn = (session) => {
  ctx.user = session.user;
  setCsrf(session.csrf_token);
  const target = sessionStorage.getItem('inbeeld.after-login');
  sessionStorage.removeItem('inbeeld.after-login');
  if (target && target !== location.hash) location.hash = target;
  else if (location.hash && location.hash !== '#/') route();
  else location.hash = `#/${homeOf(ctx.user)}`;
};

ctx.navigate = (hash) => {
  if (location.hash === hash) route();
  else location.hash = hash;
};

whenUnauthorized(() => {
  if (ctx.user) {
    ctx.user = null;
    sessionStorage.setItem('inbeeld.after-login', location.hash);
    route();
  }
});

document.getElementById('lang').addEventListener('click', () => {
  setLanguage(language() === 'nl' ? 'en' : 'nl');
  route();
});

document.getElementById('logout').addEventListener('click', async () => {
  try { await request('DELETE', '/api/v1/sessions/current'); } catch { /* already gone */ }
  ctx.user = null;
  setCsrf(null);
  location.hash = '#/';
  route();
});

document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

window.addEventListener('hashchange', route);

async function start() {
  try {
    const me = await get('/api/v1/sessions/current');
    ctx.user = me.user;
    setCsrf(me.csrf_token);
  } catch {
    ctx.user = null;
  }
  route();
}

start();
