import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (for emulators that cannot listen on port 0 and report back). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** `port` if given and non-zero, else a free one. */
export const portOrFree = async (port: number | undefined) => (port ? port : freePort());

/** `port` when it is free, else another free one (stable URLs for `npm start` without failing on a busy port). */
export function preferPort(port: number): Promise<number> {
  if (!port) return freePort();
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(freePort()));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(port)));
  });
}
