// Resource library: LwM2M object models (DDF XML): upload one or many, list (system and own), download, delete.
import { h, pagedTable, fmtTime, toast, confirmAction } from '../dom.js';
import * as api from '../api.js';

const NULL_ID = '13814000-1dd2-11b2-8080-808080808080';

function toBase64(buf) {
  let s = '';
  const bytes = new Uint8Array(buf);
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function resourcesPage(ctx) {
  const sys = ctx.user.authority === 'SYS_ADMIN';
  const input = h('input.offscreen#ddf-files', { type: 'file', multiple: true, accept: '.xml,application/xml,text/xml', tabindex: -1, 'aria-hidden': 'true' });
  input.onchange = async () => {
    const files = [...input.files];
    if (!files.length) return;
    const list = await Promise.all(files.map(async f => ({ resourceType: 'LWM2M_MODEL', title: f.name, fileName: f.name, data: toBase64(await f.arrayBuffer()) })));
    try {
      const saved = await api.post('/api/resource', list.length === 1 ? list[0] : list);
      const n = Array.isArray(saved) ? saved.length : 1;
      toast(`Uploaded ${n} model${n === 1 ? '' : 's'}.`, 'ok');
      table.reload();
    } catch (err) {
      toast(err.message, 'error');
    } finally { input.value = ''; }
  };
  const owner = r => (!r.tenantId || r.tenantId.id === NULL_ID ? 'system' : 'tenant');
  const table = pagedTable({
    id: 'resources',
    columns: [
      { title: 'Title', sort: 'title', key: 'title' },
      { title: 'Key', render: r => h('code', r.resourceKey) },
      { title: 'Type', key: 'resourceType' },
      { title: 'Owner', render: r => h('span.badge', owner(r)) },
      { title: 'File', key: 'fileName' },
      { title: 'Created', sort: 'createdTime', render: r => fmtTime(r.createdTime) },
      {
        title: '', render: r => h('span.rowactions',
          h('button.small', { type: 'button', onclick: () => download(r) }, 'Download'),
          (sys || owner(r) === 'tenant') ? h('button.small.danger', {
            type: 'button', onclick: async () => {
              if (!await confirmAction('Delete model', `Delete “${r.title}”? Profiles that use it keep their configuration.`)) return;
              await api.del('/api/resource/' + r.id.id).then(() => { toast('Deleted.', 'ok'); table.reload(); }, e => toast(e.message, 'error'));
            },
          }, 'Delete') : null),
      },
    ],
    sortProperty: 'title',
    load: q => api.get('/api/resource?' + api.pageQuery(q, { resourceType: 'LWM2M_MODEL' })),
    toolbar: h('button.primary#upload-ddf', { type: 'button', 'data-key': 'n', onclick: () => input.click() }, 'Upload DDF files…'),
  });
  async function download(r) {
    const full = await api.get('/api/resource/' + r.id.id);
    const bin = Uint8Array.from(atob(full.data), c => c.charCodeAt(0));
    const a = h('a', { href: URL.createObjectURL(new Blob([bin], { type: 'application/xml' })), download: r.fileName || r.resourceKey + '.xml' });
    document.body.append(a); a.click(); a.remove();
  }
  return h('section.page', h('div.pagehead', h('h1', 'Resource library'),
    h('span.sub', sys ? 'System models, usable by every tenant.' : 'System models and your own; yours override a system model of the same object and version.')), input, table);
}
