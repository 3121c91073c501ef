// The kernel selftest (test_loader) C front end: what it reads from a .c file, what it sets
// aside, and that every error points into the .c file.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { readSelftestC } from '../../src/selftest/examples.ts';
import { examplesFromFile } from '../../src/spec/sources.ts';
import { checkExample } from '../../src/spec/runner.ts';
import { SourceError } from '../../src/asm/errors.ts';
import { BPF_PROG_FLAG } from '../../src/ir/sections.ts';
import { TESTING_PROG_FLAGS } from '../../src/selftest/test-annotations.ts';

const FIX = 'test/fixtures/selftest';
const read = (name: string) => readSelftestC(`${FIX}/${name}`, readFileSync(`${FIX}/${name}`, 'utf8'));
const errorOf = (name: string): string => {
  try {
    read(name);
  } catch (e) {
    if (e instanceof SourceError) return e.format();
    throw e;
  }
  throw new Error(`${name} read without error`);
};

describe('selftest C: constructs.c', () => {
  const { examples, skipped } = read('constructs.c');
  const byName = new Map(examples.map((e) => [e.program.name, e]));
  const ex = (n: string) => {
    const e = byName.get(n);
    if (!e) throw new Error(`no example ${n}`);
    return e;
  };

  it('makes one example per test program, named <file>.<function>, in file order', () => {
    expect(examples.map((e) => e.id)).toEqual([
      'constructs.constants', 'constructs.default_and_calls', 'constructs.calls_global', 'constructs.globals_and_maps',
      'constructs.raw_insns', 'constructs.flags_and_log', 'constructs.unpriv_ignored', 'constructs.xlated_unchecked',
      'constructs.percent_and_basic', 'constructs.sleepable_syscall',
    ]);
  });

  it('sets aside tests test_loader would not run privileged here, saying why', () => {
    expect(skipped.map((s) => s.name)).toEqual(process.arch === 'arm64' ? ['unpriv_only'] : ['unpriv_only', 'arm64_only']);
    expect(skipped[0].reason).toMatch(/only unprivileged expectations/);
    expect(skipped[0].loc.line).toBeGreaterThan(1);
  });

  it('defaults to __success like test_loader, and reads __description and __retval', () => {
    expect(ex('default_and_calls').expected).toMatchObject({ verdict: 'accept', retval: 4, msgs: [], logLevel: 1 });
    expect(ex('constants').description).toBe('constants: #define, enum, sizeof, offsetof of a local and a kernel struct');
    expect(ex('constants').expected.retval).toBe(50);
    // POINTER_VALUE: executed, any result accepted
    expect(ex('globals_and_maps').expected.retval).toBeNull();
  });

  it('keeps __msg order and {{regex}} islands, __not_msg, __log_level', () => {
    expect(ex('flags_and_log').expected).toMatchObject({ msgs: ['0: R1=ctx() R10=fp0', '{{[0-9]+}}: (95) exit'], notMsgs: ['invalid'], logLevel: 2 });
  });

  it('turns __flag into extra prog flags on top of testing_prog_flags()', () => {
    const f = ex('flags_and_log').program.extraProgFlags ?? 0;
    expect(f).toBe(TESTING_PROG_FLAGS | BPF_PROG_FLAG.BPF_F_STRICT_ALIGNMENT | BPF_PROG_FLAG.BPF_F_TEST_STATE_FREQ);
    expect(ex('sleepable_syscall').program.sleepable).toBe(true);
    expect(ex('constants').program.extraProgFlags).toBe(TESTING_PROG_FLAGS);
  });

  it('ignores unprivileged variants and records expectations it cannot check', () => {
    expect(ex('unpriv_ignored').expected).toMatchObject({ verdict: 'reject', msgs: ['R0 !read_ok'] });
    expect(ex('xlated_unchecked').unchecked).toEqual(['the translated program (__xlated) is not checked']);
    expect(ex('calls_global').unchecked?.[0]).toMatch(/global function 'global_sub'/);
    expect(ex('constants').unchecked).toBeUndefined();
  });

  it('links called __naked subprograms after the program, transitively, as libbpf does', () => {
    const p = ex('default_and_calls').program;
    expect(p.subprogs.map((s) => s.name)).toEqual(['default_and_calls', 'middle', 'leaf']);
    expect(p.relocs.filter((r) => r.kind === 'subprog').map((r) => r.kind === 'subprog' && r.name)).toEqual(['middle', 'leaf']);
  });

  it('resolves maps, globals, helpers and raw instructions', () => {
    const p = ex('globals_and_maps').program;
    expect(p.maps.map((m) => m.name)).toEqual(['.bss', '.rodata', 'pairs']);
    expect(p.relocs.some((r) => r.kind === 'helper' && r.name === 'bpf_map_lookup_elem')).toBe(true);
    const raw = ex('raw_insns').program.insns;
    expect(raw[0]).toMatchObject({ code: 0xb7, dst: 0, imm: 4 });
    expect(raw[1]).toMatchObject({ code: 0x07, dst: 0, imm: 1 });
  });

  it('reads the license and keeps the C source of each test', () => {
    expect(ex('constants').program.license).toBe('Dual BSD/GPL');
    expect(ex('constants').source).toMatch(/^SEC\("socket"\)/);
    expect(ex('constants').source).toMatch(/__clobber_all\);\n}$/);
  });

  it('places every instruction at its line:col in the .c file', () => {
    const p = ex('constants').program;
    const text = readFileSync(`${FIX}/constructs.c`, 'utf8').split('\n');
    const first = p.srcLocs[0];
    expect(first.file).toBe(`${FIX}/constructs.c`);
    expect(text[first.line - 1].slice(first.col - 1)).toMatch(/^r0 = %\[magic\]/);
    const sub = ex('default_and_calls').program;
    const leafLoc = sub.srcLocs[sub.subprogs[2].start];
    expect(text[leafLoc.line - 1]).toContain('r0 = r1; r0 += %[k]');
  });

  it('agrees with the model on every example', () => {
    for (const e of examples) expect([e.id, checkExample(e).problems]).toEqual([e.id, []]);
  });
});

