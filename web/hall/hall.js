// The hall display (叫号屏): calls and the windows' state pushed over the WebSocket API, the board read on
// load and on every (re)connect, reconnecting with backoff. In a file of its own: the page's CSP runs no
// inline script.
'use strict';
(() => {
  const KEPT_CALLS = 10;
  const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
  // API Gateway closes a connection idle for 10 minutes: any message keeps it open.
  const KEEP_ALIVE_MS = 5 * 60 * 1000;
  const TIMEOUT_MS = 8000;
  const OFFLINE = '连接中断，正在重连';
  const TIME_ZONE = 'Asia/Shanghai';
  const clockFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  const STATE_LABELS = { calling: '呼叫中', serving: '办理中', idle: '空闲' };
  const $ = (id) => document.getElementById(id);
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content;

  // The page's host fills the metas (the local cloud the socket; a deployment both); a query parameter overrides.
  const params = new URLSearchParams(location.search);
  const centerId = centerOf(params);
  const boardUrl = `${httpBase(params.get('api') || meta('onestop-api'))}/public/hall/${encodeURIComponent(centerId)}/board`;
  const socketBase = socketOf(params.get('socket') || meta('onestop-socket'));

  /** `/hall/<centerId>` (the local cloud and CloudFront alike), else `?centerId=`. */
  function centerOf(query) {
    const m = /^\/hall\/([^/]+)$/.exec(location.pathname);
    return m ? decodeURIComponent(m[1]) : query.get('centerId') || '';
  }

  function httpBase(named) {
    if (named) {
      try {
        const u = new URL(named);
        if (u.protocol === 'https:' || u.protocol === 'http:') return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
      } catch {
        // not a URL: the page's own origin
      }
    }
    return location.origin;
  }

  function socketOf(named) {
    try {
      const u = new URL(named);
      return u.protocol === 'wss:' || u.protocol === 'ws:' ? `${u.origin}${u.pathname.replace(/\/+$/, '')}` : undefined;
    } catch {
      return undefined;
    }
  }

  const text = (value) => (value === undefined || value === null ? '' : String(value));
  /** A call is one ticket called to one window at one instant: a recall is a call of its own, a repeated message is not. */
  const keyOf = (call) => `${text(call.ticketNo)}|${text(call.calledAt)}`;

  const calls = new Map();
  const names = new Map();
  const waiting = new Map();
  /** windowId → { windowId, windowName, state, ticketNo?, since?, pushedAt? } */
  const windows = new Map();
  /** Counts the window states pushed, so a board read does not undo a push that arrived while it was on its way. */
  let pushes = 0;
  let shownKey;
  let boardRead = false;

  function span(className, content) {
    const s = document.createElement('span');
    s.className = className;
    s.textContent = content;
    return s;
  }

  function time(instant) {
    const t = document.createElement('time');
    t.dateTime = text(instant);
    const d = new Date(instant);
    t.textContent = Number.isNaN(d.getTime()) ? text(instant) : clockFormat.format(d);
    return t;
  }

  /** `announce`: a new newest call flashes and chimes (not the calls a first load finds). */
  function drawCalls(announce) {
    const newest = [...calls.values()].sort((a, b) => text(b.calledAt).localeCompare(text(a.calledAt))).slice(0, KEPT_CALLS);
    for (const key of [...calls.keys()]) if (!newest.some((c) => keyOf(c) === key)) calls.delete(key);
    $('calls').replaceChildren(...newest.map((call) => {
      const li = document.createElement('li');
      li.className = 'call';
      li.dataset.ticket = text(call.ticketNo);
      li.dataset.window = text(call.windowId);
      li.append(span('ticket', text(call.ticketNo)), span('window', text(call.windowName ?? call.windowId)), time(call.calledAt));
      return li;
    }));
    $('no-calls').hidden = newest.length > 0;
    const latest = newest[0];
    if (!latest || keyOf(latest) === shownKey) return;
    shownKey = keyOf(latest);
    const p = $('latest');
    p.dataset.ticket = text(latest.ticketNo);
    p.replaceChildren(span('ticket', text(latest.ticketNo)), span('window', `请到 ${text(latest.windowName ?? latest.windowId)}`));
    if (announce) announceCall(p);
  }

  /** A new call: the panel flashes and a short two-tone chime sounds (when the browser lets the page play sound). */
  function announceCall(panel) {
    panel.classList.remove('flash');
    void panel.offsetWidth;
    panel.classList.add('flash');
    chime();
  }

  let audio;
  function chime() {
    try {
      audio ??= new AudioContext();
      if (audio.state === 'suspended') audio.resume().catch(() => {});
      const start = audio.currentTime;
      [880, 660].forEach((hz, i) => {
        const osc = audio.createOscillator();
        const gain = audio.createGain();
        osc.frequency.value = hz;
        gain.gain.setValueAtTime(0.0001, start + i * 0.35);
        gain.gain.exponentialRampToValueAtTime(0.3, start + i * 0.35 + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.35 + 0.3);
        osc.connect(gain).connect(audio.destination);
        osc.start(start + i * 0.35);
        osc.stop(start + i * 0.35 + 0.32);
      });
    } catch {
      // No audio device: the flash alone tells the hall.
    }
  }

  function drawWaiting() {
    const codes = [...new Set([...names.keys(), ...waiting.keys()])].sort();
    $('waiting').replaceChildren(...codes.map((code) => {
      const group = document.createElement('div');
      group.className = 'category';
      const dt = document.createElement('dt');
      dt.textContent = names.has(code) ? `${code} ${names.get(code)}` : code;
      const dd = document.createElement('dd');
      dd.dataset.category = code;
      dd.textContent = text(waiting.get(code) ?? 0);
      group.append(dt, dd);
      return group;
    }));
  }

  function drawWindows() {
    const shown = [...windows.values()].sort((a, b) => text(a.windowId).localeCompare(text(b.windowId)));
    $('windows').replaceChildren(...shown.map((w) => {
      const li = document.createElement('li');
      const state = Object.hasOwn(STATE_LABELS, w.state) ? w.state : 'idle';
      li.className = `window-state ${state}`;
      li.dataset.window = text(w.windowId);
      li.dataset.state = state;
      const busy = state !== 'idle' && w.ticketNo;
      li.append(span('name', text(w.windowName ?? w.windowId)), span('state', STATE_LABELS[state]), span('ticket', busy ? text(w.ticketNo) : ''));
      return li;
    }));
    $('windows-section').hidden = shown.length === 0;
  }

  /** A pushed state: the newest of each window wins (events may arrive out of order or twice). */
  function takeWindow(message) {
    const known = windows.get(text(message.windowId));
    if (known?.since && text(message.since) < known.since) return;
    windows.set(text(message.windowId), { ...message, since: text(message.since), pushedAt: ++pushes });
    drawWindows();
  }

  /** The board's windows replace the strip, except a window pushed since the board was asked for. */
  function takeBoardWindows(list, pushesBefore) {
    const previous = new Map(windows);
    windows.clear();
    for (const w of list) {
      const known = previous.get(text(w.windowId));
      windows.set(text(w.windowId), known && known.pushedAt > pushesBefore ? known : { ...w, since: known?.since });
    }
    drawWindows();
  }

  function takeCall(call) {
    calls.set(keyOf(call), call);
    drawCalls(true);
  }

  function takeWaiting(list) {
    waiting.clear();
    for (const w of list) waiting.set(text(w.categoryCode), w.count);
    drawWaiting();
  }

  async function readBoard() {
    const pushesBefore = pushes;
    const res = await fetch(boardUrl, { headers: { accept: 'application/json' }, cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const board = await res.json();
    $('center').textContent = text(board.centerId);
    $('date').textContent = text(board.date);
    for (const c of board.calls ?? []) calls.set(keyOf(c), c);
    drawCalls(boardRead);
    boardRead = true;
    for (const w of board.waiting ?? []) if (w.name) names.set(text(w.categoryCode), text(w.name));
    takeWaiting(board.waiting ?? []);
    // A board from before the windows' state was published has no `windows`: the pushes alone fill the strip.
    if (Array.isArray(board.windows)) takeBoardWindows(board.windows, pushesBefore);
  }

  function setStatus(message) {
    const status = $('status');
    if (status.textContent !== message) status.textContent = message;
  }

  /** The push link's state on <body data-link>: `up` or `down` (for styles and for the page's tests). */
  const setLink = (state) => {
    document.body.dataset.link = state;
  };

  let attempt = 0;
  let keepAlive;
  /** The pending reconnection, while the link is down. */
  let retry;

  function connect() {
    retry = undefined;
    if (!socketBase) return;
    const ws = new WebSocket(`${socketBase}?centerId=${encodeURIComponent(centerId)}`);
    ws.addEventListener('open', () => {
      attempt = 0;
      setLink('up');
      setStatus('');
      keepAlive = setInterval(() => ws.send('{"action":"ping"}'), KEEP_ALIVE_MS);
      // What was called while the link was down.
      readBoard().catch(() => setStatus(OFFLINE));
    });
    ws.addEventListener('message', (e) => {
      let message;
      try {
        message = JSON.parse(e.data);
      } catch {
        return;
      }
      if (message?.type === 'called') takeCall(message);
      else if (message?.type === 'window' && message.windowId) takeWindow(message);
      else if (message?.type === 'waiting' && Array.isArray(message.waiting)) takeWaiting(message.waiting);
    });
    ws.addEventListener('close', () => {
      clearInterval(keepAlive);
      setLink('down');
      setStatus(OFFLINE);
      const base = BACKOFF_MS[Math.min(attempt++, BACKOFF_MS.length - 1)];
      retry = setTimeout(connect, base / 2 + Math.random() * (base / 2));
    });
  }

  // The network is back: reconnect now rather than when a backoff grown while offline ends (up to 30 s).
  window.addEventListener('online', () => {
    if (retry === undefined) return;
    clearTimeout(retry);
    attempt = 0;
    connect();
  });

  if (!centerId) {
    setStatus('未指定服务中心');
    return;
  }
  setLink('down');
  readBoard().catch(() => setStatus(OFFLINE));
  connect();
})();
