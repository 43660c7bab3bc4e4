// table.js — data tables: a caption, column headers with scope, numbers
// aligned right, and a CSV download of exactly the rows shown (its cells
// guarded against spreadsheet formulas, csv.js). Every chart
// in the application has one of these beside it with its numbers.
import { h } from './dom.js';
import { t } from './i18n.js';
import { csvField } from './csv.js';

// columns: [{key, label, numeric, format(row) -> text|Node, csv(row) -> text}]
// captionHidden: the caption is for screen readers only (a visible heading
// above the table already says the same).
// On a phone's width each row is shown as a block of "label: value" lines
// (class app-stack, css/app.css) instead of a table wider than the screen;
// the explicit roles keep it a table for screen readers when the CSS
// changes its display.
export function dataTable({ caption, columns, rows, empty, className, captionHidden }) {
  const table = h('table', { class: `utrecht-table utrecht-table--html-table app-stack ${className || ''}`, role: 'table' },
    h('caption', { class: `utrecht-table__caption${captionHidden ? ' visually-hidden' : ''}` }, caption),
    h('thead', { class: 'utrecht-table__header', role: 'rowgroup' },
      h('tr', { class: 'utrecht-table__row', role: 'row' }, columns.map((c) =>
        h('th', { class: `utrecht-table__header-cell${c.numeric ? ' utrecht-table__header-cell--numeric-column' : ''}`, scope: 'col', role: 'columnheader' }, c.label)))),
    h('tbody', { class: 'utrecht-table__body', role: 'rowgroup' }, rows.length === 0
      ? h('tr', { class: 'utrecht-table__row', role: 'row' }, h('td', { class: 'utrecht-table__cell', colspan: columns.length, role: 'cell' }, empty || t('table.empty')))
      : rows.map((r) => h('tr', { class: 'utrecht-table__row', role: 'row' }, columns.map((c, i) => {
        const value = c.format ? c.format(r) : r[c.key];
        return stackCell(i === 0 && c.rowHeader, c.label, value, c.numeric);
      })))));
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' }, table);
}

// One cell of a stacking table: its column's label for the phone layout,
// the value in a span of its own (the label and the value side by side).
export function stackCell(rowHeader, label, value, numeric = false) {
  const attrs = {
    class: `utrecht-table__cell${numeric ? ' utrecht-table__cell--numeric-column utrecht-table__cell--numeric-data' : ''}`,
    'data-label': label,
  };
  const content = h('span', { class: 'app-cell' }, value);
  return rowHeader ? h('th', { ...attrs, scope: 'row', role: 'rowheader' }, content) : h('td', { ...attrs, role: 'cell' }, content);
}

export function toCsv(columns, rows) {
  const lines = [columns.map((c) => csvField(c.csvLabel || c.key)).join(',')];
  for (const r of rows) {
    lines.push(columns.map((c) => csvField(c.csv ? c.csv(r) : r[c.key])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

export function downloadText(filename, text, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function csvButton(filename, columns, rows, label) {
  return h('button', {
    type: 'button',
    class: 'utrecht-button utrecht-button--secondary-action',
    onclick: () => downloadText(filename, toCsv(columns, rows)),
  }, label || t('action.downloadCsv'));
}
