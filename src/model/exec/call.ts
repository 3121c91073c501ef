// Calls and exits: helper calls (check_helper_call, check_func_arg), bpf-to-bpf calls
// (check_func_call, prepare_func_exit) and the main program's exit (check_return_code).
import type { Insn } from '../../isa/insn.ts';
import * as op from '../../isa/opcodes.ts';
import type { Env } from '../env.ts';
import { isSleepableProgram } from '../../ir/sections.ts';
import { newId, scratchReg, scratchSlot } from '../env.ts';
import { ModelBug, ModelLimit, reject, VerifierReject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { NOT_INIT, PTR_MAYBE_NULL, PTR_TRUSTED, isScalar, ptrReg, regIsNull, regStr, scalarReg, unknownScalar } from '../state/reg.ts';
import { MAX_CALL_FRAMES, curFrame, newFrame } from '../state/state.ts';
import { BPF_REG_SIZE, isSpilledScalar } from '../state/stack.ts';
import { checkRegRead, setReg } from './regs.ts';
import { checkStackBounds, stackRangeInitialized } from './stack-access.ts';
import { helperAllowed, helperById, type HelperArg } from '../../catalog/helpers.ts';
import { kernelHelperName } from '../../catalog/kernel-types.ts';
import { returnRange } from '../progtypes.ts';
import { S64_MAX, S64_MIN, scalarFrom } from '../scalar/scalar.ts';
import { tnumIsConst } from '../scalar/tnum.ts';
import { formatFrameState } from '../print-state.ts';
import { acquireReference, checkResourceLeak, releaseReference } from '../refs/refs.ts';
import { clobberStackBytes } from '../kfunc/mem.ts';
import { checkKptrXchgArg, kptrXchgReturn } from '../kptr/kptr.ts';
import { checkHelperForbidSleep } from '../iter/forbid-sleep.ts';
import { markChainPrecision, markSlotPrecision } from '../precision/mark.ts';

/** The model does not cover this program; never a verdict. */
export { ModelLimit };

const MEM_TYPES = 'fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_';

export function helperName(id: number): string {
  return kernelHelperName(id) ?? 'unknown';
}

export function checkHelperCall(env: Env, insn: Insn): void {
  const id = insn.imm;
  const name = helperName(id);
  if (id < 0 || id >= 212) reject(RULES.helperUnknown, name, id);
  const proto = helperById(id);
  if (!proto) throw new ModelLimit(`helper ${name}#${id} is not modelled yet`);
  if (!helperAllowed(proto, env.section.progType, env.profile.privileged)) reject(RULES.helperNotAllowed, name, id);
  if (proto.mightSleep) {
    // the context checks come before the arguments (check_helper_call)
    if (!isSleepableProgram(env.prog)) reject(RULES.helperMightSleep);
    if (env.cur.activeRcuLocks) reject(RULES.helperSleepInRcu, name, id);
    if (env.cur.activePreemptLocks) reject(RULES.helperSleepNonPreempt, name, id);
    if (env.cur.activeIrqId) reject(RULES.irqSleepableHelper, name, id);
    checkHelperForbidSleep(env, name, id);
  }
  let mapIdx: number | undefined;
  let constKey: bigint | null = null;
  const meta: HelperMeta = { releaseRegno: 0 };
  proto.args.forEach((arg, i) => {
    const regno = i + 1;
    const reg = checkRegRead(env, regno);
    constKey = checkHelperArg(env, regno, reg, arg, mapIdx, constKey, meta);
    if (arg === 'const_map_ptr') mapIdx = reg.map;
  });
  if (id === BPF_FUNC_tail_call) checkTailCall(env, mapIdx);
  if (meta.releaseRegno) {
    const reg = curFrame(env.cur).regs[meta.releaseRegno];
    // "func %s#%d reference has not been acquired before": unreachable while the model keeps
    // every referenced register in step with the reference table
    if (!releaseReference(env, reg.refObjId)) throw new ModelBug(`helper ${name}: reference ${reg.refObjId} is not held`);
  }
  // caller-saved registers are clobbered
  for (let r = 0; r <= 5; r++) {
    scratchReg(env, r);
    setReg(env, r, NOT_INIT);
  }
  switch (proto.ret) {
    case 'integer':
      setReg(env, 0, unknownScalar());
      refineRetvalRange(env, id);
      break;
    case 'void':
      break;
    case 'map_value_or_null': {
      const map = env.prog.maps[mapIdx ?? 0];
      const elide = (map.type === 'array' || map.type === 'percpu_array') && constKey !== null && (constKey as bigint) < BigInt(map.maxEntries);
      setReg(env, 0, ptrReg('map_value', { map: mapIdx, ...(elide ? {} : { flags: PTR_MAYBE_NULL, id: newId(env) }) }));
      break;
    }
    case 'map_value':
      setReg(env, 0, ptrReg('map_value', { map: mapIdx }));
      break;
    case 'trusted_btf_id':
      setReg(env, 0, ptrReg('btf_id', { btf: proto.retBtf, flags: PTR_TRUSTED }));
      break;
    case 'kptr_xchg':
      setReg(env, 0, kptrXchgReturn(env));
      break;
    case 'sock_or_null':
    case 'sock_common_or_null': {
      // a maybe-NULL result gets a fresh id; an acquiring helper then replaces both the id and
      // ref_obj_id with the new reference's id (check_helper_call)
      let r0 = ptrReg(proto.ret === 'sock_or_null' ? 'sock' : 'sock_common', { flags: PTR_MAYBE_NULL, id: newId(env) });
      if (proto.acquire) {
        const ref = acquireReference(env, env.insnIdx);
        r0 = { ...r0, id: ref, refObjId: ref };
      }
      setReg(env, 0, r0);
      break;
    }
  }
}

interface HelperMeta {
  /** The OBJ_RELEASE argument's register (meta->release_regno), 0 when none. */
  releaseRegno: number;
}

/** compatible_reg_types for ARG_PTR_TO_BTF_ID_SOCK_COMMON, as check_reg_type lists them. */
const SOCK_COMMON_TYPES = 'sock_common, sock, tcp_sock, xdp_sock, ptr_, trusted_ptr_';

/**
 * ARG_PTR_TO_MEM | MEM_RDONLY + ARG_CONST_SIZE (check_mem_size_reg) with a stack buffer and a
 * constant size: bounds, then every byte must be readable. Linux 6.18 accepts a zero size here.
 */
function helperRdonlyMem(env: Env, memRegno: number, sizeReg: Reg): void {
  if (sizeReg.type !== 'scalar') reject(RULES.helperArgType, memRegno + 1, regStr(sizeReg), 'scalar');
  if (!tnumIsConst(sizeReg.s.varOff)) throw new ModelLimit('variable sizes of helper memory arguments are not modelled yet');
  const size = Number(BigInt.asIntN(64, sizeReg.s.varOff.value));
  if (size < 0) throw new ModelLimit('negative sizes of helper memory arguments are not modelled yet');
  const mem = curFrame(env.cur).regs[memRegno];
  if (mem.type !== 'stack') throw new ModelLimit(`helper memory arguments of type ${regStr(mem)} are not modelled yet`);
  if (!tnumIsConst(mem.s.varOff)) throw new ModelLimit('variable-offset stack buffers passed to helpers are not modelled yet');
  if (size === 0) throw new ModelLimit('zero-sized helper memory arguments are not modelled yet');
  const frame = env.cur.frames[mem.frameno ?? env.cur.curframe];
  checkStackBounds(env, memRegno, mem, mem.off, size, 'helper', frame);
  stackRangeInitialized(env, memRegno, frame, mem.off + Number(BigInt.asIntN(64, mem.s.varOff.value)), size);
  markChainPrecision(env, memRegno + 1); // check_mem_size_reg(): the size must be exact
}

/**
 * do_refine_retval_range(): helpers whose integer result the verifier knows more about.
 * bpf_get_smp_processor_id() is a CPU number, [0, nr_cpu_ids - 1] on the loading machine.
 */
function refineRetvalRange(env: Env, helperId: number): void {
  if (helperId === BPF_FUNC_get_smp_processor_id) {
    const max = BigInt(env.nrCpuIds - 1);
    setReg(env, 0, scalarReg(scalarFrom({ umin: 0n, umax: max, smin: 0n, smax: max, u32min: 0n, u32max: max, s32min: 0n, s32max: max })));
  }
}

/**
 * ARG_PTR_TO_UNINIT_MEM + ARG_CONST_SIZE_OR_ZERO with a stack buffer and a constant size: the
 * bounds are checked now, and after the call every byte is written (STACK_MISC, spills scrubbed).
 */
function helperUninitMem(env: Env, memRegno: number, sizeReg: Reg): void {
  if (sizeReg.type !== 'scalar' || !tnumIsConst(sizeReg.s.varOff)) throw new ModelLimit('variable sizes of helper memory arguments are not modelled yet');
  const size = Number(BigInt.asIntN(64, sizeReg.s.varOff.value));
  if (size < 0) throw new ModelLimit('negative sizes of helper memory arguments are not modelled yet');
  const mem = curFrame(env.cur).regs[memRegno];
  if (mem.type !== 'stack') throw new ModelLimit('NULL helper buffers are not modelled yet');
  if (!tnumIsConst(mem.s.varOff)) throw new ModelLimit('variable-offset stack buffers passed to helpers are not modelled yet');
  const frame = env.cur.frames[mem.frameno ?? env.cur.curframe];
  checkStackBounds(env, memRegno, mem, mem.off, size, 'helper', frame);
  markChainPrecision(env, memRegno + 1); // check_mem_size_reg(): the size must be exact
  if (size > 0) {
    const start = mem.off + Number(BigInt.asIntN(64, mem.s.varOff.value));
    clobberStackBytes(frame, start, size);
    // the written slots show in the log after the call
    for (let o = start; o < start + size; o++) scratchSlot(env, Math.floor((-o - 1) / 8));
  }
}

const BPF_FUNC_get_smp_processor_id = 8;
const BPF_FUNC_tail_call = 12;

/**
 * core.helper.tail-call-map (record_func_key) and the resource checks before a tail call
 * (check_resource_leak "tail_call"): the called program cannot see this one's references, RCU
 * section or disabled preemption, so none may be held. A failed tail call falls through.
 */
function checkTailCall(env: Env, mapIdx: number | undefined): void {
  if (mapIdx === undefined || env.prog.maps[mapIdx]?.type !== 'prog_array') reject(RULES.tailCallMap);
  // record_func_key(): a constant index inside the array must stay exact
  const r3 = curFrame(env.cur).regs[3];
  if (r3.type === 'scalar' && tnumIsConst(r3.s.varOff) && r3.s.varOff.value < BigInt(env.prog.maps[mapIdx].maxEntries)) markChainPrecision(env, 3);
  checkResourceLeak(env, 'tail_call', true);
}

function checkHelperArg(env: Env, regno: number, reg: Reg, arg: HelperArg, mapIdx: number | undefined, constKey: bigint | null, meta: HelperMeta): bigint | null {
  switch (arg) {
    case 'rdonly_mem': {
      // checked together with its size, at the next argument (check_mem_size_reg)
      const okTypes = ['stack', 'pkt', 'pkt_meta', 'map_key', 'map_value', 'mem', 'buf'];
      if (!okTypes.includes(reg.type) || reg.flags & PTR_MAYBE_NULL) reject(RULES.helperArgType, regno, regStr(reg), MEM_TYPES);
      if (reg.type !== 'stack') throw new ModelLimit(`helper memory arguments of type ${regStr(reg)} are not modelled yet`);
      return constKey;
    }
    case 'const_size':
      helperRdonlyMem(env, regno - 1, reg);
      return constKey;
    case 'release_sock_common': {
      if (reg.type === 'btf_id') throw new ModelLimit('BTF socket pointers passed to release helpers are not modelled yet');
      const ok = (reg.type === 'sock_common' || reg.type === 'sock' || reg.type === 'tcp_sock' || reg.type === 'xdp_sock') && reg.flags === 0;
      if (!ok) reject(RULES.helperArgType, regno, regStr(reg), SOCK_COMMON_TYPES);
      if (reg.off !== 0 || !tnumIsConst(reg.s.varOff) || reg.s.varOff.value !== 0n) throw new ModelLimit('socket pointers with an offset are not modelled yet');
      if (!reg.refObjId) reject(RULES.refReleaseNotReferenced, regno);
      meta.releaseRegno = regno;
      return constKey;
    }
    case 'kptr_xchg_dest':
    case 'kptr_xchg_obj':
      checkKptrXchgArg(env, regno, reg);
      return constKey;
    case 'anything':
      return constKey;
    case 'uninit_mem':
      // checked together with its size, at the next argument (check_mem_size_reg)
      if (reg.type !== 'stack' && !(reg.type === 'scalar' && regIsNull(reg))) throw new ModelLimit(`helper memory arguments of type ${reg.type} are not modelled yet`);
      return constKey;
    case 'const_size_or_zero':
      helperUninitMem(env, regno - 1, reg);
      return constKey;
    case 'unmodelled':
      throw new ModelLimit(`argument ${regno} of this helper is not modelled yet`);
    case 'const_map_ptr':
      if (reg.type !== 'map_ptr') reject(RULES.helperArgType, regno, regStr(reg), 'map_ptr');
      return constKey;
    case 'ctx':
      if (reg.type !== 'ctx' || reg.flags) reject(RULES.helperArgType, regno, regStr(reg), 'ctx');
      return constKey;
    case 'map_key':
    case 'map_value': {
      const okTypes = ['stack', 'map_value', 'map_key', 'mem', 'buf', 'pkt', 'pkt_meta'];
      if (!okTypes.includes(reg.type) || reg.flags & PTR_MAYBE_NULL) reject(RULES.helperArgType, regno, regStr(reg), MEM_TYPES);
      const map = env.prog.maps[mapIdx ?? 0];
      const size = arg === 'map_key' ? map.keySize : map.valueSize;
      if (reg.type !== 'stack') throw new ModelLimit(`helper memory arguments of type ${regStr(reg)} are not modelled yet`);
      const frame = env.cur.frames[reg.frameno ?? env.cur.curframe];
      checkStackBounds(env, regno, reg, reg.off, size, 'helper', frame);
      if (!tnumIsConst(reg.s.varOff)) throw new ModelLimit('variable-offset stack memory passed to a helper is not modelled yet');
      const off = reg.off + Number(BigInt.asIntN(64, reg.s.varOff.value));
      stackRangeInitialized(env, regno, frame, off, size);
      // get_constant_map_key() only for maps whose lookups can skip the NULL check
      const elidable = map.type === 'array' || map.type === 'percpu_array';
      if (arg === 'map_key') return elidable ? constantMapKey(env, frame, off, size) : null;
      return constKey;
    }
  }
}

/** get_constant_map_key(): a key spilled or zeroed on the stack is known to the verifier. */
function constantMapKey(env: Env, frame: ReturnType<typeof curFrame>, off: number, keySize: number): bigint | null {
  if (!env.profile.privileged) return null;
  const slot = -off - 1;
  const spi = Math.floor(slot / BPF_REG_SIZE);
  const idx = slot % BPF_REG_SIZE;
  const st = frame.stack[spi];
  if (!st) return null;
  let zero = 0;
  for (let i = idx; i >= 0 && st.bytes[i] === 'zero'; i--) zero++;
  if (zero >= keySize) return 0n;
  if (!isSpilledScalar(st)) return null;
  let spill = 0;
  for (let i = idx; i >= 0 && st.bytes[i] === 'spill'; i--) spill++;
  if (spill !== keySize) return null;
  if (!tnumIsConst(st.spilled.s.varOff)) return null;
  markSlotPrecision(env, frame.frameno, spi); // the spilled key must be exact
  return st.spilled.s.varOff.value;
}

/** check_func_call(): a bpf-to-bpf call to a static subprogram. */
export function checkFuncCall(env: Env, insn: Insn, subprogStarts: number[]): number {
  const st = env.cur;
  if (st.curframe + 1 >= MAX_CALL_FRAMES) reject(RULES.callStackTooDeep, st.curframe + 2);
  const target = env.insnIdx + insn.imm + 1;
  const subprog = subprogStarts.indexOf(target);
  const caller = curFrame(st);
  const callee = newFrame(st.curframe + 1, env.insnIdx, subprog);
  for (let r = 1; r <= 5; r++) callee.regs[r] = caller.regs[r];
  st.frames.push(callee);
  for (let r = 0; r <= 5; r++) {
    caller.regs[r] = NOT_INIT;
    scratchReg(env, r);
  }
  st.curframe++;
  if (env.log.l1) {
    env.log.write('caller:\n');
    env.log.write(formatFrameState(st, st.curframe - 1, env.prog, null) + '\n');
    env.log.write('callee:\n');
    env.log.write(formatFrameState(st, st.curframe, env.prog, null) + '\n');
  }
  return target;
}

/** prepare_func_exit(): return to the caller with R0. Returns the caller's next instruction. */
export function prepareFuncExit(env: Env): number {
  const st = env.cur;
  const callee = curFrame(st);
  const r0 = callee.regs[0];
  if (r0.type === 'stack') reject(RULES.returnStackPtr);
  const caller = st.frames[st.curframe - 1];
  caller.regs[0] = r0;
  const next = callee.callsite + 1;
  if (env.log.l1) {
    env.log.write('returning from callee:\n');
    env.log.write(formatFrameState(st, st.curframe, env.prog, null) + '\n');
    env.log.write(`to caller at ${next}:\n`);
    env.log.write(formatFrameState(st, st.curframe - 1, env.prog, null) + '\n');
  }
  st.frames.pop();
  st.curframe--;
  return next;
}

/** check_return_code() for the main program's BPF_EXIT. */
export function checkReturnCode(env: Env): void {
  const r0 = checkRegRead(env, 0);
  const range = returnRange(env.section.progType, env.section.expectedAttachTypeName);
  if (!range) return;
  if (!isScalar(r0)) reject(RULES.exitNotKnown, range.ctx, 'R0', regStr(r0));
  markChainPrecision(env, 0); // the range check depends on R0's exact range
  if (BigInt(range.min) <= r0.s.smin && r0.s.smax <= BigInt(range.max)) return;
  let text = `${range.ctx} the register R0 has`;
  let unknown = true;
  if (r0.s.smin > S64_MIN) {
    text += ` smin=${r0.s.smin}`;
    unknown = false;
  }
  if (r0.s.smax < S64_MAX) {
    text += ` smax=${r0.s.smax}`;
    unknown = false;
  }
  if (unknown) text += ' unknown scalar value';
  text += ` should have been in [${range.min}, ${range.max}]`;
  throw new VerifierReject(RULES.exitRange.id, text);
}

/** Reserved-field checks of call/exit encodings. */
export function checkCallEncoding(insn: Insn, jmp32: boolean): void {
  const bad = op.bpfSrc(insn.code) !== op.BPF_K || (insn.src !== op.BPF_PSEUDO_KFUNC_CALL && insn.off !== 0) ||
    (insn.src !== 0 && insn.src !== op.BPF_PSEUDO_CALL && insn.src !== op.BPF_PSEUDO_KFUNC_CALL) || insn.dst !== 0 || jmp32;
  if (bad) reject(RULES.jmpReserved, 'BPF_CALL');
}

