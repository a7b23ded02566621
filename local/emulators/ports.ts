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
