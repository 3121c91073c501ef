// Trust classes of BTF pointers (Linux 6.18, kernel/bpf/verifier.c): which flags a pointer
// loaded from a field of a kernel struct gets (the tail of check_ptr_to_btf_access()).
//
//   parent pointer            field                              result (inside an RCU section)
//   untrusted_ptr_            any pointer field                  untrusted_ptr_
//   trusted_ptr_ / rcu_ptr_   in BTF_TYPE_SAFE_TRUSTED           trusted_ptr_
//                             in BTF_TYPE_SAFE_TRUSTED_OR_NULL   trusted_ptr_or_null_
//                             in BTF_TYPE_SAFE_RCU               rcu_ptr_
//                             in BTF_TYPE_SAFE_RCU_OR_NULL       rcu_ptr_or_null_
//                             __rcu tagged (clang BTF only)      rcu_ptr_or_null_
//                             anything else                      ptr_ (legacy, flag-less)
//   trusted_ptr_ / rcu_ptr_   any non-TRUSTED field, outside RCU untrusted_ptr_
//   ptr_ (legacy)             any                                ptr_ (legacy)
//
// A non-sleepable program is always inside an RCU read-side section (in_rcu_cs()); a sleepable
// one only between bpf_rcu_read_lock() and bpf_rcu_read_unlock() or while holding a lock.
// The lists come from the running kernel's BTF: the verifier emits them as `<struct>__safe_<kind>`
// types (BTF_TYPE_EMIT), see kernelSafeFields().
import type { Env } from '../env.ts';
import { inRcuCs } from '../rcu/rcu.ts';
import type { Reg } from '../state/reg.ts';
import { MEM_ALLOC, MEM_PERCPU, MEM_RCU, MEM_USER, NON_OWN_REF, PTR_MAYBE_NULL, PTR_TRUSTED, PTR_UNTRUSTED } from '../state/reg.ts';
import { kernelSafeFields, type SafeKind } from '../../catalog/kernel-types.ts';

/** BPF_REG_TRUSTED_MODIFIERS */
const TRUSTED_MODIFIERS = MEM_ALLOC | PTR_TRUSTED | NON_OWN_REF;

/** is_trusted_reg(): referenced, or carrying only trusted modifiers (PTR_TRUSTED, MEM_ALLOC, NON_OWN_REF). */
export function isTrustedReg(reg: Reg): boolean {
  if (reg.refObjId) return true;
  return (reg.flags & TRUSTED_MODIFIERS) !== 0 && (reg.flags & ~TRUSTED_MODIFIERS) === 0;
}

export const isRcuReg = (reg: Reg): boolean => (reg.flags & MEM_RCU) !== 0;


/** btf_nested_type_is_trusted(): is (struct of `parent`, field, pointee) in the `<struct>__safe_<kind>` list? */
function inSafeList(parent: string, kind: SafeKind, field: string, pointee: string): boolean {
  return kernelSafeFields(parent, kind).some((f) => f.field === field && f.to === pointee);
}

/** clear_trusted_flags() */
const clearTrusted = (flags: number): number => flags & ~(PTR_TRUSTED | MEM_RCU);

/**
 * Flags of a struct pointer loaded from `field` of the struct `reg` points to. `walkFlags` are
 * the flags btf_struct_walk found (PTR_UNTRUSTED below a union, MEM_RCU/MEM_USER/MEM_PERCPU from
 * BTF type tags).
 */
export function walkedPtrFlags(env: Env, reg: Reg, field: string, pointee: string, walkFlags: number): number {
  let flags = walkFlags;
  const parent = reg.btf ?? '';
  if (reg.flags & PTR_UNTRUSTED) return PTR_UNTRUSTED;
  if (!isTrustedReg(reg) && !isRcuReg(reg)) return clearTrusted(flags); // old compat, deprecated
  if (inSafeList(parent, 'trusted', field, pointee)) return flags | PTR_TRUSTED;
  if (inSafeList(parent, 'trusted_or_null', field, pointee)) return flags | PTR_TRUSTED | PTR_MAYBE_NULL;
  if (!inRcuCs(env) || reg.flags & PTR_MAYBE_NULL) return PTR_UNTRUSTED;
  if (inSafeList(parent, 'rcu', field, pointee)) return flags | MEM_RCU;
  const rcuOrNull = inSafeList(parent, 'rcu_or_null', field, pointee);
  if (flags & MEM_RCU || rcuOrNull) {
    flags |= MEM_RCU | PTR_MAYBE_NULL;
    if (rcuOrNull && flags & PTR_UNTRUSTED) flags &= ~PTR_UNTRUSTED;
    return flags;
  }
  if (flags & (MEM_PERCPU | MEM_USER)) return flags;
  return clearTrusted(flags); // walking unknown pointers yields the old, flag-less PTR_TO_BTF_ID
}

/** Flags btf_struct_walk derives from the type tag on a pointer member (a clang-built kernel's BTF). */
export function tagFlags(env: Env, tags: readonly string[]): number {
  if (!env.profile.btfHasRcuTags || tags.length === 0) return 0;
  // the kernel looks at the first tag only; the last matching assignment wins
  const t = tags[0];
  return t === 'user' ? MEM_USER : t === 'percpu' ? MEM_PERCPU : t === 'rcu' ? MEM_RCU : 0;
}
