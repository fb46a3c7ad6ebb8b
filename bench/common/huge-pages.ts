import { readFileSync } from 'node:fs';

/**
 * The glibc setting that makes malloc ask the kernel for transparent huge pages (2 MiB) on its large
 * mappings, where the solver's matrices live. Kernels that hand them out only on request ("madvise",
 * the usual default) otherwise back 100 MB matrices with 4 KiB pages, and reading a column of a
 * matrix misses the TLB on nearly every read. Read at process start: set it in the environment.
 */
export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Whether this process was started with the setting (it cannot be turned on afterwards). */
export function hugePagesRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.GLIBC_TUNABLES ?? '').split(':').includes(HUGE_PAGES_TUNABLE);
}

/** MiB of this process's memory on transparent huge pages now (Linux); null where the kernel does not say. */
export function hugePagesMiB(): number | null {
  try {
    const kb = /AnonHugePages:\s+(\d+) kB/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'));
    return kb ? Number(kb[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** One line for a benchmark's report: whether its figures were taken with huge pages. */
export function hugePagesNote(): string {
  const mib = hugePagesMiB();
  return (
    `transparent huge pages: ${mib === null ? 'not reported by this kernel' : `${mib.toFixed(0)} MiB in use`}` +
    ` (GLIBC_TUNABLES=${HUGE_PAGES_TUNABLE} ${hugePagesRequested() ? 'set' : 'not set'})`
  );
}
