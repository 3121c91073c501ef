// The pieces under the selftest front end: the C scanner, constant expressions, operand
// substitution and test annotations, on small inline inputs.
import { describe, expect, it } from 'vitest';
import { scanC } from '../../src/selftest/c-scan.ts';
import { evalExpr, insnBits, type ExprEnv } from '../../src/selftest/c-expr.ts';
import { readSelftestC } from '../../src/selftest/examples.ts';
import { SourceError } from '../../src/asm/errors.ts';
import { kernelTypes } from '../../src/catalog/kernel-types.ts';

const kt = kernelTypes();
const envFor = (text: string): { env: ExprEnv; scan: ReturnType<typeof scanC> } => {
  const scan = scanC('e.c', text);
  return { scan, env: { defines: scan.defines, types: (k) => kt.get(k), typedefs: new Map(), enums: new Map([['E1', 5n]]), loc: scan.loc } };
};
const ev = (expr: string, pre = ''): bigint => {
  const { scan, env } = envFor(`${pre}\n${expr}`);
  return evalExpr(scan.toks, env, 0);
};
const err = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    if (e instanceof SourceError) return e.format();
    throw e;
  }
  return 'no error';
};
const prog = (annots: string, body = '"r0 = 0; exit;"', extra = ''): string =>
  `${extra}\nSEC("socket")\n${annots}\n__naked void t(void)\n{\n\tasm volatile (${body} ::: __clobber_all);\n}\n`;

describe('C scanner', () => {
  it('unescapes strings and remembers where each character came from', () => {
    const s = scanC('a.c', 'x = "a\\tb\\x41\\101\\\\";');
    const str = s.toks.find((t) => t.kind === 'str');
    expect(str?.value).toBe('a\tbAA\\');
    expect(str?.offs).toEqual([5, 6, 8, 9, 13, 17]);
  });
  it('skips comments and preprocessor lines, keeping #define', () => {
    const s = scanC('a.c', '#include <x.h>\n#define N (1 + \\\n 2)\n#define F(a, b) ((a) * (b))\n/* c */ int // d\n x;');
    expect(s.toks.map((t) => t.text)).toEqual(['int', 'x', ';']);
    expect(s.defines.get('N')?.body.map((t) => t.text)).toEqual(['(', '1', '+', '2', ')']);
    expect(s.defines.get('F')?.params).toEqual(['a', 'b']);
  });
  it('reports an unterminated string at its file:line:col', () => {
    expect(err(() => scanC('a.c', 'int x;\n  "abc\n'))).toBe('a.c:2:3: error: unterminated string literal');
  });
});

describe('constant expressions', () => {
  it('evaluates arithmetic, casts, macros and enumerators', () => {
    expect(ev('(1 << 4) | 3')).toBe(19n);
    expect(ev('-8 / 3 + 10 % 4')).toBe(0n);
    expect(ev('(u32)-1')).toBe(0xffffffffn);
    expect(ev('(__s8)0xff')).toBe(-1n);
    expect(ev('F(N, 2) + E1', '#define N 3\n#define F(a, b) ((a) * (b))')).toBe(11n);
    expect(ev('1 ? 7 : 8')).toBe(7n);
    expect(ev("'A'")).toBe(65n);
  });
  it('knows sizeof and offsetof of kernel structs', () => {
    expect(ev('sizeof(struct __sk_buff)')).toBe(192n);
    expect(ev('offsetof(struct __sk_buff, mark)')).toBe(8n);
    expect(ev('offsetofend(struct __sk_buff, mark)')).toBe(12n);
    expect(ev('sizeof(long) + sizeof(unsigned int) + sizeof(__u16 *)')).toBe(20n);
  });
  it('knows the filter.h instruction macros and test_loader constants', () => {
    expect(ev('BPF_MOV64_IMM(BPF_REG_1, -1)')).toBe(insnBits(0xb7n, 1n, 0n, 0n, -1n));
    expect(ev('BPF_EXIT_INSN()')).toBe(0x95n);
    expect(ev('BPF_JMP_IMM(BPF_JEQ, BPF_REG_0, 0, 2)')).toBe(insnBits(0x15n, 0n, 0n, 2n, 0n));
    expect(ev('BPF_FUNC_map_lookup_elem')).toBe(1n);
    expect(ev('POINTER_VALUE')).toBe(0xbadcafen);
  });
  it('names what it cannot evaluate', () => {
    expect(err(() => ev('NOPE + 1'))).toMatch(/e\.c:2:1: error: cannot evaluate 'NOPE'/);
    expect(err(() => ev('BPF_LD_IMM64(BPF_REG_0, 1)'))).toMatch(/two instruction slots/);
    expect(err(() => ev('sizeof(struct nosuch)'))).toMatch(/size of this type is not known/);
  });
});

