// The device dialog: name, label, profile, customer and credentials of every type. Saving goes through
// POST /api/device-with-credentials (new) or /api/device + /api/device/credentials (existing); the API's
// validation message is shown at the field it names.
import { h, dialog, field, showFormError } from '../dom.js';
import * as api from '../api.js';

const LWM2M_MODES = ['NO_SEC', 'PSK', 'RPK', 'X509'];

function m(f, names) { f.dataset.match = names; return f; }

export function randomToken() {
  const b = new Uint8Array(15);
  crypto.getRandomValues(b);
  return Array.from(b, x => 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'[x % 57]).join('');
}

function randomHex(bytes) {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
}

/** The credential fields; get() answers {credentialsType, credentialsId, credentialsValue}. */
export function credentialsEditor(current, deviceName) {
  const type = h('select#cred-type', { name: 'credentialsType' },
    ['ACCESS_TOKEN', 'X509_CERTIFICATE', 'MQTT_BASIC', 'LWM2M_CREDENTIALS'].map(t => h('option', { value: t }, t)));
  const token = h('input#cred-token', { name: 'credentialsId', value: randomToken(), autocomplete: 'off' });
  const pem = h('textarea#cred-pem', { rows: 5, placeholder: '-----BEGIN CERTIFICATE-----' });
  const clientId = h('input#cred-clientid', { autocomplete: 'off' });
  const userName = h('input#cred-username', { autocomplete: 'off' });
  const password = h('input#cred-password', { autocomplete: 'new-password' });
  const mode = h('select#lwm2m-mode', LWM2M_MODES.map(x => h('option', { value: x }, x)));
  const endpoint = h('input#lwm2m-endpoint', { value: deviceName || '', autocomplete: 'off' });
  const identity = h('input#lwm2m-identity', { autocomplete: 'off' });
  const key = h('textarea#lwm2m-key', { rows: 2 });
  const bsMode = h('select#lwm2m-bs-mode', LWM2M_MODES.map(x => h('option', { value: x }, x)));
  const srvMode = h('select#lwm2m-srv-mode', LWM2M_MODES.map(x => h('option', { value: x }, x)));
  const bsId = h('textarea#lwm2m-bs-id', { rows: 2 });
  const bsKey = h('textarea#lwm2m-bs-key', { rows: 2 });
  const srvId = h('textarea#lwm2m-srv-id', { rows: 2 });
  const srvKey = h('textarea#lwm2m-srv-key', { rows: 2 });

  const groups = {
    ACCESS_TOKEN: h('div.credgroup', m(field('Access token', token, 'The device sends it as its MQTT user name or in the HTTP / CoAP path.'), 'token,credentials id,credentialsid')),
    X509_CERTIFICATE: h('div.credgroup', m(field('Device certificate (PEM)', pem), 'certificate,pem,x509')),
    MQTT_BASIC: h('div.credgroup',
      m(field('Client ID', clientId), 'clientid,client id'),
      m(field('User name', userName), 'username,user name'),
      m(field('Password', password), 'password')),
    LWM2M_CREDENTIALS: h('div.credgroup',
      m(field('Security mode', mode), 'securityconfigclientmode'),
      m(field('Endpoint name', endpoint, 'The name the client registers with (-n).'), 'endpoint'),
      m(field('PSK identity', identity), 'psk identity,client.identity'),
      m(field('Key', key, 'PSK: hex (32, 64 or 128 digits). RPK: base64 EC public key. X509: PEM certificate (optional).'), 'hexdec,client.key,client.cert'),
      h('fieldset', h('legend', 'Bootstrap accounts the bootstrap server gives the client'),
        m(field('Bootstrap server security mode', bsMode), 'bootstrap.bootstrapserver.securitymode'),
        m(field('Bootstrap server: client public key or id', bsId), 'bootstrap.bootstrapserver.clientpublickeyorid'),
        m(field('Bootstrap server: client secret key', bsKey), 'bootstrap.bootstrapserver.clientsecretkey'),
        m(field('LwM2M server security mode', srvMode), 'bootstrap.lwm2mserver.securitymode'),
        m(field('LwM2M server: client public key or id', srvId), 'bootstrap.lwm2mserver.clientpublickeyorid'),
        m(field('LwM2M server: client secret key', srvKey), 'bootstrap.lwm2mserver.clientsecretkey'))),
  };
  const genKey = h('button.small', { type: 'button', onclick: () => { key.value = randomHex(16); if (!identity.value) identity.value = endpoint.value; } }, 'Generate PSK');
  groups.LWM2M_CREDENTIALS.querySelector('#lwm2m-key').after(genKey);

  const lwm2mVisibility = () => {
    const mm = mode.value;
    identity.closest('label').hidden = mm !== 'PSK';
    key.closest('label').hidden = mm === 'NO_SEC';
    genKey.hidden = mm !== 'PSK';
    for (const [sel, ...inputs] of [[bsMode, bsId, bsKey], [srvMode, srvId, srvKey]]) {
      inputs.forEach(i => (i.closest('label').hidden = sel.value === 'NO_SEC'));
    }
  };
  [mode, bsMode, srvMode].forEach(s => s.addEventListener('change', lwm2mVisibility));

  const show = () => {
    for (const [t, g] of Object.entries(groups)) g.hidden = t !== type.value;
    lwm2mVisibility();
  };
  type.addEventListener('change', show);

  if (current) {
    type.value = current.credentialsType;
    const v = current.credentialsValue;
    if (current.credentialsType === 'ACCESS_TOKEN') token.value = current.credentialsId || '';
    if (current.credentialsType === 'X509_CERTIFICATE') pem.value = v || '';
    if (current.credentialsType === 'MQTT_BASIC' && v) {
      const o = JSON.parse(v);
      clientId.value = o.clientId || ''; userName.value = o.userName || ''; password.value = o.password || '';
    }
    if (current.credentialsType === 'LWM2M_CREDENTIALS' && v) {
      const o = JSON.parse(v);
      const c = o.client || {};
      mode.value = c.securityConfigClientMode || 'NO_SEC';
      endpoint.value = c.endpoint || '';
      identity.value = c.identity || '';
      key.value = c.key || c.cert || '';
      const bs = o.bootstrap || {};
      bsMode.value = bs.bootstrapServer?.securityMode || 'NO_SEC';
      bsId.value = bs.bootstrapServer?.clientPublicKeyOrId || '';
      bsKey.value = bs.bootstrapServer?.clientSecretKey || '';
      srvMode.value = bs.lwm2mServer?.securityMode || 'NO_SEC';
      srvId.value = bs.lwm2mServer?.clientPublicKeyOrId || '';
      srvKey.value = bs.lwm2mServer?.clientSecretKey || '';
    }
  }
  show();

  function account(sel, id, secret) {
    const a = { securityMode: sel.value };
    if (sel.value !== 'NO_SEC') { a.clientPublicKeyOrId = id.value.trim(); a.clientSecretKey = secret.value.trim(); }
    return a;
  }

  function get() {
    const t = type.value;
    if (t === 'ACCESS_TOKEN') return { credentialsType: t, credentialsId: token.value.trim() };
    if (t === 'X509_CERTIFICATE') return { credentialsType: t, credentialsValue: pem.value.trim() };
    if (t === 'MQTT_BASIC') {
      return { credentialsType: t, credentialsValue: JSON.stringify({ clientId: clientId.value.trim() || null, userName: userName.value.trim() || null, password: password.value || null }) };
    }
    const client = { securityConfigClientMode: mode.value, endpoint: endpoint.value.trim() };
    if (mode.value === 'PSK') { client.identity = identity.value.trim(); client.key = key.value.trim(); }
    if (mode.value === 'RPK') client.key = key.value.trim();
    if (mode.value === 'X509' && key.value.trim()) client.cert = key.value.trim();
    const value = { client, bootstrap: { bootstrapServer: account(bsMode, bsId, bsKey), lwm2mServer: account(srvMode, srvId, srvKey) } };
    return { credentialsType: t, credentialsId: mode.value === 'PSK' ? client.identity : client.endpoint, credentialsValue: JSON.stringify(value) };
  }

  return { el: h('div.creds', field('Credentials type', type), Object.values(groups)), get, endpoint };
}

export async function deviceDialog(ctx, device, customers) {
  const [profiles, dflt] = await Promise.all([
    api.get('/api/deviceProfileInfos?' + api.qs({ pageSize: 1000, page: 0, sortProperty: 'name', sortOrder: 'ASC' })).then(r => r.data),
    api.get('/api/deviceProfileInfo/default').catch(() => null)]);
  const current = device ? await api.get(`/api/device/${device.id.id}/credentials`) : null;
  const name = h('input#device-name', { name: 'name', value: device?.name || '', required: true, autocomplete: 'off' });
  const label = h('input#device-label', { name: 'label', value: device?.label || '' });
  const profile = h('select#device-profile', { name: 'deviceProfileId' }, profiles.map(p => h('option', { value: p.id.id }, p.name + (p.id.id === dflt?.id.id ? ' (default)' : '') + ' · ' + p.transportType)));
  profile.value = device?.deviceProfileId?.id || dflt?.id.id || profiles[0]?.id.id || '';
  const customer = h('select#device-customer', h('option', { value: '' }, '— none —'), [...customers].map(([id, title]) => h('option', { value: id }, title)));
  customer.value = device?.customerId?.id || '';
  const creds = credentialsEditor(current, device?.name);
  name.addEventListener('input', () => { if (!device) creds.endpoint.value = name.value; });
  const err = h('p.formerr', { role: 'alert' });
  const form = h('form.form#device-form', { novalidate: true },
    m(field('Name', name), 'name,device with such name'),
    field('Label', label),
    m(field('Device profile', profile), 'profile'),
    customers.size ? field('Customer', customer) : null,
    creds.el, err);
  return dialog(device ? `Edit ${device.name}` : 'Add device', form, close => [
    h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
    h('button.primary#device-save', {
      type: 'button',
      onclick: async e => {
        const btn = e.target;
        btn.disabled = true;
        try {
          const body = { ...(device || {}), name: name.value.trim(), label: label.value.trim() || null, deviceProfileId: { entityType: 'DEVICE_PROFILE', id: profile.value } };
          const c = creds.get();
          let saved;
          if (!device) {
            saved = await api.post('/api/device-with-credentials', { device: body, credentials: c });
          } else {
            saved = await api.post('/api/device', body);
            const changed = JSON.stringify([c.credentialsType, c.credentialsId || null, c.credentialsValue || null]) !==
              JSON.stringify([current.credentialsType, current.credentialsId || null, current.credentialsValue || null]);
            if (changed) await api.post('/api/device/credentials', { ...current, ...c, deviceId: saved.id });
          }
          const want = customer.value;
          if (want !== (saved.customerId?.id || '') && customers.size) {
            saved = want ? await api.post(`/api/customer/${want}/device/${saved.id.id}`) : await api.del(`/api/customer/device/${saved.id.id}`);
          }
          close(saved);
        } catch (ex) {
          showFormError(form, ex);
        } finally {
          btn.disabled = false;
        }
      },
    }, device ? 'Save' : 'Create'),
  ]);
}
