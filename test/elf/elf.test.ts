// The ELF object front end on fixtures built by test/fixtures/elf/build.sh (clang -target bpf -g
// -O2): programs, subprogram layout, relocations, maps, BTF sanitising, line info, test_loader
// tags; the model where it applies; the kernel's verdict when the kernel is available.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBtf } from '../../src/btf/btf-parse.ts';
import { findKfuncId, vmlinuxBtf } from '../../src/btf/vmlinux.ts';
import { readElfObject, type ElfObject } from '../../src/elf/link.ts';
import { examplesFromElf, expectationFromTags } from '../../src/elf/examples.ts';
import { failingSourceLine } from '../../src/elf/source-line.ts';
import type { Program } from '../../src/ir/program.ts';
import * as op from '../../src/isa/opcodes.ts';
import { KernelBackendLimit, runOnKernel } from '../../src/kernel/from-ir.ts';
import { kernelStatus } from '../../src/kernel/loader.ts';
import { runModel } from '../../src/spec/runner.ts';
import { examplesFromFile } from '../../src/spec/sources.ts';

const DIR = 'test/fixtures/elf';
const load = (name: string): ElfObject => readElfObject(`${DIR}/${name}.o`, readFileSync(`${DIR}/${name}.o`));
const prog = (o: ElfObject, name: string): Program => {
  const p = o.programs.find((x) => x.name === name);
  if (!p) throw new Error(`no program ${name}`);
  return p;
};
const kstatus = kernelStatus();
const kit = kstatus.available ? it : it.skip;
const kernelNote = kstatus.available ? '' : ` (skipped: ${kstatus.reason})`;

function kernelVerdict(p: Program, testRun?: { data: Uint8Array }): { verdict: string; error: string | null; log: string; retval?: number } {
  const r = runOnKernel(p, 1, testRun);
  if (r.kind === 'refused') throw new Error(`kernel refused ${p.name}: ${r.reason} ${r.log}`);
  return { verdict: r.verdict, error: r.error, log: r.log, ...(r.retval !== undefined ? { retval: r.retval } : {}) };
}

describe('maps.o: BTF-defined maps and global data', () => {
  const o = load('maps');
  it('finds one program per SEC() function', () => {
    expect(o.programs.map((p) => [p.name, p.section, p.license])).toEqual([['lookup', 'socket', 'GPL'], ['globals', 'xdp', 'GPL']]);
  });
  it('reads map definitions from BTF and names global data maps like libbpf', () => {
    const defs = o.maps.map((m) => m.def);
    const counts = defs.find((m) => m.name === 'counts');
    expect(counts).toMatchObject({ kind: 'map', type: 'hash', keySize: 4, valueSize: 16, maxEntries: 16, flags: 0 });
    expect(counts?.valueType).toEqual({ kind: 'ref', tag: 'struct', name: 'val' });
    const btf = o.btf;
    if (!btf || !counts) throw new Error('no BTF');
    expect(btf.type(counts.btfKeyTypeId ?? 0).name).toBe('__u32');
    expect(btf.type(counts.btfValueTypeId ?? 0).name).toBe('val');
    const data = defs.find((m) => m.section === '.data');
    expect(data).toMatchObject({ name: 'maps.data', kind: 'global', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, flags: 0x400, btfKeyTypeId: 0 });
    expect(btf.type(data?.btfValueTypeId ?? 0)).toMatchObject({ kind: 'datasec', name: '.data', size: 16 });
    expect(data?.vars?.map((v) => [v.name, v.offset, v.size])).toEqual([['seen', 0, 8], ['tag', 8, 8]]);
    expect(new DataView((data?.initial ?? new Uint8Array(8)).buffer).getBigUint64(0, true)).toBe(7n);
    expect(new TextDecoder().decode(data?.initial?.subarray(8, 15))).toBe('bpfspec');
    const ro = defs.find((m) => m.section === '.rodata');
    expect(ro).toMatchObject({ name: 'maps.rodata', readonly: true, flags: 0x80 | 0x400 });
    expect(defs.find((m) => m.section === '.bss')).toMatchObject({ name: 'maps.bss', valueSize: 4 });
  });
  it('relocates map and global data references', () => {
    const p = prog(o, 'lookup');
    expect(p.maps.map((m) => m.name)).toEqual(['counts', 'maps.rodata', 'maps.bss']);
    const kinds = p.relocs.map((r) => r.kind);
    expect(kinds).toEqual(['map_fd', 'helper', 'map_value', 'map_value']);
    for (const r of p.relocs) {
      if (r.kind === 'map_fd') expect(p.insns[r.insn].src).toBe(op.BPF_PSEUDO_MAP_FD);
      if (r.kind === 'map_value') {
        expect(p.insns[r.insn].src).toBe(op.BPF_PSEUDO_MAP_VALUE);
        expect(p.insns[r.insn + 1].imm).toBe(r.off);
      }
    }
    const g = prog(o, 'globals');
    const tagRef = g.relocs.find((r) => r.kind === 'map_value' && r.off === 8);
    expect(tagRef).toBeDefined();
  });
  it('passes the sanitised BTF with func and line info', () => {
    const p = prog(o, 'lookup');
    expect(p.btf?.funcInfo).toHaveLength(1);
    expect(p.btf?.funcInfo[0].insn).toBe(0);
    const btf = parseBtf(p.btf?.raw ?? new Uint8Array());
    expect(btf.type(p.btf?.funcInfo[0].typeId ?? 0)).toMatchObject({ kind: 'func', name: 'lookup' });
    expect(p.srcLocs[0].file).toBe('./src/maps.c');
    expect(p.srcLocs.every((l) => l.line >= 1)).toBe(true);
  });
  it('the model accepts both programs', () => {
    for (const ex of examplesFromElf(`${DIR}/maps.o`, readFileSync(`${DIR}/maps.o`))) {
      expect(ex.expected.verdict).toBeNull();
      expect(runModel(ex).outcome.verdict).toBe('accept');
    }
  });
  kit(`the kernel accepts both programs${kernelNote}`, () => {
    for (const p of o.programs) expect(kernelVerdict(p).verdict).toBe('accept');
  });
});

