// kfunc.arg.* — argument checks of kfunc calls (check_kfunc_args, get_kfunc_ptr_arg_type,
// process_kf_arg_ptr_to_btf_id, check_func_arg_reg_off), Linux 6.18.
//
// rule kfunc.arg.not-scalar: a scalar parameter takes a scalar.
// rule kfunc.arg.not-constant: a `__k` scalar parameter takes a known constant.
// rule kfunc.arg.possibly-null: KF_TRUSTED_ARGS, KF_RCU and KF_RELEASE kfuncs take no (maybe-)NULL
//   pointer unless the parameter is __nullable.
// rule kfunc.arg.not-trusted: KF_TRUSTED_ARGS / KF_RELEASE kfuncs take referenced or trusted pointers.
// rule rcu.arg.not-rcu: KF_RCU kfuncs also take MEM_RCU pointers, nothing weaker.
// rule kfunc.arg.type-mismatch: the pointee struct must match (first-member descent allowed,
//   except for the referenced argument of a release kfunc).
// rule kfunc.arg.untrusted-pointer: untrusted (or maybe-NULL) kernel pointers are refused by
//   every kfunc; only RCU pointers get through where KF_RCU allows them.
// rule kfunc.arg.mem-pointee: other pointers only go where the parameter points to scalars.
// rule kfunc.arg.mem-size: see mem.ts.
// rule kfunc.arg.not-map: a `__map` parameter takes a map pointer.
// rule ref.release.nonzero-offset: the referenced argument of a release kfunc has offset 0.
// rule ref.release.not-refcounted: a release kfunc needs a referenced argument.
//
// 6.18 still has KF_TRUSTED_ARGS: a kfunc with none of TRUSTED_ARGS/RCU/RELEASE accepts walked
// flag-less pointers (and RCU ones) to its struct; trusted-by-default came after 6.19 and is
// what the bpf-next profile checks.
import type { Env } from '../env.ts';
import { ModelBug, ModelLimit, reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { CType, FuncParam } from '../../btf/types.ts';
import type { Reg } from '../state/reg.ts';
import { isMaybeNull, regIsNull, regTypeStr } from '../state/reg.ts';
import { curFrame } from '../state/state.ts';
import { tnumIsConst } from '../scalar/tnum.ts';
import { KF } from '../../catalog/kfuncs.ts';
import { REG2BTF, TRUSTED_MODIFIERS, btfKindStr, hasUnsafeModifiers, btfTypeName, isRcuReg, isScalarStruct, isScalarType, isStructType, isTrustedReg, paramHas, structIdsMatch, structKey, typeSize } from './btf.ts';
import { checkKfuncMem, checkKfuncMemSize } from './mem.ts';
import { checkCtxArg, isCtxArgKfunc } from './special.ts';
import { type IterArgMeta, type IterKfunc, processIterArg } from '../iter/iter-arg.ts';
import { isIrqRestoreKfunc, isIrqSaveKfunc, processIrqFlag } from '../rcu/irq.ts';
import { markChainPrecision } from '../precision/mark.ts';

export interface KfuncArgMeta {
  /** Register holding the referenced argument of a KF_RELEASE kfunc (0: none). */
  releaseRegno: number;
  refObjId: number;
  /** Value of the `__k` argument (meta->arg_constant), if the kfunc has one. */
  constant?: bigint;
  /** The iterator a _next/_destroy call used (meta->iter), for process_iter_next_call(). */
  iter?: IterArgMeta;
}

type PtrArgKind = 'null' | 'btf_id' | 'mem' | 'mem_size';

/** Parameter types the model leaves to other issues (dynptrs, iterators, graph nodes, ...). */
const SPECIAL_STRUCTS = /^(bpf_dynptr|bpf_iter_.*|bpf_list_head|bpf_list_node|bpf_rb_root|bpf_rb_node|bpf_wq|bpf_timer|bpf_task_work|bpf_res_spin_lock|__sk_buff|xdp_md|bpf_sock_ops|bpf_sock_addr)$/;
const SPECIAL_SUFFIXES = ['__str', '__alloc', '__refcounted_kptr', '__irq_flag', '__iter', '__uninit', '__opt'];
/** Suffixes handled here when the parameter is the call's iterator (IterKfunc.argno). */
const ITER_SUFFIX = '__iter';

/** get_kfunc_ptr_arg_type(): what a pointer parameter expects, decided from its BTF and the register. */
function ptrArgKind(name: string, params: FuncParam[], i: number, reg: Reg, pointee: CType): PtrArgKind {
  const p = params[i];
  if (paramHas(p, '__nullable') && regIsNull(reg)) return 'null';
  for (const s of SPECIAL_SUFFIXES) if (paramHas(p, s) && s !== ITER_SUFFIX) throw new ModelLimit(`kfunc parameters marked ${s} are not modelled yet`);
  if (pointee.kind === 'ref' && pointee.tag !== 'enum' && SPECIAL_STRUCTS.test(pointee.name)) {
    throw new ModelLimit(`kfunc parameters of type struct ${pointee.name} are not modelled yet`);
  }
  if (reg.type === 'btf_id' || REG2BTF[reg.type] !== undefined) {
    if (!isStructType(pointee)) throw new ModelLimit(`${name}: a kernel object passed for a pointer to ${btfKindStr(pointee)} is not modelled yet`);
    return 'btf_id';
  }
  if (pointee.kind === 'func_proto') throw new ModelLimit('kfunc callbacks are not modelled yet');
  const next = params[i + 1];
  const memSize = next !== undefined && isScalarType(next.type) && (paramHas(next, '__sz') || paramHas(next, '__szk'));
  if (!isScalarType(pointee) && !isScalarStruct(pointee) && (memSize ? pointee.kind !== 'void' : true)) {
    reject(RULES.kfuncArgMemPointee, i, btfKindStr(pointee), btfTypeName(pointee), memSize);
  }
  return memSize ? 'mem_size' : 'mem';
}

/** check_func_arg_reg_off() for a kfunc argument (release: referenced argument of a KF_RELEASE kfunc). */
function checkArgRegOff(regno: number, reg: Reg, release: boolean): void {
  if (release) {
    if (reg.off) reject(RULES.kfuncArgReleaseOffset, regno);
  } else {
    switch (reg.type) {
      case 'stack': case 'pkt': case 'pkt_meta': case 'map_key': case 'map_value': case 'mem': case 'buf': case 'arena': case 'scalar':
        return;
      case 'ctx':
        if (reg.off) reject(RULES.ctxModified, regno, reg.off);
        break;
      case 'btf_id':
        break;
      default:
        if (reg.off) throw new ModelLimit(`offset ${reg.type} pointers passed to kfuncs are not modelled yet`);
    }
    if (reg.off < 0) throw new ModelLimit('negative offset pointers passed to kfuncs are not modelled yet');
  }
  if (reg.s.varOff.mask !== 0n || reg.s.varOff.value !== 0n) throw new ModelLimit('variable-offset pointers passed to kfuncs are not modelled yet');
}

/** process_kf_arg_ptr_to_btf_id(): the register's struct against the parameter's. */
function checkBtfIdArg(name: string, i: number, reg: Reg, pointee: CType, release: boolean): void {
  if (!isStructType(pointee)) throw new ModelBug('btf_id argument without a struct pointee');
  const have = reg.type === 'btf_id' ? reg.btf : REG2BTF[reg.type];
  if (!have) throw new ModelLimit(`BTF type of ${reg.type} is unknown to the model`);
  const strict = release && reg.refObjId !== 0;
  if (structIdsMatch(have, reg.off, structKey(pointee), strict)) return;
  const [htag, hname] = have.split(' ');
  reject(RULES.kfuncArgTypeMismatch, name, i, btfKindStr(pointee), pointee.name, i + 1, htag.toUpperCase(), hname);
}

/**
 * check_kfunc_args(): every parameter of the prototype against R1..R5. `iter` describes the
 * iterator of an iterator kfunc (its first parameter, KF_ARG_PTR_TO_ITER).
 */
export function checkKfuncArgs(env: Env, name: string, flags: number, params: FuncParam[], insnIdx: number, iter: IterKfunc | null): KfuncArgMeta {
  if (params.length > 5) throw new ModelLimit(`kfunc ${name} has more than 5 parameters`);
  const meta: KfuncArgMeta = { releaseRegno: 0, refObjId: 0 };
  const release = (flags & KF.KF_RELEASE) !== 0;
  // bpf-next (after 6.19) checks every kfunc as if it had KF_TRUSTED_ARGS
  const trustedArgs = (flags & KF.KF_TRUSTED_ARGS) !== 0 || release || env.profile.trustedArgsDefault;
  const rcu = (flags & KF.KF_RCU) !== 0;
  const regs = curFrame(env.cur).regs;
  for (let i = 0; i < params.length; i++) {
    const regno = i + 1;
    const p = params[i];
    const reg = regs[regno];
    if (paramHas(p, '__ign') || paramHas(p, '__prog')) continue;
    if (isScalarType(p.type)) {
      if (reg.type !== 'scalar') reject(RULES.kfuncArgNotScalar, regno);
      if (paramHas(p, '__k')) {
        if (!tnumIsConst(reg.s.varOff)) reject(RULES.kfuncArgNotConst, regno);
        meta.constant = reg.s.varOff.value;
        markChainPrecision(env, regno);
      } else if (p.name === 'rdonly_buf_size' || p.name === 'rdwr_buf_size') {
        throw new ModelLimit(`kfunc return-buffer sizes (${p.name}) are not modelled yet`);
      }
      continue;
    }
    if (p.type.kind !== 'ptr') throw new ModelLimit(`kfunc parameter ${p.name} of kind ${p.type.kind} is not modelled yet`);
    if (reg.type === 'not_init') throw new ModelLimit('uninitialised kfunc arguments are not modelled yet');
    if ((trustedArgs || rcu) && (regIsNull(reg) || isMaybeNull(reg)) && !paramHas(p, '__nullable')) reject(RULES.kfuncArgNull, i);
    if (reg.refObjId) {
      if (release && meta.refObjId) throw new ModelBug('more than one referenced argument to a release kfunc');
      meta.refObjId = reg.refObjId;
      if (release) meta.releaseRegno = regno;
    }
    const pointee = p.type.to;
    if (paramHas(p, '__map')) {
      // KF_ARG_PTR_TO_MAP: a map pointer (CONST_PTR_TO_MAP, always trusted), nothing else
      if (reg.type !== 'map_ptr' || reg.flags) reject(RULES.kfuncArgNotMap, regno);
      continue;
    }
    if (paramHas(p, '__irq_flag') && (isIrqSaveKfunc(name) || isIrqRestoreKfunc(name))) {
      // KF_ARG_PTR_TO_IRQ_FLAG
      processIrqFlag(env, i, isIrqSaveKfunc(name), insnIdx);
      continue;
    }
    if (iter && i === iter.argno) {
      checkArgRegOff(regno, reg, false);
      const it = processIterArg(env, i, iter, insnIdx);
      if (it) {
        meta.iter = it;
        meta.refObjId = it.refObjId;
        // the KF_FORBID_SLEEP series: a KF_RELEASE kfunc releases what the iterator remembers
        if (release && env.profile.forbidSleepSeries) meta.releaseRegno = regno;
      }
      continue;
    }
    if (isCtxArgKfunc(name)) {
      checkArgRegOff(regno, reg, false);
      checkCtxArg(i, reg);
      continue;
    }
    const kind = ptrArgKind(name, params, i, reg, pointee);
    if (kind === 'null') continue;
    if (kind === 'btf_id' && (trustedArgs || rcu) && !isTrustedReg(reg)) {
      if (!rcu) reject(RULES.kfuncArgNotTrusted, regno);
      if (!isRcuReg(reg)) reject(RULES.kfuncArgNotRcu, regno);
    }
    checkArgRegOff(regno, reg, release && reg.refObjId !== 0);
    switch (kind) {
      case 'btf_id': {
        // untrusted or maybe-NULL kernel pointers are refused even where trust is not required
        if (reg.type === 'btf_id' && hasUnsafeModifiers(reg) && !isRcuReg(reg)) {
          reject(RULES.kfuncArgUntrusted, i, regTypeStr(reg.type, reg.flags), regTypeStr(reg.type, reg.flags & TRUSTED_MODIFIERS));
        }
        checkBtfIdArg(name, i, reg, pointee, release);
        break;
      }
      case 'mem': {
        const size = typeSize(pointee);
        if (size === undefined) throw new ModelLimit(`size of the ${name} argument's pointee is unknown`);
        checkKfuncMem(env, regno, reg, size);
        break;
      }
      case 'mem_size':
        checkKfuncMemSize(env, regno, reg, regs[regno + 1], i);
        i++;
        break;
    }
  }
  if (release && !meta.releaseRegno) reject(RULES.refReleaseUnreferenced, name);
  return meta;
}
