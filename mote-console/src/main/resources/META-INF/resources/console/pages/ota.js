// OTA packages: create, upload the file with a checksum, download, delete, assign to a profile or device.
import { h, pagedTable, fmtTime, toast, confirmAction, dialog, field, showFormError } from '../dom.js';
import * as api from '../api.js';
import { rolloutPanel } from './ota-progress.js';

const ALGS = ['SHA256', 'SHA384', 'SHA512', 'MD5', 'CRC32', 'MURMUR3_32', 'MURMUR3_128'];

export async function otaPage(ctx) {
  const profiles = (await api.get('/api/deviceProfileInfos?' + api.qs({ pageSize: 1000, page: 0, sortProperty: 'name', sortOrder: 'ASC' }))).data;
  const pname = new Map(profiles.map(p => [p.id.id, p.name]));
  const table = pagedTable({
    id: 'ota',
    columns: [
      { title: 'Title', sort: 'title', key: 'title' },
      { title: 'Version', sort: 'version', key: 'version' },
      { title: 'Type', sort: 'type', key: 'type' },
      { title: 'Profile', render: r => pname.get(r.deviceProfileId?.id) || '' },
      { title: 'File', render: r => (r.url ? h('span', { title: r.url }, 'URL') : r.hasData ? `${r.fileName} (${r.dataSize} B)` : h('span.muted', 'no file yet')) },
      { title: 'Checksum', render: r => (r.checksum ? h('code', { title: r.checksum }, `${r.checksumAlgorithm} ${r.checksum.slice(0, 12)}…`) : '') },
      {
        title: '', render: r => h('span.rowactions',
          !r.hasData && !r.url ? h('button.small', { type: 'button', onclick: () => upload(r) }, 'Upload') : null,
          r.hasData ? h('a', { href: '#', onclick: e => { e.preventDefault(); download(r); } }, 'Download') : null,
          r.hasData || r.url ? h('button.small', { type: 'button', onclick: () => assign(r) }, 'Assign') : null,
          r.hasData || r.url ? h('button.small.progress', { type: 'button', onclick: () => progress(r) }, 'Progress') : null,
          h('button.small.danger', { type: 'button', onclick: async () => { if (!await confirmAction('Delete package', `Delete ${r.title} ${r.version}?`)) return; await api.del('/api/otaPackage/' + r.id.id).then(() => { toast('Deleted.', 'ok'); table.reload(); }, e => toast(e.message, 'error')); } }, 'Delete')),
      },
    ],
    sortProperty: 'createdTime',
    sortOrder: 'DESC',
    emptyText: 'No packages. Add one, then upload its file.',
    load: q => api.get('/api/otaPackages?' + api.pageQuery(q)),
    toolbar: h('button.primary#add-ota', { type: 'button', 'data-key': 'n', onclick: () => create() }, '+ Add package'),
  });

  const progressSlot = h('div');
  let shown = null;
  ctx.onLeave(() => shown?.close());
  function progress(pkg) {
    shown?.close();
    shown = rolloutPanel(pkg, () => { shown = null; });
    progressSlot.append(shown);
    shown.scrollIntoView({ block: 'nearest' });
  }

  async function create() {
    const title = h('input#ota-title', { name: 'title' });
    const version = h('input#ota-version', { name: 'version' });
    const type = h('select#ota-type', ['FIRMWARE', 'SOFTWARE'].map(t => h('option', t)));
    const profile = h('select#ota-profile', profiles.map(p => h('option', { value: p.id.id }, p.name)));
    const url = h('input', { placeholder: 'optional: the device downloads from here instead' });
    const form = h('form.form', field('Title', title), field('Version', version), h('div.row', field('Type', type), field('Device profile', profile)), field('URL', url), h('p.formerr'));
    [...form.querySelectorAll('label.field')].forEach((f, i) => (f.dataset.match = ['title', 'version', 'type', 'profile', 'url'][i]));
    const saved = await dialog('Add OTA package', form, close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary', {
        type: 'button', onclick: async () => {
          try {
            close(await api.post('/api/otaPackage', { title: title.value.trim(), version: version.value.trim(), type: type.value, deviceProfileId: { entityType: 'DEVICE_PROFILE', id: profile.value }, url: url.value.trim() || null }));
          } catch (ex) { showFormError(form, ex); }
        },
      }, 'Create'),
    ]);
    if (saved) { table.reload(); if (!saved.url) upload(saved); }
  }

  async function upload(pkg) {
    const file = h('input#ota-file', { type: 'file' });
    const alg = h('select#ota-alg', ALGS.map(a => h('option', a)));
    const sum = h('input#ota-checksum', { placeholder: 'optional: refused when the file does not match' });
    const form = h('form.form', field('File', file), h('div.row', field('Checksum algorithm', alg), field('Checksum', sum)), h('p.formerr'));
    form.querySelectorAll('label.field')[2].dataset.match = 'checksum';
    const ok = await dialog(`Upload ${pkg.title} ${pkg.version}`, form, close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary', {
        type: 'button', onclick: async () => {
          if (!file.files[0]) { showFormError(form, new Error('Choose a file')); return; }
          const fd = new FormData();
          fd.append('file', file.files[0]);
          try { close(await api.post(`/api/otaPackage/${pkg.id.id}?` + api.qs({ checksumAlgorithm: alg.value, checksum: sum.value.trim() }), fd)); } catch (ex) { showFormError(form, ex); }
        },
      }, 'Upload'),
    ]);
    if (ok) { toast('Uploaded.', 'ok'); table.reload(); }
  }

  async function download(pkg) {
    const res = await fetch(`/api/otaPackage/${pkg.id.id}/download`, { headers: { 'X-Authorization': 'Bearer ' + api.currentToken() } });
    const a = h('a', { href: URL.createObjectURL(await res.blob()), download: pkg.fileName || 'package' });
    document.body.append(a); a.click(); a.remove();
  }

  async function assign(pkg) {
    const field_ = pkg.type === 'FIRMWARE' ? 'firmwareId' : 'softwareId';
    const target = h('select#ota-target', h('option', { value: 'profile' }, `the profile ${pname.get(pkg.deviceProfileId.id)} (all its devices)`), h('option', { value: 'device' }, 'one device of that profile'));
    const devName = h('input#ota-device', { placeholder: 'device name' });
    const form = h('form.form', field('Assign to', target), field('Device', devName), h('p.formerr'));
    const ok = await dialog(`Assign ${pkg.title} ${pkg.version}`, form, close => [
      h('button', { type: 'button', onclick: () => close(null) }, 'Cancel'),
      h('button.primary', {
        type: 'button', onclick: async () => {
          const ref = { entityType: 'OTA_PACKAGE', id: pkg.id.id };
          try {
            if (target.value === 'profile') {
              const p = await api.get('/api/deviceProfile/' + pkg.deviceProfileId.id);
              close(await api.post('/api/deviceProfile', { ...p, [field_]: ref }));
            } else {
              const d = await api.get('/api/tenant/devices?' + api.qs({ deviceName: devName.value.trim() }));
              close(await api.post('/api/device', { ...d, [field_]: ref }));
            }
          } catch (ex) { showFormError(form, ex); }
        },
      }, 'Assign'),
    ]);
    if (ok) { toast('Assigned: devices get the package attributes and fw_state / sw_state QUEUED.', 'ok'); progress(pkg); }
  }

  return h('section.page', h('div.pagehead', h('h1', 'OTA packages')), table, progressSlot);
}
