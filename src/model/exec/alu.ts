// ALU instructions (check_alu_op, adjust_reg_min_max_vals, adjust_ptr_min_max_vals,
// check_reg_sane_offset): reserved fields, division by zero, shifts, scalar range tracking
// and the rules for arithmetic on pointers.
import type { Insn } from '../../isa/insn.ts';
import { BPF_ALU, BPF_ALU64, insnClass } from '../../isa/insn.ts';
import * as op from '../../isa/opcodes.ts';
import type { Env } from '../env.ts';
import { newId } from '../env.ts';
import { linkAfterAlu, linkBeforeCopy } from './linked-scalars.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { PTR_MAYBE_NULL, isPointer, regStr, scalarReg, unknownScalar, withReg } from '../state/reg.ts';
import { checkRegRead, checkRegWrite, getReg, setReg } from './regs.ts';
import { FORK_REEXECUTES_INSN, scalarAluOutcome, type AluOp } from '../scalar/alu.ts';
import { S64_MAX, S64_MIN, U64_MAX, markReg32Unbounded, regBoundsSync, scalarKnown, scalarURange, scalarUnknown, type ScalarBounds } from '../scalar/scalar.ts';
import { tnumAdd, tnumIsConst, tnumSub } from '../scalar/tnum.ts';
import { pushBranch } from '../explore-stack.ts';
import { markChainPrecision } from '../precision/mark.ts';

const BPF_MAX_VAR_OFF = 1 << 29;
const ALU_STR: Record<number, string> = {
  0x00: '+=', 0x10: '-=', 0x20: '*=', 0x30: '/=', 0x40: '|=', 0x50: '&=', 0x60: '<<=', 0x70: '>>=', 0x80: 'neg', 0x90: '%=', 0xa0: '^=', 0xb0: '=', 0xc0: 's>>=', 0xd0: 'endian',
};
const OP_NAME: Record<number, AluOp> = {
  0x00: 'add', 0x10: 'sub', 0x20: 'mul', 0x30: 'div', 0x40: 'or', 0x50: 'and', 0x60: 'lsh', 0x70: 'rsh', 0x90: 'mod', 0xa0: 'xor', 0xc0: 'arsh',
};

/** assign_scalar_id_before_mov() on register `r`: see linkBeforeCopy(). */
function assignScalarIdBeforeMov(env: Env, r: number): Reg {
  const src = getReg(env, r);
  const linked = linkBeforeCopy(env, src);
  if (linked !== src) setReg(env, r, linked);
  return linked;
}

