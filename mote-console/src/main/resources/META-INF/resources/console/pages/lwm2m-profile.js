// The LwM2M profile editor: objects from the resource library, per resource attribute / telemetry /
// observe / key name and the notification attributes pmin, pmax, gt, lt, st; observe strategy; bootstrap
// server accounts; OTA strategies and the Object 19 option; power mode.
import { h, clear, field, toast } from '../dom.js';
import * as api from '../api.js';

const NOTIFY = ['pmin', 'pmax', 'gt', 'lt', 'st'];
const FW = [[1, 'Push the firmware as a binary to /5/0/0 (Package)'], [2, 'Give the client a CoAP URL to download from, /5/0/1 (Package URI)'], [3, 'Push the firmware as a binary to /19/0/0 (Data)']];
const SW = [[1, 'Push the software as a binary to /9/0/2 (Package)'], [2, 'Give the client a CoAP URL to download from, /9/0/3 (Package URI)']];

function sel(id, options, value, onchange) {
  const s = h('select', { id, onchange: e => onchange(e.target.value) }, options.map(([v, l]) => h('option', { value: v }, l)));
  s.value = String(value);
  return s;
}

export function lwm2mEditor(p, powerModeEditor) {
  const tc = p.profileData.transportConfiguration;
  const oa = tc.observeAttr || (tc.observeAttr = {});
  for (const k of ['observe', 'attribute', 'telemetry']) oa[k] = oa[k] || [];
  oa.keyName = oa.keyName || {};
  oa.attributeLwm2m = oa.attributeLwm2m || {};
  const settings = tc.clientLwM2mSettings || (tc.clientLwM2mSettings = {});
  tc.bootstrap = tc.bootstrap || [];

  const objectsBox = h('div#lwm2m-objects', h('p.muted', 'Loading the resource library…'));
  const adder = h('select#lwm2m-add-object', { 'aria-label': 'Add an object' });
  let library = [];

  const used = () => {
    const keys = new Set();
    for (const path of [...Object.keys(oa.keyName), ...oa.observe, ...oa.attribute, ...oa.telemetry, ...Object.keys(oa.attributeLwm2m)]) {
      const m = /^\/([^/]+)/.exec(path);
      if (m) keys.add(m[1]);
    }
    return keys;
  };

  const toggle = (list, path, on) => {
    const i = oa[list].indexOf(path);
    if (on && i < 0) oa[list].push(path);
    if (!on && i >= 0) oa[list].splice(i, 1);
  };

  // Instance ids of an object in the profile: every instance any path of the profile names.
  const instancesOf = keyId => {
    const ids = new Set();
    for (const path of [...Object.keys(oa.keyName), ...oa.observe, ...oa.attribute, ...oa.telemetry, ...Object.keys(oa.attributeLwm2m)]) {
      const m = /^\/([^/]+)\/(\d+)/.exec(path);
      if (m && m[1] === keyId) ids.add(Number(m[2]));
    }
    return [...ids].sort((a, b) => a - b);
  };

  // Key names must differ between instances (telemetry keys are per device): instance 0 keeps the
  // model's key name, other instances get their id appended.
  const addInstance = (obj, id) => {
    for (const r of obj.instances?.[0]?.resources || []) oa.keyName[`/${obj.keyId}/${id}/${r.id}`] = id === 0 ? r.keyName : `${r.keyName}${id}`;
  };

  const dropPaths = prefix => {
    for (const k of ['observe', 'attribute', 'telemetry']) oa[k] = oa[k].filter(x => !x.startsWith(prefix));
    for (const m of [oa.keyName, oa.attributeLwm2m]) for (const k of Object.keys(m)) if (k.startsWith(prefix)) delete m[k];
  };

  function instancePicker(obj, ids) {
    if (!obj.multiple) return h('span.muted', 'single instance');
    const add = h('input.mini.new-instance', { type: 'number', min: 0, max: 65534, step: 1, placeholder: 'id', 'aria-label': 'New instance id', style: 'width:70px' });
    const addBtn = h('button.small.add-instance', {
      type: 'button', onclick: () => {
        const id = Number(add.value);
        if (add.value === '' || !Number.isInteger(id) || id < 0 || id > 65534) { toast('An instance id is a whole number from 0 to 65534.', 'error'); return; }
        if (ids.includes(id)) { toast(`Instance ${id} is already in the profile.`, 'error'); return; }
        addInstance(obj, id);
        render();
      },
    }, '+ Instance');
    add.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); addBtn.click(); } });
    const chips = ids.map(id => h('span.chip', { 'data-instance': id }, `/${id}`,
      ids.length > 1 ? h('button.icon.drop-instance', { type: 'button', title: `Remove instance ${id}`, onclick: () => { dropPaths(`/${obj.keyId}/${id}/`); render(); } }, '×') : null));
    return h('span.row.instances', h('span.muted', 'Instances'), chips, add, addBtn);
  }

  function objectCard(obj) {
    const body = h('tbody');
    const model = obj.instances?.[0] || { id: 0, resources: [] };
    const ids = instancesOf(obj.keyId);
    if (!ids.length) ids.push(model.id);
    for (const instId of ids) for (const r of model.resources) {
      const inst = { id: instId };
      const path = `/${obj.keyId}/${inst.id}/${r.id}`;
      if (!(path in oa.keyName)) oa.keyName[path] = inst.id === 0 ? r.keyName : `${r.keyName}${inst.id}`;
      const attr = h('input', { type: 'checkbox', 'data-kind': 'attribute', checked: oa.attribute.includes(path) });
      const tel = h('input', { type: 'checkbox', 'data-kind': 'telemetry', checked: oa.telemetry.includes(path) });
      const obs = h('input', { type: 'checkbox', 'data-kind': 'observe', checked: oa.observe.includes(path) });
      const key = h('input', { value: oa.keyName[path] || '', 'aria-label': 'Key name', oninput: e => (oa.keyName[path] = e.target.value) });
      const sync = () => {
        // An observed resource must be stored somewhere: observe needs attribute or telemetry.
        obs.disabled = !(attr.checked || tel.checked);
        if (obs.disabled && obs.checked) { obs.checked = false; toggle('observe', path, false); }
      };
      attr.onchange = () => { if (attr.checked) { tel.checked = false; toggle('telemetry', path, false); } toggle('attribute', path, attr.checked); sync(); };
      tel.onchange = () => { if (tel.checked) { attr.checked = false; toggle('attribute', path, false); } toggle('telemetry', path, tel.checked); sync(); };
      obs.onchange = () => toggle('observe', path, obs.checked);
      sync();
      const notify = NOTIFY.map(n => h('input.mini', {
        type: 'number', step: 'any', placeholder: n, title: n, 'aria-label': n, style: 'width:62px',
        value: oa.attributeLwm2m[path]?.[n] ?? '',
        oninput: e => {
          const a = oa.attributeLwm2m[path] || (oa.attributeLwm2m[path] = {});
          if (e.target.value === '') delete a[n]; else a[n] = Number(e.target.value);
          if (!Object.keys(a).length) delete oa.attributeLwm2m[path];
        },
      }));
      body.append(h('tr', { 'data-path': path }, h('td.mono', `${inst.id}/${r.id}`), h('td', { title: r.name }, r.name), h('td', attr), h('td', tel), h('td', obs), h('td', key), h('td', h('span.row', notify))));
    }
    const remove = h('button.small.danger', { type: 'button', onclick: () => { dropPaths(`/${obj.keyId}/`); render(); } }, 'Remove');
    return h('div.card.lwm2m-object', { 'data-key': obj.keyId },
      h('h2', `${obj.name}`, h('span.muted', ` #${obj.id} v${obj.keyId.split('_')[1] || '1.0'}`), h('span.grow'), remove),
      h('div.row', instancePicker(obj, ids)),
      h('table.kv', h('colgroup', h('col', { style: 'width:56px' }), h('col', { style: 'width:24%' }), h('col', { style: 'width:70px' }), h('col', { style: 'width:70px' }), h('col', { style: 'width:70px' }), h('col', { style: 'width:20%' }), h('col')),
        h('thead', h('tr', h('th', '#'), h('th', 'Resource'), h('th', 'Attribute'), h('th', 'Telemetry'), h('th', 'Observe'), h('th', 'Key name'), h('th', 'pmin · pmax · gt · lt · st'))), body));
  }

  function render() {
    const u = used();
    const chosen = library.filter(o => u.has(o.keyId));
    clear(objectsBox, chosen.length ? chosen.map(objectCard) : h('div.empty', h('p', 'No objects yet: add the objects your devices support.')));
    clear(adder, h('option', { value: '' }, '+ Add object from the resource library…'),
      library.filter(o => !u.has(o.keyId)).map(o => h('option', { value: o.keyId }, `${o.id} ${o.name} (v${o.keyId.split('_')[1] || '1.0'})`)));
  }
  adder.onchange = () => {
    const o = library.find(x => x.keyId === adder.value);
    if (!o) return;
    addInstance(o, o.instances?.[0]?.id ?? 0);
    render();
  };
  api.get('/api/resource/lwm2m?' + api.qs({ sortOrder: 'ASC', sortProperty: 'id' }))
    .then(list => { library = list; render(); })
    .catch(err => clear(objectsBox, h('div.empty.error', h('p', err.message))));

  const strategy = sel('observe-strategy', [['SINGLE', 'SINGLE: one observation per resource'], ['COMPOSITE_ALL', 'COMPOSITE_ALL: one composite observation'], ['COMPOSITE_BY_OBJECT', 'COMPOSITE_BY_OBJECT: one per object']], oa.observeStrategy || 'SINGLE', v => (oa.observeStrategy = v));
  const initAsObs = h('input#init-as-observe', { type: 'checkbox', checked: oa.initAttrTelAsObsStrategy, onchange: e => (oa.initAttrTelAsObsStrategy = e.target.checked) });

  const bs = h('textarea#bootstrap-json', { rows: 8, spellcheck: 'false' }, JSON.stringify(tc.bootstrap, null, 2));
  const bsErr = h('div.fielderr');
  bs.oninput = () => {
    try { const v = JSON.parse(bs.value); if (!Array.isArray(v)) throw new Error('a list of server accounts'); tc.bootstrap = v; bsErr.textContent = ''; bs.classList.remove('invalid'); } catch (e) { bsErr.textContent = 'Not valid: ' + e.message; bs.classList.add('invalid'); }
  };
  const addServer = isBs => api.get(`/api/lwm2m/deviceProfile/bootstrap/${isBs}`).then(s => {
    tc.bootstrap = [...tc.bootstrap.filter(x => !!x.bootstrapServerIs !== isBs), { ...s, securityMode: 'NO_SEC' }];
    bs.value = JSON.stringify(tc.bootstrap, null, 2);
  }, err => toast(err.message, 'error'));
  const bsUpdate = h('input#bootstrap-update', { type: 'checkbox', checked: tc.bootstrapServerUpdateEnable, onchange: e => (tc.bootstrapServerUpdateEnable = e.target.checked) });

  const fw = sel('fw-strategy', FW, settings.fwUpdateStrategy ?? 1, v => (settings.fwUpdateStrategy = Number(v)));
  const sw = sel('sw-strategy', SW, settings.swUpdateStrategy ?? 1, v => (settings.swUpdateStrategy = Number(v)));
  const o19 = h('input#use-object19', { type: 'checkbox', checked: settings.useObject19ForOtaInfo, onchange: e => (settings.useObject19ForOtaInfo = e.target.checked) });
  const ver = sel('default-object-version', [['1.0', '1.0'], ['1.1', '1.1'], ['1.2', '1.2']], settings.defaultObjectIDVer || '1.0', v => (settings.defaultObjectIDVer = v));

  return h('div.form#lwm2m-editor',
    h('h3', 'Objects and resources'), h('div.row', adder), objectsBox,
    h('h3', 'Observe'), h('div.row', field('Observe strategy', strategy), h('label.row', initAsObs, 'Read attributes and telemetry with the observe strategy at registration')),
    h('h3', 'Bootstrap'), h('label.row', bsUpdate, 'Rewrite the bootstrap server account too (bootstrapServerUpdateEnable)'),
    h('div.row', h('button.small', { type: 'button', onclick: () => addServer(false) }, 'Use this LwM2M server'), h('button.small', { type: 'button', onclick: () => addServer(true) }, 'Use this bootstrap server')),
    field('Server accounts (JSON): shortServerId, host, port, securityMode, lifetime, …; empty = this LwM2M server', bs), bsErr,
    h('h3', 'Firmware and software update'), field('Firmware update strategy', fw), field('Software update strategy', sw),
    h('label.row', o19, 'Use Object 19 for the OTA package information'),
    h('h3', 'Other settings'), field('Default object version', ver), powerModeEditor(settings));
}
