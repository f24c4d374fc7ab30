import { readdir, readFile } from 'node:fs/promises';

/** CPU seconds a process has run: its main thread alone, and all its threads together. */
export interface CpuTime {
  main: number;
  all: number;
}

/**
 * From /proc/<pid>/task/<tid>/schedstat (nanoseconds on a CPU, per thread): shows whether the
 * gateway's one JavaScript thread is the bottleneck (near 100% of a core) and what its hash
 * and libuv threads take beside it. Threads that already exited are not counted.
 */
export async function cpuTime(pid: number): Promise<CpuTime> {
  const threads = await readdir(`/proc/${pid}/task`);
  let main = 0;
  let all = 0;
  for (const tid of threads) {
    const schedstat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').catch(() => '0');
    const seconds = Number(schedstat.split(' ')[0]) / 1e9;
    all += seconds;
    if (tid === String(pid)) main = seconds;
  }
  return { main, all };
}
