// RPC debug terminal: one-way / two-way / persistent requests and their answers, the persistent RPC
// history; for LwM2M devices the LwM2M commands with the device's object paths and profile keys.
import { h, clear, fmtTime, fmtValue, pagedTable, toast } from '../dom.js';
import * as api from '../api.js';

export const LWM2M_COMMANDS = {
  Read: { id: '' }, Observe: { id: '' }, ObserveCancel: { id: '' }, Discover: { id: '' },
  WriteReplace: { id: '', value: '' }, WriteUpdate: { id: '', value: {} }, WriteAttributes: { id: '', attributes: { pmin: 10, pmax: 60 } },
  Execute: { id: '' }, Create: { id: '', value: {} }, Delete: { id: '' },
  ReadComposite: { ids: [] }, ObserveComposite: { ids: [] }, ObserveCompositeCancel: { ids: [] }, WriteComposite: { nodes: {} },
  DiscoverAll: null, ObserveReadAll: null, ObserveCancelAll: null,
};

/** The links of a DiscoverAll answer (its value is the link list as JSON text), or null. */
export function discoveredLinks(r) {
  let v = r.ok ? r.body?.value : null;
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch { v = null; }
  }
  return Array.isArray(v) ? v : null;
}

/** Sends one RPC; answers {status, body} without throwing on device errors. */
export async function sendRpc(deviceId, { method, params, oneway, persistent, timeout }) {
  const body = { method, params: params ?? {}, timeout: timeout || 10000 };
  if (persistent) body.persistent = true;
  try {
    const res = await api.post(`/api/rpc/${oneway ? 'oneway' : 'twoway'}/${deviceId}`, body);
    return { ok: true, body: res };
  } catch (err) {
    const text = err.body?.message || (err.status === 504 || err.status === 408 ? 'timed out: the device did not answer in time' : err.message);
    return { ok: false, status: err.status, body: text };
  }
}

async function lwm2mHints(ctx, device) {
  const keys = [];
  if (ctx.user.authority === 'TENANT_ADMIN') {
    const p = await api.get('/api/deviceProfile/' + device.deviceProfileId.id).catch(() => null);
    const map = p?.profileData?.transportConfiguration?.observeAttr?.keyName || {};
    for (const [path, key] of Object.entries(map)) keys.push([path, key]);
  }
  return keys;
}

