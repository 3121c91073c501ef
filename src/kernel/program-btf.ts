// Program BTF generated from the IR, shaped like what clang emits and libbpf loads: the
// program's structs/unions/enums (kernel types it embeds by value become its own structs of the
// same name and size, as they do when a C program includes vmlinux.h or bpf_helpers.h: the
// kernel recognises bpf_spin_lock, bpf_list_head, ... by name and size), `__contains` as DECL_TAG
// "contains:T:field" on the member, pointer tags as TYPE_TAGs between the PTR and its pointee,
// a VAR per global and a DATASEC per data section, a FUNC per subprogram for func info, and the
// ids bpf_core_type_id_local() resolves to.
//
// The libbpf map-definition struct (`struct { int (*type)[N]; ... }`) is not emitted: the kernel
// never sees it; what it needs are the key/value type ids at map creation.

import type { CType, FuncParam, Member, NamedTypeDef } from '../btf/types.ts';
import { typeKey } from '../btf/types.ts';
import type { TypeLookup } from '../btf/layout.ts';
import { BtfBuilder, type WriteMember } from '../btf/btf-write.ts';
import type { MapDef, MapType, Program } from '../ir/program.ts';
import { BPF_PSEUDO_CALL, BPF_PSEUDO_LD } from '../ir/sections.ts';

const BPF_JMP_CALL = 0x85;
const LD_IMM64 = 0x18;
const BPF_PSEUDO_FUNC = BPF_PSEUDO_LD.BPF_PSEUDO_FUNC;

export interface GeneratedProgramBtf {
  raw: Uint8Array;
  /** One per subprogram, in address order (the kernel wants them sorted, the first at 0). */
  funcInfo: { insn: number; typeId: number }[];
  /** Indexed like Program.maps. */
  maps: { btfKeyTypeId?: number; btfValueTypeId?: number }[];
  /** BTF id of each type named by a 'local_type_id' reloc ('struct foo' -> id). */
  localTypeIds: Map<string, number>;
}

/**
 * Map types without key/value types to describe. (Older kernels also refused BTF for prog
 * arrays, map_check_no_btf; 6.18 takes it, and the loader retries without BTF as libbpf does.)
 */
const NO_BTF_MAPS: ReadonlySet<MapType> = new Set<MapType>(['ringbuf']);

/** Kernel type names the verifier treats specially when a program embeds them by value. */
export const SPECIAL_KERNEL_STRUCTS: ReadonlySet<string> = new Set([
  'bpf_spin_lock', 'bpf_res_spin_lock', 'bpf_timer', 'bpf_wq', 'bpf_task_work', 'bpf_list_head', 'bpf_list_node',
  'bpf_rb_root', 'bpf_rb_node', 'bpf_refcount',
]);

class Emitter {
  readonly b = new BtfBuilder();
  private readonly memo = new Map<string, number>();
  private readonly local: TypeLookup;
  private readonly kernel: TypeLookup;

  constructor(local: TypeLookup, kernel: TypeLookup) {
    this.local = local;
    this.kernel = kernel;
  }

  private once(key: string, make: () => number): number {
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit;
    const id = make();
    this.memo.set(key, id);
    return id;
  }

  /** The BTF id of `t`; 0 for void. `opaqueKernel`: kernel aggregates behind a pointer get no members. */
  id(t: CType, opaqueKernel = false): number {
    switch (t.kind) {
      case 'void':
        return 0;
      case 'int':
        return this.once(`int ${t.name}/${t.size}/${t.signed}/${t.bool === true}`, () =>
          this.b.int(t.name, t.size, { signed: t.signed, bool: t.bool === true }),
        );
      case 'float':
        return this.once(`float ${t.name}/${t.size}`, () => this.b.float(t.name, t.size));
      case 'ptr': {
        let target = this.id(t.to, true);
        // clang puts the type tags between the pointer and the pointee, last written innermost.
        for (const tag of [...(t.tags ?? [])].reverse()) target = this.once(`tag ${tag}/${target}`, () => this.b.typeTag(tag, target));
        return this.once(`ptr ${target}`, () => this.b.ptr(target));
      }
      case 'array': {
        const elem = this.id(t.elem, opaqueKernel);
        const index = this.once('int __ARRAY_SIZE_TYPE__', () => this.b.int('__ARRAY_SIZE_TYPE__', 4));
        return this.once(`array ${elem}/${t.len}`, () => this.b.array(elem, index, t.len));
      }
      case 'func_proto':
        return this.proto(t.ret, t.params, t.variadic === true);
      case 'ref':
        return this.named(t.tag, t.name, opaqueKernel);
    }
  }

