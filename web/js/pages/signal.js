// signal.js — one signal (#/signals/ID): why it is there and what to do,
// its person or location, state, owner and due date, a button (with what
// it asks for) for each step the server says a person may take from its
// state — take on, hand over, close with an outcome, unfounded with a
// reason, release — and its history: who, when, from, to, why. A step the
// signal no longer allows (someone else was quicker: 409) is said in
// words, and the page shows the steps that are possible now.
import { h, uid, announce } from '../dom.js';
import { t, language, date } from '../i18n.js';
import { get, post, ApiError } from '../api.js';
import { field } from '../form.js';
import {
  OUTCOMES, kindText, stateText, stateBadge, ownerText, subjectLink, dueCell, ownerOptions,
} from '../signals.js';

const REASON_MAX = 500;

export async function render(view, params, ctx) {
  const id = Number(params.id);
  const url = `/api/v1/signals/${encodeURIComponent(params.id)}`;
  const load = () => get(`${url}?lang=${language()}`, { purpose: t('sig.purpose') });
  const [s, owners] = await Promise.all([load(), ownerOptions(ctx)]);
  let current = s;
  const body = h('div', { class: 'app-signal' });
  view.append(
    h('p', { class: 'app-back' }, h('a', { class: 'utrecht-link', href: '#/signals' }, t('sig.backToList'))),
    h('h1', { class: 'utrecht-heading-1' }, t('sig.detail.title', { id, kind: kindText(s.kind) })),
    body);

  // Draws the signal; notice: {kind: 'ok'|'error'|'conflict', text}.
  function draw(signal, notice) {
    current = signal;
    body.replaceChildren(
      notice ? noticeOf(notice) : '',
      h('p', { class: 'utrecht-paragraph app-signal-why' }, signal.why),
      h('p', { class: 'utrecht-paragraph app-signal-todo' }, h('strong', {}, `${t('sig.todo')}: `), signal.todo),
      details(signal),
      h('h2', { class: 'utrecht-heading-2', id: 'h-steps' }, t('sig.detail.steps')),
      steps(signal),
      h('h2', { class: 'utrecht-heading-2' }, t('sig.history')),
      history(signal));
    const first = body.querySelector('.utrecht-alert');
    if (first) first.focus();
  }

  async function step(transition, payload, onFieldError) {
    try {
      const next = await post(`${url}/transitions?lang=${language()}`, { to: transition.to, ...payload });
      const text = t('sig.detail.done', { step: transition.name });
      draw(next, { kind: 'ok', text });
      announce(text);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 409) {
        // Someone or the rules changed the signal: show it as it is now.
        draw(await load(), { kind: 'conflict', text: t('sig.detail.conflict'), detail: err.message });
      } else if (err.status === 400 || err.status === 422) {
        onFieldError(err.message);
      } else {
        draw(current, { kind: 'error', text: t('sig.detail.refused'), detail: err.message });
      }
    }
  }

  function steps(signal) {
    if (!signal.transitions.length) return h('p', { class: 'utrecht-paragraph' }, t('sig.detail.noSteps'));
    // Handing over needs someone else to hand to: without anyone (no
    // team, no colleague in one) the step is left out.
    const others = owners.options.filter(([v]) => v !== ownerValue(signal.owner));
    const possible = signal.transitions.filter((tr) => !(tr.to === signal.state && !others.length));
    return h('div', { class: 'app-steps' }, possible.map((tr) => stepForm(tr, signal)));
  }

  // One step: its button, and a field for what it needs.
  function stepForm(tr, signal) {
    const needs = tr.needs || [];
    const fields = [];
    if (needs.includes('owner')) {
      const handOver = signal.state === tr.to;
      // Taking on is for oneself unless another owner is chosen; handing
      // over needs someone else.
      const options = owners.options.filter(([v]) => !handOver || v !== ownerValue(signal.owner));
      fields.push(field({
        name: 'owner', type: 'select', options, required: true,
        label: handOver ? t('sig.detail.handOverOwner') : t('sig.detail.stepOwner'),
        value: handOver ? undefined : options[0][0],
      }));
    }
    if (needs.includes('outcome')) {
      fields.push(field({ name: 'outcome', type: 'select', required: true, label: t('sig.detail.outcome.label'),
        options: OUTCOMES.map((o) => [o, t(`code.outcome.${o}`)]) }));
    }
    if (needs.includes('reason')) {
      // Required, said with aria-required: the component library paints
      // an empty required textarea red before anything was typed.
      fields.push(field({ name: 'reason', type: 'textarea', required: true, label: t('sig.detail.reason.label'),
        hint: t('sig.detail.reason.hint'), attrs: { maxlength: REASON_MAX } }));
      fields[fields.length - 1].input.required = false;
      fields[fields.length - 1].input.setAttribute('aria-required', 'true');
    }
    const headingId = uid('step');
    const button = h('button', { type: 'submit', class: `utrecht-button ${fields.length ? 'utrecht-button--secondary-action' : 'utrecht-button--primary-action'}` }, capitalise(tr.name));
    const el = h('form', { class: `app-step app-step--${tr.to}`, novalidate: true, 'aria-labelledby': headingId, dataset: { to: tr.to } },
      h('h3', { class: 'utrecht-heading-3 visually-hidden', id: headingId }, capitalise(tr.name)),
      fields, h('div', { class: 'utrecht-button-group' }, button));
    el.addEventListener('submit', async (e) => {
      e.preventDefault();
      const payload = {};
      let bad = null;
      for (const f of fields) {
        const v = f.input.value.trim();
        f.setError('');
        if (!v) bad = bad || [f, t('form.required')];
        else if (f.dataset.field === 'reason' && new TextEncoder().encode(v).length > REASON_MAX) bad = bad || [f, t('sig.detail.reasonTooLong')];
        if (v) payload[f.dataset.field] = v;
      }
      if (bad) {
        bad[0].setError(bad[1]);
        bad[0].input.focus();
        return;
      }
      button.disabled = true;
      // A step asks for one thing at most: the server's objection is
      // about that field.
      await step(tr, payload, (message) => {
        if (fields.length) {
          fields[0].setError(message);
          fields[0].input.focus();
        } else {
          draw(current, { kind: 'error', text: t('sig.detail.refused'), detail: message });
        }
      });
      button.disabled = false;
    });
    return el;
  }

  draw(s);
}

