// The device list: paged, searchable, sortable; state columns live over the WebSocket; create, edit,
// delete (undoable), assign to a customer.
import { h, pagedTable, fmtTime, toast, confirmAction, dialog, field, showFormError } from '../dom.js';
import * as api from '../api.js';
import { subscribe } from '../ws.js';
import { deviceDialog } from './device-form.js';

export async function customerTitles() {
  const res = await api.get('/api/customers?' + api.qs({ pageSize: 1000, page: 0 }));
  return new Map(res.data.map(c => [c.id.id, c.title]));
}

export async function devicesPage(ctx) {
  const admin = ctx.user.authority === 'TENANT_ADMIN';
  const customers = admin ? await customerTitles() : new Map();
  let stateSubs = [];
  const cells = new Map(); // deviceId -> {active, last}
  ctx.onLeave(() => stateSubs.forEach(u => u()));

  function stateCell(row, kind) {
    let c = cells.get(row.id.id);
    if (!c) {
      c = { active: h('span.badge.unknown', '…'), last: h('span.muted', '—') };
      cells.set(row.id.id, c);
    }
    return c[kind];
  }

  function watchState(rows) {
    stateSubs.forEach(u => u());
    stateSubs = rows.map(row => subscribe('attrSubCmds',
      { entityType: 'DEVICE', entityId: row.id.id, scope: 'SERVER_SCOPE', keys: 'active,lastActivityTime' },
      msg => {
        const c = cells.get(row.id.id);
        if (!c || !msg.data) return;
        if (!('active' in msg.data) && c.active.classList.contains('unknown')) {
          // No state yet: the device has never connected.
          c.active.className = 'badge off';
          c.active.textContent = 'inactive';
        }
        const active = msg.data.active?.[0]?.[1];
        if (active !== undefined) {
          const on = String(active) === 'true';
          c.active.className = 'badge ' + (on ? 'on' : 'off');
          c.active.textContent = on ? 'active' : 'inactive';
        }
        const last = msg.data.lastActivityTime?.[0]?.[1];
        if (last !== undefined) c.last.textContent = fmtTime(last);
      }));
  }

  const columns = [
    { title: 'Name', sort: 'name', render: r => h('a.rowlink', { href: '#/devices/' + r.id.id }, r.name) },
    { title: 'Profile', sort: 'type', key: 'type' },
    { title: 'Label', sort: 'label', key: 'label' },
    { title: 'Customer', sort: 'customerTitle', render: r => (r.customerId && customers.get(r.customerId.id)) || '' },
    { title: 'State', render: r => stateCell(r, 'active') },
    { title: 'Last activity', render: r => stateCell(r, 'last') },
    { title: 'Created', sort: 'createdTime', render: r => fmtTime(r.createdTime) },
  ];
  if (admin) {
    columns.push({
      title: '', render: r => h('span.rowactions',
        h('button.small', { type: 'button', title: 'Edit', onclick: () => edit(r) }, 'Edit'),
        h('button.small.danger', { type: 'button', title: 'Delete', onclick: () => remove(r) }, 'Delete')),
    });
  }

  const path = admin ? '/api/tenant/devices?' : `/api/customer/${ctx.user.customerId.id}/devices?`;
  const table = pagedTable({
    id: 'devices',
    columns,
    sortProperty: 'createdTime',
    sortOrder: 'DESC',
    emptyText: admin ? 'No devices yet. Press “Add device” (n) to create one.' : 'No devices are assigned to your customer.',
    load: async q => {
      const res = await api.get(path + api.pageQuery(q));
      watchState(res.data);
      return res;
    },
    onRow: r => ctx.go('devices/' + r.id.id),
    toolbar: admin ? h('button.primary#add-device', { type: 'button', 'data-key': 'n', onclick: () => edit(null) }, '+ Add device')
      : h('button#claim-device', { type: 'button', onclick: () => claim() }, 'Claim a device'),
  });

  async function claim() {
    const name = h('input#claim-name', { name: 'deviceName', required: true });
    const secret = h('input#claim-secret', { name: 'secretKey' });
    const form = h('form.form', field('Device name', name), field('Secret key', secret, 'The secret the device gave when it asked to be claimed; empty if none.'), h('p.formerr'));
    const saved = await dialog('Claim a device', form, close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary#claim-save', {
        type: 'button', onclick: async () => {
          try {
            close(await api.post(`/api/customer/device/${encodeURIComponent(name.value.trim())}/claim`, { secretKey: secret.value }));
          } catch (ex) {
            // The API answers a refused claim with the bare JSON string FAILURE or CLAIMED.
            const why = { FAILURE: 'The device did not ask to be claimed, the secret is wrong, or the claim expired.', CLAIMED: 'The device already belongs to a customer.' }[ex.body?.message] || ex.message;
            showFormError(form, new Error(why));
          }
        },
      }, 'Claim'),
    ]);
    if (saved) { toast(`Claimed “${saved.device?.name}”.`, 'ok'); table.reload(); }
  }

  async function edit(device) {
    const saved = await deviceDialog(ctx, device, customers);
    if (saved) { toast(`Saved “${saved.name}”.`, 'ok'); table.reload(); }
  }

  async function remove(device) {
    if (!await confirmAction('Delete device', `Delete “${device.name}” with its telemetry and credentials? Its sessions are closed.`)) return;
    await api.del('/api/device/' + device.id.id);
    toast(`Deleted “${device.name}”.`, 'ok');
    table.reload();
  }

  return h('section.page', h('div.pagehead', h('h1', 'Devices')), table);
}
