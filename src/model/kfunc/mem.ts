// kfunc.arg.mem-size — memory arguments of kfuncs (check_mem_reg, check_kfunc_mem_size_reg),
// Linux 6.18: a pointer to scalars (or to a struct of scalars) is checked like helper memory,
// for reading and then writing, and a `__sz` parameter after it gives the size.
//
// Only stack memory with a constant offset and constant sizes is modelled. The kernel's
// write pass (check_stack_range_initialized with BPF_WRITE) clobbers the bytes for a root
// loader: every byte becomes STACK_MISC and spilled registers in the range are scrubbed.
import type { Env } from '../env.ts';
import { ModelLimit, reject, VerifierReject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { NOT_INIT, regIsNull, regStr } from '../state/reg.ts';
import { BPF_REG_SIZE, EMPTY_SLOT } from '../state/stack.ts';
import type { Frame } from '../state/state.ts';
import { checkStackBounds, growStack, stackRangeInitialized } from '../exec/stack-access.ts';
import { tnumIsConst } from '../scalar/tnum.ts';
import { markChainPrecision } from '../precision/mark.ts';

/** check_helper_mem_access() for a stack pointer and a constant size, read then write. */
function stackMem(env: Env, regno: number, reg: Reg, size: number): void {
  if (!tnumIsConst(reg.s.varOff)) throw new ModelLimit('variable-offset stack memory passed to a kfunc is not modelled yet');
  const frame = env.cur.frames[reg.frameno ?? env.cur.curframe];
  checkStackBounds(env, regno, reg, reg.off, size, 'helper', frame);
  const off = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
  if (size === 0) return;
  stackRangeInitialized(env, regno, frame, off, size);
  if (!env.profile.privileged) throw new ModelLimit('kfunc memory arguments for unprivileged loaders are not modelled yet');
  clobberStackBytes(frame, off, size);
}

/** Bytes [off, off + size) of a frame's stack were written by the callee: misc data, spills scrubbed. */
export function clobberStackBytes(frame: Frame, off: number, size: number): void {
  growStack(frame, off);
  for (let o = off; o < off + size; o++) {
    const spi = Math.floor((-o - 1) / BPF_REG_SIZE);
    const idx = (-o - 1) % BPF_REG_SIZE;
    const slot = frame.stack[spi] ?? EMPTY_SLOT;
    const bytes = slot.bytes.slice();
    if (bytes[BPF_REG_SIZE - 1] === 'spill') {
      // scrub_spilled_slot(): the whole slot becomes misc data
      for (let j = 0; j < BPF_REG_SIZE; j++) if (bytes[j] !== 'invalid') bytes[j] = 'misc';
    }
    bytes[idx] = 'misc';
    frame.stack[spi] = { bytes, spilled: NOT_INIT };
  }
}

/** check_mem_reg(): a pointer to `size` bytes (KF_ARG_PTR_TO_MEM). NULL passes. */
export function checkKfuncMem(env: Env, regno: number, reg: Reg, size: number): void {
  if (regIsNull(reg)) return;
  // check_helper_mem_access(), default case: a scalar is no memory at all
  if (reg.type === 'scalar') reject(RULES.helperArgType, regno, regStr(reg), 'fp');
  if (reg.type !== 'stack') throw new ModelLimit(`kfunc memory arguments of type ${reg.type} are not modelled yet`);
  stackMem(env, regno, reg, size);
}

/** KF_ARG_PTR_TO_MEM_SIZE: the buffer in R`regno`, its size in R`regno + 1`. */
export function checkKfuncMemSize(env: Env, regno: number, buf: Reg, sizeReg: Reg, argno: number): void {
  try {
    if (sizeReg.type !== 'scalar' || !tnumIsConst(sizeReg.s.varOff)) throw new ModelLimit('variable sizes of kfunc memory arguments are not modelled yet');
    const size = Number(sizeReg.s.varOff.value);
    if (regIsNull(buf)) throw new ModelLimit('NULL buffers with a size are not modelled yet');
    if (buf.type !== 'stack') throw new ModelLimit(`kfunc memory arguments of type ${buf.type} are not modelled yet`);
    stackMem(env, regno, buf, size);
    // check_mem_size_reg() runs for a read and then for a write, each ending in a precision mark
    markChainPrecision(env, regno + 1);
    markChainPrecision(env, regno + 1);
  } catch (e) {
    if (!(e instanceof VerifierReject)) throw e;
    env.log.write(`${e.message}\n`);
    reject(RULES.kfuncArgMemSize, argno);
  }
}
