// "How to connect": command lines for this device's credentials and this server's ports.
import { h, clear } from '../dom.js';
import * as api from '../api.js';

const q = s => `'${String(s).replace(/'/g, `'\\''`)}'`;

function block(title, lines, note) {
  return h('div.connect', h('h3', title), note ? h('p.muted', note) : null,
    lines.map(l => {
      const pre = h('pre.cmd', l);
      const copy = h('button.small', { type: 'button', style: 'position:absolute;top:4px;right:4px', onclick: () => navigator.clipboard?.writeText(l) }, 'Copy');
      pre.append(copy);
      return pre;
    }));
}

/** The command lines for one device; exported for the tests' sake of reading them from the page. */
export function connectLines(creds, ports, host) {
  const out = [];
  const payload = `'{"temperature":25}'`;
  const t = creds.credentialsType;
  if (t === 'ACCESS_TOKEN') {
    const tok = creds.credentialsId;
    if (ports.http) out.push(['HTTP', [`curl -v -X POST http://${host}:${ports.http.port}/api/v1/${tok}/telemetry --header 'Content-Type: application/json' --data ${payload}`]]);
    if (ports.mqtt) out.push(['MQTT', [`mosquitto_pub -d -q 1 -h ${host} -p ${ports.mqtt.port} -t v1/devices/me/telemetry -u ${q(tok)} -m ${payload}`]]);
    if (ports.coap) out.push(['CoAP', [`coap-client -m post coap://${host}:${ports.coap.port}/api/v1/${tok}/telemetry -t json -e ${payload}`]]);
  } else if (t === 'MQTT_BASIC') {
    const v = JSON.parse(creds.credentialsValue || '{}');
    const args = [v.clientId ? `-i ${q(v.clientId)}` : '', v.userName ? `-u ${q(v.userName)}` : '', v.password ? `-P ${q(v.password)}` : ''].filter(Boolean).join(' ');
    if (ports.mqtt) out.push(['MQTT', [`mosquitto_pub -d -q 1 -h ${host} -p ${ports.mqtt.port} -t v1/devices/me/telemetry ${args} -m ${payload}`]]);
  } else if (t === 'X509_CERTIFICATE') {
    if (ports.mqtt && ports.mqtt.sslPort > 0) out.push(['MQTT over TLS', [`mosquitto_pub -d -q 1 -h ${host} -p ${ports.mqtt.sslPort} --insecure --cafile server.pem --cert device.pem --key device-key.pem -t v1/devices/me/telemetry -m ${payload}`]]);
    if (ports.coap && ports.coap.dtlsPort > 0) out.push(['CoAP over DTLS', [`coap-client-openssl -m post coaps://${host}:${ports.coap.dtlsPort}/api/v1/telemetry -c device.pem -j device-key.pem -t json -e ${payload}`]]);
  } else if (t === 'LWM2M_CREDENTIALS') {
    const v = JSON.parse(creds.credentialsValue || '{}');
    const c = v.client || {};
    const lw = ports.lwm2m;
    if (lw) {
      const lh = lw.host || host;
      if (c.securityConfigClientMode === 'NO_SEC') {
        out.push(['LwM2M (Wakaama test client)', [`./lwm2mclient -h ${lh} -p ${lw.port} -n ${q(c.endpoint)} -4`]]);
        if (lw.bootstrapPort) out.push(['LwM2M through the bootstrap server', [`./lwm2mclient -h ${lh} -p ${lw.bootstrapPort} -n ${q(c.endpoint)} -4 -b`]]);
      } else if (c.securityConfigClientMode === 'PSK') {
        out.push(['LwM2M over DTLS, PSK (Wakaama test client built with DTLS)', [`./lwm2mclient -h ${lh} -p ${lw.securePort} -n ${q(c.endpoint)} -i ${q(c.identity)} -s ${c.key} -4`]]);
      } else {
        out.push([`LwM2M over DTLS, ${c.securityConfigClientMode}`, [`# server ${lh}:${lw.securePort}, endpoint ${c.endpoint}; the client's key pair${c.securityConfigClientMode === 'X509' ? ' and certificate' : ''} as configured in its credentials`]]);
      }
    }
  }
  return out;
}

export async function connectPanel(ctx, device) {
  const [creds, ports] = await Promise.all([api.get(`/api/device/${device.id.id}/credentials`), api.get('/api/transports')]);
  const host = location.hostname;
  const lines = connectLines(creds, ports, host);
  const wrap = h('div.card#connect', h('h2', 'How to connect'),
    h('p.muted', `Credentials: ${creds.credentialsType}. Replace the payload with the device's own telemetry.`));
  if (!lines.length) wrap.append(h('p.empty', 'No device API of this server accepts these credentials.'));
  for (const [title, ls] of lines) wrap.append(block(title, ls));
  return clear(h('div'), wrap);
}
