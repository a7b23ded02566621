/**
 * `npm run dlq -- list` / `npm run dlq -- redrive [queue]`: the dead-letter
 * queues of the running local cloud (port from --port, else PORT, else 3000).
 */
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { port: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true });
const port = values.port ?? process.env.PORT ?? '3000';
const base = `http://localhost:${port}/local/dlq`;
const [command = 'list', queue] = positionals;

interface Listing {
  queues: { queue: string; count: number; messages: { messageId: string; sentAt: string; kind: string; rule?: { name: string }; target?: { functionId: string }; pipe?: { name: string }; attempts: number; error: { type: string; message: string }; event: { id?: string; source?: string; 'detail-type'?: string; Source?: string; DetailType?: string } | null }[] }[];
}

async function main(): Promise<void> {
  let res: Response;
  try {
    res = command === 'redrive'
      ? await fetch(`${base}/redrive`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(queue ? { queue } : {}) })
      : command === 'list'
        ? await fetch(base)
        : (() => { throw new Error(`unknown command ${command}: use list | redrive [queue]`); })();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw cause === 'ECONNREFUSED' ? new Error(`no local cloud on port ${port} (npm start first, or pass --port)`) : err;
  }
  const body = (await res.json()) as unknown;
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`);
  if (values.json || command === 'redrive') {
    console.log(JSON.stringify(body, null, 2));
    return;
  }
  for (const q of (body as Listing).queues) {
    console.log(`${q.queue}: ${q.count} message(s)`);
    for (const m of q.messages) {
      const what = m.event?.['detail-type'] ?? m.event?.DetailType ?? '?';
      const from = m.rule ? `${m.rule.name} → ${m.target?.functionId}` : `pipe ${m.pipe?.name}`;
      console.log(`  ${m.sentAt} ${m.messageId} ${what} (${from}) after ${m.attempts} attempt(s): ${m.error.type}: ${m.error.message.slice(0, 200)}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
