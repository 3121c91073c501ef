// Referenced kptrs in map values and bpf_kptr_xchg (Linux 6.18).
//
// The map's btf_record lists its kptr fields: members of the value type that are pointers tagged
// `__kptr` (BPF_KPTR_REF), `__kptr_untrusted` (BPF_KPTR_UNREF), `__percpu_kptr` or `__uptr`.
// rule kptr.access.*: loads and stores that touch a kptr field must be plain 8-byte accesses at
//   exactly its offset (check_map_access); stores to a referenced kptr are refused
//   (kptr.store.referenced, check_map_kptr_access); a load gives rcu_ptr_or_null_<T> inside an
//   RCU section for RCU-protected types, untrusted_ptr_or_null_<T> otherwise (kptr.load.trust).
// rule kptr.xchg.*: bpf_kptr_xchg(&v->field, new) — arg1 a map value pointer exactly at a
//   referenced kptr field (process_kptr_func), arg2 NULL or a referenced pointer of the field's
//   type (map_kptr_match_type); the reference of arg2 moves into the map and R0 is the old value,
//   ptr_or_null_<T> with a new reference (kptr.xchg.transfer).
// Only kernel pointee types are modelled (local bpf_obj_new types, percpu kptrs and uptrs are
// model limits), and only kptr fields at the top level of the value type.
import type { Env } from '../env.ts';
import { newId } from '../env.ts';
import { ModelLimit, reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { MEM_RCU, PTR_MAYBE_NULL, PTR_TRUSTED, PTR_UNTRUSTED, ptrReg, regIsNull, regStr } from '../state/reg.ts';
import type { CType } from '../../btf/types.ts';
import * as op from '../../isa/opcodes.ts';
import { BPF_LDX, insnClass } from '../../isa/insn.ts';
import { tnumIsConst } from '../scalar/tnum.ts';
import { acquireReference, releaseReference } from '../refs/refs.ts';
import { inRcuCs } from '../rcu/rcu.ts';

type KptrKind = 'kptr' | 'kptr_untrusted' | 'percpu_kptr' | 'uptr';

export interface KptrField {
  offset: number;
  kind: KptrKind;
  /** Pointee struct key, e.g. 'struct task_struct'. */
  btf: string;
}

/** The kernel types bpf_kptr_xchg / kptr loads are modelled for (all with a dtor, all RCU-protected). */
const KERNEL_KPTR_TYPES = new Set(['struct task_struct', 'struct cgroup', 'struct bpf_cpumask']);

const KIND_ORDER: KptrKind[] = ['percpu_kptr', 'kptr_untrusted', 'kptr', 'uptr'];

function fieldKind(t: CType): KptrKind | null {
  if (t.kind !== 'ptr') return null;
  for (const k of KIND_ORDER) if (t.tags?.includes(k)) return k;
  return null;
}

function containsKptr(env: Env, t: CType, depth = 0): boolean {
  if (depth > 8) return false;
  if (fieldKind(t)) return true;
  if (t.kind === 'array') return containsKptr(env, t.elem, depth + 1);
  if (t.kind === 'ref' && t.tag !== 'enum') {
    const def = env.prog.types.get(`${t.tag} ${t.name}`);
    if (def && def.kind !== 'enum') return def.members.some((m) => containsKptr(env, m.type, depth + 1));
  }
  return false;
}

/** The kptr fields of a map's btf_record, sorted by offset. */
export function mapKptrFields(env: Env, mapIdx: number): KptrField[] {
  const map = env.prog.maps[mapIdx];
  let members: { type: CType; offset: number }[] = [];
  if (map.kind === 'global') members = (map.vars ?? []).map((v) => ({ type: v.type, offset: v.offset }));
  else if (map.valueType?.kind === 'ref' && map.valueType.tag !== 'enum') {
    const def = env.prog.types.get(`${map.valueType.tag} ${map.valueType.name}`);
    if (def && def.kind !== 'enum') members = def.members;
  } else if (map.valueType) members = [{ type: map.valueType, offset: 0 }];
  const out: KptrField[] = [];
  for (const m of members) {
    const kind = fieldKind(m.type);
    if (!kind) {
      if (containsKptr(env, m.type)) throw new ModelLimit('kptr fields nested in structs or arrays of a map value are not modelled yet');
      continue;
    }
    const to = (m.type as { to: CType }).to;
    const btf = to.kind === 'ref' ? `${to.tag} ${to.name}` : 'void';
    out.push({ offset: m.offset, kind, btf });
  }
  return out.sort((a, b) => a.offset - b.offset);
}

const fieldTypeName = (k: KptrKind): string => (k === 'kptr_untrusted' ? 'kptr' : k);

function requireModelled(f: KptrField): void {
  if (f.kind === 'percpu_kptr' || f.kind === 'uptr') throw new ModelLimit(`${f.kind} fields are not modelled yet`);
  if (!KERNEL_KPTR_TYPES.has(f.btf)) throw new ModelLimit(`kptrs to ${f.btf} are not modelled yet`);
}

/**
 * The kptr part of check_map_access + check_map_kptr_access, after the bounds check. Returns
 * undefined when the access touches no kptr field (the caller goes on as for plain data), the
 * loaded register for loads, or null for an allowed store.
 */
export function kptrMapAccess(env: Env, reg: Reg, off: number, size: number, kind: 'read' | 'write'): Reg | null | undefined {
  if (reg.map === undefined) return undefined;
  const fields = mapKptrFields(env, reg.map);
  let hit: KptrField | undefined;
  for (const f of fields) {
    if (!(reg.s.smin + BigInt(off) < BigInt(f.offset + 8) && BigInt(f.offset) < reg.s.umax + BigInt(off + size))) continue;
    const name = fieldTypeName(f.kind);
    if (!tnumIsConst(reg.s.varOff)) reject(RULES.kptrAccessVarOff, name);
    const at = off + Number(reg.s.varOff.value);
    if (f.offset !== at) reject(RULES.kptrAccessMisaligned, name, f.offset, at);
    if (size !== 8) reject(RULES.kptrAccessSize, name);
    hit = f;
  }
  if (!hit) return undefined;
  requireModelled(hit);
  const insn = env.prog.insns[env.insnIdx];
  if (op.bpfMode(insn.code) !== op.BPF_MEM) reject(RULES.kptrAccessMode);
  const isLoad = insnClass(insn.code) === BPF_LDX;
  if (!isLoad && hit.kind === 'kptr') reject(RULES.kptrStoreReferenced);
  if (!isLoad || kind === 'write') throw new ModelLimit('stores to __kptr_untrusted fields are not modelled yet');
  // btf_ld_kptr_type(): every modelled kernel type is RCU-protected (rcu_protected_object)
  const flags = PTR_MAYBE_NULL | (hit.kind === 'kptr' && inRcuCs(env) ? MEM_RCU : PTR_UNTRUSTED);
  return ptrReg('btf_id', { btf: hit.btf, flags, id: newId(env) });
}

/** meta.kptr_field and meta.ref_obj_id of the bpf_kptr_xchg call being checked, from its arguments to its return. */
const pending = new WeakMap<Env, { field: KptrField; refObjId: number }>();

const btfShort = (key: string | undefined): string => (key ?? '').replace(/^(struct|union) /, '');

/** check_func_arg() for bpf_kptr_xchg: arg 1 (ARG_KPTR_XCHG_DEST), arg 2 (ARG_PTR_TO_BTF_ID_OR_NULL | OBJ_RELEASE). */
export function checkKptrXchgArg(env: Env, regno: number, reg: Reg): void {
  if (regno === 1) {
    // check_reg_type(): kptr_xchg_dest_types
    if (reg.type !== 'map_value' || reg.flags !== 0) {
      if (reg.type === 'btf_id' && reg.flags === 0) throw new ModelLimit('bpf_kptr_xchg into allocated objects is not modelled yet');
      reject(RULES.helperArgType, regno, regStr(reg), 'map_value, ptr_');
    }
    if (reg.map === undefined || env.prog.maps[reg.map].valueType === null && env.prog.maps[reg.map].kind !== 'global') throw new ModelLimit('maps without BTF are not modelled for bpf_kptr_xchg');
    if (!tnumIsConst(reg.s.varOff)) reject(RULES.kptrVarOff, regno);
    const fields = mapKptrFields(env, reg.map);
    if (fields.length === 0) reject(RULES.kptrNoField, regno);
    const off = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
    const f = fields.find((x) => off >= x.offset && off < x.offset + 8);
    if (!f) reject(RULES.kptrFieldOffset, off);
    if (f.kind === 'kptr_untrusted') reject(RULES.kptrNotReferenced, off);
    requireModelled(f);
    pending.set(env, { field: f, refObjId: 0 });
    return;
  }
  const p = pending.get(env);
  if (!p) throw new ModelLimit('bpf_kptr_xchg without a destination field');
  const f = p.field;
  if (regIsNull(reg)) return; // a NULL register skips the type check; releasing NULL is fine
  // check_reg_type(): btf_ptr_types, the maybe-NULL flag stripped (the argument is _OR_NULL)
  const base = reg.flags & ~PTR_MAYBE_NULL;
  if (reg.type !== 'btf_id' || (base !== 0 && base !== PTR_TRUSTED && base !== MEM_RCU)) {
    reject(RULES.helperArgType, regno, regStr(reg), 'ptr_, trusted_ptr_, rcu_ptr_');
  }
  if (reg.flags & PTR_MAYBE_NULL) reject(RULES.kptrXchgMaybeNull, regno);
  if (reg.off !== 0 || !tnumIsConst(reg.s.varOff) || reg.s.varOff.value !== 0n) throw new ModelLimit('kptr objects with an offset are not modelled yet');
  // map_kptr_match_type(): strict match of the pointee type
  if (reg.btf !== f.btf) reject(RULES.kptrTypeMismatch, regno, regStr(reg) + btfShort(reg.btf), 'ptr_' + btfShort(f.btf));
  if (!reg.refObjId) reject(RULES.refReleaseNotReferenced, regno);
  p.refObjId = reg.refObjId;
}

/**
 * check_helper_call() after the arguments (the caller-saved registers already clobbered): the
 * reference of arg2 moves into the map (every copy invalidated, mark_reg_invalid), and R0 is the
 * old value: RET_PTR_TO_BTF_ID_OR_NULL (a fresh id) that is_acquire_function() then gives a new
 * reference (whose id replaces the first).
 */
export function kptrXchgReturn(env: Env): Reg {
  const p = pending.get(env);
  pending.delete(env);
  if (!p) throw new ModelLimit('bpf_kptr_xchg without a destination field');
  if (p.refObjId && !releaseReference(env, p.refObjId)) throw new ModelLimit('releasing an unknown reference');
  newId(env);
  const ref = acquireReference(env, env.insnIdx);
  return ptrReg('btf_id', { btf: p.field.btf, flags: PTR_MAYBE_NULL, id: ref, refObjId: ref });
}
