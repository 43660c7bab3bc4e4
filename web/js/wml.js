// wml.js — the statutory minimum wage (wettelijk minimumloon) per month,
// from reference/wml.csv (copied into the web folder by the build), so a
// wage can be shown as a percentage of the minimum wage at the job's start.
let table = null;

export async function loadWml() {
  if (table) return table;
  const res = await fetch('data/wml.csv');
  if (!res.ok) return [];
  const lines = (await res.text()).trim().split(/\r?\n/).slice(1);
  table = lines.map((l) => {
    const [from, monthly] = l.split(',');
    return { from, monthly: Number(monthly) };
  }).filter((r) => r.monthly > 0).sort((a, b) => a.from.localeCompare(b.from));
  return table;
}

// The full-time monthly minimum wage in force on day iso, or null.
export function wmlOn(rows, iso) {
  let found = null;
  for (const r of rows) if (r.from <= iso) found = r.monthly;
  return found;
}
