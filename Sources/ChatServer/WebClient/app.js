// chatctl's browser client. It speaks the public API (docs/API.md) from the page's own
// origin, as any client does: REST with a bearer token, the room WebSocket with ?token=,
// a client_id on every message (resent after a reconnect until the server echoes it),
// since=<last message id> on a reconnect, and the notification service's WebSocket.
// Plain JavaScript, no build step; every text from the server goes into textContent.
'use strict';

const $ = (id) => document.getElementById(id);

const session = {
  token: sessionStorage.getItem('chatctl.token'),
  username: sessionStorage.getItem('chatctl.username'),
};
// What the page cannot see from its own address (GET client-config.json).
let config = { notify_url: null, notify_port: 8080 };
let room = null; // the RoomSocket of the room on screen
let notifications = null; // the NotifySocket
// Messages sent and not yet echoed, by room: client_id -> content. They are resent on
// every (re)connect; the server stores a client_id once however often it comes.
const pendingByRoom = new Map();
// Room ids to names, learnt from messages (notifications carry only the id).
const roomNames = new Map();

// ---------- HTTP ----------

async function api(path, { method = 'GET', body } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let data = text;
  try { data = JSON.parse(text); } catch { /* the room calls answer in plain text */ }
  if (!response.ok) {
    if (response.status === 401 && session.token) endSession('Your session has ended; log in again.');
    throw new Error(describe(data, response.status));
  }
  return data;
}

// An error answer as a sentence: {"error","message"}, {"error","field"} or plain text.
function describe(data, status) {
  if (data && typeof data === 'object') {
    const text = data.message || data.error || `HTTP ${status}`;
    return data.field ? `${text} (${data.field})` : text;
  }
  return (typeof data === 'string' && data.trim()) || `HTTP ${status}`;
}

// A ws: or wss: URL (as the page is http: or https:) for a path or URL, with a query.
function socketURL(base, query) {
  const url = new URL(base, location.href);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  if (url.protocol === 'https:') url.protocol = 'wss:';
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined) url.searchParams.set(key, value);
  }
  return url.href;
}

// 32 hex digits (crypto.randomUUID needs a secure context; getRandomValues does not).
function newClientID() {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---------- WebSockets ----------

// A WebSocket that comes back after a drop, waiting 0.5 s, 1 s, 2 s … up to 5 s between
// tries. A close with 1008 means the server ended the session (logout, a disabled user,
// a changed password): the page goes back to the login form instead. A node that drains
// before a restart sends {"type":"reconnect","since":…} and closes with 1012: the socket
// comes back at once (after a short random wait, so a room's clients do not all return
// in the same instant), the balancer picks another node.
class Reconnecting {
  constructor(statusElement) {
    this.statusElement = statusElement;
    this.ws = null;
    this.attempts = 0;
    this.timer = null;
    this.stopped = false;
    this.drained = false;
  }

  start() { this.open(); }

  open() {
    this.setState('connecting');
    let ws;
    try {
      ws = new WebSocket(this.url());
    } catch (error) {
      this.setState('offline');
      showError(error.message);
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.setState('connected');
      this.opened();
    };
    ws.onmessage = (event) => {
      let frame;
      try { frame = JSON.parse(event.data); } catch { return; }
      if (frame && frame.type === 'reconnect') {
        this.reconnectRequested(frame);
        return;
      }
      this.received(frame);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      if (event.code === 1008) {
        endSession(`The server ended the session (${event.reason || 'policy'}); log in again.`);
        return;
      }
      this.setState('offline');
      if (this.drained || event.code === 1012) {
        // The node drains: come back now (another node takes the socket).
        this.drained = false;
        this.timer = setTimeout(() => this.open(), 100 + Math.random() * 400);
        return;
      }
      const delay = Math.min(5000, 500 * 2 ** this.attempts);
      this.attempts += 1;
      // A refused upgrade (a revoked token) looks like a drop: ask the API.
      if (this.attempts > 2) checkSession();
      this.timer = setTimeout(() => this.open(), delay);
    };
  }

  // The node asked this socket to reconnect elsewhere; its close follows.
  reconnectRequested() { this.drained = true; }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000);
    this.setState('idle');
  }

  send(frame) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  setState(state) {
    this.statusElement.dataset.state = state;
    this.statusElement.textContent = state;
  }
}

// A room: the recent history on join, then every message; after a drop it resumes with
// since=<the last message seen> and resends what the server has not echoed yet.
class RoomSocket extends Reconnecting {
  constructor(name) {
    super($('room-status'));
    this.name = name;
    this.lastID = null;
    this.lastSeq = -1;
    this.seen = new Set();
    if (!pendingByRoom.has(name)) pendingByRoom.set(name, new Map());
    this.pending = pendingByRoom.get(name);
    for (const [clientID, content] of this.pending) renderPending(clientID, content);
  }

  url() { return socketURL('ws/join/', { name: this.name, token: session.token, since: this.lastID }); }

