// btf_struct_walk() / btf_struct_access() of kernel/bpf/btf.c (Linux 6.18): what a load of
// `size` bytes at `off` inside a kernel struct reads, using the struct layouts of the generated
// catalog (vmlinux BTF of the running kernel).
//
// The walk follows the kernel's order exactly, which matters for its messages:
//  - an offset that equals the start of a nested struct member descends into that struct (even
//    when the load is wider than it), and the search restarts there at offset 0;
//  - arrays are linearised: the element containing `off` is taken, but a scalar load may run on
//    to the end of the whole array;
//  - a pointer member must be read whole; a pointer to a struct yields a BTF pointer, a pointer to
//    anything else (void *, char *, pointer to pointer) yields read-only untrusted memory;
//  - unions with more than one member make every pointer found below them untrusted.
import type { AggregateDef, CType, Member } from '../../btf/types.ts';
import { sizeOf } from '../../btf/layout.ts';
import { kernelType } from '../../catalog/kernel-types.ts';
import { reject } from '../errors.ts';
import { ModelLimit } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import { PTR_UNTRUSTED } from '../state/reg.ts';

export type WalkResult =
  /** WALK_SCALAR */
  | { kind: 'scalar' }
  /** WALK_PTR: a pointer to the struct `to` ('struct task_struct'), read from field `field`. */
  | { kind: 'ptr'; to: string; field: string; flags: number; tags: readonly string[] }
  /** WALK_PTR_UNTRUSTED: a pointer to a non-struct type. */
  | { kind: 'ptr_untrusted'; flags: number };

/** The name btf_struct_walk logs for a struct: the BTF name, '(anon)' for anonymous ones. */
export function btfTypeName(key: string): string {
  const name = key.replace(/^(struct|union) /, '');
  if (name.startsWith('__anon_')) return '(anon)';
  // the catalog renames later duplicates of a name `<name>__btf<id>`; BTF calls them <name>
  return name.replace(/__btf\d+$/, '');
}

export function aggregate(key: string): AggregateDef {
  const def = kernelType(key);
  if (!def) throw new ModelLimit(`kernel type ${key} is not in the generated catalog (add it to scripts/gen-kernel-catalog.ts ROOT_TYPES)`);
  if (def.kind === 'enum') throw new ModelLimit(`${key} is not a struct`);
  return def;
}

const isAggregateRef = (t: CType): t is { kind: 'ref'; tag: 'struct' | 'union'; name: string } =>
  t.kind === 'ref' && (t.tag === 'struct' || t.tag === 'union');
const refKey = (t: { tag: string; name: string }): string => `${t.tag} ${t.name}`;

function typeSize(t: CType): number {
  const n = sizeOf(t, kernelType);
  if (n === undefined) throw new ModelLimit(`the size of a kernel type (${t.kind === 'ref' ? refKey(t) : t.kind}) is not in the catalog`);
  return n;
}

/** __btf_resolve_size(): the whole size of a member, and for (nested) arrays the innermost element and the element count. */
function resolveSize(t: CType): { size: number; elem: CType | null; nelems: number } {
  if (t.kind !== 'array') return { size: typeSize(t), elem: null, nelems: 1 };
  let elem: CType = t;
  let nelems = 1;
  while (elem.kind === 'array') {
    nelems *= elem.len;
    elem = elem.elem;
  }
  return { size: typeSize(elem) * nelems, elem, nelems };
}

/** One pass of btf_struct_walk() over struct `key`. */
function walkOnce(key: string, off: number, size: number, flagsIn: number):
  { res: WalkResult } | { nested: string; off: number; flags: number } {
  let def = aggregate(key);
  let flags = flagsIn;
  for (;;) {
    const tname = btfTypeName(`${def.kind} ${def.name}`);
    if (def.kind === 'union' && def.members.length !== 1 && !(flags & PTR_UNTRUSTED)) flags |= PTR_UNTRUSTED;

    if (off + size > def.size) {
      // only a trailing flexible array of ints or structs may be read past the struct's size
      const last: Member | undefined = def.members[def.members.length - 1];
      const lt = last?.type;
      if (!last || lt?.kind !== 'array' || lt.len !== 0 || off < last.offset) reject(RULES.btfBeyondStruct, tname, off, size);
      const elem = lt.elem;
      if (elem.kind === 'int') return { res: { kind: 'scalar' } };
      if (!isAggregateRef(elem)) reject(RULES.btfBeyondStruct, tname, off, size);
      def = aggregate(refKey(elem));
      off = (off - last.offset) % def.size;
      continue;
    }

    let descended = false;
    for (const m of def.members) {
      let moff = m.offset;
      if (off + size <= moff) break;
      if (m.bitSize !== undefined) {
        const endBit = moff * 8 + (m.bitOffset ?? 0) + m.bitSize;
        if (off <= moff && Math.ceil(endBit / 8) <= off + size) return { res: { kind: 'scalar' } };
        continue; // a partial access to a bitfield is treated as not accessing it
      }
      if (off < moff) break; // inside a hole
      const r = resolveSize(m.type);
      let msize = r.size;
      let mtype = m.type;
      const mtrueEnd = moff + msize;
      if (off >= mtrueEnd) continue;
      if (r.elem) {
        msize = msize / r.nelems;
        moff += Math.floor((off - moff) / msize) * msize;
        mtype = r.elem;
      }
      if (isAggregateRef(mtype)) {
        if (off === moff) return { nested: refKey(mtype), off: 0, flags };
        off -= moff;
        def = aggregate(refKey(mtype));
        descended = true;
        break;
      }
      if (mtype.kind === 'ptr') {
        if (msize !== size || off !== moff) reject(RULES.btfPtrMemberPartial, m.name, moff, tname, off, size);
        if (isAggregateRef(mtype.to)) return { res: { kind: 'ptr', to: refKey(mtype.to), field: m.name, flags, tags: mtype.tags ?? [] } };
        return { res: { kind: 'ptr_untrusted', flags } };
      }
      // scalars: any access within the member, or to the end of the array it is part of
      if (off + size > mtrueEnd && !(flags & PTR_UNTRUSTED)) reject(RULES.btfBeyondMember, m.name, mtrueEnd, tname, off, size);
      return { res: { kind: 'scalar' } };
    }
    if (!descended) reject(RULES.btfNoField, tname, off);
  }
}

/** btf_struct_access() for kernel (non-allocated) objects: walk until a scalar or a pointer is found. */
export function btfStructAccess(key: string, off: number, size: number): WalkResult {
  let cur = key;
  let flags = 0;
  for (;;) {
    const r = walkOnce(cur, off, size, flags);
    if ('res' in r) return r.res;
    // WALK_STRUCT: continue inside the nested struct at offset 0
    cur = r.nested;
    off = r.off;
    flags = r.flags;
  }
}
