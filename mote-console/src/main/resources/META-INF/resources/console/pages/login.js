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

/** A new user's password choice from their activation link; submit(password) signs them in. */
export function activatePage(submit) {
  const pass = h('input#new-password', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 6 });
  const again = h('input#new-password-again', { name: 'again', type: 'password', autocomplete: 'new-password', required: true });
  const err = h('p.formerr#activateerr', { role: 'alert' });
  const btn = h('button.primary#activate', { type: 'submit' }, 'Set password and sign in');
  const form = h('form.login', {
    onsubmit: async e => {
      e.preventDefault();
      err.textContent = '';
      if (pass.value !== again.value) { err.textContent = 'The two passwords differ.'; again.select(); return; }
      btn.disabled = true;
      try {
        await submit(pass.value);
      } catch (ex) {
        // A used or unknown token: the link cannot be used again, an administrator makes a new one.
        err.textContent = ex.status === 404 ? 'This activation link is no longer valid. Ask your administrator for a new one.' : ex.message;
      } finally {
        btn.disabled = false;
      }
    },
  },
  h('h1', h('span.logo', '◆'), ' Mote'),
  h('p.muted', 'Choose the password of your new account.'),
  h('label.field', h('span.lbl', 'Password'), pass),
  h('label.field', h('span.lbl', 'Password again'), again),
  err, btn,
  h('p', h('a', { href: '/' }, 'Sign in instead')));
  setTimeout(() => pass.focus());
  return h('div.loginwrap', form);
}