  opened() {
    for (const [clientID, content] of this.pending) this.send({ type: 'message', content, client_id: clientID });
  }

  // The server names the last message it sent this socket: resume after exactly that one.
  reconnectRequested(frame) {
    if (typeof frame.since === 'string' && frame.since) this.lastID = frame.since;
    super.reconnectRequested(frame);
  }

  post(content) {
    const clientID = newClientID();
    this.pending.set(clientID, content);
    renderPending(clientID, content);
    this.send({ type: 'message', content, client_id: clientID });
  }

  received(frame) {
    if (Array.isArray(frame)) {
      // The recent messages, newest first.
      for (const message of frame.slice().reverse()) this.add(message);
    } else if (frame.type === 'message') {
      this.add(frame);
    } else if (frame.type === 'resync') {
      // Too much was missed: the recent messages follow instead.
      this.seen.clear();
      this.lastID = null;
      this.lastSeq = -1;
      for (const item of $('messages').querySelectorAll('li.message:not(.pending)')) item.remove();
    } else if (frame.type === 'deleted') {
      // A moderator deleted the message: it goes from the list.
      messageElement(frame.id)?.remove();
    } else if (frame.type === 'redacted') {
      // A moderator removed its content: it keeps its place.
      const item = messageElement(frame.id);
      if (item) markRedacted(item);
    } else if (frame.error) {
      showError(frame.error);
      // Not stored: try the unconfirmed messages again a little later.
      if (frame.error.includes('rate limit')) setTimeout(() => this.opened(), 1000);
    }
  }

  add(message) {
    if (message.room_id) roomNames.set(message.room_id, message.room);
    if (message.client_id && message.sender === session.username && this.pending.delete(message.client_id)) {
      $('messages').querySelector(`li.pending[data-client-id="${CSS.escape(message.client_id)}"]`)?.remove();
    }
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    if (typeof message.seq !== 'number' || message.seq > this.lastSeq) {
      this.lastID = message.id;
      if (typeof message.seq === 'number') this.lastSeq = message.seq;
    }
    renderMessage(message);
  }
}

// The notification service: one frame per notification as it is stored.
class NotifySocket extends Reconnecting {
  constructor() { super($('notify-status')); }

  url() {
    const base = config.notify_url
      ? `${config.notify_url.replace(/\/+$/, '')}/ws/join-notification/`
      : `//${location.hostname}:${config.notify_port}/ws/join-notification/`;
    return socketURL(base, { token: session.token });
  }

  opened() {}

  received(frame) { if (frame.ID) renderNotification(frame); }
}

// ---------- rendering ----------

function messageItem(sender, content, timestamp) {
  const item = document.createElement('li');
  item.className = 'message';
  if (sender === session.username) item.classList.add('mine');
  const who = document.createElement('span');
  who.className = 'sender';
  who.textContent = sender;
  const when = document.createElement('time');
  if (timestamp) {
    when.dateTime = timestamp;
    when.textContent = new Date(timestamp).toLocaleTimeString();
  } else {
    when.textContent = 'sending…';
  }
  const text = document.createElement('span');
  text.className = 'content';
  text.textContent = content;
  item.append(who, when, text);
  return item;
}

// In `seq` order, before the messages still being sent.
function renderMessage(message) {
  const list = $('messages');
  const item = messageItem(message.sender, message.content, message.timestamp);
  item.dataset.id = message.id;
  if (message.redacted) markRedacted(item);
  // An operator's announcement (`chatctl post --system`), not a user's message.
  if (message.system === true) item.classList.add('system');
  if (message.client_id) item.dataset.clientId = message.client_id;
  let before = list.querySelector('li.pending');
  if (typeof message.seq === 'number') {
    item.dataset.seq = message.seq;
    const later = Array.from(list.querySelectorAll('li.message[data-seq]')).find((li) => Number(li.dataset.seq) > message.seq);
    if (later) before = later;
  }
  list.insertBefore(item, before);
  list.scrollTop = list.scrollHeight;
}

function messageElement(id) {
  return $('messages').querySelector(`li.message[data-id="${CSS.escape(String(id))}"]`);
}

// A redacted message: its place stays, its content is gone.
function markRedacted(item) {
  item.classList.add('redacted');
  const text = item.querySelector('.content');
  if (text) text.textContent = 'message removed by a moderator';
}

