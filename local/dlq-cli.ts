/**
 * `npm run dlq -- list` / `npm run dlq -- redrive [queue]`: the dead-letter
 * queues of the running local cloud (port from --port, else PORT, else 3000).
 * Redrive hands each message back to its sender: an undelivered EventBridge
 * event to its rule target, a Lambda failure record to the function (invoked
 * asynchronously again, with its retries), a pipe entry to the bus. Only
 * messages the sender refuses at once stay in the queue.
 */
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { port: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true });
const port = values.port ?? process.env.PORT ?? '3000';
const base = `http://localhost:${port}/local/dlq`;
const [command = 'list', queue] = positionals;

type Event = { id?: string; source?: string; 'detail-type'?: string; Source?: string; DetailType?: string } | null;

interface Message {
  messageId: string;
  sentAt: string;
  kind: 'rule-target' | 'lambda-on-failure' | 'lambda-dlq' | 'pipe' | 'queue' | string;
  attempts: number;
  error: { type: string; message: string };
  event?: Event;
  rule?: { name: string };
  target?: { functionId?: string; queueId?: string };
  function?: { id: string };
  record?: { requestContext: { condition: string }; requestPayload: Event };
  pipe?: { name: string };
  body?: string;
  source?: { queue: string };
  redriveAttempts?: number;
}

interface Listing {
  queues: { queue: string; count: number; messages: Message[] }[];
}

/** One line per message: what failed, on its way to where, and why. */
function describe(m: Message): string {
  const event = m.record?.requestPayload ?? m.event ?? (m.body ? (JSON.parse(m.body) as Event) : undefined);
  const what = event?.['detail-type'] ?? event?.DetailType ?? '?';
  const from = m.kind === 'rule-target' ? `undelivered: ${m.rule?.name} → ${m.target?.functionId ?? m.target?.queueId}`
    : m.kind === 'queue' ? `from queue ${m.source?.queue}`
    : m.kind === 'lambda-on-failure' ? `function ${m.function?.id} failed, ${m.record?.requestContext.condition}`
      : m.kind === 'lambda-dlq' ? `function ${m.function?.id} failed`
        : `pipe ${m.pipe?.name}`;
  const redriven = m.redriveAttempts ? `, ${m.redriveAttempts} refused redrive(s)` : '';
  return `${m.sentAt} ${m.messageId} ${what} (${from}) after ${m.attempts} attempt(s)${redriven}: ${m.error.type}: ${m.error.message.slice(0, 200)}`;
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
    for (const m of q.messages) console.log(`  ${describe(m)}`);
  }
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
