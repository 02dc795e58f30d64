// The telemetry WebSocket: one connection per signed-in session, subscriptions by cmdId, resubscribed
// after a reconnect (with the then current token).
import { currentToken, onSession } from './api.js';

let socket = null;
let nextId = 1;
let backoff = 500;
const subs = new Map(); // cmdId -> {kind, cmd, cb}

onSession(state => {
  if (state === null) { subs.clear(); if (socket) { socket.onclose = null; socket.close(); socket = null; } }
});

function open() {
  if (socket || !currentToken()) return;
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(`${proto}//${location.host}/api/ws/plugins/telemetry?token=${encodeURIComponent(currentToken())}`);
  socket.onopen = () => {
    backoff = 500;
    const all = { tsSubCmds: [], attrSubCmds: [], historyCmds: [] };
    for (const [cmdId, s] of subs) all[s.kind].push({ ...s.cmd, cmdId });
    if (all.tsSubCmds.length || all.attrSubCmds.length) socket.send(JSON.stringify(all));
   
  };
  socket.onmessage = e => {
    const msg = JSON.parse(e.data);
    const s = subs.get(msg.subscriptionId);
    if (s) s.cb(msg);
  };
  socket.onclose = () => {
    socket = null;
    if (subs.size && currentToken()) setTimeout(open, backoff = Math.min(backoff * 2, 10000));
  };
}

function sendCmd(kind, cmd) {
  // A socket still connecting sends every registered subscription once it opens.
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ [kind]: [cmd] }));
  else open();
}

/**
 * Subscribes to latest telemetry (kind 'tsSubCmds', scope LATEST_TELEMETRY) or attributes ('attrSubCmds',
 * scope CLIENT_SCOPE | SHARED_SCOPE | SERVER_SCOPE) of an entity; cb gets each update. Answers an unsubscribe function.
 */
export function subscribe(kind, cmd, cb) {
  const cmdId = nextId++;
  subs.set(cmdId, { kind, cmd, cb });
  sendCmd(kind, { ...cmd, cmdId });
  return () => {
    if (!subs.delete(cmdId)) return;
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ [kind]: [{ ...cmd, cmdId, unsubscribe: true }] }));
  };
}