export function checkAluOp(env: Env, insn: Insn): void {
  const cls = insnClass(insn.code);
  const o = op.bpfOp(insn.code);
  const isX = op.bpfSrc(insn.code) === op.BPF_X;
  const alu64 = cls === BPF_ALU64;
  if (o === op.BPF_END || o === op.BPF_NEG) {
    if (o === op.BPF_NEG) {
      if (isX || insn.src !== 0 || insn.off !== 0 || insn.imm !== 0) reject(RULES.aluReserved, 'BPF_NEG');
    } else if (insn.src !== 0 || insn.off !== 0 || (insn.imm !== 16 && insn.imm !== 32 && insn.imm !== 64) || (cls === BPF_ALU64 && isX)) {
      reject(RULES.aluReserved, 'BPF_END');
    }
    checkRegRead(env, insn.dst);
    checkRegWrite(env, insn.dst);
    const d = getReg(env, insn.dst);
    const aop: AluOp = o === op.BPF_NEG ? 'neg' : alu64 ? (`bswap${insn.imm}` as AluOp) : ((isX ? 'be' : 'le') + insn.imm) as AluOp;
    if (d.type !== 'scalar') {
      setReg(env, insn.dst, unknownScalar());
      return;
    }
    setReg(env, insn.dst, scalarReg(scalarAluOutcome(aop, d.s, d.s, alu64).result));
    return;
  }
  if (o === op.BPF_MOV) {
    if (isX) {
      if (cls === BPF_ALU) {
        if ((insn.off !== 0 && insn.off !== 8 && insn.off !== 16) || insn.imm !== 0) reject(RULES.aluReserved, 'BPF_MOV');
      } else if (insn.off === op.BPF_ADDR_SPACE_CAST) {
        reject(RULES.aluReserved, 'BPF_MOV'); // arena programs are out of scope of the model
      } else if ((insn.off !== 0 && insn.off !== 8 && insn.off !== 16 && insn.off !== 32) || insn.imm !== 0) {
        reject(RULES.aluReserved, 'BPF_MOV');
      }
      checkRegRead(env, insn.src);
    } else if (insn.src !== 0 || insn.off !== 0) {
      reject(RULES.aluReserved, 'BPF_MOV');
    }
    checkRegWrite(env, insn.dst);
    if (isX) {
      const src = getReg(env, insn.src);
      if (alu64) {
        if (insn.off === 0) {
          setReg(env, insn.dst, assignScalarIdBeforeMov(env, insn.src));
        } else if (src.type === 'scalar') {
          const sx = (insn.off === 8 ? 'movsx8' : insn.off === 16 ? 'movsx16' : 'movsx32') as AluOp;
          const noSext = src.s.umax < 1n << BigInt(insn.off - 1);
          const linked = noSext ? assignScalarIdBeforeMov(env, insn.src) : src;
          const res = scalarAluOutcome(sx, src.s, src.s, true).result;
          setReg(env, insn.dst, scalarReg(res, noSext ? linked.id : 0));
        } else {
          setReg(env, insn.dst, unknownScalar());
        }
      } else {
        // 32-bit moves of pointers give unknown scalars (privileged; unprivileged is rejected),
        // zero-extended like every 32-bit result: [0, U32_MAX].
        if (src.type === 'scalar') {
          const aop: AluOp = insn.off === 0 ? 'mov' : insn.off === 8 ? 'movsx8' : 'movsx16';
          const res = scalarAluOutcome(aop, src.s, src.s, false).result;
          // w = w links when the value fits 32 bits; w = (s8/s16)w when no sign extension happens
          const fits = insn.off === 0 ? src.s.umax <= 0xffffffffn : src.s.umax < 1n << BigInt(insn.off - 1);
          const linked = fits ? assignScalarIdBeforeMov(env, insn.src) : src;
          setReg(env, insn.dst, scalarReg(res, fits ? linked.id : 0));
        } else {
          setReg(env, insn.dst, scalarReg(scalarURange(0n, 0xffffffffn)));
        }
      }
    } else {
      const v = alu64 ? BigInt(insn.imm) : BigInt(insn.imm >>> 0);
      setReg(env, insn.dst, scalarReg(scalarKnown(BigInt.asUintN(64, v))));
    }
    return;
  }
  // all other ALU operations
  const signedDivMod = o === op.BPF_DIV || o === op.BPF_MOD;
  if (isX) {
    if (insn.imm !== 0 || (insn.off !== 0 && insn.off !== 1) || (!signedDivMod && insn.off !== 0)) reject(RULES.aluReserved, 'BPF_ALU');
    checkRegRead(env, insn.src);
  } else if (insn.src !== 0 || (insn.off !== 0 && insn.off !== 1) || (!signedDivMod && insn.off !== 0)) {
    reject(RULES.aluReserved, 'BPF_ALU');
  }
  checkRegRead(env, insn.dst);
  if (signedDivMod && !isX && insn.imm === 0) reject(RULES.divByZero);
  if ((o === op.BPF_LSH || o === op.BPF_RSH || o === op.BPF_ARSH) && !isX) {
    const size = alu64 ? 64 : 32;
    if (insn.imm < 0 || insn.imm >= size) reject(RULES.invalidShift, insn.imm);
  }
  checkRegWrite(env, insn.dst);
  adjustRegMinMaxVals(env, insn);
}

