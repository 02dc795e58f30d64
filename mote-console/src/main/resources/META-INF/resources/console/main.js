// The console's shell: sign-in, navigation by authority, hash routes, theme and keyboard shortcuts.
import { h, clear, toast } from './dom.js';
import * as api from './api.js';
import { loginPage, activatePage } from './pages/login.js';
import { devicesPage } from './pages/devices.js';
import { devicePage } from './pages/device.js';
import { profilesPage, profilePage } from './pages/profiles.js';
import { customersPage } from './pages/customers.js';
import { resourcesPage } from './pages/resources.js';
import { otaPage } from './pages/ota.js';
import { apiKeysPage } from './pages/apikeys.js';
import { tenantsPage } from './pages/tenants.js';

const app = document.getElementById('app');
const session = { user: null };

const NAV = {
  SYS_ADMIN: [['tenants', 'Tenants'], ['resources', 'Resource library'], ['apikeys', 'API keys']],
  TENANT_ADMIN: [['devices', 'Devices'], ['profiles', 'Device profiles'], ['customers', 'Customers'],
    ['resources', 'Resource library'], ['ota', 'OTA packages'], ['apikeys', 'API keys']],
  CUSTOMER_USER: [['devices', 'Devices'], ['apikeys', 'API keys']],
};

const ROUTES = {
  devices: (ctx, id) => (id ? devicePage(ctx, id) : devicesPage(ctx)),
  profiles: (ctx, id) => (id ? profilePage(ctx, id) : profilesPage(ctx)),
  customers: ctx => customersPage(ctx),
  resources: ctx => resourcesPage(ctx),
  ota: ctx => otaPage(ctx),
  apikeys: ctx => apiKeysPage(ctx),
  tenants: ctx => tenantsPage(ctx),
};

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem('mote.theme', theme);
}
applyTheme(localStorage.getItem('mote.theme') ||
  (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));

let cleanup = [];
let main;
let routeSeq = 0;

function shell() {
  const u = session.user;
  const links = NAV[u.authority].map(([r, label]) => h('a', { href: '#/' + r, 'data-route': r }, label));
  main = h('main#main', { tabindex: -1 });
  clear(app,
    h('header.top',
      h('a.brand', { href: '#/' }, h('span.logo', '◆'), 'Mote'),
      h('nav#nav', links),
      h('span.grow'),
      h('a.docs', { href: 'swagger-ui/index.html', target: '_blank', rel: 'noopener' }, 'API docs'),
      h('button.icon#theme', {
        type: 'button', title: 'Dark / light (t)',
        onclick: () => applyTheme(document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark'),
      }, '◐'),
      h('span.who#who', { title: u.authority }, u.email, h('small', u.authority.replace('_', ' ').toLowerCase())),
      h('button#signout', { type: 'button', onclick: () => api.signOut() }, 'Sign out')),
    main);
}

function route() {
  if (!session.user) return;
  cleanup.forEach(fn => fn());
  cleanup = [];
  const [name, id] = location.hash.replace(/^#\/?/, '').split('/');
  const allowed = NAV[session.user.authority].map(([r]) => r);
  const r = allowed.includes(name) ? name : allowed[0];
  if (r !== name) { location.replace('#/' + r); return; }
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.route === r));
  performance.mark('mote:route:' + r);
  const ctx = {
    user: session.user,
    onLeave: fn => cleanup.push(fn),
    go: path => { location.hash = '#/' + path; },
  };
  clear(main, h('p.muted', 'Loading…'));
  // A page still loading when the user moves on must not overwrite the next one.
  const mine = ++routeSeq;
  Promise.resolve(ROUTES[r](ctx, id && decodeURIComponent(id)))
    .then(view => { if (view && mine === routeSeq) clear(main, view); })
    .catch(err => { if (mine === routeSeq) clear(main, h('div.empty.error', h('p', err.message), h('p', h('a', { href: '#/' + r }, 'Back')))); });
}

function signedIn(user) {
  session.user = user;
  shell();
  route();
}

function showLogin(reason) {
  cleanup.forEach(fn => fn());
  cleanup = [];
  session.user = null;
  clear(app, loginPage(async (username, password) => signedIn(await api.login(username, password)), reason));
}

// The activation link (GET /api/noauth/activate) lands here: the new user chooses a password.
function showActivation() {
  const activateToken = new URLSearchParams(location.hash.split('?')[1] || '').get('activateToken') || '';
  clear(app, activatePage(async password => {
    const user = await api.activate(activateToken, password);
    history.replaceState(null, '', location.pathname);
    signedIn(user);
  }));
}

api.onSession((state, reason) => {
  if (state === null && session.user) showLogin(reason);
});
window.addEventListener('hashchange', route);

document.addEventListener('keydown', e => {
  if (e.target.closest('input,textarea,select,[contenteditable]') || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '/') {
    const s = document.querySelector('main input.search');
    if (s) { e.preventDefault(); s.focus(); }
  } else if (e.key === 'n') {
    document.querySelector('main [data-key="n"]')?.click();
  } else if (e.key === 't') {
    document.getElementById('theme')?.click();
  }
});

window.addEventListener('unhandledrejection', e => toast(e.reason?.message || String(e.reason), 'error'));
if (location.hash.startsWith('#/activate')) showActivation(); else showLogin();
