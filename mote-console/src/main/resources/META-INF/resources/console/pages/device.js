// One device: latest telemetry and attributes of every scope (live), OTA state, transportLog, chart,
// RPC terminal, how to connect, and for LwM2M devices the object browser.
import { h, clear, fmtTime, fmtShort, fmtValue, toast, dialog, field, showFormError, confirmAction } from '../dom.js';
import * as api from '../api.js';
import { subscribe } from '../ws.js';
import { chartPanel } from './chart.js';
import { rpcPanel } from './rpc.js';
import { connectPanel } from './connect.js';
import { objectBrowser } from './lwm2m.js';
import { deviceDialog } from './device-form.js';
import { customerTitles } from './devices.js';

const OTA_KEYS = ['fw_state', 'fw_title', 'fw_version', 'current_fw_title', 'current_fw_version', 'target_fw_title', 'target_fw_version', 'fw_error',
  'sw_state', 'sw_title', 'sw_version', 'current_sw_title', 'current_sw_version', 'target_sw_title', 'target_sw_version', 'sw_error'];

/** A live key/value table fed by one WebSocket subscription; editable rows when onEdit is given. */
function liveTable(ctx, kind, cmd, { onEdit, onDelete, exclude } = {}) {
  const rows = new Map();
  const body = h('tbody');
  const tools = !!(onEdit || onDelete);
  const cols = tools ? 4 : 3;
  const empty = h('tr.emptyrow', h('td.muted', { colspan: cols }, 'No values yet.'));
  body.append(empty);
  const table = h('table.kv', h('colgroup', h('col', { style: 'width:32%' }), h('col'), h('col', { style: 'width:84px' }), tools ? h('col', { style: 'width:76px' }) : null),
    h('thead', h('tr', h('th', 'Key'), h('th', 'Value'), h('th', 'Updated'), tools ? h('th', '') : null)), body);
  const listeners = [];
  const unsub = subscribe(kind, cmd, msg => {
    if (msg.errorCode) { clear(body, h('tr', h('td.error', { colspan: cols }, msg.errorMsg))); return; }
    for (const [key, vals] of Object.entries(msg.data || {})) {
      if (exclude && exclude(key)) continue;
      const [ts, value] = vals[0] || [];
      if (ts === undefined) continue;
      let r = rows.get(key);
      if (!r) {
        const val = h('td.val');
        const time = h('td.ts');
        const btns = [];
        if (onEdit) btns.push(h('button.small', { type: 'button', title: 'Edit', onclick: () => onEdit(key, r.value) }, 'Edit'));
        if (onDelete) btns.push(h('button.small.danger', { type: 'button', title: 'Delete', onclick: () => onDelete(key) }, '✕'));
        r = { tr: h('tr', { 'data-key': key }, h('td', { title: key }, key), val, time, tools ? h('td', h('span.rowactions', btns)) : null), val, time };
        rows.set(key, r);
        empty.remove();
        const sorted = [...rows.keys()].sort();
        const next = rows.get(sorted[sorted.indexOf(key) + 1]);
        body.insertBefore(r.tr, next ? next.tr : null);
      } else {
        r.tr.classList.remove('flash');
        void r.tr.offsetWidth; // restart the highlight
        r.tr.classList.add('flash');
      }
      r.value = value;
      r.val.textContent = fmtValue(value);
      r.val.title = fmtValue(value);
      r.time.textContent = fmtShort(ts);
      r.time.title = fmtTime(ts);
      listeners.forEach(fn => fn(key, value, ts));
    }
  });
  ctx.onLeave(unsub);
  return { table, onValue: fn => listeners.push(fn) };
}

function attributeCard(ctx, device, scope, title, editable) {
  const edit = async (key, value) => {
    const k = h('input#attr-key', { name: 'key', value: key || '', required: true });
    const v = h('textarea#attr-value', { name: 'value', rows: 3 }, value === undefined ? '' : fmtValue(value));
    const form = h('form.form', field('Key', k), field('Value (JSON: number, true/false, "text", {..})', v, 'Plain text that is not JSON is sent as a string.'), h('p.formerr'));
    if (key) k.readOnly = true;
    await dialog(key ? `Edit ${key}` : `Add ${title.toLowerCase()}`, form, close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary#attr-save', {
        type: 'button', onclick: async () => {
          let parsed;
          try { parsed = JSON.parse(v.value); } catch { parsed = v.value; }
          try {
            await api.post(`/api/plugins/telemetry/DEVICE/${device.id.id}/attributes/${scope}`, { [k.value.trim()]: parsed });
            close(true);
          } catch (ex) { showFormError(form, ex); }
        },
      }, 'Save'),
    ]);
  };
  const remove = async key => {
    if (!await confirmAction('Delete attribute', `Delete the ${scope} attribute “${key}”?`)) return;
    await api.del(`/api/plugins/telemetry/DEVICE/${device.id.id}/${scope}?keys=${encodeURIComponent(key)}`);
    toast(`Deleted ${key}.`, 'ok');
    ctx.reload();
  };
  const t = liveTable(ctx, 'attrSubCmds', { entityType: 'DEVICE', entityId: device.id.id, scope },
    editable ? { onEdit: edit, onDelete: remove } : {});
  return h('div.card', { id: 'attrs-' + scope },
    h('h2', title, h('span.grow'), editable ? h('button.small', { type: 'button', onclick: () => edit(null) }, '+ Add') : null),
    t.table);
}