function renderPending(clientID, content) {
  const list = $('messages');
  const item = messageItem(session.username, content, null);
  item.classList.add('pending');
  item.dataset.clientId = clientID;
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

function renderNotification(notification) {
  const list = $('notifications');
  if (list.querySelector(`li[data-id="${CSS.escape(notification.ID)}"]`)) return;
  const item = document.createElement('li');
  item.dataset.id = notification.ID;
  const where = roomNames.get(notification.RoomID);
  const text = document.createElement('span');
  text.className = 'content';
  text.textContent = where ? `#${where}: ${notification.Content}` : notification.Content;
  const when = document.createElement('time');
  when.dateTime = notification.Timestamp;
  when.textContent = new Date(notification.Timestamp).toLocaleTimeString();
  item.append(when, text);
  list.prepend(item);
  while (list.children.length > 20) list.lastElementChild.remove();
}

function showRooms(counts) {
  const items = Object.keys(counts).sort().map((name) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.room = name;
    button.textContent = name;
    const count = document.createElement('span');
    count.className = 'count';
    count.title = 'sockets in this room on this server';
    count.textContent = counts[name];
    button.append(count);
    button.addEventListener('click', () => joinRoom(name));
    if (room && room.name === name) item.className = 'current';
    item.append(button);
    return item;
  });
  $('rooms').replaceChildren(...items);
}

function showError(text) { $('error').textContent = text; }

function setComposer(enabled) {
  $('message-input').disabled = !enabled;
  $('send-button').disabled = !enabled;
}

function showView(view, message = '') {
  document.body.dataset.view = view;
  $('auth').hidden = view !== 'auth';
  $('chat').hidden = view !== 'chat';
  $('me').hidden = view !== 'chat';
  $('logout').hidden = view !== 'chat';
  $('me').textContent = session.username || '';
  $('auth-message').textContent = message;
}

// ---------- actions ----------

async function refreshRooms() {
  try { showRooms(await api('api/room/list/')); } catch (error) { showError(error.message); }
}

// After failed reconnects: a 401 here ends the session; anything else waits.
function checkSession() { api('api/room/list/').then(showRooms, () => {}); }

function joinRoom(name) {
  if (room && room.name === name) return;
  if (room) room.stop();
  $('messages').replaceChildren();
  $('room-title').textContent = `#${name}`;
  room = new RoomSocket(name);
  room.start();
  setComposer(true);
  for (const item of $('rooms').children) item.classList.toggle('current', item.firstChild.dataset.room === name);
  $('message-input').focus();
}

function startChat() {
  showView('chat');
  showError('');
  notifications = new NotifySocket();
  // Port 0 (a free port picked at start-up) cannot be told: notify.public_url can.
  if (config.notify_url || config.notify_port) notifications.start(); else notifications.setState('unavailable');
  refreshRooms();
}

function endSession(message) {
  if (room) room.stop();
  if (notifications) notifications.stop();
  room = null;
  notifications = null;
  session.token = null;
  session.username = null;
  sessionStorage.removeItem('chatctl.token');
  sessionStorage.removeItem('chatctl.username');
  pendingByRoom.clear();
  $('messages').replaceChildren();
  $('notifications').replaceChildren();
  $('rooms').replaceChildren();
  $('room-title').textContent = 'Pick or create a room';
  setComposer(false);
  showView('auth', message);
}

async function authenticate(signUp) {
  const username = $('username').value.trim();
  const password = $('password').value;
  const email = $('email').value.trim();
  $('auth-message').textContent = '';
  try {
    if (signUp) {
      if (!email) throw new Error('Signing up needs an email address.');
      await api('api/user/signup/', { method: 'POST', body: { username, email, password } });
    }
    const answer = await api('api/user/login/', { method: 'POST', body: { username, password } });
    session.token = answer.token;
    session.username = username;
    sessionStorage.setItem('chatctl.token', answer.token);
    sessionStorage.setItem('chatctl.username', username);
    $('password').value = '';
    startChat();
  } catch (error) {
    $('auth-message').textContent = error.message;
  }
}

$('auth-form').addEventListener('submit', (event) => {
  event.preventDefault();
  authenticate(false);
});
$('signup-button').addEventListener('click', () => authenticate(true));

$('logout').addEventListener('click', async () => {
  // Closed first: the server closes them with 1008 once the token is revoked.
  if (room) room.stop();
  if (notifications) notifications.stop();
  try { await api('api/user/logout/', { method: 'POST' }); } catch { /* the token is dropped here anyway */ }
  endSession('Logged out.');
});

$('refresh-rooms').addEventListener('click', refreshRooms);

$('create-room-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = $('new-room').value.trim();
  try {
    await api('api/room/create/', { method: 'POST', body: { name } });
    $('new-room').value = '';
    await refreshRooms();
    joinRoom(name);
  } catch (error) {
    showError(error.message);
  }
});

$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const input = $('message-input');
  const content = input.value;
  if (!room || !content.trim()) return;
  if (new TextEncoder().encode(content).length > 4096) {
    showError('A message holds at most 4096 bytes.');
    return;
  }
  showError('');
  room.post(content);
  input.value = '';
  input.focus();
});

async function start() {
  try {
    const response = await fetch('client-config.json');
    if (response.ok) config = { ...config, ...(await response.json()) };
  } catch { /* the defaults: the notification service on port 8080 of this host */ }
  if (session.token && session.username) startChat(); else showView('auth');
}

start();
