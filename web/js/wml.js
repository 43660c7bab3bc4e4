// wml.js — the statutory minimum wage (wettelijk minimumloon), from
// reference/wml.csv (copied into the web folder by the build): the
// full-time amount per month, and since 2024 the amount per hour. The
// amounts change on 1 January and 1 July, so the table covers its first
// row's date up to the half year after its last row; a date outside that
// is not covered, and the page says so instead of guessing.
let table = null;

export async function loadWml() {
  if (table) return table;
  const res = await fetch('data/wml.csv');
  if (!res.ok) return [];
  const lines = (await res.text()).trim().split(/\r?\n/).slice(1);
  table = lines.map((l) => {
    const [from, monthly, hourly] = l.split(',');
    return { from, monthly: Number(monthly), hourly: hourly ? Number(hourly) : null };
  }).filter((r) => r.monthly > 0).sort((a, b) => a.from.localeCompare(b.from));
  return table;
}

// The first and last day the table covers: {from, until} (ISO dates).
export function wmlCoverage(rows) {
  if (!rows.length) return null;
  const last = rows[rows.length - 1].from;
  const [y, m] = last.split('-').map(Number);
  return { from: rows[0].from, until: m <= 6 ? `${y}-06-30` : `${y}-12-31` };
}

// The row in force on day iso ({from, monthly, hourly}), or null when the
// table does not cover the day.
export function wmlRow(rows, iso) {
  const cover = wmlCoverage(rows);
  if (!cover || iso < cover.from || iso > cover.until) return null;
  let found = null;
  for (const r of rows) if (r.from <= iso) found = r;
  return found;
}

// The monitor's amount on day iso (docs/monitor.md): the row in force,
// before the first row the first, after the last the last (so that a
// figure is always computed; the page says when the table ends).
export function wmlMonitor(rows, iso) {
  if (!rows.length) return null;
  let found = rows[0];
  for (const r of rows) if (r.from <= iso) found = r;
  return found;
}

// Wage per hour from a monthly wage and hours per week: a month is 13/3
// weeks (52 weeks in 12 months).
export function hourlyWage(monthly, hoursPerWeek) {
  return (monthly * 3) / (13 * hoursPerWeek);
}
