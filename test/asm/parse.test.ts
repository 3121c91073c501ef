import { describe, expect, it } from 'vitest';
import { parseAsm } from '../../src/asm/parse.ts';
import { SourceError } from '../../src/asm/errors.ts';
import { asmOptions } from '../../src/spec/resolve.ts';

const parse = (text: string) => parseAsm(text, 'x.s', asmOptions());
const err = (text: string): string => {
  try {
    parse(text);
  } catch (e) {
    if (e instanceof SourceError) return e.format();
    throw e;
  }
  throw new Error('no error');
};

describe('assembler grammar', () => {
  it('parses labels, jumps to labels and bpf-to-bpf calls', () => {
    const p = parse('SEC("socket")\nmain:\n  if r1 == 0 goto out\n  call sub\nout:\n  r0 = 0\n  exit\nsub:\n  exit\n').programs[0].program;
    expect(p.insns[0].off).toBe(1);
    expect(p.insns[1]).toMatchObject({ src: 1, imm: 2 });
    expect(p.subprogs.map((s) => s.name)).toEqual(['main', 'sub']);
  });
  it('resolves helpers by name to their kernel ids', () => {
    const p = parse('SEC("socket")\nm:\n call bpf_map_lookup_elem\n exit\n').programs[0].program;
    expect(p.insns[0].imm).toBe(1);
  });
  it('parses the C preamble: structs with graph fields, maps and globals', () => {
    const f = parse(`struct node { long v; struct bpf_list_node n; };
struct root { struct bpf_spin_lock l; struct bpf_list_head h __contains(node, n); };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 2); __type(key, int); __type(value, struct root); } m SEC(".maps");
int a SEC(".bss"); long b = 5; const volatile int c = 1;
private(A) struct bpf_spin_lock glock;
SEC("socket")
p:
  r1 = m ll
  r2 = b ll
  r3 = glock ll
  r0 = 0
  exit
`);
    const root = f.preamble.types.get('struct root');
    expect(root?.kind === 'struct' && root.members[1].declTags).toEqual(['contains:node:n']);
    const p = f.programs[0].program;
    expect(p.maps.map((m) => m.name)).toEqual(['m', '.data', '.data.A']);
    expect(p.relocs.map((r) => r.kind)).toEqual(['map_fd', 'map_value', 'map_value']);
    expect(f.preamble.globals.find((g) => g.name === 'c')?.section).toBe('.rodata');
  });
  it('reads annotations in the selftest vocabulary', () => {
    const a = parse('SEC("socket") __failure __msg("R0 !read_ok") __msg("x" "y") __retval(-1)\np:\n exit\n').programs[0].annotations;
    expect(a.map((x) => x.name)).toEqual(['__failure', '__msg', '__msg', '__retval']);
    expect(a[2].args[0]).toEqual({ kind: 'str', value: 'xy' });
  });
  it('encodes .8byte as one raw instruction slot', () => {
    const p = parse('SEC("socket")\np:\n  .8byte 0x0000000500021007\n  exit\n').programs[0].program;
    expect(p.insns[0]).toEqual({ code: 0x07, dst: 0, src: 1, off: 2, imm: 5 });
  });
  it('accepts kernel-log address prefixes and comments', () => {
    expect(parse('SEC("socket")\np:\n0: r0 = 0 // c\n/* x */ 1: exit\n').programs[0].program.insns).toHaveLength(2);
  });
});

describe('assembler errors carry file:line:col', () => {
  const cases: [string, string][] = [
    ['SEC("socket")\np:\n  r0 = r11x\n  exit\n', "x.s:3:12: error: expected 'll' after 'r11x'"],
    ['SEC("socket")\np:\n  r0 += \n', 'x.s:3:9: error: expected a register or an immediate'],
    ['SEC("socket")\np:\n  goto nowhere\n  exit\n', "x.s:3:8: error: unknown label 'nowhere'"],
    ['SEC("socket")\np:\n  call no_such_fn\n  exit\n', "x.s:3:8: error: unknown function 'no_such_fn'"],
    ['SEC("socket")\np:\n  r1 = 0x1ffffffff\n', 'x.s:3:8: error: immediate 8589934591 does not fit in 32 bits'],
    ['SEC("socket")\np:\n  *(u64 *)(r10 - 8) = \n', 'x.s:3:23: error: expected a register or an immediate but found end of line'],
    ['p:\n exit\n', "x.s:1:1: error: program 'p' has no SEC"],
    ['struct s { struct nope x; };\n', "x.s:1:24: error: field 'x' has incomplete type 'struct nope'"],
    ['SEC("socket")\np:\n  r1 = "s\n', 'x.s:3:8: error: unterminated string literal'],
    ['SEC("socket")\np:\n  r1 = mymap ll\n  exit\n', "x.s:3:8: error: unknown symbol 'mymap'"],
    ['SEC("socket")\np:\n  .8byte 0x10000000000000000\n', 'x.s:3:10: error: .8byte value 18446744073709551616 does not fit in 64 bits'],
    ['SEC("socket")\np:\n  w1 = *(u64 *)(r2 + 0)\n', 'x.s:3:3: error: a 64-bit load needs an r destination register'],
  ];
  for (const [text, want] of cases) {
    it(want, () => {
      expect(err(text)).toContain(want);
    });
  }
});
