// Small DOM helpers: element builder, toasts, confirm/undo, modal dialogs, a paged table.

/** h('div.cls#id', {attrs}, ...children) builds an element; on* attributes become listeners. */
export function h(tag, attrs, ...children) {
  const m = /^([a-z0-9]+)?((?:[.#][\w-]+)*)$/i.exec(tag);
  const el = document.createElement(m[1] || 'div');
  for (const part of m[2].match(/[.#][\w-]+/g) || []) {
    if (part[0] === '.') el.classList.add(part.slice(1)); else el.id = part.slice(1);
  }
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function toast(text, kind = 'info', action) {
  const box = document.getElementById('toasts');
  const t = h('div.toast.' + kind, { role: kind === 'error' ? 'alert' : 'status' }, h('span', text));
  if (action) {
    t.append(h('button.link', { onclick: () => { action.run(); t.remove(); } }, action.label));
  }
  box.append(t);
  setTimeout(() => t.remove(), action ? 8000 : 4500);
}

/** A modal dialog; resolves with the value passed to close(), or null when dismissed. */
export function dialog(title, body, buttons) {
  return new Promise(resolve => {
    const d = h('dialog.modal');
    const close = v => { d.close(); d.remove(); resolve(v); };
    const foot = h('div.actions');
    for (const b of buttons(close)) foot.append(b);
    d.append(h('h2', title), body, foot);
    d.addEventListener('cancel', e => { e.preventDefault(); close(null); });
    document.body.append(d);
    d.showModal();
    const first = d.querySelector('input,select,textarea');
    (first || foot.lastChild)?.focus();
  });
}

export function confirmAction(title, text, verb = 'Delete') {
  return dialog(title, h('p', text), close => [
    h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'),
    h('button.danger', { type: 'button', onclick: () => close(true) }, verb),
  ]).then(v => v === true);
}

export function fmtTime(ms) {
  if (ms == null || ms === '' || Number(ms) <= 0) return '—';
  const d = new Date(Number(ms));
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Time of day for today's timestamps, the full form otherwise (the title keeps the full one). */
export function fmtShort(ms) {
  const full = fmtTime(ms);
  const today = fmtTime(Date.now()).slice(0, 10);
  return full.startsWith(today) ? full.slice(11) : full;
}

export function fmtValue(v) {
  if (v == null) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export function emptyState(text, action) {
  return h('div.empty', h('p', text), action || null);
}

export function errorState(err, retry) {
  return h('div.empty.error', h('p', err.message || String(err)),
    retry ? h('button', { onclick: retry }, 'Retry') : null);
}

/**
 * A server-paged, searchable, sortable table. columns: [{key, title, sort?, render?(row)}];
 * load({page, pageSize, textSearch, sortProperty, sortOrder}) answers ThingsBoard's page data.
 */
export function pagedTable({ columns, load, onRow, pageSize = 20, sortProperty, sortOrder = 'ASC', toolbar, emptyText, id }) {
  const state = { page: 0, pageSize, textSearch: '', sortProperty, sortOrder };
  const body = h('tbody');
  const info = h('span.pageinfo');
  const prev = h('button', { type: 'button', title: 'Previous page', onclick: () => go(state.page - 1) }, '‹');
  const next = h('button', { type: 'button', title: 'Next page', onclick: () => go(state.page + 1) }, '›');
  const search = h('input.search', { type: 'search', placeholder: 'Search  ( / )', 'aria-label': 'Search' });
  let timer;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.textSearch = search.value.trim(); go(0); }, 250);
  });
  const heads = columns.map(c => {
    const th = h('th', { scope: 'col' }, c.title);
    if (c.sort) {
      th.classList.add('sortable');
      th.tabIndex = 0;
      const flip = () => {
        if (state.sortProperty === c.sort) state.sortOrder = state.sortOrder === 'ASC' ? 'DESC' : 'ASC';
        else { state.sortProperty = c.sort; state.sortOrder = 'ASC'; }
        go(0);
      };
      th.addEventListener('click', flip);
      th.addEventListener('keydown', e => { if (e.key === 'Enter') flip(); });
    }
    return th;
  });
  const table = h('table.grid', { id }, h('thead', h('tr', heads)), body);
  const wrap = h('div.tablewrap', h('div.toolbar', search, toolbar || null, h('span.grow'), info, prev, next), table);
  let seq = 0;

  async function go(page) {
    state.page = Math.max(0, page);
    const mine = ++seq;
    wrap.classList.add('loading');
    heads.forEach((th, i) => {
      const c = columns[i];
      th.dataset.sorted = c.sort && c.sort === state.sortProperty ? state.sortOrder : '';
    });
    try {
      const res = await load({ ...state });
      if (mine !== seq) return;
      body.replaceChildren(...res.data.map(row => {
        const tr = h('tr', { tabindex: onRow ? 0 : null }, columns.map(c => h('td', c.render ? c.render(row) : fmtValue(row[c.key]))));
        if (onRow) {
          tr.addEventListener('click', e => { if (!e.target.closest('button,a,input,select')) onRow(row); });
          tr.addEventListener('keydown', e => { if (e.key === 'Enter') onRow(row); });
        }
        return tr;
      }));
      if (!res.data.length) {
        body.append(h('tr', h('td.emptyrow', { colspan: columns.length }, state.textSearch ? `Nothing matches “${state.textSearch}”.` : (emptyText || 'Nothing here yet.'))));
      }
      // A mark per render lets the browser tests read how long a page took to show its rows.
      performance.mark('mote:rendered:' + (id || 'table'));
      const pages = Math.max(1, res.totalPages);
      info.textContent = `${res.totalElements} · page ${state.page + 1} of ${pages}`;
      prev.disabled = state.page === 0;
      next.disabled = !res.hasNext;
    } catch (err) {
      if (mine !== seq) return;
      body.replaceChildren(h('tr', h('td.emptyrow.error', { colspan: columns.length }, err.message)));
    } finally {
      if (mine === seq) wrap.classList.remove('loading');
    }
  }
  wrap.reload = () => go(state.page);
  wrap.focusSearch = () => search.focus();
  go(0);
  return wrap;
}

/** A labelled form field whose error line the API's validation message can fill. */
export function field(label, input, hint) {
  const err = h('div.fielderr');
  const f = h('label.field', h('span.lbl', label), input, hint ? h('small.hint', hint) : null, err);
  f.dataset.name = input.name || '';
  return f;
}

/** Shows an API error at the field its message names (ThingsBoard's messages name the field), else at the form. */
export function showFormError(form, err) {
  form.querySelectorAll('.fielderr').forEach(e => (e.textContent = ''));
  form.querySelectorAll('.invalid').forEach(e => e.classList.remove('invalid'));
  const msg = err.message || String(err);
  const lower = msg.toLowerCase();
  let target = null;
  for (const f of form.querySelectorAll('label.field')) {
    const names = (f.dataset.match || f.dataset.name || '').toLowerCase().split(',').filter(Boolean);
    if (names.some(n => lower.includes(n))) { target = f; break; }
  }
  if (target) {
    target.querySelector('.fielderr').textContent = msg;
    target.querySelector('input,select,textarea')?.classList.add('invalid');
    target.querySelector('input,select,textarea')?.focus();
  } else {
    const top = form.querySelector('.formerr');
    if (top) top.textContent = msg;
  }
}