describe('subprogs.o: static and global subprograms, callbacks', () => {
  const o = load('subprogs');
  it('appends reached subprograms after the program, in first-reference order', () => {
    const p = prog(o, 'calls_both');
    expect(p.subprogs).toEqual([{ name: 'calls_both', start: 0 }, { name: 'add_static', start: 7 }, { name: 'add_global', start: 14 }]);
    for (const r of p.relocs.filter((x) => x.kind === 'subprog')) {
      const target = r.insn + p.insns[r.insn].imm + 1;
      expect(p.insns[r.insn].src).toBe(op.BPF_PSEUDO_CALL);
      expect(p.subprogs.find((s) => s.start === target)?.name).toBe(r.kind === 'subprog' ? r.name : '');
    }
    expect(p.btf?.funcInfo.map((f) => f.insn)).toEqual([0, 7, 14]);
    expect(p.btf?.lineInfo[0].insn).toBe(0);
    expect(p.btf?.lineInfo.some((l) => l.insn === 14)).toBe(true);
    expect(prog(o, 'calls_static_only').subprogs.map((s) => s.name)).toEqual(['calls_static_only', 'add_static']);
  });
  it('turns a callback address into BPF_PSEUDO_FUNC', () => {
    const p = prog(o, 'with_callback');
    const r = p.relocs.find((x) => x.kind === 'func_addr');
    if (!r || r.kind !== 'func_addr') throw new Error('no func_addr');
    expect(r.name).toBe('loop_cb');
    expect(p.insns[r.insn].src).toBe(op.BPF_PSEUDO_FUNC);
    expect(p.subprogs.find((s) => s.start === r.insn + p.insns[r.insn].imm + 1)?.name).toBe('loop_cb');
  });
  it('the model accepts the subprogram calls', () => {
    const exs = examplesFromElf(`${DIR}/subprogs.o`, readFileSync(`${DIR}/subprogs.o`));
    for (const id of ['subprogs.calls_both', 'subprogs.calls_static_only']) {
      const ex = exs.find((e) => e.id === id);
      if (!ex) throw new Error(id);
      expect(runModel(ex).outcome.verdict).toBe('accept');
    }
  });
  kit(`the kernel accepts all three${kernelNote}`, () => {
    for (const p of o.programs) expect(kernelVerdict(p).verdict).toBe('accept');
  });
});

