// The kernel back end for IR programs against the running kernel: generated program BTF (spin
// locks, graph roots, kptrs, bpf_obj_new of local types), kfuncs resolved by name, attach
// targets, refusals reported as refusals and missing kernel features as skips. Every test that
// loads a program skips, with the reason, when the kernel back end is unavailable.

import { afterEach, describe, expect, it } from 'vitest';
import { parseAsm } from '../../src/asm/parse.ts';
import { asmOptions } from '../../src/spec/resolve.ts';
import { examplesFromAsmFile } from '../../src/spec/collect.ts';
import { kernelCheck } from '../../src/spec/kernel-check.ts';
import { kernelStatus, loadProgram, type KernelResult } from '../../src/kernel/loader.ts';
import { BtfBuilder } from '../../src/btf/btf-write.ts';
import { KernelBackendLimit, describeKernelResult, kernelRequest, runOnKernel } from '../../src/kernel/from-ir.ts';
import { findKfuncId, findTypeId, vmlinuxBtf } from '../../src/btf/vmlinux.ts';
import { BPF_PROG_FLAG, BPF_PROG_TYPE } from '../../src/ir/sections.ts';
import type { Program } from '../../src/ir/program.ts';

const status = kernelStatus();
const skipped = status.available ? '' : ` (skipped: ${status.reason})`;
const EPERM = 1;

const SRC = `
struct val { int cnt; struct bpf_spin_lock lock; };
struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 1); __type(key, int); __type(value, struct val); } vals SEC(".maps");

struct foo { int data; struct bpf_list_node node; };
struct lval { struct bpf_spin_lock lock; struct bpf_list_head head __contains(foo, node); };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct lval); } lists SEC(".maps");

struct obj { long key; };
struct kval { struct obj __kptr *ptr; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 1); __type(key, int); __type(value, struct kval); } kptrs SEC(".maps");

SEC("tc")
lock_unlock:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = vals ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r6 = r0
	r1 = r0
	r1 += 4
	call bpf_spin_lock
	r1 = r6
	r1 += 4
	call bpf_spin_unlock
out:
	r0 = 0
	exit

SEC("tc")
new_drop:
	r1 = bpf_core_type_id_local(struct foo)
	r2 = 0
	call bpf_obj_new_impl
	if r0 == 0 goto out
	r1 = r0
	r2 = 0
	call bpf_obj_drop_impl
out:
	r0 = 0
	exit

SEC("tc")
list_push:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = lists ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r7 = r0
	r1 = bpf_core_type_id_local(struct foo)
	r2 = 0
	call bpf_obj_new_impl
	if r0 == 0 goto out
	r8 = r0
	r1 = r7
	call bpf_spin_lock
	r1 = r7
	r1 += 8
	r2 = r8
	r2 += 8
	r3 = 0
	r4 = 0
	call bpf_list_push_front_impl
	r1 = r7
	call bpf_spin_unlock
out:
	r0 = 0
	exit

SEC("tc")
list_push_unlocked:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = lists ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r7 = r0
	r1 = bpf_core_type_id_local(struct foo)
	r2 = 0
	call bpf_obj_new_impl
	if r0 == 0 goto out
	r1 = r7
	r1 += 8
	r2 = r0
	r2 += 8
	r3 = 0
	r4 = 0
	call bpf_list_push_front_impl
out:
	r0 = 0
	exit

SEC("tc")
kptr_xchg:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = kptrs ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r7 = r0
	r1 = bpf_core_type_id_local(struct obj)
	r2 = 0
	call bpf_obj_new_impl
	if r0 == 0 goto out
	r1 = r7
	r2 = r0
	call bpf_kptr_xchg
	if r0 == 0 goto out
	r1 = r0
	r2 = 0
	call bpf_obj_drop_impl
out:
	r0 = 0
	exit

SEC("tp_btf/sched_switch")
on_switch:
	r2 = *(u64 *)(r1 + 8)
	r0 = *(u32 *)(r2 + PID_OFF)
	r0 = 0
	exit

SEC("fentry/bpf_fentry_test1")
on_entry:
	r0 = 0
	exit

SEC("lsm.s/file_open")
on_open:
	r0 = 0
	exit

SEC("iter/task")
it_task:
	r0 = 0
	exit

SEC("tp_btf/no_such_tracepoint")
bad_tp:
	r0 = 0
	exit

SEC("fentry")
no_target:
	r0 = 0
	exit

SEC("freplace/foo")
ext:
	r0 = 0
	exit

SEC("struct_ops/init")
ops:
	r0 = 0
	exit
`;