function ownerValue(owner) {
  return owner ? `${owner.type}:${owner.name}` : '';
}

function capitalise(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function noticeOf(n) {
  const cls = n.kind === 'ok' ? 'utrecht-alert--ok' : n.kind === 'conflict' ? 'utrecht-alert--warning' : 'utrecht-alert--error';
  return h('div', { class: `utrecht-alert ${cls} app-notice`, role: n.kind === 'ok' ? 'status' : 'alert', tabindex: '-1' },
    h('p', { class: 'utrecht-paragraph' }, n.text),
    n.detail ? h('p', { class: 'utrecht-paragraph' }, n.detail) : '');
}

function details(s) {
  const row = (label, value) => [h('dt', {}, label), h('dd', {}, value)];
  return h('dl', { class: 'app-details' },
    row(t('sig.detail.subject'), subjectLink(s)),
    row(t('sig.detail.state'), stateBadge(s.state)),
    row(t('sig.detail.owner'), ownerText(s.owner)),
    row(t('sig.detail.municipality'), s.municipality || '—'),
    row(t('sig.detail.since'), date(s.since)),
    row(t('sig.detail.due'), ['open', 'in_progress'].includes(s.state) ? dueCell(s) : date(s.due)),
    row(t('sig.detail.found'), t('sig.detail.foundRange', { first: date(s.first_found), last: date(s.last_found) })),
    s.closed_on ? row(t('sig.detail.closed'), date(s.closed_on)) : [],
    s.outcome ? row(t('sig.detail.outcome'), t(`code.outcome.${s.outcome}`)) : [],
    s.reason ? row(t('sig.detail.reason'), s.reason) : []);
}

function actorText(actor) {
  if (actor === 'regels') return t('sig.history.rules');
  return actor.replace(/^user:/, '');
}

function when(line) {
  const at = new Date(line.at);
  const time = Number.isNaN(at.getTime()) ? ''
    : at.toLocaleTimeString(language() === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' });
  return time ? `${date(line.day)} ${time}` : date(line.day);
}

function history(s) {
  const caption = t('sig.history.caption', { id: s.id });
  return h('div', { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0' },
    h('table', { class: 'utrecht-table utrecht-table--html-table app-history' },
      h('caption', { class: 'utrecht-table__caption' }, caption),
      h('thead', { class: 'utrecht-table__header' }, h('tr', { class: 'utrecht-table__row' },
        ['sig.history.when', 'sig.history.who', 'sig.history.from', 'sig.history.to', 'sig.history.owner', 'sig.history.why']
          .map((k) => h('th', { class: 'utrecht-table__header-cell', scope: 'col' }, t(k))))),
      h('tbody', { class: 'utrecht-table__body' }, s.history.map((line) => h('tr', { class: 'utrecht-table__row' },
        h('th', { class: 'utrecht-table__cell', scope: 'row' }, when(line)),
        h('td', { class: 'utrecht-table__cell' }, actorText(line.actor)),
        h('td', { class: 'utrecht-table__cell' }, line.from ? stateText(line.from) : t('sig.history.new')),
        h('td', { class: 'utrecht-table__cell' }, stateText(line.to)),
        h('td', { class: 'utrecht-table__cell' }, line.owner ? ownerText(line.owner) : '—'),
        h('td', { class: 'utrecht-table__cell' }, line.why))))));
}