describe('kfuncs.o: __ksym externs', () => {
  const o = load('kfuncs');
  it('calls kfuncs with BPF_PSEUDO_KFUNC_CALL and names them', () => {
    const p = prog(o, 'task_ref');
    const k = p.relocs.filter((r) => r.kind === 'kfunc').map((r) => (r.kind === 'kfunc' ? r.name : ''));
    expect(k).toEqual(['bpf_task_from_pid', 'bpf_task_release']);
    for (const r of p.relocs) {
      expect(p.insns[r.insn].src).toBe(op.BPF_PSEUDO_KFUNC_CALL);
      if (vmlinuxBtf() && r.kind === 'kfunc') expect(p.insns[r.insn].imm).toBe(findKfuncId(r.name));
    }
  });
  it('sanitises .ksyms like libbpf: global FUNCs, int VARs in the DATASEC', () => {
    const btf = o.btf;
    if (!btf) throw new Error('no BTF');
    const sec = btf.type(btf.find('datasec', '.ksyms') ?? 0);
    if (sec.kind !== 'datasec') throw new Error('no .ksyms');
    expect(sec.size).toBe(4 * sec.vars.length);
    for (const v of sec.vars) expect(btf.type(v.type)).toMatchObject({ kind: 'var', name: 'dummy_ksym', linkage: 'global' });
    const rel = btf.type(btf.find('func', 'bpf_task_release') ?? 0);
    expect(rel).toMatchObject({ kind: 'func', linkage: 'global' });
  });
  it('the model accepts the acquire/release pairs of the object, as the kernel does', () => {
    for (const name of ['task_ref', 'task_acquire']) {
      const ex = examplesFromElf(`${DIR}/kfuncs.o`, readFileSync(`${DIR}/kfuncs.o`)).find((e) => e.program.name === name);
      if (!ex) throw new Error(name);
      expect(runModel(ex).outcome).toMatchObject({ verdict: 'accept', error: null });
    }
  });
  kit(`the kernel accepts the acquire/release pairs${kernelNote}`, () => {
    expect(kernelVerdict(prog(o, 'task_ref')).verdict).toBe('accept');
    try {
      expect(kernelVerdict(prog(o, 'task_acquire')).verdict).toBe('accept');
    } catch (e) {
      // tp_btf needs attach_btf_id from the kernel back end
      if (!(e instanceof KernelBackendLimit)) throw e;
    }
  });
});

describe('objnew.o: bpf_obj_new, lists, kptrs', () => {
  const o = load('objnew');
  it('resolves bpf_core_type_id_local to the local BTF id', () => {
    const p = prog(o, 'push');
    const r = p.relocs.find((x) => x.kind === 'local_type_id');
    if (!r || r.kind !== 'local_type_id') throw new Error('no local_type_id');
    expect(r.type).toBe('struct node_data');
    expect(p.insns[r.insn].imm).toBe(o.btf?.find('struct', 'node_data'));
    expect(prog(o, 'stash').relocs.find((x) => x.kind === 'local_type_id')).toMatchObject({ type: 'struct plain' });
  });
  it('gives the model the program types with kptr tags and graph decl tags', () => {
    const p = prog(o, 'stash');
    const holder = p.types.get('struct holder');
    expect(holder?.kind === 'struct' && holder.members[0].type).toEqual({ kind: 'ptr', to: { kind: 'ref', tag: 'struct', name: 'plain' }, tags: ['kptr'] });
    const mv = p.types.get('struct map_val');
    expect(mv?.kind === 'struct' && mv.members[1].declTags).toEqual(['contains:node_data:node']);
    const data = prog(o, 'push').maps.find((m) => m.section === '.data.A');
    expect(data).toMatchObject({ name: '.data.A', valueSize: 24 });
    expect(data?.vars?.map((v) => v.name)).toEqual(['glock', 'ghead']);
  });
  kit(`the kernel accepts both${kernelNote}`, () => {
    for (const p of o.programs) expect(kernelVerdict(p).verdict).toBe('accept');
  });
});