describe('annotations and operands', () => {
  const one = (text: string) => {
    const r = readSelftestC('t.c', text);
    return r.examples[0];
  };
  it('parses __retval forms as test_loader does', () => {
    expect(one(prog('__retval(_INT_MIN)')).expected.retval).toBe(-2147483648);
    expect(one(prog('__retval(0x10)')).expected.retval).toBe(16);
    expect(one(prog('__retval(-1)')).expected.retval).toBe(-1);
    expect(one(prog('__retval(TEST_DATA_LEN)')).expected.retval).toBe(64);
    // a failing test never runs, whatever __retval says
    expect(one(prog('__failure __retval(3)')).expected.retval).toBeNull();
  });
  it('__flag(!X) clears a flag test_loader sets by default', () => {
    expect(one(prog('__flag(!BPF_F_TEST_RND_HI32)')).program.extraProgFlags).toBe(0x80);
    expect(one(prog('__flag(0x8)')).program.extraProgFlags).toBe(0x8c);
  });
  it('%= is unique per asm statement, so two statements may reuse a label name', () => {
    const text = `SEC("socket") __naked void t(void)\n{\n\tasm volatile ("r0 = 0; if r0 == 0 goto l0_%=; l0_%=:" ::: __clobber_all);\n\tasm volatile ("goto l0_%=; l0_%=: exit;" ::: __clobber_all);\n}\n`;
    const p = one(text).program;
    expect([...p.labels.values()].filter((l) => l.startsWith('l0_')).length).toBe(2);
  });
  it('accepts adjacent string concatenation across lines and #define\'d asm text', () => {
    const p = one(prog('__success', '"r0 = 1;"\n\t"r0 += 1;" TAIL', '#define TAIL "exit;"')).program;
    expect(p.insns.length).toBe(3);
    expect(p.srcLocs[2].line).toBe(1);
  });
  it('rejects other statements in a __naked function and asm goto', () => {
    expect(err(() => one('SEC("socket") __naked void t(void) { int x = 1; }'))).toMatch(/t\.c:1:38: error: __naked function 't' may only contain asm statements/);
    expect(err(() => one('SEC("socket") __naked void t(void) { asm goto ("exit;" :::: out); }'))).toMatch(/asm goto is not modelled/);
  });
  it('reports an operand defined twice and a numbered operand', () => {
    expect(err(() => one(prog('', '"r0 = %[a]; exit;" :: __imm_const(a, 1), __imm_const(a, 2)').replace(' ::: __clobber_all', '')))).toMatch(/operand \[a\] is defined twice/);
    expect(err(() => one(prog('', '"r0 = %0; exit;" :: __imm_const(a, 1)').replace(' ::: __clobber_all', '')))).toMatch(/'%0' in asm text is not modelled/);
    expect(err(() => one(prog('', '"r0 = 0; exit;" :: "i"(1)').replace(' ::: __clobber_all', '')))).toMatch(/unknown asm operand form/);
  });
  it('reads the header and operand-list forms kernel selftests use', () => {
    const text = `__naked __noinline __used\nstatic unsigned long sub()\n{\n\tasm volatile ("r0 = 1;" "exit;" ::);\n}\n` +
      `SEC("socket")\n__success __retval(1)\nint __naked main_prog(void)\n{\n\tasm volatile ("call sub;" "exit;" ::: __clobber_common, "r6");\n}\n`;
    const e = one(text);
    expect(e.program.subprogs.map((s) => s.name)).toEqual(['main_prog', 'sub']);
    expect(e.unchecked).toBeUndefined();
  });
  it('a C-bodied helper that nothing calls is skipped; one called from asm is an error', () => {
    const helper = 'static __noinline int h(int x) { return x; }\n';
    expect(one(prog('__success', '"r0 = 0; exit;"', helper)).id).toBe('t.t');
    expect(err(() => one(prog('__success', '"call h; exit;"', helper)))).toMatch(/'h' is a C function/);
  });
});
