// The supervision wall: polls GET /public/supervision/wall every 5 s and redraws in place (no reload,
// no framework). In a file of its own: the page's Content-Security-Policy runs no inline script.
'use strict';
(() => {
  const REFRESH_MS = 5000;
  // A request that hangs must not freeze the wall: after this it counts as a failed refresh.
  const TIMEOUT_MS = 8000;

  const params = new URLSearchParams(location.search);
  const url = wallUrl(apiBase(params.get('api')), params.get('centerId'));

  const LEVELS = { warning: '预警', yellow: '黄牌', red: '红牌' };
  const CLOCKS = { case: '办理时限', special_procedure: '特别程序', pre_review: '网上预审', notice: '一次性告知', delivery: '送达', order: '督办', e_licence: '电子证照', complaint: '投诉办理' };
  const STATES = { issued: '已发', pending: '申诉待决', escalated: '督办', upheld: '维持', revoked: '撤销', cancelled: '取消' };
  const FIGURES = [['warning', '预警'], ['yellow', '黄牌'], ['red', '红牌'], ['issued', '发牌'], ['revoked', '撤销']];
  const TIME_ZONE = 'Asia/Shanghai';
  const issuedFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const refreshedFormat = new Intl.DateTimeFormat('zh-CN', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  const $ = (id) => document.getElementById(id);

  /** Locally the API shares the page's origin; a deployed site (CloudFront) names the stack's ApiUrl with ?api=. */
  function apiBase(named) {
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

  function wallUrl(base, centerId) {
    return `${base}/public/supervision/wall${centerId ? `?centerId=${encodeURIComponent(centerId)}` : ''}`;
  }

  const text = (value) => (value === undefined || value === null ? '' : String(value));

  function formatted(format, instant) {
    const d = new Date(instant);
    return Number.isNaN(d.getTime()) ? text(instant) : format.format(d);
  }

  function cell(content) {
    const td = document.createElement('td');
    td.append(content);
    return td;
  }

  function badge(level) {
    const span = document.createElement('span');
    span.className = `badge badge-${Object.hasOwn(LEVELS, level) ? level : 'other'}`;
    span.textContent = LEVELS[level] ?? text(level);
    return span;
  }

  function time(instant) {
    const t = document.createElement('time');
    t.dateTime = text(instant);
    t.textContent = formatted(issuedFormat, instant);
    return t;
  }

  function drawFigures(dl, counts) {
    dl.replaceChildren(...FIGURES.map(([key, label]) => {
      const group = document.createElement('div');
      group.className = `figure figure-${key}`;
      const dt = document.createElement('dt');
      dt.textContent = label;
      const dd = document.createElement('dd');
      dd.dataset.figure = key;
      dd.textContent = text(counts?.[key] ?? 0);
      group.append(dt, dd);
      return group;
    }));
  }

  function row(card) {
    const tr = document.createElement('tr');
    tr.dataset.cardId = text(card.cardId);
    tr.className = `level-${text(card.level)}`;
    tr.append(
      cell(badge(card.level)),
      // A complaint's card names no case: the wall shows that it is one, never who complained.
      cell(card.caseNo ? text(card.caseNo) : '投诉'),
      // The department's name as the hall knows it; its id from a server that sends no name.
      cell(text(card.departmentName ?? card.departmentId)),
      cell(CLOCKS[card.clockKind] ?? text(card.clockKind)),
      // Clients must tolerate states they do not know: shown as sent.
      cell(STATES[card.state] ?? text(card.state)),
      cell(time(card.issuedAt)),
      cell(text(card.due)),
    );
    return tr;
  }

  function draw(view) {
    if (!view || typeof view !== 'object' || !Array.isArray(view.openCards)) throw new Error('not a wall view');
    const cards = [...view.openCards].sort((a, b) => text(b.issuedAt).localeCompare(text(a.issuedAt)) || text(a.cardId).localeCompare(text(b.cardId)));
    $('center').textContent = text(view.centerName ?? view.centerId);
    $('date').textContent = text(view.date);
    $('refreshed').textContent = formatted(refreshedFormat, view.generatedAt);
    drawFigures($('today'), view.today);
    drawFigures($('month'), view.month);
    $('cards').replaceChildren(...cards.map(row));
    $('cards-count').textContent = `（${cards.length}）`;
    $('cards-table').hidden = cards.length === 0;
    $('empty').hidden = cards.length > 0;
  }

  function setStatus(message) {
    const status = $('status');
    if (status.textContent !== message) status.textContent = message;
  }

  async function refresh() {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store', signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      draw(await res.json());
      setStatus('');
    } catch {
      // Keep the last figures and cards on screen; say the link is down until a refresh succeeds.
      setStatus('连接中断，正在重试');
    } finally {
      setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
})();
