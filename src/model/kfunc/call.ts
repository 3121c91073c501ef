// kfunc.* — calls to kernel functions (check_kfunc_call), Linux 6.18.
//
// rule kfunc.prog-type.not-allowed: only kfuncs registered for the program type may be called.
// rule kfunc.destructive.cap-sys-boot: KF_DESTRUCTIVE kfuncs need a loader with CAP_SYS_BOOT.
// rule kfunc.sleepable.non-sleepable-prog: KF_SLEEPABLE kfuncs need a sleepable program.
// Then, in the kernel's order: the arguments (args.ts), the RCU and preemption bookkeeping
// (../rcu/rcu.ts, ../rcu/preempt.ts),
// the release of a KF_RELEASE argument (../refs/refs.ts), R0-R5 clobbered, and R0 typed from
// the prototype's return type:
//   scalar or void *           unknown scalar (never narrowed to the C type's width)
//   struct pointer             PTR_TO_BTF_ID (MEM_RCU for KF_RCU_PROTECTED, PTR_UNTRUSTED for
//                              bpf_get_kmem_cache), otherwise no trust flag:
//                              a KF_ACQUIRE result is trusted through its reference
//   KF_RET_NULL                | PTR_MAYBE_NULL with a fresh id
//   KF_ACQUIRE                 a new reference; with KF_RET_NULL the id is the reference id, so the
//                              NULL branch of a check drops the reference (exec/jmp.ts)
// e.g. `R0=ptr_or_null_task_struct(id=2,ref_obj_id=2) refs=2` after bpf_task_from_pid: the
// nullness id (1) is drawn first and then replaced by the reference id (2).
import type { Insn } from '../../isa/insn.ts';
import type { CType, FuncParam } from '../../btf/types.ts';
import type { Env } from '../env.ts';
import { isSleepableProgram } from '../../ir/sections.ts';
import { newId, scratchReg } from '../env.ts';
import { ModelBug, ModelLimit, reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { MEM_RCU, MEM_RDONLY, NOT_INIT, PTR_MAYBE_NULL, PTR_TRUSTED, PTR_UNTRUSTED, ptrReg, unknownScalar } from '../state/reg.ts';
import { curFrame } from '../state/state.ts';
import { KF, kfuncAllowed, kfuncDef, kfuncFlags, kfuncProto } from '../../catalog/kfuncs.ts';
import { checkKfuncArgs, type KfuncArgMeta } from './args.ts';
import { castToKernCtxReturn } from './special.ts';
import { isScalarType, isStructType, paramHas, structKey, typeSize } from './btf.ts';
import { inRcuCs, rcuKfuncCall } from '../rcu/rcu.ts';
import { type IterKfunc, iterSlotReg } from '../iter/iter-arg.ts';
import { processIterNextCall } from '../iter/iter-next.ts';
import { checkKfuncForbidSleep, iterReleaseAcquiredRef, iterReleaseKfunc, setIterAcquiredRef } from '../iter/forbid-sleep.ts';
import { preemptKfuncCall } from '../rcu/preempt.ts';
import { irqKfuncCall } from '../rcu/irq.ts';
import { acquireReference, releaseReference } from '../refs/refs.ts';

/** The kfunc a call instruction names (from the program's relocations). */
export function kfuncNameAt(env: Env, idx: number): string {
  const r = env.prog.relocs.find((x) => x.insn === idx && x.kind === 'kfunc');
  if (!r || r.kind !== 'kfunc') throw new ModelLimit('kfunc call without a kfunc name');
  return r.name;
}

export function checkKfuncCall(env: Env, insn: Insn, idx: number): void {
  if (insn.off !== 0) throw new ModelLimit('kfuncs from module BTF are not modelled');
  const name = kfuncNameAt(env, idx);
  const def = kfuncDef(name);
  const proto = kfuncProto(name);
  if (!def || !proto) throw new ModelLimit(`kfunc ${name} is not modelled yet`);
  if (def.seriesOnly && !env.profile.forbidSleepSeries) throw new ModelLimit(`kfunc ${name} exists only with the KF_FORBID_SLEEP series (profile forbid-sleep-v3)`);
  if (!kfuncAllowed(def, env.section.progType)) reject(RULES.kfuncNotAllowed, name);
  const flags = kfuncFlags(def, env.profile.forbidSleepSeries);
  // rule kfunc.destructive.cap-sys-boot: capable(CAP_SYS_BOOT) of the loading process
  if (flags & KF.KF_DESTRUCTIVE && (!env.profile.privileged || env.prog.droppedCaps?.includes('CAP_SYS_BOOT'))) reject(RULES.kfuncDestructive);
  const sleepable = (flags & KF.KF_SLEEPABLE) !== 0;
  if (sleepable && !isSleepableProgram(env.prog)) reject(RULES.kfuncSleepable, name);
  if (sleepable) checkKfuncForbidSleep(env, name);

  const iter = iterKfunc(name, flags, proto.params);
  const meta = checkKfuncArgs(env, name, flags, proto.params, idx, iter);
  rcuKfuncCall(env, name, sleepable);
  preemptKfuncCall(env, name, sleepable);
  irqKfuncCall(env, name, sleepable);
  // rule kfunc.rcu-protected.outside-cs: checked after the arguments, so an iterator's slots
  // are already marked (untrusted) when the call is refused
  if (flags & KF.KF_RCU_PROTECTED && !inRcuCs(env)) reject(RULES.kfuncRcuProtected, name);
  if (meta.releaseRegno && meta.iter) {
    iterReleaseKfunc(env, meta.iter);
  } else if (meta.releaseRegno) {
    const reg = curFrame(env.cur).regs[meta.releaseRegno];
    // "kfunc %s#%d reference has not been acquired before": unreachable while the model keeps
    // every referenced register in step with the reference table
    if (!releaseReference(env, reg.refObjId)) throw new ModelBug(`kfunc ${name}: reference ${reg.refObjId} is not held`);
  }

  for (let r = 0; r <= 5; r++) {
    scratchReg(env, r);
    curFrame(env.cur).regs[r] = NOT_INIT;
  }
  if (name === 'bpf_rdonly_cast') return rdonlyCastReturn(env, meta.constant ?? 0n);
  if (name === 'bpf_cast_to_kern_ctx') {
    curFrame(env.cur).regs[0] = castToKernCtxReturn(env);
    return;
  }
  setReturn(env, name, flags, proto.ret, idx, meta);
  if (flags & KF.KF_ITER_NEXT && meta.iter) processIterNextCall(env, idx, meta.iter);
}

/**
 * The iterator an iterator kfunc works on: struct bpf_iter_<type> behind its first parameter, or
 * behind a parameter named `*__iter` of another kfunc (is_kfunc_arg_iter).
 */
function iterKfunc(name: string, flags: number, params: FuncParam[]): IterKfunc | null {
  const own = flags & KF.KF_ITER_NEW ? 'new' : flags & KF.KF_ITER_NEXT ? 'next' : flags & KF.KF_ITER_DESTROY ? 'destroy' : null;
  const argno = own ? 0 : params.findIndex((p) => paramHas(p, '__iter'));
  if (argno < 0) return null;
  const role = own ?? 'arg';
  const t = params[argno]?.type;
  if (t?.kind !== 'ptr' || !isStructType(t.to) || t.to.kind !== 'ref') throw new ModelBug(`${name}: iterator kfunc without a struct bpf_iter_* first parameter`);
  const size = typeSize(t.to);
  if (size === undefined) throw new ModelLimit(`${name}: size of struct ${t.to.name} is unknown`);
  return { name, role, argno, type: t.to.name, size, rcuProtected: (flags & KF.KF_RCU_PROTECTED) !== 0 };
}

/**
 * check_special_kfunc() for bpf_rdonly_cast(obj, btf_id): BTF id 0 (void) gives read-only,
 * untrusted memory of size 0; struct ids give untrusted pointers to that struct (the model has
 * no vmlinux id → type table yet).
 */
function rdonlyCastReturn(env: Env, btfId: bigint): void {
  if (btfId !== 0n) throw new ModelLimit('bpf_rdonly_cast to a vmlinux struct id is not modelled yet');
  curFrame(env.cur).regs[0] = ptrReg('mem', { flags: MEM_RDONLY | PTR_UNTRUSTED, memSize: 0 });
}

/** Return-value typing of check_kfunc_call(). */
function setReturn(env: Env, name: string, flags: number, ret: CType, idx: number, meta: KfuncArgMeta): void {
  const regs = curFrame(env.cur).regs;
  const structRet = ret.kind === 'ptr' && isStructType(ret.to);
  if (flags & KF.KF_ACQUIRE && !structRet) throw new ModelLimit(`${name}: acquiring kfuncs without a struct return are not modelled`);
  if (ret.kind === 'void') return;
  if (isScalarType(ret) || (ret.kind === 'ptr' && ret.to.kind === 'void')) {
    regs[0] = unknownScalar();
    return;
  }
  if (ret.kind !== 'ptr') throw new ModelLimit(`${name}: kfunc return type ${ret.kind} is not modelled yet`);
  let r0: Reg;
  if (!isStructType(ret.to)) {
    // a pointer to a scalar type: read-only memory of that size (bpf_iter_num_next's int *),
    // tied to the reference of the call's referenced argument, e.g. the iterator
    const size = isScalarType(ret.to) ? typeSize(ret.to) : undefined;
    if (size === undefined) throw new ModelLimit(`${name}: kfunc return type pointer to ${ret.to.kind} is not modelled yet`);
    r0 = ptrReg('mem', { flags: MEM_RDONLY | (flags & KF.KF_RCU_PROTECTED ? MEM_RCU : 0), memSize: size, refObjId: meta.refObjId });
  } else {
    // bpf_get_kmem_cache() returns an untrusted pointer (the cache may go away at any time);
    // an iterator's _next returns RCU pointers from an RCU-protected iterator, trusted ones otherwise
    let trust = name === 'bpf_get_kmem_cache' ? PTR_UNTRUSTED : flags & KF.KF_RCU_PROTECTED ? MEM_RCU : 0;
    if (flags & KF.KF_ITER_NEXT && meta.iter) trust = iterSlotReg(env, meta.iter).flags & MEM_RCU ? MEM_RCU : PTR_TRUSTED;
    r0 = ptrReg('btf_id', { btf: structKey(ret.to), flags: trust });
  }
  if (flags & KF.KF_RET_NULL) r0 = { ...r0, flags: r0.flags | PTR_MAYBE_NULL, id: newId(env) };
  // the KF_FORBID_SLEEP series: an acquiring _next first drops the previous element's reference
  const iterAcquire = flags & KF.KF_ITER_NEXT && flags & KF.KF_ACQUIRE && meta.iter ? meta.iter : null;
  if (iterAcquire) iterReleaseAcquiredRef(env, iterAcquire);
  if (flags & KF.KF_ACQUIRE) {
    const id = acquireReference(env, idx);
    if (flags & KF.KF_FORBID_SLEEP) env.cur.refs[env.cur.refs.length - 1].forbidSleep = true;
    r0 = { ...r0, refObjId: id, ...(flags & KF.KF_RET_NULL ? { id } : {}) };
    if (iterAcquire) setIterAcquiredRef(env.cur, iterAcquire, id);
  }
  regs[0] = r0;
}
