// Conditional jumps (check_cond_jmp_op): branch folding on known values, narrowing both
// sides, NULL checks that turn maybe-NULL pointers into pointers or zero on every copy
// (mark_ptr_or_null_regs) and linked scalars (sync_linked_regs).
import type { Insn } from '../../isa/insn.ts';
import { BPF_JMP32, insnClass } from '../../isa/insn.ts';
import * as op from '../../isa/opcodes.ts';
import type { Env } from '../env.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { PTR_MAYBE_NULL, PTR_TRUSTED, PTR_UNTRUSTED, isPointer, scalarReg, withReg } from '../state/reg.ts';
import type { VState } from '../state/state.ts';
import { checkRegRead } from './regs.ts';
import { pushBranch } from '../explore-stack.ts';
import { mapAllRegs } from '../refs/refs.ts';
import { LinkedRegs, collectLinkedRegs, syncLinkedRegs } from './linked-scalars.ts';
import { isBranchTaken, kernelBranchOutcome, flipOpcode, type JmpOp } from '../scalar/branch.ts';
import { scalarKnown } from '../scalar/scalar.ts';
import { tnumIsConst, tnumSubreg } from '../scalar/tnum.ts';
import { markChainPrecision } from '../precision/mark.ts';
import { pushJmpHistory } from '../precision/history.ts';

const JMP_OP: Record<number, JmpOp> = {
  0x10: 'jeq', 0x20: 'jgt', 0x30: 'jge', 0x40: 'jset', 0x50: 'jne', 0x60: 'jsgt', 0x70: 'jsge', 0xa0: 'jlt', 0xb0: 'jle', 0xc0: 'jslt', 0xd0: 'jsle',
};

function regNotNull(r: Reg): boolean {
  if (r.flags & PTR_MAYBE_NULL) return false;
  switch (r.type) {
    case 'sock': case 'tcp_sock': case 'map_value': case 'map_key': case 'sock_common': case 'map_ptr':
      return true;
    case 'btf_id':
      return r.refObjId !== 0 || ((r.flags & PTR_TRUSTED) !== 0 && (r.flags & PTR_UNTRUSTED) === 0);
    case 'mem':
      return (r.flags & PTR_UNTRUSTED) === 0;
    default:
      return false;
  }
}

function isRegConst(r: Reg, is32: boolean): boolean {
  return r.type === 'scalar' && tnumIsConst(is32 ? tnumSubreg(r.s.varOff) : r.s.varOff);
}

/** is_branch_taken(): 1 always, 0 never, -1 unknown. */
function branchTaken(a: Reg, b: Reg, jop: JmpOp, is32: boolean, sameReg: boolean): 1 | 0 | -1 {
  if (isPointer(a) || isPointer(b)) {
    let p = a;
    let s = b;
    let o = jop;
    if (!isRegConst(s, is32)) {
      o = flipOpcode(o);
      p = b;
      s = a;
    }
    if (!isRegConst(s, is32)) return -1;
    if (!regNotNull(p)) return -1;
    const v = is32 ? s.s.varOff.value & 0xffffffffn : s.s.varOff.value;
    if (v !== 0n) return -1;
    if (o === 'jeq') return 0;
    if (o === 'jne') return 1;
    return -1;
  }
  return isBranchTaken(jop, a.s, b.s, is32, { sameReg });
}

/** mark_ptr_or_null_regs(): every copy of a maybe-NULL pointer learns the outcome of the check. */
function markPtrOrNull(st: VState, id: number, isNull: boolean): void {
  mapAllRegs(st, (r) => {
    if (!(r.flags & PTR_MAYBE_NULL) || r.id !== id) return r;
    if (isNull) return scalarReg(scalarKnown(0n));
    // The kernel keeps the id of a map value that holds a bpf_spin_lock (the lock issue needs it).
    return withReg(r, { flags: r.flags & ~PTR_MAYBE_NULL, id: 0 });
  });
  if (isNull) st.refs = st.refs.filter((ref) => ref.id !== id);
}

