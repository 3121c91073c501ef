// The kernel back end for the program IR: turn a Program into a BPF_PROG_LOAD request
// (instructions, maps with their initial data, relocations, program type and flags).
import type { Program } from '../ir/program.ts';
import { parseSection } from '../ir/sections.ts';
import { encodeInsns } from '../isa/encode.ts';
import { loadProgram, type KernelLoadRequest, type KernelResult } from './loader.ts';

/** The kernel back end cannot load this program yet (never a verdict). */
export class KernelBackendLimit extends Error {}

export function kernelRequest(prog: Program, logLevel: number, testRun?: KernelLoadRequest['testRun']): KernelLoadRequest {
  const sec = parseSection(prog.section);
  if (!sec.ok) throw new KernelBackendLimit(`unknown section "${prog.section}": ${sec.error}`);
  if (sec.attachBtf) throw new KernelBackendLimit(`section "${prog.section}" needs an attach target; the kernel back end for BTF-attached programs comes with the kernel-oracle issue`);
  return {
    name: prog.name.slice(0, 15),
    progType: sec.progTypeId,
    ...(sec.expectedAttachType !== undefined ? { expectedAttachType: sec.expectedAttachType } : {}),
    progFlags: sec.progFlags,
    insns: encodeInsns(prog.insns),
    license: prog.license,
    logLevel,
    maps: prog.maps.map((m) => ({
      name: m.name, type: m.type, keySize: m.keySize, valueSize: m.valueSize, maxEntries: m.maxEntries, flags: m.flags,
      ...(m.initial ? { initialValue: m.initial } : {}), ...(m.readonly ? { freeze: true } : {}),
    })),
    relocs: prog.relocs.flatMap((r) => (r.kind === 'map_fd' || r.kind === 'map_value' ? [{ insn: r.insn, map: r.map }] : [])),
    ...(testRun ? { testRun } : {}),
  };
}

export function runOnKernel(prog: Program, logLevel: number, testRun?: KernelLoadRequest['testRun']): KernelResult {
  return loadProgram(kernelRequest(prog, logLevel, testRun));
}