/** task_struct's pid offset in the running kernel (tp_btf reads go through its BTF). */
function pidOffset(): number {
  const btf = vmlinuxBtf();
  const id = btf?.find('struct', 'task_struct');
  const t = id !== undefined ? btf?.type(id) : undefined;
  const m = t?.kind === 'struct' ? t.members.find((x) => x.name === 'pid') : undefined;
  return m !== undefined ? m.bitOffset / 8 : 0;
}

const progs = new Map<string, Program>(
  parseAsm(SRC.replace('PID_OFF', String(pidOffset())), 'from-ir.s', asmOptions()).programs.map((p) => [p.program.name, p.program]),
);

function prog(name: string): Program {
  const p = progs.get(name);
  if (p === undefined) throw new Error(`no program ${name}`);
  return structuredClone(p);
}

const load = (name: string): KernelResult => runOnKernel(prog(name), 1 | 4);

function expectAccept(r: KernelResult): void {
  if (r.kind === 'refused') throw new Error(describeKernelResult(r));
  expect(r.verdict, r.log).toBe('accept');
}

const savedPolicy = process.env['BPFSPEC_PROGRAM_BTF'];
afterEach(() => {
  if (savedPolicy === undefined) delete process.env['BPFSPEC_PROGRAM_BTF'];
  else process.env['BPFSPEC_PROGRAM_BTF'] = savedPolicy;
});

describe.skipIf(!status.available)(`program BTF in the running kernel${skipped}`, () => {
  it('a spin lock in a hash map value: accepted with generated BTF; without BTF the kernel asks for it', () => {
    expectAccept(load('lock_unlock'));
    process.env['BPFSPEC_PROGRAM_BTF'] = 'never';
    const r = load('lock_unlock');
    expect(r.kind === 'verdict' && r.verdict).toBe('reject');
    expect(r.kind === 'verdict' && r.error).toBe("map 'vals' has to have BTF in order to use bpf_spin_lock");
  });

  it('bpf_obj_new_impl(bpf_core_type_id_local(struct foo)) + bpf_obj_drop_impl', () => {
    const req = kernelRequest(prog('new_drop'), 1);
    expect(req.btf).toBeDefined();
    expect(req.funcInfo).toHaveLength(1);
    expectAccept(load('new_drop'));
  });

  it('pushing a new object onto a __contains list under its lock', () => {
    expectAccept(load('list_push'));
  });

  it('the kernel reads __contains and the lock from the generated BTF: pushing without the lock is rejected', () => {
    const r = load('list_push_unlocked');
    expect(r.kind === 'verdict' && r.verdict).toBe('reject');
    expect(r.kind === 'verdict' ? r.log : '').toMatch(/bpf_spin_lock at off=0 must be held for bpf_list_head/);
  });

  it('bpf_kptr_xchg of a local object into a __kptr field of a map value', () => {
    expectAccept(load('kptr_xchg'));
  });

  it("policy 'needed' sends BTF to a program with a spin lock map, none to a plain one", () => {
    process.env['BPFSPEC_PROGRAM_BTF'] = 'needed';
    expectAccept(load('lock_unlock'));
    expect(kernelRequest(prog('on_entry'), 1).btf).toBeUndefined();
  });
});

describe.skipIf(!status.available)(`kfuncs by name${skipped}`, () => {
  it('the call imm is the running kernel id, whatever the front end wrote', () => {
    const p = prog('new_drop');
    const calls = p.relocs.filter((r) => r.kind === 'kfunc');
    expect(calls.map((r) => r.kind === 'kfunc' && r.name)).toEqual(['bpf_obj_new_impl', 'bpf_obj_drop_impl']);
    for (const r of calls) p.insns[r.insn].imm = 1;
    const req = kernelRequest(p, 1);
    const dv = new DataView(req.insns.buffer, req.insns.byteOffset);
    expect(calls.map((r) => dv.getInt32(r.insn * 8 + 4, true))).toEqual([findKfuncId('bpf_obj_new_impl'), findKfuncId('bpf_obj_drop_impl')]);
    expectAccept(runOnKernel(p, 1));
  });

  it('a kfunc the running kernel lacks is a backend limit (skip with reason), never a verdict', () => {
    const p = prog('new_drop');
    const r = p.relocs.find((x) => x.kind === 'kfunc');
    if (r?.kind === 'kfunc') r.name = 'bpf_no_such_kfunc';
    expect(() => kernelRequest(p, 1)).toThrow(KernelBackendLimit);
    expect(() => kernelRequest(p, 1)).toThrow("kfunc bpf_no_such_kfunc is not in the running kernel's BTF");
  });
});

