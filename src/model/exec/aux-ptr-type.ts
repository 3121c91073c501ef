// core.mem.same-insn-different-pointers — save_aux_ptr_type(): after the verifier, the kernel
// rewrites each load/store once (context accesses become accesses of the real kernel struct,
// socket and BTF pointers get probe or conversion code). So one instruction must see the same
// kind of pointer on every path: the first path records the type, a later path that brings a
// context, socket or BTF pointer where another type was recorded (or the reverse) is rejected.
import type { Env } from '../env.ts';
import type { Reg } from '../state/reg.ts';
import { PTR_MAYBE_NULL, PTR_UNTRUSTED } from '../state/reg.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';

/** Base types whose accesses the kernel rewrites per instruction (reg_type_mismatch_ok() false). */
const REWRITTEN = new Set(['ctx', 'sock', 'sock_common', 'tcp_sock', 'xdp_sock', 'btf_id', 'arena']);

/**
 * Record or check the pointer type the load/store at the current instruction dereferences.
 * `reg` is the pointer register as it was before the access (the kernel reads the type first).
 * `allowTrustMismatch`: loads may meet trusted and untrusted BTF pointers; they merge to untrusted.
 */
export function saveAuxPtrType(env: Env, reg: Reg, allowTrustMismatch: boolean): void {
  const i = env.insnIdx;
  const prev = env.auxPtrType[i] ?? null;
  if (prev === null) {
    env.auxPtrType[i] = { type: reg.type, flags: reg.flags };
    return;
  }
  if (prev.type === reg.type && prev.flags === reg.flags) return;
  if (!REWRITTEN.has(reg.type) && !REWRITTEN.has(prev.type)) return;
  if (allowTrustMismatch && reg.type === 'btf_id' && prev.type === 'btf_id') {
    // trusted/untrusted (and MEM_RDONLY) differences fall back to an untrusted probe load
    env.auxPtrType[i] = { type: 'btf_id', flags: PTR_UNTRUSTED | ((reg.flags | prev.flags) & PTR_MAYBE_NULL) };
    return;
  }
  reject(RULES.insnPtrTypeMismatch);
}