describe('selftest C: macros.c', () => {
  it('expands a file-scope macro that defines test functions, stringizing #name', () => {
    const { examples } = read('macros.c');
    expect(examples.map((e) => [e.id, e.description, e.expected.retval])).toEqual([['macros.mov_imm', 'mov_imm', 3], ['macros.mov32_imm', 'mov32_imm', 7]]);
    expect(examples[1].program.insns[0]).toMatchObject({ code: 0xb4, imm: 7 });
    for (const e of examples) expect(checkExample(e).problems).toEqual([]);
  });
});

describe('selftest C: conditionals.c', () => {
  it('obeys #if/#elif/#else/#ifdef/#ifndef with clang -target bpf predefined macros', () => {
    const { examples } = read('conditionals.c');
    expect(examples.map((e) => [e.program.name, e.expected.retval])).toEqual([['cpuv4_branch', 1], ['from_define', 2]]);
  });
});

describe('selftest C: errors point into the .c file', () => {
  it('malformed asm inside a string', () => {
    expect(errorOf('bad-asm.c')).toBe(`${FIX}/bad-asm.c:10:8: error: expected a register, an immediate, a memory load or a symbol but found ';'`);
  });
  it('asm in one string continued over lines with backslashes', () => {
    expect(errorOf('bad-asm-continued.c')).toMatch(new RegExp(`^${FIX}/bad-asm-continued.c:10:17: error: unknown label 'l9_\\d+'$`));
  });
  it('unknown %[operand]', () => {
    expect(errorOf('unknown-operand.c')).toBe(`${FIX}/unknown-operand.c:9:8: error: unknown asm operand %[nope] (operands: yes)`);
  });
  it('unknown annotation', () => {
    expect(errorOf('unknown-annotation.c')).toMatch(/unknown-annotation\.c:5:11: error: unknown annotation __not_an_annotation on 'unknown_annotation'/);
  });
  it('a test program with a C body is reported as not modelled', () => {
    expect(errorOf('c-body-test.c')).toMatch(/c-body-test\.c:6:5: error: test program 'c_body' has a C body: not modelled/);
  });
  it('a constant expression that cannot be evaluated', () => {
    expect(errorOf('bad-const.c')).toBe(`${FIX}/bad-const.c:12:40: error: struct s has no member 'missing'`);
  });
  it('a map the assembler preamble cannot read', () => {
    expect(errorOf('bad-map.c')).toBe(`${FIX}/bad-map.c:5:15: error: unsupported map type 'BPF_MAP_TYPE_NOPE'`);
  });
  it('an address operand that names nothing in the file', () => {
    expect(errorOf('unknown-symbol.c')).toMatch(/unknown-symbol\.c:10:4: error: __imm_addr\(nomap\): 'nomap' is not a map/);
  });
});

describe('selftest C: through the front-end registry and the CLI', () => {
  it('sources.ts reads .c files with this front end', () => {
    expect(examplesFromFile('specs/selftest/verifier_bpfspec_basics.c').length).toBeGreaterThanOrEqual(6);
  });
  it('bpfspec verify FILE.c checks each test against its annotations', () => {
    const r = spawnSync(process.execPath, ['src/cli/main.ts', 'verify', `${FIX}/constructs.c`, '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { programs: { name: string; agrees: boolean }[] };
    expect(j.programs.every((p) => p.agrees)).toBe(true);
  });
  it('bpfspec verify prints file:line:col for a broken .c file', () => {
    const r = spawnSync(process.execPath, ['src/cli/main.ts', 'verify', `${FIX}/unknown-operand.c`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown-operand.c:9:8: error: unknown asm operand %[nope]');
  });
});