describe('reject.o: a rejection reported at its C line', () => {
  const ex = examplesFromFile(`${DIR}/reject.o`)[0];
  it('the model rejects at the dereference, line 17 of reject.c', () => {
    const out = runModel(ex).outcome;
    expect(out.verdict).toBe('reject');
    expect(out.error).toBe("R0 invalid mem access 'map_value_or_null'");
    expect(failingSourceLine(ex, out.log)).toBe('./src/reject.c:17:9: return *v; /* the failing line */');
  });
  kit(`the kernel rejects with the same reason and shows the C line${kernelNote}`, () => {
    const r = kernelVerdict(ex.program);
    expect(r.verdict).toBe('reject');
    expect(r.error).toBe("R0 invalid mem access 'map_value_or_null'");
    expect(r.log).toContain('return *v; /* the failing line */ @ reject.c:17');
  });
});

describe('selftest.o: test_loader annotations', () => {
  const exs = examplesFromElf(`${DIR}/selftest.o`, readFileSync(`${DIR}/selftest.o`));
  const byName = new Map(exs.map((e) => [e.program.name, e]));
  it('reads __success, __failure, __msg, __not_msg, __retval, __log_level, __flag, __description', () => {
    expect(byName.get('ret_const')).toMatchObject({ description: 'returns a constant', expected: { verdict: 'accept', retval: 7, msgs: [], logLevel: 1 } });
    expect(byName.get('deref_or_null')?.expected).toEqual({ verdict: 'reject', msgs: ["invalid mem access 'map_value_or_null'"], notMsgs: ['unreachable'], retval: null, logLevel: 1 });
    const l2 = byName.get('level_two');
    expect(l2?.expected).toMatchObject({ verdict: 'accept', logLevel: 2, msgs: ['R10=fp0'] });
    expect(l2?.program.extraProgFlags).toBe(8);
    // test_loader expects success from a program without annotations in an annotated object
    expect(byName.get('unannotated')?.expected.verdict).toBe('accept');
  });
  it('the model agrees with every annotation', () => {
    for (const ex of exs) {
      const out = runModel(ex).outcome;
      expect(out.verdict, ex.id).toBe(ex.expected.verdict);
    }
  });
  kit(`the kernel agrees, including __retval${kernelNote}`, () => {
    for (const ex of exs) expect(kernelVerdict(ex.program).verdict, ex.id).toBe(ex.expected.verdict);
    const r = kernelVerdict(byName.get('ret_const')?.program ?? exs[0].program, { data: new Uint8Array(64) });
    expect(r.retval).toBe(7);
  });
});

describe('core.o: CO-RE relocations against the running kernel', () => {
  const k = vmlinuxBtf();
  const kcore = k ? it : it.skip;
  kcore('patches field offset / size / existence, type existence / size and enum values', () => {
    if (!k) return;
    const p = prog(load('core'), 'core_queries');
    // each answer is a mov into r2 (or ld_imm64) followed by a store to out[i] at offset 8*i
    const answers = new Map<number, number>();
    let r2 = NaN;
    for (const insn of p.insns) {
      if ((insn.code === 0xb7 || insn.code === 0x18) && insn.dst === 2) r2 = insn.imm;
      if (insn.code === 0x7b && insn.src === 2) answers.set(insn.off / 8, r2);
    }
    const task = k.type(k.find('struct', 'task_struct') ?? 0);
    if (task.kind !== 'struct') throw new Error('no task_struct');
    const pid = task.members.find((m) => m.name === 'pid');
    expect(answers.get(0)).toBe((pid?.bitOffset ?? -8) / 8);
    expect(answers.get(1)).toBe(4);
    expect(answers.get(2)).toBe(0);
    expect(answers.get(3)).toBe(1);
    expect(answers.get(4)).toBe(task.size);
    expect(answers.get(5)).toBe(2);
    expect(answers.get(6)).toBe(0);
  });
  kit(`the kernel accepts it${kernelNote}`, () => {
    expect(kernelVerdict(prog(load('core'), 'core_queries')).verdict).toBe('accept');
  });
});

