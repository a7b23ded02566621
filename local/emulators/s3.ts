/**
 * s3rver runs in this process (~20 ms to start). The endpoint is given as
 * 127.0.0.1 rather than localhost: the SDK then uses path-style URLs by itself
 * (an IP cannot carry a bucket sub-domain), so handlers need no local-only
 * `forcePathStyle` setting.
 */
import { mkdir } from 'node:fs/promises';
import S3rver from 's3rver';

export interface S3Emulator {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startS3(opts: { port: number; dir: string; log: (line: string) => void }): Promise<S3Emulator> {
  await mkdir(opts.dir, { recursive: true });
  const server = new S3rver({ port: opts.port, address: '127.0.0.1', directory: opts.dir, silent: true, allowMismatchedSignatures: false });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  opts.log(`s3rver on ${endpoint}`);
  return { endpoint, stop: () => server.close() };
}