function adjustRegMinMaxVals(env: Env, insn: Insn): void {
  const o = op.bpfOp(insn.code);
  const dst = getReg(env, insn.dst);
  const isX = op.bpfSrc(insn.code) === op.BPF_X;
  let src: Reg;
  if (isX) {
    src = getReg(env, insn.src);
    if (src.type !== 'scalar') {
      if (dst.type !== 'scalar') {
        if (o === op.BPF_SUB && env.profile.privileged) {
          setReg(env, insn.dst, unknownScalar());
          return;
        }
        reject(RULES.ptrPtrOp, insn.dst, ALU_STR[o]);
      }
      // scalar += pointer: the scalar offset must be exact (precision/mark.ts)
      markChainPrecision(env, insn.dst);
      adjustPtrMinMaxVals(env, insn, src, dst, true);
      return;
    }
    if (isPointer(dst)) {
      markChainPrecision(env, insn.src);
      adjustPtrMinMaxVals(env, insn, dst, src, false);
      return;
    }
    // a precise scalar stays precise only if what was added to it is
    if (dst.type === 'scalar' && dst.precise) markChainPrecision(env, insn.src);
  } else {
    src = scalarReg(scalarKnown(BigInt.asUintN(64, BigInt(insn.imm))));
    if (isPointer(dst)) {
      adjustPtrMinMaxVals(env, insn, dst, src, false);
      return;
    }
  }
  const alu64 = insnClass(insn.code) === BPF_ALU64;
  let aop = OP_NAME[o];
  if (insn.off === 1 && o === op.BPF_DIV) aop = 'sdiv';
  if (insn.off === 1 && o === op.BPF_MOD) aop = 'smod';
  const srcS = isX ? src.s : alu64 ? scalarKnown(BigInt.asUintN(64, BigInt(insn.imm))) : scalarKnown(BigInt(insn.imm >>> 0));
  const outcome = scalarAluOutcome(aop, dst.s, srcS, alu64);
  if (outcome.forked && outcome.forkedInput) {
    // maybe_fork_scalars(): the dst = 0 side is explored on its own path. This kernel pushes it
    // to re-execute the instruction (the log shows "from N to N"); older ones resume after it.
    setReg(env, insn.dst, scalarReg(FORK_REEXECUTES_INSN ? outcome.forkedInput : outcome.forked));
    pushBranch(env, FORK_REEXECUTES_INSN ? env.insnIdx : env.insnIdx + 1, env.insnIdx);
  }
  // the linked-register bookkeeping at the end of adjust_reg_min_max_vals()
  const link = linkAfterAlu(env, insn, dst, src);
  setReg(env, insn.dst, withReg(scalarReg(outcome.result, link.id), { off: link.off }));
}

function checkRegSaneOffset(reg: Reg, typeStr: string): void {
  const known = tnumIsConst(reg.s.varOff);
  const val = BigInt.asIntN(64, reg.s.varOff.value);
  const M = BigInt(BPF_MAX_VAR_OFF);
  if (known && (val >= M || val <= -M)) reject(RULES.ptrMathConst, typeStr, val.toString());
  if (reg.off >= BPF_MAX_VAR_OFF || reg.off <= -BPF_MAX_VAR_OFF) reject(RULES.ptrOffTooLarge, typeStr, reg.off);
  if (reg.s.smin === S64_MIN) reject(RULES.ptrMathUnbounded, typeStr);
  if (reg.s.smin >= M || reg.s.smin <= -M) reject(RULES.ptrValueOob, reg.s.smin.toString(), typeStr);
}

const ARITH_OK = new Set(['ctx', 'map_value', 'map_key', 'stack', 'pkt_meta', 'pkt', 'tp_buffer', 'btf_id', 'mem', 'buf', 'func', 'dynptr_ptr']);

