// Rules for referenced kptrs in map values (`struct task_struct __kptr *t;`) and the
// bpf_kptr_xchg helper (#194): process_kptr_func, map_kptr_match_type, check_map_access,
// check_map_kptr_access and btf_ld_kptr_type in kernel/bpf/verifier.c. Ids: kptr.*.
// Messages are the Linux 6.18 wording, each confirmed by loading an example on a 6.18 kernel.
import { rule } from '../rule.ts';

export const KPTR_RULES = {
  // --- bpf_kptr_xchg(dst, new): the destination (ARG_KPTR_XCHG_DEST) ---
  kptrNoField: rule('kptr.xchg.no-kptr', 'process_kptr_func', 'The first argument of bpf_kptr_xchg points into a map value whose type has at least one kptr field.', (r: number) => `R${r} has no valid kptr`),
  kptrVarOff: rule('kptr.xchg.variable-offset', 'process_kptr_func', 'The first argument of bpf_kptr_xchg has a constant offset into the map value.', (r: number) => `R${r} doesn't have constant offset. kptr has to be at the constant offset`),
  kptrFieldOffset: rule('kptr.xchg.field-offset', 'process_kptr_func', 'The first argument of bpf_kptr_xchg points exactly at a kptr field of the map value (`&v->field`), not at the value itself or another field.', (off: number) => `off=${off} doesn't point to kptr`),
  kptrNotReferenced: rule('kptr.xchg.unreferenced-field', 'process_kptr_func', 'bpf_kptr_xchg only exchanges referenced kptr fields (`__kptr`), not `__kptr_untrusted` ones.', (off: number) => `off=${off} kptr isn't referenced kptr`),
  // --- the new object (ARG_PTR_TO_BTF_ID_OR_NULL | OBJ_RELEASE) ---
  kptrTypeMismatch: rule('kptr.xchg.type-mismatch', 'map_kptr_match_type', "The object given to bpf_kptr_xchg (or stored into a kptr field) has exactly the field's pointee type, at offset 0.", (r: number, have: string, want: string) => `invalid kptr access, R${r} type=${have} expected=${want}`),
  kptrXchgMaybeNull: rule('kptr.xchg.possibly-null', 'check_reg_type', 'The object given to bpf_kptr_xchg is NULL-checked first (a literal NULL is fine: it empties the field).', (arg: number) => `Possibly NULL pointer passed to helper arg${arg}`),
  kptrXchgTransfer: rule('kptr.xchg.transfer', 'check_helper_call', 'bpf_kptr_xchg moves the reference of its second argument into the map (every copy in the program becomes invalid) and returns the old field value as a maybe-NULL pointer carrying a new reference, which must be released or stashed again before exit.', () => ''),
  // --- loads and stores of kptr fields (check_map_access, check_map_kptr_access) ---
  kptrAccessMisaligned: rule('kptr.access.misaligned', 'check_map_access', 'A load or store touching a kptr field starts exactly at the field.', (name: string, expected: number, off: number) => `${name} access misaligned expected=${expected} off=${off}`),
  kptrAccessSize: rule('kptr.access.size', 'check_map_access', 'A kptr field is loaded or stored whole, with an 8-byte (BPF_DW) access.', (name: string) => `${name} access size must be BPF_DW`),
  kptrAccessVarOff: rule('kptr.access.variable-offset', 'check_map_access', 'An access that may touch a kptr field has a constant offset.', (name: string) => `${name} access cannot have variable offset`),
  kptrAccessMode: rule('kptr.access.mode', 'check_map_kptr_access', 'A kptr field is accessed only with plain BPF_MEM loads and stores, not atomics or sign-extending loads.', () => 'kptr in map can only be accessed using BPF_MEM instruction mode'),
  kptrStoreReferenced: rule('kptr.store.referenced', 'check_map_kptr_access', 'A referenced kptr field is never written by a store instruction, not even with NULL: only bpf_kptr_xchg changes it.', () => 'store to referenced kptr disallowed'),
  kptrLoadTrust: rule('kptr.load.trust', 'btf_ld_kptr_type', 'A plain load of a referenced kptr field of an RCU-protected type (task_struct, cgroup, bpf_cpumask) gives rcu_ptr_or_null_ inside an RCU read-side section (always, in a non-sleepable program) and untrusted_ptr_or_null_ outside one; it carries no reference and must be NULL-checked before use.', () => ''),
} as const;
