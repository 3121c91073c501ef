// Rules for BTF-typed pointers: loads through PTR_TO_BTF_ID (btf_struct_access), trust classes of
// walked pointers, and BTF-typed program contexts (tp_btf, fentry, lsm arguments). Ids: btf.*.
// Messages are the Linux 6.18 wording (kernel/bpf/verifier.c, kernel/bpf/btf.c), each confirmed by
// loading an example on a 6.18 kernel.
import { rule } from '../rule.ts';

export const BTF_PTR_RULES = {
  // --- check_ptr_to_btf_access ---
  btfOnlyRead: rule('btf.ptr.only-read', 'check_ptr_to_btf_access', 'Programs may only read through pointers to kernel structs, never write.', () => 'only read is supported'),
  btfNegativeOff: rule('btf.ptr.negative-offset', 'check_ptr_to_btf_access', 'A load through a kernel struct pointer must not start before the struct.', (r: number, tname: string, off: number) => `R${r} is ptr_${tname} invalid negative access: off=${off}`),
  btfVarOff: rule('btf.ptr.variable-offset', 'check_ptr_to_btf_access', 'A kernel struct pointer is dereferenced only at a constant offset: a variable part makes the field unknown.', (r: number, tname: string, off: number, varOff: string) => `R${r} is ptr_${tname} invalid variable offset: off=${off}, var_off=${varOff}`),
  btfMaybeNull: rule('btf.ptr.maybe-null', 'check_mem_access', 'A kernel struct pointer that may be NULL (an _or_null_ trust class) must be NULL-checked before it is dereferenced.', (r: number, t: string) => `R${r} invalid mem access '${t}'`),

  // --- btf_struct_walk: where in the struct the access lands ---
  btfBeyondStruct: rule('btf.struct.beyond-end', 'btf_struct_walk', 'A load through a kernel struct pointer must lie inside the struct (or inside the nested struct the offset leads into).', (tname: string, off: number, size: number) => `access beyond struct ${tname} at off ${off} size ${size}`),
  btfPtrMemberPartial: rule('btf.struct.ptr-member-whole', 'btf_struct_walk', 'A pointer field is read whole: an 8-byte load at exactly its offset.', (mname: string, moff: number, tname: string, off: number, size: number) => `cannot access ptr member ${mname} with moff ${moff} in struct ${tname} with off ${off} size ${size}`),
  btfBeyondMember: rule('btf.struct.beyond-member', 'btf_struct_walk', 'A load of a scalar field must end inside that field (an array counts as one field).', (mname: string, mend: number, tname: string, off: number, size: number) => `access beyond the end of member ${mname} (mend:${mend}) in struct ${tname} with off ${off} size ${size}`),
  btfNoField: rule('btf.struct.no-field', 'btf_struct_walk', 'A load must start at a field: padding holes and partial bitfields have none.', (tname: string, off: number) => `struct ${tname} doesn't have field at offset ${off}`),

  // --- trust classes of loaded pointers (no message of their own: they decide what later checks see) ---
  trustTpBtfArgs: rule('btf.trust.tp-btf-args', 'btf_ctx_access', 'Pointer arguments of tp_btf programs are trusted (trusted_ptr_): the tracepoint holds a reference for the call.', () => ''),
  trustRcuFields: rule('btf.trust.rcu-fields', 'check_ptr_to_btf_access', 'From a trusted or RCU pointer, a field in the BTF_TYPE_SAFE_RCU list (task->real_parent, task->cgroups, css_set->dfl_cgrp, ...) loads an RCU pointer (rcu_ptr_) inside an RCU read-side section; a non-sleepable program always is in one.', () => ''),
  trustRcuOrNull: rule('btf.trust.rcu-or-null-fields', 'check_ptr_to_btf_access', 'A field in the BTF_TYPE_SAFE_RCU_OR_NULL list (skb->sk, mm->exe_file) loads rcu_ptr_or_null_: it must be NULL-checked before use.', () => ''),
  trustTrustedFields: rule('btf.trust.trusted-fields', 'check_ptr_to_btf_access', 'A field in the BTF_TYPE_SAFE_TRUSTED list (bprm->file, file->f_inode) keeps the parent pointer trusted.', () => ''),
  trustLegacyWalk: rule('btf.trust.legacy-walk', 'check_ptr_to_btf_access', 'Any other pointer field walked from a trusted or RCU pointer inside an RCU section is a plain, flag-less ptr_ (the pre-trust compatibility class): readable, but not trusted.', () => ''),
  trustOutsideRcu: rule('btf.trust.untrusted-outside-rcu', 'check_ptr_to_btf_access', 'In a sleepable program outside bpf_rcu_read_lock(), walking a pointer field (even an RCU-listed one) yields an untrusted pointer.', () => ''),
  trustUntrustedInherit: rule('btf.trust.untrusted-inherits', 'check_ptr_to_btf_access', 'Every pointer loaded through an untrusted pointer is untrusted too; so is every pointer read through a union with several members.', () => ''),
  walkNonStructPtr: rule('btf.walk.non-struct-pointer', 'check_mem_access', 'A pointer field to a non-struct type (void *, char *, int *) loads read-only untrusted memory (rdonly_untrusted_mem): any offset may be read (the load becomes a fault-tolerant probe read), nothing written.', (r: number, t: string) => `R${r} cannot write into ${t}`),

  // --- btf_ctx_access: BTF-typed contexts (tp_btf) ---
  ctxNotMultipleOf8: rule('btf.ctx.offset-multiple-of-8', 'btf_ctx_access', 'Arguments of a BTF-typed context are 8-byte slots: an access must start at a multiple of 8.', (func: string, off: number) => `func '${func}' offset ${off} is not multiple of 8`),
  ctxNoSuchArg: rule('btf.ctx.no-such-argument', 'btf_ctx_access', 'A BTF-typed context has one 8-byte slot per argument of the traced function or tracepoint; reading past the last one is rejected.', (func: string, nth: number) => `func '${func}' doesn't have ${nth}-th argument`),
  ctxPtrSize: rule('btf.ctx.pointer-arg-size', 'btf_ctx_access', 'A pointer argument is loaded with an 8-byte load (scalar arguments may be read narrower).', (func: string, size: number) => `func '${func}' size ${size} must be 8`),
  ctxNullableArgs: rule('btf.ctx.nullable-args', 'btf_ctx_access', "Tracepoint arguments the kernel lists as possibly NULL (raw_tp_null_args, e.g. kfree_skb's rx_sk) load as trusted_ptr_or_null_ and must be NULL-checked.", () => ''),
  ctxScalarArgs: rule('btf.ctx.scalar-args', 'btf_ctx_access', 'Integer, enum and void/int-pointer arguments load as unknown scalars, sized to the load.', () => ''),
} as const;