describe('bpfspec verify on an object', () => {
  it('prints each verdict and the C line of a rejection', () => {
    const r = spawnSync(process.execPath, ['src/cli/main.ts', 'verify', `${DIR}/reject.o`], { encoding: 'utf8', env: { ...process.env, BPFSPEC_KERNEL: '0' } });
    expect(r.stdout).toMatch(/^no_null_check: reject: R0 invalid mem access 'map_value_or_null'/);
    expect(r.stdout).toContain('\n  at ./src/reject.c:17:9: return *v; /* the failing line */\n');
  });
  it('exits non-zero with one line for a damaged object', () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'bpfspec-elf-')), 'bad.o');
    writeFileSync(bad, readFileSync(`${DIR}/reject.o`).subarray(0, 200));
    const r = spawnSync(process.execPath, ['src/cli/main.ts', 'verify', bad], { encoding: 'utf8' });
    expect(r.stderr).toMatch(/bad\.o:1:1: error: truncated ELF file/);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('bad input is a one-line error at file:1:1', () => {
  const good = new Uint8Array(readFileSync(`${DIR}/reject.o`));
  const err = (bytes: Uint8Array): string => {
    try {
      examplesFromElf('bad.o', bytes);
    } catch (e) {
      expect((e as Error).name).toBe('SourceError');
      return (e as { format: () => string }).format();
    }
    throw new Error('no error');
  };
  it('truncated', () => {
    expect(err(good.subarray(0, 40))).toMatch(/^bad\.o:1:1: error: truncated ELF header/);
    expect(err(good.subarray(0, 1000))).toMatch(/^bad\.o:1:1: error: truncated ELF file/);
    expect(err(new TextEncoder().encode('hello'))).toMatch(/not an ELF file/);
  });
  it('not BPF, big-endian', () => {
    const x86 = good.slice();
    x86[18] = 62;
    expect(err(x86)).toMatch(/ELF machine 62 is not BPF/);
    const be = good.slice();
    be[5] = 2;
    expect(err(be)).toMatch(/big-endian/);
  });
  it('unknown relocation type', () => {
    const o = readElfObject('x.o', good);
    const rel = o.elf.sections.find((s) => s.name === '.relsocket');
    if (!rel) throw new Error('no .relsocket');
    const bytes = good.slice();
    bytes[rel.offset + 8] = 7; // r_info low byte: the type
    expect(err(bytes)).toMatch(/unknown relocation type 7/);
  });
});

describe('test_loader tags', () => {
  const fail = (m: string): never => {
    throw new Error(m);
  };
  it('orders counted __msg tags by their counter and keeps uncounted ones in BTF order', () => {
    const e = expectationFromTags(['test_expect_msg=12=second', 'test_expect_failure', 'test_expect_msg=3=first', 'test_expect_not_msg=7=never'], fail);
    expect(e.expected).toEqual({ verdict: 'reject', msgs: ['first', 'second'], notMsgs: ['never'], retval: null, logLevel: 1 });
    expect(expectationFromTags(['test_expect_msg=a', 'test_expect_msg=b'], fail).expected.msgs).toEqual(['a', 'b']);
  });
  it('reads retval forms, flags by name or number, and lists what it does not check', () => {
    expect(expectationFromTags(['test_retval=INT_MIN'], fail).expected.retval).toBe(-2147483648);
    expect(expectationFromTags(['test_retval=0xffffffff'], fail).expected.retval).toBe(-1);
    expect(expectationFromTags(['test_retval=POINTER_VALUE'], fail).expected.retval).toBe(0xcafe4a11 | 0);
    expect(expectationFromTags(['test_prog_flags=BPF_F_STRICT_ALIGNMENT', 'test_prog_flags=0x80'], fail).progFlags).toBe(0x81);
    const e = expectationFromTags(['test_expect_xlated=1=r0 = 0', 'test_expect_success_unpriv'], fail);
    expect(e.unchecked).toHaveLength(2);
    expect(e.expected.verdict).toBe('accept');
    expect(() => expectationFromTags(['test_retval=lots'], fail)).toThrow(/not a number/);
    expect(() => expectationFromTags(['test_expect_success', 'test_expect_failure'], fail)).toThrow(/both/);
  });
  it('expects nothing from an object without tags', () => {
    expect(expectationFromTags([], fail).expected.verdict).toBeNull();
  });
});
