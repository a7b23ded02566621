import { readdir, readFile } from 'node:fs/promises';

/** Resident memory (VmRSS) of a process and all its descendants, in MB, read from /proc. */
export async function processTreeRssMb(rootPid: number): Promise<{ totalMb: number; processes: { pid: number; name: string; mb: number }[] }> {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  const rss = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      parents.set(pid, Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      names.set(pid, /^Name:\s+(.+)$/m.exec(status)?.[1] ?? '?');
      rss.set(pid, Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024);
    } catch {
      // the process ended while we looked
    }
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) if (tree.has(ppid) && !tree.has(pid)) (tree.add(pid), (grew = true));
  }
  const processes = [...tree].map((pid) => ({ pid, name: names.get(pid) ?? '?', mb: Math.round(rss.get(pid) ?? 0) }));
  return { totalMb: processes.reduce((s, p) => s + p.mb, 0), processes };
}
