// CPU time per kind of process over a window, read from /proc: where an authorization's CPU
// goes when PostgreSQL, Redis, Kafka, the router, the simulators and the load generator all
// run on the same machine (as on the benchmark's machine; Linux only).
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ 100

export type ProcessKind =
  'postgres' | 'router' | 'psp simulators' | 'kafka' | 'redis' | 'load generator' | 'other';

/**
 * What a process is, from its command line. PostgreSQL backends rename themselves
 * `postgres: <user> <database> ...`: those of other databases (other engineers' tests on the
 * shared server) are not this benchmark's; the server's own processes (WAL writer,
 * checkpointer, autovacuum) count as PostgreSQL.
 */
function kindOf(pid: number, cmdline: string, database: string): ProcessKind {
  if (pid === process.pid) return 'load generator';
  if (cmdline.startsWith('postgres')) {
    const backend = /^postgres: \S+ (\S+) \S+\(\d+\)/.exec(cmdline);
    return backend === null || backend[1] === database ? 'postgres' : 'other';
  }
  if (cmdline.includes('psp-simulator.ts')) return 'psp simulators';
  if (cmdline.includes('router.ts')) return 'router';
  if (cmdline.includes('kafka.Kafka')) return 'kafka';
  if (cmdline.startsWith('redis-server')) return 'redis';
  return 'other';
}

/** Milliseconds of CPU (user + system, all threads) per process, by pid. */
function snapshot(database: string): Map<number, { kind: ProcessKind; cpuMs: number }> {
  const processes = new Map<number, { kind: ProcessKind; cpuMs: number }>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const cpuMs = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      processes.set(pid, { kind: kindOf(pid, cmdline, database), cpuMs });
    } catch {
      // The process ended while being read.
    }
  }
  return processes;
}

/** The machine's idle and stolen (by the hypervisor) CPU ms, all cores, from /proc/stat. */
function machineIdle(): { idle: number; steal: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1);
  const ticks = fields.map(Number);
  return { idle: (ticks[3]! + ticks[4]!) * TICK_MS, steal: (ticks[7] ?? 0) * TICK_MS };
}

/**
 * Starts counting; the returned function gives CPU ms per kind since then, and the machine's
 * idle and stolen ms (`database`: the benchmark's PostgreSQL database).
 */
export function startCpuCount(database: string): () => Map<ProcessKind | 'idle' | 'steal', number> {
  const before = snapshot(database);
  const machineBefore = machineIdle();
  return () => {
    const machine = machineIdle();
    const used = new Map<ProcessKind | 'idle' | 'steal', number>([
      ['idle', machine.idle - machineBefore.idle],
      ['steal', machine.steal - machineBefore.steal],
    ]);
    for (const [pid, { kind, cpuMs }] of snapshot(database)) {
      // A process started meanwhile counts from zero.
      const delta = cpuMs - (before.get(pid)?.cpuMs ?? 0);
      used.set(kind, (used.get(kind) ?? 0) + delta);
    }
    return used;
  };
}
