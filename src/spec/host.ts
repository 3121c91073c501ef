// Facts about the machine the model is compared with, read where the Node side runs. The
// model itself stays host-independent (it also runs in the browser) and takes them as options.
import { readFileSync } from 'node:fs';

let cached: number | undefined | null = null;

/** The kernel's nr_cpu_ids: highest possible CPU number + 1, from /sys/devices/system/cpu/possible. */
export function hostNrCpuIds(): number | undefined {
  if (cached !== null) return cached;
  cached = undefined;
  try {
    const text = readFileSync('/sys/devices/system/cpu/possible', 'utf8').trim();
    const ids = text.split(',').map((part) => Number.parseInt(part.split('-').at(-1) ?? '', 10));
    if (ids.length && ids.every((n) => Number.isInteger(n) && n >= 0)) cached = Math.max(...ids) + 1;
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
