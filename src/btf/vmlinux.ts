// Node-side access to the running kernel's BTF (/sys/kernel/btf/vmlinux), read and parsed once.
// The kernel back end uses it to resolve kfunc calls and attach targets to BTF ids.

import { readFileSync } from 'node:fs';
import { parseBtf, type BtfKind, type ParsedBtf } from './btf-parse.ts';

export const VMLINUX_BTF_PATH = '/sys/kernel/btf/vmlinux';

export type VmlinuxLoad = { btf: ParsedBtf; reason?: undefined } | { btf: null; reason: string };

const cache = new Map<string, VmlinuxLoad>();

/** Reads and parses the BTF at `path` (default: the running kernel's), cached per path. */
export function loadVmlinuxBtf(path: string = VMLINUX_BTF_PATH): VmlinuxLoad {
  const hit = cache.get(path);
  if (hit) return hit;
  let result: VmlinuxLoad;
  try {
    result = { btf: parseBtf(readFileSync(path)) };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why =
      err.code === 'ENOENT'
        ? 'the kernel exposes no BTF (built without CONFIG_DEBUG_INFO_BTF?)'
        : err.code === 'EACCES' || err.code === 'EPERM'
          ? 'permission denied'
          : err.message;
    result = { btf: null, reason: `cannot use ${path}: ${why}` };
  }
  cache.set(path, result);
  return result;
}

/** The running kernel's parsed BTF, or null when unavailable (see vmlinuxBtfReason()). */
export function vmlinuxBtf(path?: string): ParsedBtf | null {
  return loadVmlinuxBtf(path).btf;
}

/** Why vmlinuxBtf() returned null, or undefined when it did not. */
export function vmlinuxBtfReason(path?: string): string | undefined {
  return loadVmlinuxBtf(path).reason;
}

/** Drops the cached load of one path, or of all paths (tests). */
export function clearVmlinuxBtfCache(path?: string): void {
  if (path === undefined) cache.clear();
  else cache.delete(path);
}

/**
 * BTF id of the kfunc `name` in vmlinux: the FUNC carrying the 'bpf_kfunc' decl tag. When the
 * BTF has no such tags at all (pahole older than 1.26), any FUNC of that name. Undefined when
 * not found or when there is no BTF.
 */
export function findKfuncId(name: string, btf: ParsedBtf | null = vmlinuxBtf()): number | undefined {
  if (!btf) return undefined;
  const ids = btf.findAll('func', name);
  const tagged = ids.find((id) => btf.declTags(id, -1).some((t) => t.value === 'bpf_kfunc'));
  if (tagged !== undefined) return tagged;
  return hasKfuncTags(btf) ? undefined : ids[0];
}

const kfuncTagged = new WeakMap<ParsedBtf, boolean>();

/** Whether the BTF marks kfuncs with 'bpf_kfunc' decl tags. */
export function hasKfuncTags(btf: ParsedBtf): boolean {
  let v = kfuncTagged.get(btf);
  if (v === undefined) {
    v = btf.ownTypes().some((t) => t.kind === 'decl_tag' && t.name === 'bpf_kfunc');
    kfuncTagged.set(btf, v);
  }
  return v;
}

/** Lowest BTF id of a type of that kind and name in vmlinux, or undefined. */
export function findTypeId(
  kind: BtfKind,
  name: string,
  btf: ParsedBtf | null = vmlinuxBtf(),
): number | undefined {
  return btf?.find(kind, name);
}
