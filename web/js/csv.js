// csv.js — CSV text for the downloads beside the tables, which people open
// in a spreadsheet. A cell that starts with = + - @ tab or carriage return
// is a formula to Excel and LibreOffice (=HYPERLINK(...) sends data away on
// a click), so it gets a single quote in front (OWASP "CSV Injection");
// plain numbers such as -3.5 stay numbers, and a value that starts with
// quotes before such a character gets one more. The same rule as the
// server's CSV (src/core/csv_field.c).
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function guardCell(s) {
  return /^'*[=+\-@\t\r]/.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

export function csvField(v) {
  const s = guardCell(v === null || v === undefined ? '' : String(v));
  return /[",;\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
