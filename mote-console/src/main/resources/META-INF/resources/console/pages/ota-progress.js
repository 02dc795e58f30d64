// Progress of an OTA package's roll-out: devices counted by fw_state / sw_state, per assignment (the
// profile's devices without a package of their own, and devices assigned the package directly).
// The REST API has no entity count query, so this is a bounded fan-out over the public API: the
// profile's devices a page at a time, then each target's latest state telemetry, a few at a time.
import { h, fmtTime } from '../dom.js';
import * as api from '../api.js';

export const STATES = ['QUEUED', 'INITIATED', 'DOWNLOADING', 'DOWNLOADED', 'VERIFIED', 'UPDATING', 'UPDATED', 'FAILED'];
/** Devices looked at per roll-out at most, and the requests in flight at once. */
const MAX_DEVICES = 2000;
const PARALLEL = 8;
const REFRESH_MS = 5000;

async function targets(pkg, profile) {
  const field = pkg.type === 'FIRMWARE' ? 'firmwareId' : 'softwareId';
  const viaProfile = profile[field]?.id === pkg.id.id;
  const found = [];
  let scanned = 0;
  let total = 0;
  for (let page = 0; scanned < MAX_DEVICES; page++) {
    const res = await api.get('/api/tenant/devices?' + api.qs({ pageSize: 100, page, type: profile.name, sortProperty: 'createdTime', sortOrder: 'ASC' }));
    total = res.totalElements;
    scanned += res.data.length;
    for (const d of res.data) {
      const own = d[field]?.id;
      if (own === pkg.id.id) found.push({ device: d, via: 'device' });
      else if (!own && viaProfile) found.push({ device: d, via: 'profile' });
    }
    if (!res.hasNext) break;
  }
  return { found, truncated: total > scanned, total };
}

async function states(pkg, list) {
  const p = pkg.type === 'FIRMWARE' ? 'fw' : 'sw';
  const keys = [`${p}_state`, `target_${p}_title`, `target_${p}_version`].join(',');
  let next = 0;
  async function worker() {
    while (next < list.length) {
      const t = list[next++];
      const v = await api.get(`/api/plugins/telemetry/DEVICE/${t.device.id.id}/values/timeseries?` + api.qs({ keys }));
      const val = k => v[k]?.[0]?.value;
      // A state reported for another package (the device's previous target) does not count for this one.
      const mine = val(`target_${p}_title`) === pkg.title && val(`target_${p}_version`) === pkg.version;
      t.state = mine ? val(`${p}_state`) : undefined;
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, list.length) }, worker));
}

/** A panel that shows and refreshes the package's roll-out until close() (returned as panel.close). */
export function rolloutPanel(pkg, onClose) {
  const body = h('tbody');
  const note = h('p.muted#rollout-note', 'Counting…');
  const cols = ['profile', 'device'];
  const rows = new Map();
  for (const s of [...STATES, 'NONE']) {
    const cells = [h('td.count'), h('td.count'), h('td.count')];
    rows.set(s, cells);
    body.append(h('tr', { 'data-state': s }, h('th', s === 'NONE' ? 'no state yet' : s), cells));
  }
  let timer = null;
  let closed = false;
  async function refresh() {
    try {
      const profile = await api.get('/api/deviceProfile/' + pkg.deviceProfileId.id);
      const { found, truncated, total } = await targets(pkg, profile);
      await states(pkg, found);
      if (closed) return;
      for (const [s, cells] of rows) {
        const n = via => found.filter(t => (via ? t.via === via : true) && (t.state || 'NONE') === s).length;
        cols.forEach((via, i) => (cells[i].textContent = n(via)));
        cells[2].textContent = n(null);
      }
      note.textContent = `${found.length} device(s) target this package` +
        (truncated ? ` among the first ${MAX_DEVICES} of the profile's ${total} devices` : '') + ` · updated ${fmtTime(Date.now())}`;
    } catch (err) {
      if (!closed) note.textContent = err.message;
    } finally {
      if (!closed) timer = setTimeout(refresh, REFRESH_MS);
    }
  }
  const panel = h('div.card#ota-progress',
    h('div.pagehead', h('h2', `Roll-out of ${pkg.title} ${pkg.version} (${pkg.type.toLowerCase()})`),
      h('span.grow'), h('button.small#rollout-close', { type: 'button', onclick: () => { panel.close(); onClose?.(); } }, 'Close')),
    h('table.grid#rollout', h('thead', h('tr', h('th', pkg.type === 'FIRMWARE' ? 'fw_state' : 'sw_state'),
      h('th', 'via the profile'), h('th', 'assigned to the device'), h('th', 'total'))), body),
    note);
  panel.close = () => { closed = true; clearTimeout(timer); panel.remove(); };
  refresh();
  return panel;
}