describe.skipIf(!status.available)(`attach targets${skipped}`, () => {
  it('tp_btf/sched_switch: attach_btf_id is typedef btf_trace_sched_switch, and the args are typed', () => {
    const req = kernelRequest(prog('on_switch'), 1);
    expect(req.attachBtfId).toBe(findTypeId('typedef', 'btf_trace_sched_switch'));
    expectAccept(load('on_switch'));
  });

  it('fentry/<func> and lsm.s/<hook> resolve to their FUNCs (lsm with bpf_lsm_ and the sleepable flag)', () => {
    expect(kernelRequest(prog('on_entry'), 1).attachBtfId).toBe(findTypeId('func', 'bpf_fentry_test1'));
    const lsm = kernelRequest(prog('on_open'), 1);
    expect(lsm.attachBtfId).toBe(findTypeId('func', 'bpf_lsm_file_open'));
    expect((lsm.progFlags ?? 0) & BPF_PROG_FLAG.BPF_F_SLEEPABLE).toBe(BPF_PROG_FLAG.BPF_F_SLEEPABLE);
  });

  it('iter/task: attach_btf_id is bpf_iter_task, and the kernel verifies it', () => {
    expect(kernelRequest(prog('it_task'), 1).attachBtfId).toBe(findTypeId('func', 'bpf_iter_task'));
    expectAccept(load('it_task'));
  });

  it('an fentry program the kernel refuses (EPERM) is a refusal, never a verdict', () => {
    const r = load('on_entry');
    if (r.kind === 'verdict') {
      // A kernel that permits fentry verifies it: then it is an ordinary accept.
      expect(r.verdict).toBe('accept');
      return;
    }
    expect(r).toMatchObject({ kind: 'refused', stage: 'prog_load', errno: EPERM });
    expect(describeKernelResult(r)).toMatch(/^kernel refused before verification: BPF_PROG_LOAD refused: EPERM/);
  });

  it('targets missing from the kernel, and sections this back end cannot load, are limits with a reason', () => {
    const limit = (name: string): string => {
      try {
        kernelRequest(prog(name), 1);
      } catch (e) {
        if (e instanceof KernelBackendLimit) return e.message;
        throw e;
      }
      throw new Error(`${name} loaded`);
    };
    expect(limit('bad_tp')).toBe('section "tp_btf/no_such_tracepoint": tracepoint no_such_tracepoint (typedef btf_trace_no_such_tracepoint) is not in the running kernel\'s BTF');
    expect(limit('no_target')).toMatch(/names no attach target/);
    expect(limit('ext')).toMatch(/freplace/);
    expect(limit('ops')).toMatch(/struct_ops/);
  });
});

describe.skipIf(!status.available)(`kernel checks of examples${skipped}`, () => {
  const EX = `
SEC("fentry/bpf_fentry_test1") __id("t.fentry") __success
on_entry:
	r0 = 0
	exit

SEC("tc") __id("t.nokfunc") __success
nokfunc:
	r1 = bpf_core_type_id_local(struct foo)
	r2 = 0
	call bpf_obj_new_impl
	r0 = 0
	exit
`;
  const exs = examplesFromAsmFile('t.s', `struct foo { int x; };\n${EX}`);

  it('a refusal is reported as "kernel refused before verification", not as a verdict', () => {
    const k = kernelCheck(exs[0]);
    if (k.verdict === 'accept') return; // this kernel permits fentry
    expect(k.verdict).toBe('refused');
    expect(k.problems).toEqual([expect.stringMatching(/^kernel refused before verification: BPF_PROG_LOAD refused: EPERM/)]);
  });

  it('a missing kfunc skips the example with the reason', () => {
    const ex = exs[1];
    const r = ex.program.relocs.find((x) => x.kind === 'kfunc');
    if (r?.kind === 'kfunc') r.name = 'bpf_no_such_kfunc';
    expect(kernelCheck(ex)).toMatchObject({ verdict: 'skipped', agrees: true, error: "kfunc bpf_no_such_kfunc is not in the running kernel's BTF" });
  });
});

describe.skipIf(!status.available)(`map creation with BTF the kernel does not take${skipped}`, () => {
  it('is retried without BTF, as libbpf does', () => {
    const b = new BtfBuilder();
    const int = b.int('int', 4, { signed: true });
    // value_size 16 against a 4-byte value type: BPF_MAP_CREATE refuses the BTF.
    const r = loadProgram({
      name: 'retry', progType: BPF_PROG_TYPE.socket_filter, logLevel: 1, btf: b.build(),
      insns: new Uint8Array([0x18, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xb7, 0, 0, 0, 0, 0, 0, 0, 0x95, 0, 0, 0, 0, 0, 0, 0]),
      maps: [{ name: 'm', type: 'array', keySize: 4, valueSize: 16, maxEntries: 1, btfKeyTypeId: int, btfValueTypeId: int }],
      relocs: [{ insn: 0, map: 0 }],
    });
    expectAccept(r);
  });
});
