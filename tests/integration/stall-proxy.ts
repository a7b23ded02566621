/**
 * A TCP proxy in front of DynamoDB Local that stalls it as one function sees
 * it, without stopping it for the other tests sharing it. It stalls the
 * requests of one operation (X-Amz-Target, e.g. TransactWriteItems):
 *  - `holdAnswers`: the request goes through (and commits); its answer waits
 *    until `release()` — a write whose outcome the caller cannot know;
 *  - `swallowRequests`: the request is dropped; nothing reaches DynamoDB.
 * The SDK sends one request at a time on a connection (no pipelining), so a
 * connection's next answer belongs to its last request.
 */
import { createServer, connect, type Socket } from 'node:net';

export type StallMode = 'holdAnswers' | 'swallowRequests';

export async function stallProxy(target: string) {
  const { hostname, port } = new URL(target);
  let stall: { mode: StallMode; operation: string } | undefined;
  const held: (() => void)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    sockets.add(client).add(upstream);
    let answerHeld = false;
    let swallowing = false;
    client.on('data', (chunk) => {
      const startsRequest = /^[A-Z]+ \S+ HTTP\/1\.1\r\n/.test(chunk.toString('latin1', 0, 64));
      if (startsRequest) {
        const hit = stall !== undefined && chunk.toString('latin1').includes(`DynamoDB_20120810.${stall.operation}`);
        answerHeld = hit && stall?.mode === 'holdAnswers';
        swallowing = hit && stall?.mode === 'swallowRequests';
      }
      if (!swallowing) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (answerHeld) held.push(() => client.write(chunk));
      else client.write(chunk);
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    /** From now on, stall every request of `operation` this way. */
    stall(mode: StallMode, operation: string) {
      stall = { mode, operation };
    },
    /** Back to passing bytes; held answers go out to whoever still listens. */
    release() {
      stall = undefined;
      for (const send of held.splice(0)) send();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
