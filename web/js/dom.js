// dom.js — building elements without innerHTML (no markup from data ever
// reaches the parser): h('p', {class: 'x'}, 'text', child, [children]).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// Adds children to an existing element as h() does: null, undefined and
// false are left out and arrays flattened. The DOM's own el.append(null)
// writes the text "null", so pages add children only through put() and
// fill() (tests/web/test_no_null.mjs checks every page for it).
export function put(el, ...children) {
  append(el, children);
  return el;
}

// put() after removing what el held (instead of el.replaceChildren()).
export function fill(el, ...children) {
  el.replaceChildren();
  return put(el, ...children);
}

// SVG elements (the typology and forest plots are drawn as SVG).
export function svg(tag, attrs, ...children) {
  const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let uniq = 0;
export function uid(prefix = 'id') {
  uniq += 1;
  return `${prefix}-${uniq}`;
}

// Tells screen-reader users what changed (loading done, saved, errors).
export function announce(text) {
  const live = document.getElementById('announce');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}
