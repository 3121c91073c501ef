// check_ptr_to_btf_access() (Linux 6.18, kernel/bpf/verifier.c): loads and stores through a
// PTR_TO_BTF_ID register, i.e. a pointer to a kernel struct described by vmlinux BTF.
// Called from check_mem_access() once the pointer is known not to be NULL.
import type { Env } from '../env.ts';
import { newId } from '../env.ts';
import type { Reg } from '../state/reg.ts';
import { MEM_ALLOC, MEM_PERCPU, MEM_RDONLY, MEM_USER, PTR_MAYBE_NULL, PTR_UNTRUSTED, ptrReg, unknownScalar } from '../state/reg.ts';
import { reject, ModelLimit } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import { tnumIsConst } from '../scalar/tnum.ts';
import { btfStructAccess, btfTypeName } from './struct-walk.ts';
import { tagFlags, walkedPtrFlags } from './trust.ts';

/** Program types whose verifier ops have a btf_struct_access callback (writes to some kernel structs, e.g. nf_conn). */
const WRITE_CALLBACK_PROG_TYPES = new Set(['sched_cls', 'sched_act', 'xdp', 'struct_ops']);

/** tnum_strn(): `(0x..; 0x..)`. */
const tnumText = (r: Reg): string => `(0x${r.s.varOff.value.toString(16)}; 0x${r.s.varOff.mask.toString(16)})`;

/**
 * Access `size` bytes at `off` (the instruction's offset plus reg->off) through `reg`. Returns the
 * loaded register for reads, null for writes (which are always rejected here).
 */
export function checkPtrToBtfAccess(env: Env, regno: number, reg: Reg, off: number, size: number, kind: 'read' | 'write'): Reg | null {
  const key = reg.btf;
  if (key === undefined) throw new ModelLimit('a BTF pointer without a BTF type');
  // program-allocated objects (bpf_obj_new) follow other rules: their own fields, writes allowed
  if (reg.flags & MEM_ALLOC) throw new ModelLimit('accesses to bpf_obj_new objects are not modelled yet');
  const tname = btfTypeName(key);
  // root loaders have allow_ptr_leaks; the kernel back end loads GPL programs, so neither the
  // CAP_PERFMON nor the non-GPL check can fire for the project's examples
  if (off < 0) reject(RULES.btfNegativeOff, regno, tname, off);
  if (!tnumIsConst(reg.s.varOff) || reg.s.varOff.value !== 0n) reject(RULES.btfVarOff, regno, tname, off, tnumText(reg));
  if (reg.flags & (MEM_USER | MEM_PERCPU)) throw new ModelLimit('__user / __percpu BTF pointers (clang-built BTF) are not modelled');
  if (kind === 'write') {
    if (WRITE_CALLBACK_PROG_TYPES.has(env.section.progType)) throw new ModelLimit(`writes through BTF pointers in ${env.section.progType} programs (btf_struct_access callback) are not modelled`);
    reject(RULES.btfOnlyRead);
  }
  const res = btfStructAccess(key, off, size);
  switch (res.kind) {
    case 'scalar':
      return unknownScalar();
    case 'ptr_untrusted':
      // WALK_PTR_UNTRUSTED: PTR_TO_MEM | MEM_RDONLY | PTR_UNTRUSTED of size 0
      return ptrReg('mem', { flags: MEM_RDONLY | PTR_UNTRUSTED, memSize: 0 });
    case 'ptr': {
      const flags = walkedPtrFlags(env, reg, res.field, res.to, res.flags | tagFlags(env, res.tags));
      return ptrReg('btf_id', { btf: res.to, flags, ...(flags & PTR_MAYBE_NULL ? { id: newId(env) } : {}) });
    }
  }
}
