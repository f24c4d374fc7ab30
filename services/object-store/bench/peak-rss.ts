import { readFile, writeFile } from 'node:fs/promises';

/**
 * Resets the kernel's peak-RSS counter (VmHWM) of process `pid`, so a later `peakRss` covers
 * only what happens from now on (Linux: writing 5 to clear_refs; allowed on one's own child).
 */
export async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/** The peak resident set of `pid` since it started or since `resetPeakRss`, in bytes. */
export async function peakRss(pid: number): Promise<number> {
  return statusField(pid, 'VmHWM');
}

/** The resident set of `pid` now, in bytes. */
export async function currentRss(pid: number): Promise<number> {
  return statusField(pid, 'VmRSS');
}

async function statusField(pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1];
  if (kib === undefined) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(kib) * 1024;
}