export async function rpcPanel(ctx, device, transport) {
  const id = device.id.id;
  const lwm2m = transport === 'LWM2M';
  const method = h('input#rpc-method', { name: 'method', list: 'rpc-methods', autocomplete: 'off', value: lwm2m ? 'Read' : '' , placeholder: 'setGpio' });
  const methods = h('datalist#rpc-methods', (lwm2m ? Object.keys(LWM2M_COMMANDS) : ['getValue', 'setValue']).map(m => h('option', { value: m })));
  const params = h('textarea#rpc-params', { name: 'params', rows: 3, spellcheck: 'false' }, lwm2m ? '{"id":"/3/0/9"}' : '{}');
  const mode = h('select#rpc-mode', [['twoway', 'two-way'], ['oneway', 'one-way'], ['ptwoway', 'persistent two-way'], ['poneway', 'persistent one-way']].map(([v, l]) => h('option', { value: v }, l)));
  const timeout = h('input#rpc-timeout', { type: 'number', min: 5000, step: 1000, value: 10000 });
  const out = h('div.terminal#rpc-out', { role: 'log', 'aria-live': 'polite' });
  const paths = h('datalist#lwm2m-paths');
  const hint = h('div.chips#lwm2m-hints');
  const line = (cls, text) => { out.append(h('div.' + cls, text)); out.scrollTop = out.scrollHeight; };

  method.addEventListener('change', () => {
    if (!lwm2m || !(method.value in LWM2M_COMMANDS)) return;
    const tmpl = LWM2M_COMMANDS[method.value];
    let cur = {};
    try { cur = JSON.parse(params.value); } catch { /* replace it */ }
    const next = tmpl === null ? {} : { ...tmpl };
    if ('id' in next && cur.id) next.id = cur.id;
    if ('id' in next && cur.key && !cur.id) { delete next.id; next.key = cur.key; }
    params.value = JSON.stringify(next);
  });

  const send = async () => {
    let p;
    try { p = params.value.trim() ? JSON.parse(params.value) : {}; } catch (e) { line('err', 'params is not JSON: ' + e.message); params.focus(); return; }
    const m = method.value.trim();
    if (!m) { line('err', 'method is required'); method.focus(); return; }
    const oneway = mode.value.endsWith('oneway');
    const persistent = mode.value.startsWith('p');
    line('req', `${fmtTime(Date.now())}  → ${m} ${JSON.stringify(p)} (${mode.selectedOptions[0].textContent})`);
    btn.disabled = true;
    const t0 = performance.now();
    const r = await sendRpc(id, { method: m, params: p, oneway, persistent, timeout: Number(timeout.value) });
    btn.disabled = false;
    const ms = Math.round(performance.now() - t0);
    if (r.ok) line('res', `${fmtTime(Date.now())}  ← ${r.body === '' ? '(no body)' : fmtValue(r.body)}  [${ms} ms]`);
    else line('err', `${fmtTime(Date.now())}  ← ${r.status}: ${fmtValue(r.body)}  [${ms} ms]`);
    if (persistent) history.reload();
  };
  const btn = h('button.primary#rpc-send', { type: 'button', onclick: send }, 'Send  (Ctrl+Enter)');
  params.addEventListener('keydown', e => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); send(); } });
  method.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); send(); } });

  const setId = v => {
    let cur = {};
    try { cur = JSON.parse(params.value); } catch { /* replace */ }
    delete cur.id; delete cur.key;
    params.value = JSON.stringify({ ...(v.startsWith('/') ? { id: v } : { key: v }), ...cur });
  };
  if (lwm2m) {
    lwm2mHints(ctx, device).then(keys => {
      clear(hint, keys.map(([path, key]) => h('button.small', { type: 'button', title: path, onclick: () => setId(key) }, key)));
    });
    sendRpc(id, { method: 'DiscoverAll', params: {}, timeout: 10000 }).then(r => {
      const links = discoveredLinks(r) || [];
      clear(paths, links.map(l => l.url).filter(u => u !== '/').map(u => h('option', { value: u })));
    });
  }

  const history = pagedTable({
    id: 'rpc-history',
    columns: [
      { title: 'Created', render: r => fmtTime(r.createdTime) },
      { title: 'Method', render: r => r.request?.body?.method ?? r.request?.method ?? '' },
      { title: 'Params', render: r => fmtValue(r.request?.body?.params ?? r.request?.params) },
      { title: 'Status', render: r => h('span.badge', r.status) },
      { title: 'Response', render: r => fmtValue(r.response) },
      { title: 'Expires', render: r => fmtTime(r.expirationTime) },
      { title: '', render: r => h('button.small.danger', { type: 'button', onclick: async () => { await api.del('/api/rpc/persistent/' + (r.id?.id ?? r.id)); toast('Deleted.', 'ok'); history.reload(); } }, 'Delete') },
    ],
    emptyText: 'No persistent RPC for this device.',
    load: q => api.get(`/api/rpc/persistent/device/${id}?` + api.pageQuery({ ...q, textSearch: undefined })),
    pageSize: 10,
  });
  const pathInput = lwm2m ? h('input#lwm2m-path', { list: 'lwm2m-paths', placeholder: '/3/0/9 or a key', onchange: e => setId(e.target.value.trim()) }) : null;
  return h('div.page',
    h('div.card#rpc-card', h('h2', 'RPC terminal'),
      h('div.row', h('label.field', h('span.lbl', 'Method'), method, methods), h('label.field', h('span.lbl', 'Mode'), mode),
        h('label.field', { style: 'max-width:140px' }, h('span.lbl', 'Timeout (ms)'), timeout),
        lwm2m ? h('label.field', h('span.lbl', 'Object path (as the device announced)'), pathInput, paths) : null),
      lwm2m ? hint : null,
      h('label.field', h('span.lbl', 'Params (JSON)'), params),
      h('div.row', btn, h('button', { type: 'button', onclick: () => out.replaceChildren() }, 'Clear')), out),
    h('div.card', h('h2', 'Persistent RPC'), history));
}
