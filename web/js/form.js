// form.js — form fields in the NL Design System pattern: label, optional
// hint, the error message right above the input (tied to it with
// aria-describedby, aria-invalid set), and a summary at the top that links
// to each field in error.
import { h, uid, put, fill } from './dom.js';
import { t } from './i18n.js';

// spec: {name, label, type: text|date|number|select|textarea|file|checkboxes,
//        required, options: [[value, label]], hint, value, attrs}
// checkboxes: a group of options (value: an array of the checked ones),
// whose value is the checked options separated by spaces.
export function field(spec) {
  if (spec.type === 'checkboxes') return checkboxes(spec);
  const id = uid(`f-${spec.name}`);
  const errId = `${id}-error`;
  const hintId = spec.hint ? `${id}-hint` : null;
  let input;
  const common = {
    id, name: spec.name, required: !!spec.required,
    'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
    ...(spec.attrs || {}),
  };
  if (spec.type === 'select') {
    input = h('select', { ...common, class: 'utrecht-select utrecht-select--html-select' },
      // A required choice starts empty, so that it is made on purpose.
      spec.required && spec.value !== undefined ? null : h('option', { value: '' }, t(spec.required ? 'form.choose' : 'form.none')),
      spec.options.map(([v, label]) => h('option', { value: v, selected: String(spec.value ?? '') === String(v) }, label)));
  } else if (spec.type === 'textarea') {
    input = h('textarea', { ...common, class: 'utrecht-textarea utrecht-textarea--html-textarea', rows: 4 }, spec.value ?? '');
  } else {
    input = h('input', {
      ...common,
      type: spec.type || 'text',
      class: spec.type === 'file' ? 'app-file' : 'utrecht-textbox utrecht-textbox--html-input',
      value: spec.value ?? false,
    });
  }
  const label = h('label', { class: 'utrecht-form-label', for: id }, spec.label,
    spec.required ? null : h('span', { class: 'app-optional' }, ` (${t('form.optional')})`));
  const error = h('p', { class: 'utrecht-form-field-error-message', id: errId, hidden: true });
  const wrap = h('div', { class: 'utrecht-form-field utrecht-form-field--text', dataset: { field: spec.name } },
    h('div', { class: 'utrecht-form-field__label' }, label),
    hintId ? h('div', { class: 'utrecht-form-field-description', id: hintId }, spec.hint) : null,
    error,
    h('div', { class: 'utrecht-form-field__input' }, input));
  wrap.input = input;
  wrap.labelText = spec.label;
  wrap.setError = (msg) => {
    error.hidden = !msg;
    error.textContent = msg || '';
    wrap.classList.toggle('utrecht-form-field--invalid', !!msg);
    if (msg) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
  return wrap;
}

// A group of checkboxes in a fieldset, its legend the group's label; the
// error message and hint are tied to the group.
function checkboxes(spec) {
  const id = uid(`f-${spec.name}`);
  const errId = `${id}-error`;
  const hintId = spec.hint ? `${id}-hint` : null;
  const checked = new Set(spec.value || []);
  const boxes = spec.options.map(([v, label], i) => {
    const box = h('input', { type: 'checkbox', id: `${id}-${i}`, name: spec.name, value: v, checked: checked.has(v),
      class: 'utrecht-checkbox utrecht-checkbox--html-input' });
    return h('div', { class: 'app-checkbox' }, box, h('label', { class: 'utrecht-form-label utrecht-form-label--checkbox', for: box.id }, label));
  });
  const error = h('p', { class: 'utrecht-form-field-error-message', id: errId, hidden: true });
  const wrap = h('fieldset', {
    class: 'utrecht-form-fieldset app-checkboxes', id, dataset: { field: spec.name },
    'aria-describedby': [hintId, errId].filter(Boolean).join(' '),
  },
  h('legend', { class: 'utrecht-form-fieldset__legend utrecht-form-label' }, spec.label,
    spec.required ? null : h('span', { class: 'app-optional' }, ` (${t('form.optional')})`)),
  hintId ? h('div', { class: 'utrecht-form-field-description', id: hintId }, spec.hint) : null,
  error,
  h('div', { class: 'app-checkbox-grid' }, boxes));
  wrap.input = boxes[0].firstChild;
  wrap.labelText = spec.label;
  wrap.readValue = () => boxes.map((b) => b.firstChild).filter((b) => b.checked).map((b) => b.value).join(' ');
  wrap.setError = (msg) => {
    error.hidden = !msg;
    error.textContent = msg || '';
    wrap.classList.toggle('utrecht-form-fieldset--invalid', !!msg);
  };
  return wrap;
}

// A form of fields; submit(values) may return {fieldName: message} errors
// or throw. Client checks (required, date format) run first.
export function form({ fields, submitLabel, onSubmit, className }) {
  const wraps = fields.map(field);
  const summary = h('div', { class: 'utrecht-alert utrecht-alert--error app-summary', role: 'alert', hidden: true, tabindex: '-1' });
  const status = h('p', { class: 'app-form-status', role: 'status' });
  const button = h('button', { type: 'submit', class: 'utrecht-button utrecht-button--primary-action' }, submitLabel);
  const el = h('form', { class: `app-form ${className || ''}`, novalidate: true }, summary, wraps,
    h('div', { class: 'utrecht-button-group' }, button), status);

  function showErrors(errors, general) {
    const entries = Object.entries(errors);
    for (const w of wraps) w.setError(errors[w.dataset.field]);
    fill(summary);
    if (entries.length === 0 && !general) {
      summary.hidden = true;
      return;
    }
    summary.hidden = false;
    // "Check the following fields" only heads a list of fields; a message
    // about the whole form (a failed login) is said on its own.
    if (entries.length) put(summary, h('p', { class: 'utrecht-paragraph' }, h('strong', {}, t('form.errorsTitle'))));
    if (general) put(summary, h('p', { class: 'utrecht-paragraph' }, entries.length ? general : h('strong', {}, general)));
    if (entries.length) {
      put(summary, h('ul', { class: 'utrecht-unordered-list' }, entries.map(([name, msg]) => {
        const w = wraps.find((x) => x.dataset.field === name);
        const label = w ? w.labelText : name;
        return h('li', {}, w
          ? h('a', { href: `#${w.input.id}`, class: 'utrecht-link', onclick: (e) => { e.preventDefault(); w.input.focus(); } }, `${label}: ${msg}`)
          : `${label}: ${msg}`);
      })));
    }
    summary.focus();
  }

  function values() {
    const out = {};
    for (const w of wraps) {
      const inp = w.input;
      if (w.readValue) out[w.dataset.field] = w.readValue();
      else out[w.dataset.field] = inp.type === 'file' ? inp.files[0] : inp.value.trim();
    }
    return out;
  }

  function clientErrors(v) {
    const errors = {};
    for (const spec of fields) {
      const value = v[spec.name];
      if (spec.required && (value === '' || value === undefined)) errors[spec.name] = t('form.required');
      else if (spec.type === 'date' && value && !/^\d{4}-\d\d-\d\d$/.test(value)) errors[spec.name] = t('form.date');
      else if (spec.validate && value) {
        const msg = spec.validate(value);
        if (msg) errors[spec.name] = msg;
      }
    }
    return errors;
  }

  el.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.textContent = '';
    const v = values();
    const errors = clientErrors(v);
    if (Object.keys(errors).length) {
      showErrors(errors);
      return;
    }
    button.disabled = true;
    status.textContent = t('form.busy');
    try {
      const result = await onSubmit(v);
      if (result && result.errors) {
        status.textContent = '';
        showErrors(result.errors, result.general);
      } else {
        showErrors({});
        status.textContent = result?.message || t('form.saved');
      }
    } catch (err) {
      status.textContent = '';
      showErrors({}, err.message);
    } finally {
      button.disabled = false;
    }
  });
  el.fields = wraps;
  return el;
}

// An import report's rejections as {field: message} for the form.
export function rejectionsToErrors(report) {
  const errors = {};
  for (const f of report?.files || []) {
    for (const r of f.rejections || []) {
      const key = r.field || '_';
      if (!errors[key]) errors[key] = r.message;
    }
  }
  return errors;
}