  proto(ret: CType, params: FuncParam[], variadic: boolean): number {
    const r = this.id(ret, true);
    const ps = params.map((p) => ({ name: p.name, type: this.id(p.type, true) }));
    return this.b.funcProto(r, ps, variadic);
  }

  private named(tag: 'struct' | 'union' | 'enum', name: string, opaqueKernel: boolean): number {
    const key = typeKey(tag, name);
    const full = this.memo.get(key);
    if (full !== undefined) return full;
    const localDef = this.local(key);
    const def: NamedTypeDef | undefined = localDef ?? this.kernel(key);
    if (def === undefined) {
      if (tag === 'enum') return this.once(key, () => this.b.enum(name, 4, []));
      return this.once(`fwd ${key}`, () => this.b.fwd(name, tag));
    }
    if (def.kind === 'enum') {
      return this.once(key, () => {
        const wide = def.size > 4 || def.values.some((v) => v.value < -(1n << 31n) || v.value >= 1n << 32n);
        const signed = def.values.some((v) => v.value < 0n);
        return wide ? this.b.enum64(name, def.size, def.values, signed) : this.b.enum(name, def.size, def.values, signed);
      });
    }
    // A kernel aggregate seen only through a pointer: the kernel resolves it by name in vmlinux
    // (kptr targets, kfunc arguments), so its size suffices and its member graph can stay out.
    if (localDef === undefined && opaqueKernel && !SPECIAL_KERNEL_STRUCTS.has(name)) {
      return this.once(`opaque ${key}`, () => this.b.composite(def.kind, name, def.size, []));
    }
    const id = this.b.reserve();
    this.memo.set(key, id);
    const members: WriteMember[] = def.members.map((m: Member) => ({
      name: m.name,
      type: this.id(m.type, localDef === undefined),
      bitOffset: m.offset * 8 + (m.bitOffset ?? 0),
      ...(m.bitSize !== undefined ? { bitfieldSize: m.bitSize } : {}),
    }));
    this.b.composite(def.kind, name, def.size, members, id);
    def.members.forEach((m, i) => {
      for (const t of m.declTags ?? []) this.b.declTag(t, id, i);
    });
    return id;
  }
}

/** Generates the program's BTF. `kernel` looks up kernel types the program embeds by value. */
export function generateProgramBtf(prog: Program, kernel: TypeLookup): GeneratedProgramBtf {
  const e = new Emitter((k) => prog.types.get(k), kernel);
  const b = e.b;

  // Every declared type, in declaration order, as clang keeps them all in the object's BTF.
  for (const def of prog.types.values()) e.id({ kind: 'ref', tag: def.kind, name: def.name });

  const maps = prog.maps.map((m) => mapIds(e, m));

  // `int f(void)`, what clang emits for the selftests' `__naked int f(void)` assembly programs:
  // the kernel never checks a static subprogram's or the main program's arguments against it,
  // while a `void *ctx` parameter makes the verifier log that it cannot size the pointee.
  const intId = e.id({ kind: 'int', name: 'int', size: 4, signed: true });
  const proto = b.funcProto(intId, []);
  const funcInfo = subprogStarts(prog).map((s) => ({
    insn: s.start,
    // Assembly labels are static functions: the verifier checks them in their caller's context.
    typeId: s.start === 0 ? b.func(prog.name, proto, 'global') : b.func(s.name, proto, 'static'),
  }));

  const localTypeIds = new Map<string, number>();
  for (const r of prog.relocs) {
    if (r.kind !== 'local_type_id') continue;
    const [tag, name] = r.type.split(' ', 2) as ['struct' | 'union', string];
    localTypeIds.set(r.type, e.id({ kind: 'ref', tag, name }));
  }
  return { raw: b.build(), funcInfo, maps, localTypeIds };
}