export async function devicePage(ctx, id) {
  const device = await api.get('/api/device/' + id);
  const admin = ctx.user.authority === 'TENANT_ADMIN';
  const profile = await api.get('/api/deviceProfileInfo/' + device.deviceProfileId.id).catch(() => null);
  const transport = profile?.transportType || 'DEFAULT';
  const root = h('section.page#device-page', { 'data-device': id });
  const tabs = [['overview', 'Latest values'], ['chart', 'Chart'], ['rpc', 'RPC'], ['connect', 'How to connect']];
  if (transport === 'LWM2M') tabs.splice(3, 0, ['objects', 'LwM2M objects']);
  let current = 'overview';
  const tabBar = h('div.tabs', { role: 'tablist' });
  const body = h('div.tabbody');
  let leave = [];
  const sub = {
    ...ctx,
    onLeave: fn => leave.push(fn),
    reload: () => show(current),
  };
  ctx.onLeave(() => leave.forEach(fn => fn()));

  function show(name) {
    leave.forEach(fn => fn());
    leave = [];
    current = name;
    tabBar.querySelectorAll('button').forEach(b => b.setAttribute('aria-selected', String(b.dataset.tab === name)));
    const view = {
      overview: () => overview(sub, device, admin),
      chart: () => chartPanel(sub, device),
      rpc: () => rpcPanel(sub, device, transport),
      objects: () => objectBrowser(sub, device),
      connect: () => connectPanel(sub, device),
    }[name]();
    Promise.resolve(view).then(v => clear(body, v)).catch(err => clear(body, h('div.empty.error', h('p', err.message))));
  }
  for (const [name, label] of tabs) {
    tabBar.append(h('button', { type: 'button', role: 'tab', 'data-tab': name, onclick: () => show(name) }, label));
  }
  const state = h('span.badge.unknown#device-state', '…');
  const stateSub = subscribe('attrSubCmds', { entityType: 'DEVICE', entityId: id, scope: 'SERVER_SCOPE', keys: 'active' }, msg => {
    const a = msg.data?.active?.[0]?.[1];
    if (a === undefined) {
      if (state.classList.contains('unknown')) { state.className = 'badge off'; state.textContent = 'never connected'; }
      return;
    }
    const on = String(a) === 'true';
    state.className = 'badge ' + (on ? 'on' : 'off');
    state.textContent = on ? 'active' : 'inactive';
  });
  ctx.onLeave(stateSub);
  const editBtn = admin ? h('button', {
    type: 'button', onclick: async () => {
      const saved = await deviceDialog(ctx, device, await customerTitles());
      if (saved) { toast('Saved.', 'ok'); window.dispatchEvent(new HashChangeEvent('hashchange')); }
    },
  }, 'Edit') : null;
  root.append(h('div.pagehead',
    h('a', { href: '#/devices' }, 'Devices'), h('span.muted', '/'),
    h('h1#device-name', device.name), state,
    h('span.sub', `${device.type} · ${transport}${device.label ? ' · ' + device.label : ''}`),
    h('span.grow'), editBtn), tabBar, body);
  show('overview');
  return root;
}

function overview(ctx, device, admin) {
  const id = device.id.id;
  const ota = h('table.kv#ota', h('tbody'));
  const otaVals = new Map();
  const renderOta = () => {
    const body = ota.tBodies[0];
    const keys = OTA_KEYS.filter(k => otaVals.has(k));
    clear(body, keys.length ? keys.map(k => h('tr', h('th', k), h('td.val', fmtValue(otaVals.get(k))))) :
      h('tr', h('td.muted', 'No firmware or software update has been assigned or reported.')));
  };
  renderOta();
  const log = h('div.terminal#transport-log', { style: 'height:180px' });
  const telemetry = liveTable(ctx, 'tsSubCmds', { entityType: 'DEVICE', entityId: id, scope: 'LATEST_TELEMETRY' },
    { exclude: k => k === 'transportLog' });
  telemetry.onValue((k, v) => { if (OTA_KEYS.includes(k)) { otaVals.set(k, v); renderOta(); } });
  const logSub = subscribe('tsSubCmds', { entityType: 'DEVICE', entityId: id, scope: 'LATEST_TELEMETRY', keys: 'transportLog' }, msg => {
    for (const [ts, v] of msg.data?.transportLog || []) {
      log.append(h('div', h('span.muted', fmtTime(ts) + '  '), fmtValue(v)));
      log.scrollTop = log.scrollHeight;
    }
  });
  ctx.onLeave(logSub);
  // The shared attributes carry the assigned package (fw_title...), so the OTA card reads them too.
  const sharedOta = subscribe('attrSubCmds', { entityType: 'DEVICE', entityId: id, scope: 'SHARED_SCOPE' }, msg => {
    let changed = false;
    for (const [k, vals] of Object.entries(msg.data || {})) if (OTA_KEYS.includes(k)) { otaVals.set(k, vals[0][1]); changed = true; }
    if (changed) renderOta();
  });
  ctx.onLeave(sharedOta);
  api.get(`/api/plugins/telemetry/DEVICE/${id}/values/timeseries?` + api.qs({ keys: 'transportLog', startTs: Date.now() - 86400000, endTs: Date.now(), limit: 50, orderBy: 'ASC' }))
    .then(r => { if (!log.childElementCount) for (const p of r.transportLog || []) log.append(h('div', h('span.muted', fmtTime(p.ts) + '  '), fmtValue(p.value))); })
    .catch(() => {});
  return h('div.grid2',
    h('div.card#latest-telemetry', h('h2', 'Latest telemetry'), telemetry.table),
    attributeCard(ctx, device, 'CLIENT_SCOPE', 'Client attributes', false),
    attributeCard(ctx, device, 'SHARED_SCOPE', 'Shared attributes', admin),
    attributeCard(ctx, device, 'SERVER_SCOPE', 'Server attributes', admin),
    h('div.card', h('h2', 'Firmware and software update'), ota),
    h('div.card', h('h2', 'Transport log'), log));
}
