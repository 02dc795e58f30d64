// LwM2M object browser: the objects and instances the client announced (DiscoverAll), each resource with
// its model's name, type and operations (the DDF from the resource library), and the LwM2M commands
// answered inline, all through the RPC API.
import { h, clear, fmtValue, dialog, field } from '../dom.js';
import * as api from '../api.js';
import { sendRpc, discoveredLinks } from './rpc.js';

async function models() {
  const res = await api.get('/api/resource?' + api.qs({ pageSize: 1000, page: 0, resourceType: 'LWM2M_MODEL' }));
  return res.data;
}

const ddfCache = new Map();
async function ddf(info) {
  if (!ddfCache.has(info.id.id)) {
    ddfCache.set(info.id.id, api.get('/api/resource/' + info.id.id).then(r => {
      // Decoded as UTF-8 (which drops a byte-order mark), so the XML declaration comes first.
      const bytes = Uint8Array.from(atob(r.data), c => c.charCodeAt(0));
      const doc = new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'application/xml');
      const obj = doc.querySelector('Object');
      if (!obj) return { name: `${info.title} (the model could not be read)`, resources: [] };
      const text = (el, n) => el.querySelector(n)?.textContent.trim() || '';
      return {
        name: text(obj, 'Name'),
        resources: [...obj.querySelectorAll('Resources > Item')].map(it => ({
          id: Number(it.getAttribute('ID')), name: text(it, 'Name'), operations: text(it, 'Operations'),
          type: text(it, 'Type'), multiple: text(it, 'MultipleInstances') === 'Multiple', units: text(it, 'Units'),
        })),
      };
    }));
  }
  return ddfCache.get(info.id.id);
}

function answerText(r) {
  if (!r.ok) return `${r.status}: ${fmtValue(r.body)}`;
  const b = r.body;
  if (b && typeof b === 'object') return [b.result, b.value !== undefined ? fmtValue(b.value) : null, b.error].filter(Boolean).join('  ');
  return fmtValue(b);
}

export async function objectBrowser(ctx, device) {
  const id = device.id.id;
  const answer = await sendRpc(id, { method: 'DiscoverAll', params: {}, timeout: 10000 });
  const list = discoveredLinks(answer);
  if (!list) {
    return h('div.empty#objects-empty', h('p', 'The device is not registered, or did not answer: ' + answerText(answer)));
  }
  const announced = new Map(); // objectId -> {version, instances:Set}
  for (const l of list) {
    const m = /^\/(\d+)(?:\/(\d+))?$/.exec(l.url);
    if (!m) continue;
    const o = announced.get(m[1]) || { version: l.attributes?.ver, instances: new Set() };
    if (l.attributes?.ver) o.version = l.attributes.ver;
    if (m[2] !== undefined) o.instances.add(Number(m[2]));
    announced.set(m[1], o);
  }
  const infos = await models();
  const pick = (obj, ver) => infos.find(i => i.resourceKey === `${obj}_${ver || '1.0'}`) ||
    infos.find(i => i.resourceKey === obj + '_1.0') || infos.find(i => i.resourceKey?.startsWith(obj + '_'));

  const tree = h('div.objtree#objects');
  for (const [obj, o] of [...announced].sort((a, b) => a[0] - b[0])) {
    const info = pick(obj, o.version);
    const model = info ? await ddf(info) : { name: 'Unknown object (no model in the resource library)', resources: [] };
    const det = h('details', { open: announced.size <= 4 || null, 'data-object': obj },
      h('summary', `/${obj}  ${model.name}`, h('span.muted', o.version ? `  v${o.version}` : ''), h('span.muted', `  · instances ${[...o.instances].join(', ') || 'none'}`)));
    for (const inst of [...o.instances].sort((a, b) => a - b)) {
      const body = h('tbody');
      for (const r of model.resources) body.append(resourceRow(id, `/${obj}/${inst}/${r.id}`, r));
      det.append(h('h3', `/${obj}/${inst}`), h('table.kv.res', h('colgroup', h('col', { style: 'width:110px' }), h('col', { style: 'width:24%' }), h('col', { style: 'width:120px' }), h('col'), h('col', { style: 'width:340px' })),
        h('thead', h('tr', h('th', 'Path'), h('th', 'Resource'), h('th', 'Type · ops'), h('th', 'Answer'), h('th', ''))), body));
    }
    tree.append(det);
  }
  return h('div.card', h('h2', 'Objects the device announced'), tree);
}

function resourceRow(deviceId, path, r) {
  const answer = h('td.inline-answer');
  const run = async (method, params) => {
    answer.textContent = '…';
    const res = await sendRpc(deviceId, { method, params: { id: path, ...params }, timeout: 10000 });
    answer.textContent = answerText(res);
    answer.title = answer.textContent;
    answer.classList.toggle('error', !res.ok || !['CONTENT', 'CHANGED', 'CREATED', 'DELETE', 'DELETED'].includes(res.body?.result));
  };
  const ask = async (title, label, initial) => {
    const inp = h('input#lwm2m-value', { value: initial });
    const v = await dialog(title, h('div.form', field(label, inp)), close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary', { type: 'button', onclick: () => close(inp.value) }, 'Send')]);
    return v;
  };
  const ops = r.operations || '';
  const btns = [];
  if (ops.includes('R')) {
    btns.push(h('button.small', { type: 'button', 'data-op': 'Read', onclick: () => run('Read') }, 'Read'),
      h('button.small', { type: 'button', 'data-op': 'Observe', onclick: () => run('Observe') }, 'Observe'),
      h('button.small', { type: 'button', 'data-op': 'ObserveCancel', onclick: () => run('ObserveCancel') }, 'Cancel'));
  }
  if (ops.includes('W')) {
    btns.push(h('button.small', {
      type: 'button', 'data-op': 'Write', onclick: async () => {
        const v = await ask(`Write ${path}`, `Value (${r.type})`, '');
        if (v === null) return;
        let value = v;
        if (['Integer', 'Float', 'Unsigned Integer'].includes(r.type) && v.trim() !== '' && !isNaN(Number(v))) value = Number(v);
        if (r.type === 'Boolean') value = v === 'true' || v === '1';
        run('WriteReplace', { value });
      },
    }, 'Write'));
  }
  if (ops.includes('E')) {
    btns.push(h('button.small', { type: 'button', 'data-op': 'Execute', onclick: () => run('Execute') }, 'Execute'));
  }
  btns.push(h('button.small', { type: 'button', 'data-op': 'Discover', onclick: () => run('Discover') }, 'Discover'));
  if (ops.includes('R')) {
    btns.push(h('button.small', {
      type: 'button', 'data-op': 'WriteAttributes', title: 'pmin, pmax, gt, lt, st', onclick: async () => {
        const v = await ask(`Write attributes of ${path}`, 'Attributes as JSON', '{"pmin":10,"pmax":60}');
        if (v === null) return;
        try { run('WriteAttributes', { attributes: JSON.parse(v) }); } catch (e) { answer.textContent = 'Not JSON: ' + e.message; }
      },
    }, 'Attributes'));
  }
  return h('tr', { 'data-path': path }, h('td.mono', path), h('td', { title: r.name }, r.name, r.multiple ? h('span.muted', ' [ ]') : null),
    h('td.muted', `${r.type || '—'} · ${ops || '—'}`), answer, h('td', h('span.rowactions', btns)));
}
