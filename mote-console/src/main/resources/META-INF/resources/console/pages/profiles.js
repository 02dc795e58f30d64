// Device profiles: list, create, set default, delete; the profile page edits the transport configuration
// (DEFAULT, MQTT, CoAP, LwM2M, SNMP as checked JSON) and the provisioning settings.
import { h, clear, pagedTable, fmtTime, toast, confirmAction, field, showFormError } from '../dom.js';
import * as api from '../api.js';
import { lwm2mEditor } from './lwm2m-profile.js';

const TRANSPORTS = ['DEFAULT', 'MQTT', 'COAP', 'LWM2M', 'SNMP'];

export function newProfile(name, transportType) {
  return {
    name, type: 'DEFAULT', transportType, provisionType: 'DISABLED', description: '',
    profileData: { configuration: { type: 'DEFAULT' }, transportConfiguration: defaultTransport(transportType), provisionConfiguration: { type: 'DISABLED' } },
  };
}

function defaultTransport(t) {
  switch (t) {
    case 'MQTT': return { type: 'MQTT', deviceTelemetryTopic: 'v1/devices/me/telemetry', deviceAttributesTopic: 'v1/devices/me/attributes', deviceAttributesSubscribeTopic: 'v1/devices/me/attributes', transportPayloadTypeConfiguration: { transportPayloadType: 'JSON' } };
    case 'COAP': return { type: 'COAP', coapDeviceTypeConfiguration: { coapDeviceType: 'DEFAULT', transportPayloadTypeConfiguration: { transportPayloadType: 'JSON' } }, clientSettings: { powerMode: 'DRX' } };
    case 'LWM2M': return { type: 'LWM2M', observeAttr: { keyName: {}, observe: [], attribute: [], telemetry: [], attributeLwm2m: {}, observeStrategy: 'SINGLE', initAttrTelAsObsStrategy: false }, bootstrap: [], bootstrapServerUpdateEnable: false, clientLwM2mSettings: { clientOnlyObserveAfterConnect: 1, fwUpdateStrategy: 1, swUpdateStrategy: 1, useObject19ForOtaInfo: false, powerMode: 'DRX', defaultObjectIDVer: '1.0' } };
    case 'SNMP': return { type: 'SNMP', timeoutMs: 500, retries: 0, communicationConfigs: [] };
    default: return { type: 'DEFAULT' };
  }
}

export function profilesPage(ctx) {
  const table = pagedTable({
    id: 'profiles',
    columns: [
      { title: 'Name', sort: 'name', render: r => h('a', { href: '#/profiles/' + r.id.id }, r.name) },
      { title: 'Transport', sort: 'transportType', key: 'transportType' },
      { title: 'Provisioning', render: r => r.provisionType },
      { title: 'Default', render: r => (r.default ? h('span.badge.on', 'default') : '') },
      { title: 'Created', sort: 'createdTime', render: r => fmtTime(r.createdTime) },
      {
        title: '', render: r => h('span.rowactions',
          r.default ? null : h('button.small', { type: 'button', onclick: async () => { await api.post(`/api/deviceProfile/${r.id.id}/default`); toast(`“${r.name}” is the default profile.`, 'ok'); table.reload(); } }, 'Make default'),
          r.default ? null : h('button.small.danger', {
            type: 'button', onclick: async () => {
              if (!await confirmAction('Delete profile', `Delete the profile “${r.name}”?`)) return;
              await api.del('/api/deviceProfile/' + r.id.id).then(() => { toast('Deleted.', 'ok'); table.reload(); }, e => toast(e.message, 'error'));
            },
          }, 'Delete')),
      },
    ],
    sortProperty: 'name',
    load: q => api.get('/api/deviceProfiles?' + api.pageQuery(q)),
    onRow: r => ctx.go('profiles/' + r.id.id),
    toolbar: h('button.primary#add-profile', { type: 'button', 'data-key': 'n', onclick: () => ctx.go('profiles/new') }, '+ Add profile'),
  });
  return h('section.page', h('div.pagehead', h('h1', 'Device profiles')), table);
}

function select(id, options, value) {
  const s = h('select', { id }, options.map(o => Array.isArray(o) ? h('option', { value: o[0] }, o[1]) : h('option', { value: o }, o)));
  s.value = value ?? s.options[0]?.value;
  return s;
}

function payloadEditor(tc, holder) {
  const ptc = holder.transportPayloadTypeConfiguration || (holder.transportPayloadTypeConfiguration = { transportPayloadType: 'JSON' });
  const type = select('payload-type', ['JSON', 'PROTOBUF'], ptc.transportPayloadType);
  const schemas = h('div.form');
  const names = [['deviceTelemetryProtoSchema', 'Telemetry schema'], ['deviceAttributesProtoSchema', 'Attributes schema'],
    ['deviceRpcRequestProtoSchema', 'RPC request schema'], ['deviceRpcResponseProtoSchema', 'RPC response schema']];
  const render = () => {
    ptc.transportPayloadType = type.value;
    clear(schemas, type.value !== 'PROTOBUF' ? null : names.map(([k, l]) => {
      const ta = h('textarea', { rows: 5, name: k, oninput: e => (ptc[k] = e.target.value) }, ptc[k] || '');
      const f = field(l, ta);
      f.dataset.match = k.toLowerCase() + ',' + l.toLowerCase();
      return f;
    }));
  };
  type.onchange = render;
  render();
  return h('div.form', field('Payload', type), schemas);
}

