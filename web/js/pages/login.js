// login.js — the login form. A wrong password, a locked account and an
// unknown user get the same answer from the server, and so from us.
import { h, put } from '../dom.js';
import { t } from '../i18n.js';
import { post, ApiError } from '../api.js';
import { form } from '../form.js';

export async function render(view, params, ctx) {
  const f = form({
    fields: [
      { name: 'username', label: t('login.username'), required: true, attrs: { autocomplete: 'username' } },
      { name: 'password', label: t('login.password'), type: 'password', required: true, attrs: { autocomplete: 'current-password' } },
    ],
    submitLabel: t('login.submit'),
    onSubmit: async (v) => {
      try {
        const session = await post('/api/v1/sessions', { username: v.username, password: v.password });
        ctx.loggedIn(session);
        return { message: t('login.done') };
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return { errors: {}, general: t('login.failed') };
        if (e instanceof ApiError && e.status === 429) return { errors: {}, general: t('login.tooMany') };
        throw e;
      }
    },
  });
  put(view, h('div', { class: 'app-login' },
    h('h1', { class: 'utrecht-heading-1' }, t('login.title')),
    h('p', { class: 'utrecht-paragraph utrecht-paragraph--lead' }, t('login.intro')),
    f));
}
