import { h } from '../dom.js';

export function loginPage(submit, reason) {
  const user = h('input#username', { name: 'username', type: 'email', autocomplete: 'username', required: true, placeholder: 'you@example.com' });
  const pass = h('input#password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('p.formerr#loginerr', { role: 'alert' }, reason || '');
  const btn = h('button.primary#signin', { type: 'submit' }, 'Sign in');
  const form = h('form.login', {
    onsubmit: async e => {
      e.preventDefault();
      btn.disabled = true;
      err.textContent = '';
      try {
        await submit(user.value.trim(), pass.value);
      } catch (ex) {
        err.textContent = ex.message;
        pass.select();
      } finally {
        btn.disabled = false;
      }
    },
  },
  h('h1', h('span.logo', '◆'), ' Mote'),
  h('label.field', h('span.lbl', 'E-mail'), user),
  h('label.field', h('span.lbl', 'Password'), pass),
  err, btn);
  setTimeout(() => user.focus());
  return h('div.loginwrap', form);
}
