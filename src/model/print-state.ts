// The kernel's text for register and frame states (kernel/bpf/log.c: print_reg_state,
// print_verifier_state), Linux 6.18 format: no liveness marks, hex for large numbers.
import type { Reg } from './state/reg.ts';
import { NON_OWN_REF, regTypeStr } from './state/reg.ts';
import type { Frame, VState } from './state/state.ts';
import { BPF_REG_SIZE, SLOT_CHAR } from './state/stack.ts';
import { formatScalar, formatScalarRanges, formatSnum, formatUnum } from './scalar/format.ts';
import { tnumIsConst, tnumIsUnknown } from './scalar/tnum.ts';
import { addConstDelta, baseId } from './exec/linked-scalars.ts';
import type { Program } from '../ir/program.ts';

const tnumStr = (v: bigint, m: bigint): string => `(0x${v.toString(16)}; 0x${m.toString(16)})`;

export function formatReg(r: Reg, frame: Frame, prog: Program): string {
  if (r.type === 'scalar') {
    // print_reg_state(): "id=%d" of the base id, then "%+d" of reg->off for BPF_ADD_CONST links
    const delta = addConstDelta(r);
    return formatScalar(r.s, { precise: r.precise, id: baseId(r.id), ...(delta !== undefined ? { addConstDelta: delta } : {}) });
  }
  let out = regTypeStr(r.type, r.flags);
  if (r.type === 'arena') return out;
  if (r.type === 'stack') {
    if ((r.frameno ?? 0) !== frame.frameno) out += `[${r.frameno ?? 0}]`;
    if (tnumIsConst(r.s.varOff)) return out + formatSnum(BigInt.asIntN(64, r.s.varOff.value + BigInt(r.off)));
  }
  if (r.type === 'btf_id') out += (r.btf ?? '').replace(/^(struct|union) /, '');
  const attrs: string[] = [];
  if (r.id) attrs.push(`id=${r.id}`);
  if (r.refObjId) attrs.push(`ref_obj_id=${r.refObjId}`);
  if (r.flags & NON_OWN_REF) attrs.push('non_own_ref');
  if ((r.type === 'map_ptr' || r.type === 'map_value' || r.type === 'map_key') && r.map !== undefined) {
    const m = prog.maps[r.map];
    if (m.name) attrs.push(`map=${m.name}`);
    attrs.push(`ks=${m.keySize},vs=${m.valueSize}`);
  }
  if (r.off) attrs.push(`off=${formatSnum(BigInt(r.off))}`);
  if (r.type === 'pkt' || r.type === 'pkt_meta') attrs.push(`r=${formatUnum(BigInt(r.range ?? 0))}`);
  if (r.type === 'mem') attrs.push(`sz=${formatUnum(BigInt(r.memSize ?? 0))}`);
  if (tnumIsConst(r.s.varOff)) {
    if (r.s.varOff.value) attrs.push(`imm=${formatSnum(r.s.varOff.value)}`);
  } else {
    attrs.push(...formatScalarRanges(r.s));
    if (!tnumIsUnknown(r.s.varOff)) attrs.push(`var_off=${tnumStr(r.s.varOff.value, r.s.varOff.mask)}`);
  }
  return `${out}(${attrs.join(',')})`;
}

export interface Scratch {
  regs: Set<number>;
  slots: Set<number>;
}

/** print_verifier_state(): ` R0=.. R1=.. fp-8=..` for one frame, all or only scratched entries. */
export function formatFrameState(st: VState, frameno: number, prog: Program, scratch: Scratch | null): string {
  const f = st.frames[frameno];
  let out = f.frameno ? ` frame${f.frameno}:` : '';
  f.regs.forEach((r, i) => {
    if (r.type === 'not_init') return;
    if (scratch && !scratch.regs.has(i)) return;
    out += ` R${i}=${formatReg(r, f, prog)}`;
  });
  for (let i = 0; i < f.stack.length; i++) {
    const slot = f.stack[i];
    if (!slot.bytes.some((b) => b !== 'invalid')) continue;
    if (scratch && !scratch.slots.has(i)) continue;
    const name = ` fp${(-i - 1) * BPF_REG_SIZE}`;
    const top = slot.bytes[BPF_REG_SIZE - 1];
    if (top === 'spill') {
      let types = '';
      for (const b of slot.bytes) {
        if (b === 'spill') break;
        types += SLOT_CHAR[b];
      }
      out += `${name}=${types}${formatReg(slot.spilled, f, prog)}`;
    } else if (top === 'iter') {
      // only the iterator's first slot (the one holding the reference) is printed
      const r = slot.spilled;
      if (!r.refObjId || !r.iter) continue;
      out += `${name}=iter_${r.iter.type.replace(/^bpf_iter_/, '')}(ref_id=${r.refObjId},state=${r.iter.state},depth=${r.iter.depth})`;
    } else {
      out += `${name}=${slot.bytes.map((b) => SLOT_CHAR[b]).join('')}`;
    }
  }
  if (st.refs.length > 0 && st.refs[0].id) out += ` refs=${st.refs.map((r) => r.id).join(',')}`;
  if (f.inCallbackFn) out += ' cb';
  return out;
}
