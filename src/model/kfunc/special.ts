// kfunc.arg.not-ctx — kfuncs the verifier special-cases by name (check_special_kfunc,
// get_kfunc_ptr_arg_type), Linux 6.18:
//   bpf_cast_to_kern_ctx(obj)        obj must be the program's context (KF_ARG_PTR_TO_CTX); R0 is a
//                                    trusted pointer to the kernel struct behind it (sk_buff for
//                                    __sk_buff programs, xdp_buff for XDP: get_kern_ctx_btf_id)
//   bpf_rdonly_cast(obj, btf_id__k)  see call.ts
//   bpf_get_kmem_cache(addr)         an untrusted kmem_cache pointer, see call.ts
import type { Env } from '../env.ts';
import { ModelLimit, reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { PTR_TRUSTED, ptrReg, regStr } from '../state/reg.ts';
import type { ProgTypeName } from '../../ir/sections.ts';

/** Kfuncs whose first pointer argument is the program context whatever its BTF type says. */
export const isCtxArgKfunc = (name: string): boolean => name === 'bpf_cast_to_kern_ctx';

/** The kernel struct behind each program type's context (bpf_ctx_convert, the ones modelled). */
const KERN_CTX: Partial<Record<ProgTypeName, string>> = {
  socket_filter: 'struct sk_buff', sched_cls: 'struct sk_buff', sched_act: 'struct sk_buff', cgroup_skb: 'struct sk_buff',
  lwt_in: 'struct sk_buff', lwt_out: 'struct sk_buff', lwt_xmit: 'struct sk_buff', lwt_seg6local: 'struct sk_buff',
  sk_skb: 'struct sk_buff', xdp: 'struct xdp_buff',
};

/** KF_ARG_PTR_TO_CTX: the argument must be the context pointer. */
export function checkCtxArg(argno: number, reg: Reg): void {
  if (reg.type !== 'ctx') reject(RULES.kfuncArgNotCtx, argno, regStr(reg));
}

/** R0 of bpf_cast_to_kern_ctx(). */
export function castToKernCtxReturn(env: Env): Reg {
  const key = KERN_CTX[env.section.progType];
  if (!key) throw new ModelLimit(`bpf_cast_to_kern_ctx in ${env.section.progType} programs is not modelled yet`);
  return ptrReg('btf_id', { btf: key, flags: PTR_TRUSTED });
}
