// BTF facts the kfunc argument checks need (Linux 6.18, kernel/bpf/btf.c and verifier.c):
// btf_type_str() kind names, __btf_type_is_scalar_struct(), btf_struct_ids_match() and the
// trust predicates is_trusted_reg() / is_rcu_reg().
import type { CType, FuncParam } from '../../btf/types.ts';
import { kernelType } from '../../catalog/kernel-types.ts';
import { ModelLimit } from '../errors.ts';
import type { Reg } from '../state/reg.ts';
import { MEM_ALLOC, MEM_RCU, NON_OWN_REF, PTR_TRUSTED } from '../state/reg.ts';

/** BPF_REG_TRUSTED_MODIFIERS. */
export const TRUSTED_MODIFIERS = MEM_ALLOC | PTR_TRUSTED | NON_OWN_REF;

/** reg2btf_ids[]: non-BTF register types that stand for a kernel struct. */
export const REG2BTF: Partial<Record<Reg['type'], string>> = {
  sock: 'struct sock', sock_common: 'struct sock_common', tcp_sock: 'struct tcp_sock', map_ptr: 'struct bpf_map',
};

export const hasUnsafeModifiers = (r: Reg): boolean => (r.flags & ~TRUSTED_MODIFIERS) !== 0;

/** is_trusted_reg(): referenced, a reg2btf_ids type without unsafe flags, or only trusted flags. */
export function isTrustedReg(r: Reg): boolean {
  if (r.refObjId) return true;
  if (REG2BTF[r.type] !== undefined && !hasUnsafeModifiers(r)) return true;
  return (r.flags & TRUSTED_MODIFIERS) !== 0 && !hasUnsafeModifiers(r);
}

export const isRcuReg = (r: Reg): boolean => (r.flags & MEM_RCU) !== 0;

/** btf_param_match_suffix(): the kernel's __k, __sz, __ign, __nullable, __str, ... markers. */
export const paramHas = (p: FuncParam, suffix: string): boolean => p.name.length > suffix.length && p.name.endsWith(suffix);

/** btf_type_str() of a pointee. */
export function btfKindStr(t: CType): string {
  switch (t.kind) {
    case 'void': return 'UNKN';
    case 'int': return 'INT';
    case 'float': return 'FLOAT';
    case 'ptr': return 'PTR';
    case 'array': return 'ARRAY';
    case 'func_proto': return 'FUNC_PROTO';
    case 'ref': return t.tag === 'enum' ? 'ENUM' : t.tag.toUpperCase();
  }
}

/** The name btf_name_by_offset() gives a pointee ('' for anonymous and non-named types). */
export function btfTypeName(t: CType): string {
  if (t.kind === 'ref' || t.kind === 'int' || t.kind === 'float') return t.name;
  return '';
}

const isStructRef = (t: CType): t is { kind: 'ref'; tag: 'struct' | 'union'; name: string } => t.kind === 'ref' && t.tag !== 'enum';
export const isStructType = isStructRef;
export const isScalarType = (t: CType): boolean => t.kind === 'int' || (t.kind === 'ref' && t.tag === 'enum');

function aggregate(t: { tag: string; name: string }) {
  const d = kernelType(`${t.tag} ${t.name}`);
  if (!d || d.kind === 'enum') throw new ModelLimit(`kernel type ${t.tag} ${t.name} is not in the model's BTF catalog`);
  return d;
}

/** __btf_type_is_scalar_struct(): a struct made of scalars, arrays of scalars and such structs (3 levels). */
export function isScalarStruct(t: CType, rec = 0): boolean {
  if (!isStructRef(t)) return false;
  for (const m of aggregate(t).members) {
    const mt = m.type;
    if (isStructRef(mt)) {
      if (rec >= 3) throw new ModelLimit('struct nesting deeper than the verifier allows (max struct nesting depth exceeded)');
      if (!isScalarStruct(mt, rec + 1)) return false;
      continue;
    }
    if (mt.kind === 'array') {
      if (mt.len === 0 || !isScalarType(mt.elem)) return false;
      continue;
    }
    if (!isScalarType(mt)) return false;
  }
  return true;
}

/** The key ('struct cgroup') of a struct CType. */
export const structKey = (t: { tag: string; name: string }): string => `${t.tag} ${t.name}`;

/**
 * btf_struct_ids_match(): does a pointer to `have` at offset `off` point to a `need`? Unless
 * strict, the search descends into the struct member starting at `off` (off 0: the first
 * member), so a struct cgroup * serves where a struct cgroup_subsys_state * is expected.
 */
export function structIdsMatch(have: string, off: number, need: string, strict: boolean): boolean {
  if (off === 0 && have === need) return true;
  if (strict) return false;
  let cur = have;
  let o = off;
  for (let guard = 0; guard < 32; guard++) {
    const next = nestedStructAt(cur, o);
    if (next === null) return false;
    if (next === need) return true;
    cur = next;
    o = 0;
  }
  return false;
}

/** btf_struct_walk() for a 1-byte access: the struct member starting exactly at `off`, descending. */
function nestedStructAt(key: string, off: number): string | null {
  const [tag, name] = key.split(' ') as ['struct' | 'union', string];
  let def = aggregate({ tag, name });
  let o = off;
  for (;;) {
    const m = def.members.find((mm) => {
      const size = memberSize(mm.type);
      return mm.bitSize === undefined && o >= mm.offset && o < mm.offset + Math.max(size, 1);
    });
    if (!m) return null;
    if (m.type.kind === 'array') throw new ModelLimit('walking into arrays of a kernel struct is not modelled yet');
    if (!isStructRef(m.type)) return null;
    if (o === m.offset) return structKey(m.type);
    o -= m.offset;
    def = aggregate(m.type);
  }
}

function memberSize(t: CType): number {
  switch (t.kind) {
    case 'int': case 'float': return t.size;
    case 'ptr': return 8;
    case 'array': return memberSize(t.elem) * t.len;
    case 'ref': return kernelType(`${t.tag} ${t.name}`)?.size ?? 0;
    default: return 0;
  }
}

export function typeSize(t: CType): number | undefined {
  const n = memberSize(t);
  return n > 0 ? n : undefined;
}
