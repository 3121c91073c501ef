// Program BTF generated from the IR (pure: no kernel needed): what clang would have emitted for
// the declarations of an assembly source.

import { describe, expect, it } from 'vitest';
import { parseAsm } from '../../src/asm/parse.ts';
import { asmOptions } from '../../src/spec/resolve.ts';
import { parseBtf, type BtfComposite, type ParsedBtf } from '../../src/btf/btf-parse.ts';
import { kernelType } from '../../src/catalog/kernel-types.ts';
import { generateProgramBtf, programNeedsBtf } from '../../src/kernel/program-btf.ts';
import type { Program } from '../../src/ir/program.ts';

const SRC = `
struct foo { int data; struct bpf_list_node node; struct foo *self; };
struct lval { struct bpf_spin_lock lock; struct bpf_list_head head __contains(foo, node); };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct lval); } lists SEC(".maps");
struct kval { struct foo __kptr *ptr; struct task_struct __kptr *task; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1); __type(key, __u32); __type(value, struct kval); } kptrs SEC(".maps");
struct { __uint(type, BPF_MAP_TYPE_PROG_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, int); } jmp SEC(".maps");
long counter SEC(".bss");
int other SEC(".bss");

SEC("tc")
prog:
	r1 = lists ll
	r1 = kptrs ll
	r1 = jmp ll
	r1 = counter ll
	r1 = other ll
	r1 = bpf_core_type_id_local(struct foo)
	call helper
	call pc+1
	exit
	r0 = 0
	exit
helper:
	r0 = 0
	exit

SEC("socket")
plain:
	r0 = 0
	exit
`;

const kernel = (k: string) => kernelType(k);

function programs(): Program[] {
  return parseAsm(SRC, 'program-btf.s', asmOptions()).programs.map((p) => p.program);
}

function gen(): { prog: Program; g: ReturnType<typeof generateProgramBtf>; btf: ParsedBtf } {
  const [prog] = programs();
  const g = generateProgramBtf(prog, kernel);
  return { prog, g, btf: parseBtf(g.raw) };
}

const struct = (btf: ParsedBtf, name: string): BtfComposite => {
  const id = btf.find('struct', name);
  if (id === undefined) throw new Error(`no struct ${name}`);
  return btf.type(id) as BtfComposite;
};

describe('generateProgramBtf', () => {
  it('emits the declared structs, and kernel structs embedded by value with their kernel size', () => {
    const { btf } = gen();
    const foo = struct(btf, 'foo');
    expect(foo.size).toBe(40);
    expect(foo.members.map((m) => [m.name, m.bitOffset])).toEqual([['data', 0], ['node', 64], ['self', 256]]);
    expect(btf.type(foo.members[1].type)).toMatchObject({ kind: 'struct', name: 'bpf_list_node', size: 24 });
    // The recursive pointer points back at the same struct.
    expect(btf.type(foo.members[2].type)).toMatchObject({ kind: 'ptr', type: btf.find('struct', 'foo') });
    expect(struct(btf, 'bpf_spin_lock').size).toBe(4);
    expect(struct(btf, 'bpf_list_head').size).toBe(16);
  });

  it('turns __contains into a DECL_TAG on the member', () => {
    const { btf } = gen();
    const lval = btf.find('struct', 'lval') ?? 0;
    expect(btf.declTags(lval, 1).map((t) => t.value)).toEqual(['contains:foo:node']);
    expect(btf.declTags(lval, 0)).toEqual([]);
  });

  it('puts kptr TYPE_TAGs between the pointer and the pointee; kernel pointees stay opaque', () => {
    const { btf } = gen();
    const kval = struct(btf, 'kval');
    for (const [i, name] of [[0, 'foo'], [1, 'task_struct']] as const) {
      const ptr = btf.type(kval.members[i].type);
      expect(ptr.kind).toBe('ptr');
      const tag = btf.type((ptr as { type: number }).type);
      expect(tag).toMatchObject({ kind: 'type_tag', name: 'kptr' });
      expect(btf.type((tag as { type: number }).type)).toMatchObject({ kind: 'struct', name });
    }
    expect(struct(btf, 'task_struct').members).toEqual([]);
    expect(struct(btf, 'task_struct').size).toBe(kernelType('struct task_struct')?.size);
  });

  it('gives maps key/value type ids (prog arrays too, as libbpf does) and global data a DATASEC', () => {
    const { prog, g, btf } = gen();
    const byName = new Map(prog.maps.map((m, i) => [m.name, g.maps[i]]));
    const lists = byName.get('lists');
    expect(btf.type(lists?.btfKeyTypeId ?? 0)).toMatchObject({ kind: 'int', name: 'int', size: 4 });
    expect(btf.type(lists?.btfValueTypeId ?? 0)).toMatchObject({ kind: 'struct', name: 'lval' });
    expect(btf.type(byName.get('kptrs')?.btfKeyTypeId ?? 0)).toMatchObject({ kind: 'int', name: '__u32', signed: false });
    expect(btf.type(byName.get('jmp')?.btfValueTypeId ?? 0)).toMatchObject({ kind: 'int', name: 'int' });
    const bss = byName.get('.bss');
    expect(bss?.btfKeyTypeId).toBeUndefined();
    const ds = btf.type(bss?.btfValueTypeId ?? 0);
    expect(ds).toMatchObject({ kind: 'datasec', name: '.bss', size: 16 });
    const vars = (ds as { vars: { type: number; offset: number; size: number }[] }).vars;
    expect(vars.map((v) => [btf.type(v.type).name, v.offset, v.size])).toEqual([['counter', 0, 8], ['other', 8, 4]]);
  });

  it('has one FUNC per subprogram, labelled or not, sorted, main global and the rest static', () => {
    const { prog, g, btf } = gen();
    const helperSlot = prog.subprogs.find((s) => s.name === 'helper')?.start;
    expect(helperSlot).toBe(16);
    expect(g.funcInfo.map((f) => f.insn)).toEqual([0, 14, helperSlot]);
    expect(g.funcInfo.map((f) => btf.type(f.typeId))).toMatchObject([
      { kind: 'func', name: 'prog', linkage: 'global' },
      { kind: 'func', name: 'sub_14', linkage: 'static' },
      { kind: 'func', name: 'helper', linkage: 'static' },
    ]);
    // int f(void): the verifier never reads the arguments of a static or main function.
    expect(btf.type((btf.type(g.funcInfo[0].typeId) as { type: number }).type)).toMatchObject({ kind: 'func_proto', params: [] });
  });

  it('maps each bpf_core_type_id_local() type to its BTF id', () => {
    const { g, btf } = gen();
    expect(g.localTypeIds.get('struct foo')).toBe(btf.find('struct', 'foo'));
  });
});

describe('programNeedsBtf', () => {
  it('is true for special fields, kptrs and local types, false for a plain program', () => {
    const [prog, plain] = programs();
    expect(programNeedsBtf(prog, kernel)).toBe(true);
    expect(programNeedsBtf(plain, kernel)).toBe(false);
  });
});
