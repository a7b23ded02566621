/**
 * The SES v2 sink (aws-ses-v2-local) as a child process: handlers send mail
 * with @aws-sdk/client-sesv2 through AWS_ENDPOINT_URL_SESV2; the sink keeps it
 * (GET /store, POST /clear-store) and shows it on a web page.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { guardChild, stopChild } from './processes.ts';

export interface SesEmulator {
  readonly endpoint: string;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export async function startSes(opts: { port: number; log: (line: string) => void }): Promise<SesEmulator> {
  const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('aws-ses-v2-local')), 'cli.js');
  const child = spawn(process.execPath, [cli, '--port', String(opts.port), '--host', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=64' },
  });
  guardChild(child);
  let output = '';
  let onData: (d: Buffer) => void = () => {};
  // It prints "server running at http://localhost:<port>" once listening (also with port 0).
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`SES sink did not start within 15 s:\n${output}`)), 15_000);
    onData = (d: Buffer) => {
      output += d.toString();
      const m = /server running at \S+:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`SES sink exited during start-up (code ${code}):\n${output}`));
    });
  }).catch(async (err) => {
    await stopChild(child);
    throw err;
  });
  child.stdout.off('data', onData);
  child.stderr.off('data', onData);
  child.stdout.resume();
  child.stderr.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  opts.log(`ses sink on ${endpoint} (pid ${child.pid})`);
  return { endpoint, pid: child.pid, stop: () => stopChild(child) };
}
