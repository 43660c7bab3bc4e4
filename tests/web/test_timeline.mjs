// test_timeline.mjs — the person timeline, at a desktop's and a phone's
// width, in Dutch and English: its axis spans the person's stays (the stay
// fills the chart, not a sliver of 1990–2026), life events before the
// first arrival are one marker at the left edge that counts them, time
// labels never overlap each other or stick out of the chart, lane names do
// not overlap, the text keeps a readable size on a phone (the chart is
// drawn at its width, not shrunk), and it is drawn again when the window
// changes width.
// Usage: node test_timeline.mjs path/to/inbeeld
import * as w from './weblib.mjs';

const { check } = w;
const env = await w.setUp(process.argv[2]);

// Persons with life events before their first arrival, and the counts.
async function earlyPersons(page, want = 3) {
  return page.evaluate(async (n) => {
    const out = [];
    for (let pg = 1; pg <= 5 && out.length < n; pg += 1) {
      const list = await (await fetch(`/api/v1/persons?pageSize=100&page=${pg}`)).json();
      for (const p of list.items) {
        const d = await (await fetch(`/api/v1/persons/${p.id}`)).json();
        const tl = d.timeline;
        if (!tl.stays.length) continue;
        const first = tl.stays.map((s) => s.arrival_date).sort()[0];
        const before = tl.life_events.filter((e) => e.date < first).length;
        if (before && out.length < n) out.push({ id: p.id, before, stays: tl.stays });
      }
    }
    return out;
  }, want);
}

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

// The chart's geometry as drawn on screen.
async function geometry(page) {
  return page.evaluate(() => {
    const svgEl = document.querySelector('svg.tl-chart');
    const box = (e) => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
    return {
      svg: box(svgEl),
      attrWidth: Number(svgEl.getAttribute('width')),
      from: svgEl.dataset.from,
      to: svgEl.dataset.to,
      ticks: [...svgEl.querySelectorAll('text.tl-year')].map((e) => ({ ...box(e), text: e.textContent })),
      lanes: [...svgEl.querySelectorAll('text.tl-lane')].map((e) => ({ ...box(e), text: e.textContent })),
      stays: [...svgEl.querySelectorAll('rect.tl-stay')].map(box),
      grid: [...svgEl.querySelectorAll('line.tl-grid')].length,
      edge: [...svgEl.querySelectorAll('.tl-edge-events--left:has(.tl-event) text')].map((e) => e.textContent),
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
  });
}

function checkGeometry(g, where, person) {
  check(g.ticks.length >= 2, `${where}: ${g.ticks.length} time labels`);
  for (let i = 0; i < g.ticks.length; i += 1) {
    const a = g.ticks[i];
    check(a.x >= g.svg.x - 0.5 && a.x + a.width <= g.svg.x + g.svg.width + 0.5, `${where}: label ${a.text} sticks out of the chart`);
    for (let j = i + 1; j < g.ticks.length; j += 1) check(!overlaps(a, g.ticks[j]), `${where}: labels ${a.text} and ${g.ticks[j].text} overlap`);
    for (const l of g.lanes) check(!overlaps(a, l), `${where}: label ${a.text} overlaps lane ${l.text}`);
  }
  for (let i = 0; i < g.lanes.length; i += 1) {
    for (let j = i + 1; j < g.lanes.length; j += 1) check(!overlaps(g.lanes[i], g.lanes[j]), `${where}: lanes ${g.lanes[i].text} and ${g.lanes[j].text} overlap`);
  }
  // Readable: drawn at its width (not scaled down), labels of real size.
  check(Math.abs(g.svg.width - g.attrWidth) <= 2, `${where}: drawn ${g.attrWidth} wide, shown ${g.svg.width}`);
  check(g.ticks.every((tk) => tk.height >= 11) && g.lanes.every((l) => l.height >= 12), `${where}: text too small`);
  check(g.overflow <= 0, `${where}: page ${g.overflow}px wider than the window`);
  // The axis spans the stays: from just before the first arrival to just
  // after the last departure (or today), and the stays fill it.
  const first = person.stays.map((s) => s.arrival_date).sort()[0];
  check(g.from <= first && g.from >= isoDaysBefore(first, 400), `${where}: axis starts ${g.from}, first arrival ${first}`);
  const left = Math.min(...g.stays.map((r) => r.x));
  const right = Math.max(...g.stays.map((r) => r.x + r.width));
  const plot = g.svg.x + g.svg.width - Math.min(...g.lanes.map((l) => l.x));
  check((right - left) / plot >= 0.75, `${where}: the stays fill ${Math.round(100 * (right - left) / plot)}% of the chart`);
  check(g.edge.length === 1 && g.edge[0].includes(String(person.before)), `${where}: marker for ${person.before} earlier events: ${g.edge}`);
}

function isoDaysBefore(iso, days) {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - days * 86400000).toISOString().slice(0, 10);
}

async function test_timeline_at_desktop_and_phone_width() {
  for (const lang of ['nl', 'en']) {
    for (const width of [1280, 375]) {
      const page = await w.newPage(env, { lang, width, height: 800 });
      await w.login(env, page, 'caseworker', { lang: lang === 'en' ? 'en' : undefined });
      const persons = await earlyPersons(page);
      check(persons.length === 3, `persons with life events before arrival: ${persons.length}`);
      for (const p of persons) {
        await page.goto(`${env.url}/#/persons/${p.id}`);
        await w.waitIdle(page);
        await page.locator('svg.tl-chart').waitFor();
        checkGeometry(await geometry(page), `person ${p.id} at ${width}px (${lang})`, p);
      }
      await w.axe(page, `timeline at ${width}px (${lang})`);
      w.noErrors(page, `timeline ${width} (${lang})`);
      await page.context().close();
    }
  }
}

async function test_redrawn_when_the_width_changes() {
  const page = await w.newPage(env, { width: 1280, height: 800 });
  await w.login(env, page, 'caseworker');
  const [p] = await earlyPersons(page, 1);
  await page.goto(`${env.url}/#/persons/${p.id}`);
  await w.waitIdle(page);
  const wide = await geometry(page);
  await page.setViewportSize({ width: 375, height: 800 });
  await page.waitForFunction((before) => Number(document.querySelector('svg.tl-chart').getAttribute('width')) < before - 100, wide.attrWidth);
  const narrow = await geometry(page);
  checkGeometry(narrow, 'after narrowing the window', p);
  check(narrow.ticks.length <= wide.ticks.length, `fewer or as many labels on the phone: ${narrow.ticks.length} vs ${wide.ticks.length}`);
  w.noErrors(page, 'resize');
  await page.context().close();
}

const rc = await w.main([test_timeline_at_desktop_and_phone_width, test_redrawn_when_the_width_changes]);
await env.close();
process.exit(rc);
