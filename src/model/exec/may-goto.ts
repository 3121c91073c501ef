// may_goto (BPF_JMP | BPF_JCOND, src BPF_MAY_GOTO): a loop that the kernel bounds at run time with
// a hidden counter (check_cond_jmp_op, the may_goto part of is_state_visited), Linux 6.18.
//
// The verifier first follows the jump (the counter ran out) and queues the fall-through with
// may_goto_depth + 1, widening the scalars that changed since the previous pass like an
// iterator's _next. At a may_goto instruction, an open checkpoint of another depth that covers the
// current state range-wise ends the path: the loop has converged.
//
// rule core.jmp.may-goto-encoding: dst, imm and the source field are fixed.
import type { Insn } from '../../isa/insn.ts';
import { BPF_JMP } from '../../isa/insn.ts';
import * as op from '../../isa/opcodes.ts';
import type { Env } from '../env.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import { pushBranch } from '../explore-stack.ts';
import { findPrevEntry, widenImpreciseScalars } from '../iter/iter-next.ts';

/** BPF_MAY_GOTO: the only JCOND source the kernel defines. */
const BPF_MAY_GOTO = 0;

/** check_cond_jmp_op() for may_goto: returns the next instruction of the current path. */
export function checkMayGoto(env: Env, insn: Insn): number {
  if (insn.src !== BPF_MAY_GOTO || insn.dst !== 0 || insn.imm !== 0) reject(RULES.mayGotoEncoding, insn.imm);
  const idx = env.insnIdx;
  const cur = env.cur;
  const prev = cur.parent ? findPrevEntry(env, cur.parent, idx) : null;
  const queued = pushBranch(env, idx + 1, idx);
  queued.mayGotoDepth++;
  if (prev) widenImpreciseScalars(prev, queued);
  return idx + insn.off + 1;
}

/** is_may_goto_insn_at(). */
export function isMayGotoInsn(env: Env, idx: number): boolean {
  const insn = env.prog.insns[idx];
  return insn !== undefined && insn.code === (BPF_JMP | op.BPF_JCOND);
}
