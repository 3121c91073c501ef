// Facts about the machine the model is compared with, read where the Node side runs. The
// model itself stays host-independent (it also runs in the browser) and takes them as options.
import { possibleCpuRanges } from '../kernel/bpf-syscall.ts';

let cached: number | undefined | null = null;

/** The kernel's nr_cpu_ids: highest possible CPU number + 1, from /sys/devices/system/cpu/possible. */
export function hostNrCpuIds(): number | undefined {
  if (cached !== null) return cached;
  cached = undefined;
  try {
    cached = Math.max(...possibleCpuRanges().map(([, hi]) => hi)) + 1;
  } catch {
    // not Linux, or /sys not mounted: the model keeps its default
  }
  return cached;
}

/** Model options that make the model describe this machine. */
export function hostModelOptions(): { nrCpuIds?: number } {
  const n = hostNrCpuIds();
  return n !== undefined ? { nrCpuIds: n } : {};
}
