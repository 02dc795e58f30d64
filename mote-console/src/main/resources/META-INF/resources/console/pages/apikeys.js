// API keys of the signed-in user: create (value shown once), enable / disable, revoke.
import { h, pagedTable, fmtTime, toast, confirmAction, dialog, field, showFormError } from '../dom.js';
import * as api from '../api.js';

export function apiKeysPage(ctx) {
  const table = pagedTable({
    id: 'apikeys',
    columns: [
      { title: 'Description', sort: 'description', key: 'description' },
      { title: 'Enabled', render: r => h('input', { type: 'checkbox', checked: r.enabled, 'aria-label': 'Enabled', onchange: async e => { await api.put(`/api/apiKey/${r.id.id}/enabled/${e.target.checked}`); toast(e.target.checked ? 'Enabled.' : 'Disabled.', 'ok'); } }) },
      { title: 'Expires', render: r => (r.expirationTime ? fmtTime(r.expirationTime) : 'never') },
      { title: 'Created', sort: 'createdTime', render: r => fmtTime(r.createdTime) },
      { title: '', render: r => h('button.small.danger', { type: 'button', onclick: async () => { if (!await confirmAction('Revoke API key', `Revoke “${r.description || 'key'}”? Clients using it are refused from now on.`, 'Revoke')) return; await api.del('/api/apiKey/' + r.id.id); toast('Revoked.', 'ok'); table.reload(); } }, 'Revoke') },
    ],
    sortProperty: 'createdTime',
    sortOrder: 'DESC',
    emptyText: 'No API keys. Scripts and CI can use one instead of a password.',
    load: q => api.get('/api/apiKeys?' + api.pageQuery(q)),
    toolbar: h('button.primary#add-apikey', { type: 'button', 'data-key': 'n', onclick: () => create() }, '+ New API key'),
  });
  async function create() {
    const desc = h('input#apikey-description', { name: 'description' });
    const days = h('input#apikey-days', { type: 'number', min: 0, value: 90 });
    const form = h('form.form', field('Description', desc), field('Expires after (days, 0 = never)', days), h('p.formerr'));
    const saved = await dialog('New API key', form, close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary', {
        type: 'button', onclick: async () => {
          const d = Number(days.value);
          try { close(await api.post('/api/apiKey', { description: desc.value.trim(), expirationTime: d > 0 ? Date.now() + d * 864e5 : null })); } catch (ex) { showFormError(form, ex); }
        },
      }, 'Create'),
    ]);
    if (!saved) return;
    table.reload();
    await dialog('Your new API key', h('div.form', h('p', 'Copy it now: it is shown only this once.'), h('pre.cmd#apikey-value', saved.value), h('p.muted', 'Send it as X-Authorization: ApiKey <value>.')),
      close => [h('button', { type: 'button', onclick: () => navigator.clipboard?.writeText(saved.value) }, 'Copy'), h('button.primary', { type: 'button', onclick: () => close(null) }, 'Done')]);
  }
  return h('section.page', h('div.pagehead', h('h1', 'API keys')), table);
}
