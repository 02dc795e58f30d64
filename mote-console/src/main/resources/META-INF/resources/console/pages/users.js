// Users of a tenant (tenant administrators) or of a customer: list, create (with the activation link), delete.
import { h, pagedTable, fmtTime, toast, confirmAction, dialog, field, showFormError } from '../dom.js';
import * as api from '../api.js';

export function usersPanel(owner, ownerId, authority) {
  const table = pagedTable({
    id: 'users',
    columns: [
      { title: 'E-mail', sort: 'email', key: 'email' },
      { title: 'Name', render: r => [r.firstName, r.lastName].filter(Boolean).join(' ') },
      { title: 'Authority', key: 'authority' },
      { title: 'Created', sort: 'createdTime', render: r => fmtTime(r.createdTime) },
      {
        title: '', render: r => h('span.rowactions',
          h('button.small', { type: 'button', onclick: () => activation(r) }, 'Activation link'),
          h('button.small.danger', {
            type: 'button', onclick: async () => {
              if (!await confirmAction('Delete user', `Delete ${r.email}?`)) return;
              await api.del('/api/user/' + r.id.id); toast('Deleted.', 'ok'); table.reload();
            },
          }, 'Delete')),
      },
    ],
    pageSize: 10,
    sortProperty: 'email',
    emptyText: 'No users yet.',
    load: q => api.get(`/api/${owner}/${ownerId}/users?` + api.pageQuery(q)),
    toolbar: h('button.small#add-user', { type: 'button', onclick: () => create() }, '+ Add user'),
  });

  async function activation(u) {
    const link = await api.get(`/api/user/${u.id.id}/activationLink`);
    await dialog('Activation link', h('div.form', h('p.muted', 'Send this link to the user; it sets their password once.'), h('pre.cmd', String(link))), close => [h('button', { type: 'button', onclick: () => close(null) }, 'Close')]);
  }

  async function create() {
    const email = h('input#user-email', { type: 'email', name: 'email', required: true });
    const first = h('input', { name: 'firstName' });
    const last = h('input', { name: 'lastName' });
    const form = h('form.form', field('E-mail', email), h('div.row', field('First name', first), field('Last name', last)), h('p.formerr'));
    form.querySelector('label.field').dataset.match = 'email';
    const saved = await dialog('Add user', form, close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary#user-save', {
        type: 'button', onclick: async () => {
          const body = { email: email.value.trim(), firstName: first.value.trim() || null, lastName: last.value.trim() || null, authority };
          body[owner === 'tenant' ? 'tenantId' : 'customerId'] = { entityType: owner.toUpperCase(), id: ownerId };
          try { close(await api.post('/api/user', body)); } catch (ex) { showFormError(form, ex); }
        },
      }, 'Create'),
    ]);
    if (saved) { toast(`Created ${saved.email}; it is inactive until activated.`, 'ok'); table.reload(); activation(saved); }
  }
  return table;
}

/** A titled-entity list (tenants, customers) with an inline create form and a users panel per row. */
export function ownersPage(ctx, { title, path, listPath, entity, owner, authority, usersTitle }) {
  const detail = h('div#owner-detail');
  const table = pagedTable({
    id: owner + 's',
    columns: [
      { title: 'Title', sort: 'title', key: 'title' },
      { title: 'E-mail', render: r => r.email || '' },
      { title: 'Created', sort: 'createdTime', render: r => fmtTime(r.createdTime) },
      {
        title: '', render: r => h('span.rowactions',
          h('button.small', { type: 'button', onclick: () => show(r) }, usersTitle),
          h('button.small.danger', {
            type: 'button', onclick: async () => {
              if (!await confirmAction(`Delete ${entity}`, `Delete “${r.title}” and everything it owns?`)) return;
              await api.del(`${path}/${r.id.id}`); toast('Deleted.', 'ok'); detail.replaceChildren(); table.reload();
            },
          }, 'Delete')),
      },
    ],
    sortProperty: 'title',
    load: q => api.get(listPath + '?' + api.pageQuery(q)),
    onRow: r => show(r),
    toolbar: h('button.primary#add-' + owner, { type: 'button', 'data-key': 'n', onclick: () => create() }, `+ Add ${entity}`),
  });
  function show(r) {
    detail.replaceChildren(h('div.card', h('h2', `${usersTitle} of ${r.title}`), usersPanel(owner, r.id.id, authority)));
  }
  async function create() {
    const t = h('input#owner-title', { name: 'title', required: true });
    const e = h('input', { type: 'email', name: 'email' });
    const form = h('form.form', field('Title', t), field('E-mail', e), h('p.formerr'));
    form.querySelector('label.field').dataset.match = 'title';
    const saved = await dialog(`Add ${entity}`, form, close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary#owner-save', { type: 'button', onclick: async () => { try { close(await api.post(path, { title: t.value.trim(), email: e.value.trim() || null })); } catch (ex) { showFormError(form, ex); } } }, 'Create'),
    ]);
    if (saved) { toast(`Created “${saved.title}”.`, 'ok'); table.reload(); show(saved); }
  }
  return h('section.page', h('div.pagehead', h('h1', title)), table, detail);
}