function powerModeEditor(settings) {
  const mode = select('power-mode', ['DRX', 'PSM', 'E_DRX'], settings.powerMode || 'DRX');
  const timers = h('div.row');
  const num = (k, l) => field(l, h('input', { type: 'number', min: 0, value: settings[k] ?? '', oninput: e => (settings[k] = e.target.value === '' ? undefined : Number(e.target.value)) }));
  const render = () => {
    settings.powerMode = mode.value;
    clear(timers, mode.value === 'PSM' ? num('psmActivityTimer', 'PSM activity timer (ms)') : null,
      mode.value === 'E_DRX' ? [num('edrxCycle', 'eDRX cycle (ms)'), num('pagingTransmissionWindow', 'Paging transmission window (ms)')] : null);
  };
  mode.onchange = render;
  render();
  return h('div.form', field('Power mode', mode), timers);
}

function transportEditor(p) {
  const tc = p.profileData.transportConfiguration;
  switch (tc.type) {
    case 'MQTT': {
      const topic = (k, l) => field(l, h('input', { value: tc[k] || '', oninput: e => (tc[k] = e.target.value) }));
      return h('div.form', topic('deviceTelemetryTopic', 'Telemetry topic filter'), topic('deviceAttributesTopic', 'Attributes topic filter'),
        topic('deviceAttributesSubscribeTopic', 'Attributes subscribe topic'), payloadEditor(tc, tc));
    }
    case 'COAP': {
      const dt = tc.coapDeviceTypeConfiguration || (tc.coapDeviceTypeConfiguration = { coapDeviceType: 'DEFAULT' });
      return h('div.form', payloadEditor(tc, dt), powerModeEditor(tc.clientSettings || (tc.clientSettings = {})));
    }
    case 'LWM2M': return lwm2mEditor(p, powerModeEditor);
    case 'SNMP': {
      const ta = h('textarea#snmp-json', { rows: 16, spellcheck: 'false' }, JSON.stringify(tc, null, 2));
      const err = h('div.fielderr');
      ta.oninput = () => {
        try { p.profileData.transportConfiguration = { ...JSON.parse(ta.value), type: 'SNMP' }; err.textContent = ''; ta.classList.remove('invalid'); } catch (e) { err.textContent = 'Not JSON: ' + e.message; ta.classList.add('invalid'); }
      };
      return h('div.form', h('p.muted', 'SNMP transport configuration as JSON (timeoutMs, retries, communicationConfigs with spec and mappings); the server checks it on save.'), ta, err);
    }
    default: return h('p.muted', 'Devices of a DEFAULT profile use the standard topics and paths with JSON payloads.');
  }
}

function provisionEditor(p) {
  const pc = p.profileData.provisionConfiguration || (p.profileData.provisionConfiguration = { type: 'DISABLED' });
  const type = select('provision-type', ['DISABLED', 'ALLOW_CREATE_NEW_DEVICES', 'CHECK_PRE_PROVISIONED_DEVICES'], pc.type);
  const key = h('input#provision-key', { name: 'provisionDeviceKey', value: pc.provisionDeviceKey || p.provisionDeviceKey || '' });
  const secret = h('input#provision-secret', { name: 'provisionDeviceSecret', value: pc.provisionDeviceSecret || '' });
  const kf = field('Provision device key', key); kf.dataset.match = 'provisiondevicekey,provision key,device key';
  const sf = field('Provision device secret', secret); sf.dataset.match = 'provisiondevicesecret,secret';
  const render = () => {
    pc.type = type.value;
    p.provisionType = type.value;
    kf.hidden = sf.hidden = type.value === 'DISABLED';
  };
  key.oninput = () => { pc.provisionDeviceKey = key.value; p.provisionDeviceKey = key.value; };
  secret.oninput = () => (pc.provisionDeviceSecret = secret.value);
  type.onchange = render;
  render();
  return h('div.form', field('Provisioning', type), kf, sf);
}

export async function profilePage(ctx, id) {
  const p = id === 'new' ? newProfile('', 'DEFAULT') : await api.get('/api/deviceProfile/' + id);
  const root = h('section.page#profile-page');
  const name = h('input#profile-name', { name: 'name', value: p.name, required: true, oninput: e => (p.name = e.target.value) });
  const desc = h('input#profile-description', { value: p.description || '', oninput: e => (p.description = e.target.value) });
  const transport = select('profile-transport', TRANSPORTS, p.transportType);
  const tBox = h('div#transport-editor');
  transport.onchange = () => {
    p.transportType = transport.value;
    p.profileData.transportConfiguration = defaultTransport(transport.value);
    clear(tBox, transportEditor(p));
  };
  clear(tBox, transportEditor(p));
  const err = h('p.formerr#profile-error', { role: 'alert' });
  const nf = field('Name', name); nf.dataset.match = 'name';
  const form = h('form.form', { onsubmit: e => e.preventDefault() },
    h('div.card', h('h2', 'Profile'), h('div.row', nf, field('Description', desc), field('Transport', transport))),
    h('div.card', h('h2', 'Transport configuration'), tBox),
    h('div.card', h('h2', 'Device provisioning'), provisionEditor(p)), err);
  const save = h('button.primary#profile-save', {
    type: 'button', onclick: async () => {
      save.disabled = true;
      try {
        const saved = await api.post('/api/deviceProfile', p);
        toast(`Saved “${saved.name}”.`, 'ok');
        if (id === 'new') ctx.go('profiles/' + saved.id.id); else Object.assign(p, saved);
      } catch (ex) { showFormError(form, ex); } finally { save.disabled = false; }
    },
  }, 'Save profile');
  root.append(h('div.pagehead', h('a', { href: '#/profiles' }, 'Device profiles'), h('span.muted', '/'), h('h1', id === 'new' ? 'New profile' : p.name),
    p.default ? h('span.badge.on', 'default') : null, h('span.grow'), save), form);
  return root;
}
