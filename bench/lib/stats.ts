// Figures: percentiles of samples, and what a server process did between two readings of
// its `/debug/stats` (CPU time, event-loop utilization, memory).

/** What `/debug/stats` answers (the relay's bench plugin and the comparison servers alike). */
export interface ProcessStats {
  cpu: { user: number; system: number };
  elu: { idle: number; active: number };
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  gc: boolean;
}

export interface Summary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentiles, in the samples' unit, rounded to 0.01. */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  const round = (x: number) => Math.round(x * 100) / 100;
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : 0;
  return { n: sorted.length, p50: round(rank(50)), p99: round(rank(99)), max: round(sorted.at(-1) ?? 0), mean: round(mean) };
}

/** CPU time and event-loop activity accumulated over one or more measured windows. */
export class Usage {
  cpuMicros = 0;
  /** The part of `cpuMicros` spent in the kernel (for fan-out: mostly sending on sockets). */
  systemMicros = 0;
  active = 0;
  idle = 0;

  add(before: ProcessStats, after: ProcessStats): void {
    this.cpuMicros += after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system;
    this.systemMicros += after.cpu.system - before.cpu.system;
    this.active += after.elu.active - before.elu.active;
    this.idle += after.elu.idle - before.elu.idle;
  }

  /** The share of the windows' wall time the event loop was busy, 0..1. */
  get utilization(): number {
    const total = this.active + this.idle;
    return total > 0 ? Math.round((this.active / total) * 1000) / 1000 : 0;
  }

  get systemShare(): number {
    return this.cpuMicros > 0 ? Math.round((this.systemMicros / this.cpuMicros) * 1000) / 1000 : 0;
  }

  get cpuMs(): number {
    return Math.round(this.cpuMicros / 10) / 100;
  }
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;
