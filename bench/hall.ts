/**
 * The hall's figures for `npm run bench` (`npm run bench -- hall` runs only
 * these), reported not asserted. 20 displays connect to the WebSocket API; a
 * ticket is taken at the kiosk and called at the general window over HTTP, one
 * call at a time; each display's latency is from the call's HTTP answer to the
 * `called` message arriving. The first call starts the push function's
 * sandbox: its figures are reported apart (`coldMs`). Before that, 20 kiosks
 * take tickets at once (10 rounds) and 20 windows call the next at once (10
 * rounds), each request timed from send to answer (`concurrent`).
 */
import WebSocket from 'ws';
import type { LocalCloud } from '../local/cloud.ts';
import { demoCenter } from '../local/seed/center.ts';
import { percentile } from './stats.ts';

const DISPLAYS = 20;
const CALLS = 50;
const WINDOW = 'z01';
const CATEGORY = 'H';
/** Kiosks and windows at once, and rounds of them, in the concurrency phase (its own category and windows). */
const CONCURRENT = 20;
const ROUNDS = 10;
const LOAD_CATEGORY = 'K';

/** On the seeded cloud of `npm run bench`: categories H and K and windows bench00–19 are the figures' own. */
export async function hallFigures(cloud: LocalCloud) {
  const socketUrl = cloud.socketUrl;
  if (!socketUrl) throw new Error('the local cloud serves no WebSocket API');
  const sockets: WebSocket[] = [];
  try {
    const api = cloud.apiUrl;
    const centerId = demoCenter.centerId;
    const post = async (path: string, body: unknown, token?: string, method = 'POST') => {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    };
    const category = await post(`/admin/queue/categories/${CATEGORY}`, { name: '叫号屏基准', itemCodes: [], windowIds: [WINDOW] }, cloud.mintToken('center.admin'), 'PUT');
    if (category.status >= 300) throw new Error(`category: ${category.status} ${JSON.stringify(category.body)}`);
    const clerk = cloud.mintToken('clerk.general');

    // 20 windows with a clerk each, serving one category: 20 kiosks take at once, then 20 windows call at once.
    const admin = cloud.mintToken('center.admin');
    const windows = Array.from({ length: CONCURRENT }, (_, i) => `bench${String(i).padStart(2, '0')}`);
    for (const [i, windowId] of windows.entries()) {
      const w = await post(`/admin/windows/${windowId}`, { name: `基准窗口${i}`, departmentIds: ['amr'] }, admin, 'PUT');
      const s = await post(`/admin/staff/bench.clerk.${i}`, { name: '基准叫号员', email: `bench.clerk.${i}@example.gov.cn`, roles: ['clerk'], departmentId: 'amr', windowIds: [windowId], backups: [] }, admin, 'PUT');
      if (w.status >= 300 || s.status >= 300) throw new Error(`window/staff ${i}: ${w.status} ${s.status}`);
    }
    const load = await post(`/admin/queue/categories/${LOAD_CATEGORY}`, { name: '并发基准', itemCodes: [], windowIds: windows }, admin, 'PUT');
    if (load.status >= 300) throw new Error(`category: ${load.status} ${JSON.stringify(load.body)}`);
    const timed = async (send: () => Promise<{ status: number }>, expected: number) => {
      const t0 = performance.now();
      const res = await send();
      if (res.status !== expected) throw new Error(`answered ${res.status}, expected ${expected}`);
      return performance.now() - t0;
    };
    const takeMs: number[] = [];
    const loadCallMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      takeMs.push(...(await Promise.all(Array.from({ length: CONCURRENT }, () => timed(() => post(`/public/hall/${centerId}/tickets`, { categoryCode: LOAD_CATEGORY }), 201)))));
    }
    const clerks = windows.map((_, i) => cloud.mintToken(`bench.clerk.${i}`));
    for (let round = 0; round < ROUNDS; round++) {
      loadCallMs.push(...(await Promise.all(windows.map((windowId, i) => timed(() => post(`/windows/${windowId}/call-next`, undefined, clerks[i]), 200)))));
    }
    const concurrent = {
      kiosksOrWindows: CONCURRENT,
      rounds: ROUNDS,
      takeMs: { n: takeMs.length, p50: Math.round(percentile(takeMs, 50)), p99: Math.round(percentile(takeMs, 99)) },
      callNextMs: { n: loadCallMs.length, p50: Math.round(percentile(loadCallMs, 50)), p99: Math.round(percentile(loadCallMs, 99)) },
    };

    /** Per display, the instant each ticket's call arrived. */
    const arrivals = new Map<string, number[]>();
    for (let i = 0; i < DISPLAYS; i++) {
      const ws = new WebSocket(`${socketUrl}?centerId=${centerId}`);
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { type: string; ticketNo?: string };
        if (m.type === 'called') arrivals.set(m.ticketNo!, [...(arrivals.get(m.ticketNo!) ?? []), Date.now()]);
      });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      sockets.push(ws);
    }

    const latencies: number[] = [];
    const slowest: number[] = [];
    const callMs: number[] = [];
    let coldMs: number[] = [];
    for (let i = 0; i <= CALLS; i++) {
      const taken = await post(`/public/hall/${centerId}/tickets`, { categoryCode: CATEGORY });
      if (taken.status !== 201) throw new Error(`ticket: ${taken.status} ${JSON.stringify(taken.body)}`);
      const t0 = Date.now();
      const called = await post(`/windows/${WINDOW}/call-next`, undefined, clerk);
      const answeredAt = Date.now();
      if (called.status !== 200) throw new Error(`call-next: ${called.status} ${JSON.stringify(called.body)}`);
      callMs.push(answeredAt - t0);
      const ticketNo = called.body.ticketNo as string;
      const deadline = Date.now() + 10_000;
      while ((arrivals.get(ticketNo)?.length ?? 0) < DISPLAYS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
      const got = arrivals.get(ticketNo) ?? [];
      if (got.length < DISPLAYS) throw new Error(`${ticketNo}: ${got.length} of ${DISPLAYS} displays told within 10 s`);
      const each = got.map((at) => at - answeredAt);
      if (i === 0) {
        coldMs = each;
        continue;
      }
      latencies.push(...each);
      slowest.push(Math.max(...each));
    }
    return {
      concurrent,
      displays: DISPLAYS,
      calls: CALLS,
      callNextMs: { p50: percentile(callMs, 50), p99: percentile(callMs, 99) },
      coldMs: { first: Math.min(...coldMs), last: Math.max(...coldMs) },
      pushMs: { n: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
      lastDisplayMs: { p50: percentile(slowest, 50), p99: percentile(slowest, 99) },
      sockets: cloud.stats().sockets,
    };
  } finally {
    // The cloud runs on for the figures after these.
    for (const ws of sockets) ws.close();
  }
}
