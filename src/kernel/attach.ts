// BTF-attached programs (tp_btf, fentry/fexit/fmod_ret, lsm, iter): the verifier checks them
// against a kernel function or tracepoint, so BPF_PROG_LOAD needs attach_btf_id, the target's id
// in the running kernel's vmlinux BTF. Names resolve the way libbpf's find_kernel_btf_id() does:
// a typedef btf_trace_<tp> for tp_btf, the FUNC itself for fentry & co., bpf_lsm_<hook> for lsm,
// bpf_iter_<name> for iterators (btfAttachTargetName in sections.ts holds those prefixes).

import type { ParsedBtf } from '../btf/btf-parse.ts';
import { btfAttachTargetName, type SectionInfo } from '../ir/sections.ts';

export type AttachResolution = { ok: true; attachBtfId?: number } | { ok: false; reason: string };

/**
 * attach_btf_id for a section, or why it cannot be loaded by this back end. `vmlinux` is the
 * running kernel's BTF, or a string saying why there is none.
 */
export function resolveAttach(sec: SectionInfo, vmlinux: ParsedBtf | string): AttachResolution {
  if (!sec.attachBtf) return { ok: true };
  const where = `section "${sec.sec}"`;
  if (sec.progType === 'ext') {
    return { ok: false, reason: `${where}: freplace programs attach to another loaded BPF program (attach_prog_fd); the kernel back end loads programs alone` };
  }
  if (sec.attachTo === undefined) {
    return { ok: false, reason: `${where} names no attach target (libbpf needs ${sec.pattern.replace(/\+$/, '')}/<target> to load it)` };
  }
  const target = btfAttachTargetName(sec);
  if (target === null) return { ok: false, reason: `${where}: no BTF attach target` };
  if (typeof vmlinux === 'string') return { ok: false, reason: `${where} needs the kernel's BTF for its attach target: ${vmlinux}` };
  const id = vmlinux.find(target.kind, target.name);
  if (id === undefined) {
    const what = target.kind === 'typedef' ? `tracepoint ${sec.attachTo} (typedef ${target.name})` : `function ${target.name}`;
    return { ok: false, reason: `${where}: ${what} is not in the running kernel's BTF` };
  }
  return { ok: true, attachBtfId: id };
}
