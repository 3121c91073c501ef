// The kernel back end for the program IR: turn a Program into a BPF_PROG_LOAD request
// (instructions, maps with their initial data, relocations, program type and flags, program BTF
// and func info, kfunc ids and the attach target resolved against the running kernel's BTF).
import type { Program } from '../ir/program.ts';
import type { Insn } from '../isa/insn.ts';
import { BPF_PROG_FLAG, parseSection } from '../ir/sections.ts';
import { encodeInsns } from '../isa/encode.ts';
import type { ParsedBtf } from '../btf/btf-parse.ts';
import type { TypeLookup } from '../btf/layout.ts';
import { findKfuncId, vmlinuxBtf, vmlinuxBtfReason } from '../btf/vmlinux.ts';
import { kernelType } from '../catalog/kernel-types.ts';
import { loadProgram, type KernelLoadRequest, type KernelResult } from './loader.ts';
import { generateProgramBtf, programNeedsBtf } from './program-btf.ts';
import { resolveAttach } from './attach.ts';

/** The kernel back end cannot load this program yet (never a verdict). */
export class KernelBackendLimit extends Error {}

/**
 * When to generate program BTF (and func info) for a program that brings none.
 *
 * 'always', as libbpf does for every object that has BTF. Measured before choosing: every example
 * in content/ and specs/ (154 when last measured) loaded with and without generated BTF gives the
 * same verdict, errno, reason line, processed count and retval for every example, and identical
 * level-2 logs once kernel addresses and timings are masked. The one difference found on the way
 * was a bug, not a policy question: a `void *ctx` parameter on the main FUNC made the verifier log
 * "arg#0 reference type('UNKNOWN ') size cannot be determined", so FUNCs are `int f(void)`, as
 * for the selftests' naked assembly functions. Programs that need BTF (spin locks, graph roots,
 * kptrs in map values, bpf_obj_new of local types) therefore load exactly as libbpf loads them.
 * BPFSPEC_PROGRAM_BTF=never|needed|always overrides it to repeat that measurement.
 */
export type ProgramBtfPolicy = 'always' | 'needed' | 'never';

export function programBtfPolicy(): ProgramBtfPolicy {
  const v = process.env['BPFSPEC_PROGRAM_BTF'];
  return v === 'always' || v === 'never' || v === 'needed' ? v : DEFAULT_POLICY;
}

const DEFAULT_POLICY: ProgramBtfPolicy = 'always';

const kernelLookup: TypeLookup = (key) => kernelType(key);

let vmlinuxCache: ParsedBtf | string | undefined;

/** The running kernel's BTF, or why it is unavailable (read once, and only when a program needs it). */
function vmlinux(): ParsedBtf | string {
  vmlinuxCache ??= vmlinuxBtf() ?? vmlinuxBtfReason() ?? 'no kernel BTF';
  return vmlinuxCache;
}

export function kernelRequest(prog: Program, logLevel: number, testRun?: KernelLoadRequest['testRun']): KernelLoadRequest {
  const sec = parseSection(prog.section);
  if (!sec.ok) throw new KernelBackendLimit(`unknown section "${prog.section}": ${sec.error}`);
  if (sec.progType === 'struct_ops') {
    throw new KernelBackendLimit(`section "${prog.section}": struct_ops programs are loaded for a member of a struct_ops map (expected_attach_type = member index), which the IR does not describe`);
  }
  const attach = sec.attachBtf ? resolveAttach(sec, vmlinux()) : { ok: true as const };
  if (!attach.ok) throw new KernelBackendLimit(attach.reason);

  const insns: Insn[] = prog.insns.map((i) => ({ ...i }));
  // Front ends write ids from a catalog made on one machine; ids differ between kernel builds.
  for (const r of prog.relocs) {
    if (r.kind !== 'kfunc' && r.kind !== 'ksym') continue;
    const what = r.kind === 'kfunc' ? `kfunc ${r.name}` : `ksym ${r.name}`;
    const btf = vmlinux();
    if (typeof btf === 'string') throw new KernelBackendLimit(`${what} needs the kernel's BTF: ${btf}`);
    const id = r.kind === 'kfunc' ? findKfuncId(r.name, btf) : (btf.find('var', r.name) ?? btf.find('func', r.name));
    if (id === undefined) throw new KernelBackendLimit(`${what} is not in the running kernel's BTF`);
    insns[r.insn].imm = id;
  }

  const policy = programBtfPolicy();
  const gen =
    prog.btf === undefined && (policy === 'always' || (policy === 'needed' && programNeedsBtf(prog, kernelLookup)))
      ? generateProgramBtf(prog, kernelLookup)
      : undefined;
  if (gen) {
    for (const r of prog.relocs) {
      const id = r.kind === 'local_type_id' ? gen.localTypeIds.get(r.type) : undefined;
      if (id !== undefined) insns[r.insn].imm = id;
    }
  } else if (prog.btf === undefined && prog.relocs.some((r) => r.kind === 'local_type_id')) {
    throw new KernelBackendLimit('bpf_core_type_id_local() needs program BTF, and this load sends none (BPFSPEC_PROGRAM_BTF=never)');
  }

  const sleepable = prog.sleepable ? BPF_PROG_FLAG.BPF_F_SLEEPABLE : 0;
  const btf = prog.btf ? { btf: prog.btf.raw, funcInfo: prog.btf.funcInfo, lineInfo: prog.btf.lineInfo } : gen ? { btf: gen.raw, funcInfo: gen.funcInfo } : {};
  return {
    name: prog.name.slice(0, 15),
    progType: sec.progTypeId,
    ...(sec.expectedAttachType !== undefined ? { expectedAttachType: sec.expectedAttachType } : {}),
    ...(attach.attachBtfId !== undefined ? { attachBtfId: attach.attachBtfId } : {}),
    progFlags: sec.progFlags | sleepable | (prog.extraProgFlags ?? 0),
    insns: encodeInsns(insns),
    license: prog.license,
    logLevel,
    maps: prog.maps.map((m, i) => {
      const ids = prog.btf ? { btfKeyTypeId: m.btfKeyTypeId, btfValueTypeId: m.btfValueTypeId } : (gen?.maps[i] ?? {});
      return {
        name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags,
        ...(m.initial ? { initialValue: m.initial } : {}), ...(m.readonly ? { freeze: true } : {}),
        ...(ids.btfKeyTypeId !== undefined ? { btfKeyTypeId: ids.btfKeyTypeId } : {}),
        ...(ids.btfValueTypeId !== undefined ? { btfValueTypeId: ids.btfValueTypeId } : {}),
      };
    }),
    ...btf,
    relocs: prog.relocs.flatMap((r) => (r.kind === 'map_fd' || r.kind === 'map_value' ? [{ insn: r.insn, map: r.map }] : [])),
    ...(testRun ? { testRun } : {}),
  };
}

export function runOnKernel(prog: Program, logLevel: number, testRun?: KernelLoadRequest['testRun']): KernelResult {
  return loadProgram(kernelRequest(prog, logLevel, testRun));
}

/** One line for a kernel result: the verdict and reason, or the refusal, which is never a verdict. */
export function describeKernelResult(r: KernelResult): string {
  if (r.kind === 'refused') return `kernel refused before verification: ${r.reason}`;
  return r.verdict === 'accept' ? 'kernel accepts' : `kernel rejects: ${r.error ?? `errno ${r.errno}`}`;
}