export function checkCondJmp(env: Env, insn: Insn): number {
  const o = op.bpfOp(insn.code);
  const is32 = insnClass(insn.code) === BPF_JMP32;
  const isX = op.bpfSrc(insn.code) === op.BPF_X;
  const dst = checkRegRead(env, insn.dst);
  let src: Reg;
  if (isX) {
    if (insn.imm !== 0) reject(RULES.jmpReserved, 'BPF_JMP/JMP32');
    src = checkRegRead(env, insn.src);
  } else {
    if (insn.src !== 0) reject(RULES.jmpReserved, 'BPF_JMP/JMP32');
    src = scalarReg(scalarKnown(BigInt.asUintN(64, BigInt(insn.imm))));
  }
  const jop = JMP_OP[o];
  // the precision backtracker must not chase a stack pointer that was compared
  const srcStack = isX && src.type === 'stack';
  if (srcStack || dst.type === 'stack') pushJmpHistory(env, env.cur, { srcStack, dstStack: dst.type === 'stack' });
  // `if rX op rX`: reg_set_min_max() refines one register through two aliases
  const sameReg = isX && insn.src === insn.dst;
  const pred = branchTaken(dst, src, jop, is32, sameReg);
  const target = env.insnIdx + insn.off + 1;
  if (pred !== -1) {
    // the outcome was decided by the compared values: they must be exact
    if (dst.type === 'scalar') markChainPrecision(env, insn.dst);
    if (isX && src.type === 'scalar') markChainPrecision(env, insn.src);
    return pred === 1 ? target : env.insnIdx + 1;
  }
  // collect_linked_regs() runs on this branch before the other one is pushed.
  const linked = new LinkedRegs();
  if (isX && src.type === 'scalar' && src.id) collectLinkedRegs(env, env.cur, src.id, linked);
  if (dst.type === 'scalar' && dst.id) collectLinkedRegs(env, env.cur, dst.id, linked);
  if (linked.entries.length > 1) pushJmpHistory(env, env.cur, { linked: linked.entries.slice() });
  const other = pushBranch(env, target, env.insnIdx);
  const cur = env.cur;
  if (dst.type === 'scalar' && src.type === 'scalar') {
    const outcome = kernelBranchOutcome(jop, dst.s, src.s, is32, { sameReg });
    const t = outcome.taken;
    const f = outcome.fallthrough;
    const oreg = other.frames[other.curframe].regs;
    const creg = cur.frames[cur.curframe].regs;
    if (t) {
      oreg[insn.dst] = { ...oreg[insn.dst], s: t.dst };
      if (isX) oreg[insn.src] = { ...oreg[insn.src], s: t.src };
    }
    if (f) {
      creg[insn.dst] = { ...creg[insn.dst], s: f.dst };
      if (isX) creg[insn.src] = { ...creg[insn.src], s: f.src };
    }
  }
  // sync_linked_regs(): source first, then destination, on both branches. The ids are read
  // again: collecting may have unlinked a register when the set overflowed.
  const liveRegs = cur.frames[cur.curframe].regs;
  if (isX && liveRegs[insn.src].type === 'scalar' && liveRegs[insn.src].id) {
    syncLinkedRegs(cur, insn.src, linked);
    syncLinkedRegs(other, insn.src, linked);
  }
  if (liveRegs[insn.dst].type === 'scalar' && liveRegs[insn.dst].id) {
    syncLinkedRegs(cur, insn.dst, linked);
    syncLinkedRegs(other, insn.dst, linked);
  }
  if (!is32 && !isX && insn.imm === 0 && (jop === 'jeq' || jop === 'jne') && dst.flags & PTR_MAYBE_NULL) {
    markPtrOrNull(cur, dst.id, jop === 'jne');
    markPtrOrNull(other, dst.id, jop === 'jeq');
  }
  return env.insnIdx + 1;
}