/**
 * Subprogram starts as the kernel finds them (add_subprog_and_kfunc): slot 0, every pseudo call
 * target and every ld_imm64 of a function address. The kernel wants exactly one func info
 * record per subprogram, and a raw `call pc+N` names no label the IR would list.
 */
function subprogStarts(prog: Program): { start: number; name: string }[] {
  const starts = new Map<number, string>([[0, prog.name]]);
  for (const s of prog.subprogs) starts.set(s.start, s.start === 0 ? prog.name : s.name);
  prog.insns.forEach((i, slot) => {
    const callTarget = i.code === BPF_JMP_CALL && i.src === BPF_PSEUDO_CALL ? slot + 1 + i.imm : undefined;
    const funcTarget = i.code === LD_IMM64 && i.src === BPF_PSEUDO_FUNC ? slot + 1 + i.imm : undefined;
    for (const t of [callTarget, funcTarget]) {
      if (t !== undefined && t >= 0 && t < prog.insns.length && !starts.has(t)) starts.set(t, prog.labels.get(t) ?? `sub_${t}`);
    }
  });
  return [...starts.entries()].sort((a, b) => a[0] - b[0]).map(([start, name]) => ({ start, name }));
}

function mapIds(e: Emitter, m: MapDef): { btfKeyTypeId?: number; btfValueTypeId?: number } {
  if (m.kind === 'global') {
    const vars = [...(m.vars ?? [])]
      .sort((x, y) => x.offset - y.offset)
      .map((v) => ({ type: e.b.var(v.name, e.id(v.type)), offset: v.offset, size: v.size }));
    // libbpf's internal maps: no key type, the DATASEC as value type.
    return { btfValueTypeId: e.b.datasec(m.section ?? m.name, m.valueSize, vars) };
  }
  if (NO_BTF_MAPS.has(m.type) || (m.keyType === null && m.valueType === null)) return {};
  return {
    ...(m.keyType !== null ? { btfKeyTypeId: e.id(m.keyType) } : {}),
    ...(m.valueType !== null ? { btfValueTypeId: e.id(m.valueType) } : {}),
  };
}

/** Does the program rely on BTF to load as written: special fields in maps or globals, local types, kfuncs? */
export function programNeedsBtf(prog: Program, kernel: TypeLookup): boolean {
  if (prog.relocs.some((r) => r.kind === 'local_type_id' || r.kind === 'kfunc')) return true;
  const seen = new Set<string>();
  const special = (t: CType): boolean => {
    switch (t.kind) {
      case 'ptr':
        return (t.tags ?? []).some((x) => x === 'kptr' || x === 'kptr_untrusted' || x === 'percpu_kptr' || x === 'uptr');
      case 'array':
        return special(t.elem);
      case 'ref': {
        if (SPECIAL_KERNEL_STRUCTS.has(t.name)) return true;
        const key = typeKey(t.tag, t.name);
        if (seen.has(key)) return false;
        seen.add(key);
        const d = prog.types.get(key) ?? kernel(key);
        return d !== undefined && d.kind !== 'enum' && d.members.some((m) => (m.declTags?.length ?? 0) > 0 || special(m.type));
      }
      default:
        return false;
    }
  };
  return prog.maps.some((m) =>
    m.kind === 'global' ? (m.vars ?? []).some((v) => special(v.type)) : [m.keyType, m.valueType].some((t) => t !== null && special(t)),
  );
}