function adjustPtrMinMaxVals(env: Env, insn: Insn, ptr: Reg, offReg: Reg, scalarPlusPtr: boolean): void {
  const o = op.bpfOp(insn.code);
  const dstNo = insn.dst;
  const known = tnumIsConst(offReg.s.varOff);
  const smin = offReg.s.smin;
  if (insnClass(insn.code) !== BPF_ALU64) {
    if (o === op.BPF_SUB && env.profile.privileged) {
      setReg(env, dstNo, unknownScalar());
      return;
    }
    reject(RULES.ptrArith32, dstNo);
  }
  if (ptr.flags & PTR_MAYBE_NULL) reject(RULES.ptrArithNull, dstNo, regStr(ptr));
  if (!ARITH_OK.has(ptr.type)) {
    const mapZero = ptr.type === 'map_ptr' && known && smin === 0n && o === op.BPF_ADD;
    const flowKnown = ptr.type === 'flow_keys' && known;
    if (!mapZero && !flowKnown) reject(RULES.ptrArithType, dstNo, regStr(ptr));
  }
  const typeStr = regStr(ptr);
  checkRegSaneOffset(offReg, typeStr);
  checkRegSaneOffset(ptr, typeStr);
  let res: Reg;
  const ps = ptr.s;
  switch (o) {
    case op.BPF_ADD: {
      const sum = ptr.off + Number(BigInt.asIntN(64, smin));
      if (known && sum === (sum | 0) && smin >= -(1n << 31n) && smin < 1n << 31n) {
        res = withReg(ptr, { off: sum });
        break;
      }
      let nsmin = ps.smin + offReg.s.smin;
      let nsmax = ps.smax + offReg.s.smax;
      if (nsmin < S64_MIN || nsmin > S64_MAX || nsmax < S64_MIN || nsmax > S64_MAX) {
        nsmin = S64_MIN;
        nsmax = S64_MAX;
      }
      let numin = ps.umin + offReg.s.umin;
      let numax = ps.umax + offReg.s.umax;
      if (numin > U64_MAX || numax > U64_MAX) {
        numin = 0n;
        numax = U64_MAX;
      }
      const s: ScalarBounds = { ...scalarUnknown(), smin: nsmin, smax: nsmax, umin: numin, umax: numax, varOff: tnumAdd(ps.varOff, offReg.s.varOff) };
      res = withReg(ptr, { s, ...(ptr.type === 'pkt' || ptr.type === 'pkt_meta' ? { id: newId(env), range: 0 } : {}) });
      break;
    }
    case op.BPF_SUB: {
      if (scalarPlusPtr) reject(RULES.ptrSubFromScalar, dstNo);
      if (ptr.type === 'stack') reject(RULES.ptrSubFromStack, dstNo);
      const diff = ptr.off - Number(BigInt.asIntN(64, smin));
      if (known && diff === (diff | 0) && smin > -(1n << 31n) && smin < 1n << 31n) {
        res = withReg(ptr, { off: diff });
        break;
      }
      let nsmin = ps.smin - offReg.s.smax;
      let nsmax = ps.smax - offReg.s.smin;
      if (nsmin < S64_MIN || nsmin > S64_MAX || nsmax < S64_MIN || nsmax > S64_MAX) {
        nsmin = S64_MIN;
        nsmax = S64_MAX;
      }
      let numin = 0n;
      let numax = U64_MAX;
      if (ps.umin >= offReg.s.umax) {
        numin = ps.umin - offReg.s.umax;
        numax = ps.umax - offReg.s.umin;
      }
      const s: ScalarBounds = { ...scalarUnknown(), smin: nsmin, smax: nsmax, umin: numin, umax: numax, varOff: tnumSub(ps.varOff, offReg.s.varOff) };
      res = withReg(ptr, { s, ...(ptr.type === 'pkt' || ptr.type === 'pkt_meta' ? { id: newId(env), ...(offReg.s.smin < 0n ? { range: 0 } : {}) } : {}) });
      break;
    }
    case op.BPF_AND:
    case op.BPF_OR:
    case op.BPF_XOR:
      reject(RULES.ptrBitwise, dstNo, ALU_STR[o]);
    // falls through (reject never returns)
    default:
      reject(RULES.ptrArithOp, dstNo, ALU_STR[o]);
  }
  // pointer types carry no 32-bit bounds; keep the rest consistent
  const synced = withReg(res, { s: regBoundsSync(markReg32Unbounded(res.s)) });
  checkRegSaneOffset(synced, typeStr);
  setReg(env, dstNo, synced);
}
