/**
 * Child processes of the local cloud (DynamoDB Local's JVM, the SES sink) must
 * never outlive it: a forgotten JVM holds ~200 MB and the port. Three layers:
 *  - stop() terminates them and waits;
 *  - on exit, SIGINT, SIGTERM and uncaught errors of this process they are
 *    signalled synchronously (these handlers never change how the host exits);
 *  - a tiny shell watchdog per child kills it when this process disappears
 *    without running any handler (SIGKILL, OOM kill).
 */
import { spawn, type ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let installed = false;

function killAllSync(signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const child of live) {
    try {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => killAllSync('SIGTERM'));
  process.on('uncaughtExceptionMonitor', () => killAllSync('SIGTERM'));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = () => {
      killAllSync('SIGTERM');
      // Nobody else handles the signal: re-raise it so the default action (exit) still happens.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.once(sig, onSignal);
  }
}

/** Tracks `child` until it exits, and arms a watchdog that kills it if this process dies first. */
export function guardChild(child: ChildProcess): void {
  install();
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (child.pid === undefined) return;
  const watchdog = spawn(
    '/bin/sh',
    ['-c', `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; kill -TERM ${child.pid} 2>/dev/null; sleep 2; kill -KILL ${child.pid} 2>/dev/null; exit 0`],
    { stdio: 'ignore', detached: true },
  );
  watchdog.unref();
  // The watchdog ends by itself once the child is gone; no need to track it.
}

/** Terminates `child` (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
