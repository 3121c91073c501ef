// Kfunc flags and registration, Linux 6.18: which kfunc set each kfunc belongs to, the KF_*
// flags its BTF_ID_FLAGS() line gives it, and which program types may call it (the
// register_btf_kfunc_id_set() calls of each set, mapped through the kernel's program-type →
// kfunc-hook table). Pure data: prototypes come from the generated BTF catalog
// (kernelKfunc in kernel-types.ts), except for kfuncs this kernel does not have.
//
// Sources (Linux 6.18): kernel/bpf/helpers.c (generic_btf_ids, common_btf_ids, kfunc_init),
// kernel/bpf/cpumask.c (cpumask_kfunc_btf_ids), kernel/cgroup/rstat.c (bpf_rstat_kfunc_ids),
// kernel/bpf/btf.c (bpf_prog_type_to_kfunc_hook). Registrations were checked on the running
// 6.18.44 kernel: e.g. bpf_task_from_pid loads in tc, xdp, tracepoint, perf_event, cgroup and
// sock_ops programs and is refused in socket, kprobe, raw_tp, sk_skb, lwt and netfilter ones.
import type { FuncParam, CType } from '../btf/types.ts';
import type { ProgTypeName } from '../ir/sections.ts';
import { kernelKfunc } from './kernel-types.ts';

/** KF_* bits (include/linux/btf.h, 6.18). */
export const KF = {
  KF_ACQUIRE: 1 << 0,
  KF_RELEASE: 1 << 1,
  KF_RET_NULL: 1 << 2,
  KF_TRUSTED_ARGS: 1 << 4,
  KF_SLEEPABLE: 1 << 5,
  KF_DESTRUCTIVE: 1 << 6,
  KF_RCU: 1 << 7,
  KF_ITER_NEW: 1 << 8,
  KF_ITER_NEXT: 1 << 9,
  KF_ITER_DESTROY: 1 << 10,
  KF_RCU_PROTECTED: 1 << 11,
  KF_FASTCALL: 1 << 12,
  /**
   * Proposed, not merged (seed 001, v3): while a reference this kfunc acquired is held, nothing
   * may sleep. The series' bit value is not known to the model; this one is internal only.
   */
  KF_FORBID_SLEEP: 1 << 30,
} as const;
export type KfFlag = keyof typeof KF;

/** enum btf_kfunc_hook: the kfunc tables a program type consults. */
export type KfuncHook =
  | 'common' | 'xdp' | 'tc' | 'struct_ops' | 'tracing' | 'syscall' | 'fmodret' | 'cgroup' | 'sched_act' | 'sk_skb'
  | 'socket_filter' | 'lwt' | 'netfilter' | 'kprobe';

/** bpf_prog_type_to_kfunc_hook() (kernel/bpf/btf.c, 6.18). Program types not listed have no hook of their own. */
export const PROG_TYPE_KFUNC_HOOK: Partial<Record<ProgTypeName, KfuncHook>> = {
  xdp: 'xdp',
  sched_cls: 'tc',
  struct_ops: 'struct_ops',
  tracing: 'tracing',
  tracepoint: 'tracing',
  perf_event: 'tracing',
  lsm: 'tracing',
  syscall: 'syscall',
  cgroup_skb: 'cgroup',
  cgroup_sock: 'cgroup',
  cgroup_device: 'cgroup',
  cgroup_sock_addr: 'cgroup',
  cgroup_sockopt: 'cgroup',
  cgroup_sysctl: 'cgroup',
  sock_ops: 'cgroup',
  sched_act: 'sched_act',
  sk_skb: 'sk_skb',
  socket_filter: 'socket_filter',
  lwt_in: 'lwt',
  lwt_out: 'lwt',
  lwt_xmit: 'lwt',
  lwt_seg6local: 'lwt',
  netfilter: 'netfilter',
  kprobe: 'kprobe',
};

export interface KfuncSet {
  /** The BTF_KFUNCS_START() name. */
  name: string;
  source: string;
  /** Hooks the set is registered for (register_btf_kfunc_id_set(BPF_PROG_TYPE_...) → hook). */
  hooks: readonly KfuncHook[];
}

export const KFUNC_SETS = {
  generic: {
    name: 'generic_btf_ids', source: 'kernel/bpf/helpers.c',
    // TRACING, SCHED_CLS, XDP, STRUCT_OPS, SYSCALL, CGROUP_SKB (the cgroup hook covers every cgroup type and sock_ops)
    hooks: ['tracing', 'tc', 'xdp', 'struct_ops', 'syscall', 'cgroup'],
  },
  common: { name: 'common_btf_ids', source: 'kernel/bpf/helpers.c', hooks: ['common'] },
  cpumask: { name: 'cpumask_kfunc_btf_ids', source: 'kernel/bpf/cpumask.c', hooks: ['tracing', 'struct_ops', 'syscall'] },
  rstat: { name: 'bpf_rstat_kfunc_ids', source: 'kernel/cgroup/rstat.c', hooks: ['tracing'] },
  arena: { name: 'arena_kfuncs', source: 'kernel/bpf/arena.c', hooks: ['common'] },
  memcg: { name: 'bpf_memcontrol_kfuncs', source: 'mm/bpf_memcontrol.c (after 6.18)', hooks: ['struct_ops'] },
} as const satisfies Record<string, KfuncSet>;
export type KfuncSetName = keyof typeof KFUNC_SETS;

export interface KfuncDef {
  set: KfuncSetName;
  flags: readonly KfFlag[];
  /** False for kfuncs the Linux 6.18 kernel does not have: examples using them are model-only. */
  inKernel: boolean;
  reason?: string;
  /** Hand-written prototype, for kfuncs missing from this kernel's BTF. */
  proto?: { ret: CType; params: FuncParam[] };
  /** Flags the KF_FORBID_SLEEP series (profile forbid-sleep-v3) adds. */
  seriesFlags?: readonly KfFlag[];
  /** The kfunc exists only with the KF_FORBID_SLEEP series. */
  seriesOnly?: boolean;
}

const k = (set: KfuncSetName, ...flags: KfFlag[]): KfuncDef => ({ set, flags, inKernel: true });
const structPtr = (name: string): CType => ({ kind: 'ptr', to: { kind: 'ref', tag: 'struct', name } });

/** The kfuncs the model covers, with their 6.18 flags. */
export const KFUNCS: Record<string, KfuncDef> = {
  // kernel/bpf/helpers.c, generic_btf_ids
  bpf_task_acquire: k('generic', 'KF_ACQUIRE', 'KF_RCU', 'KF_RET_NULL'),
  bpf_task_release: k('generic', 'KF_RELEASE'),
  bpf_cgroup_acquire: k('generic', 'KF_ACQUIRE', 'KF_RCU', 'KF_RET_NULL'),
  bpf_cgroup_release: k('generic', 'KF_RELEASE'),
  bpf_cgroup_ancestor: k('generic', 'KF_ACQUIRE', 'KF_RCU', 'KF_RET_NULL'),
  bpf_cgroup_from_id: k('generic', 'KF_ACQUIRE', 'KF_RET_NULL'),
  bpf_task_under_cgroup: k('generic', 'KF_RCU'),
  bpf_task_get_cgroup1: k('generic', 'KF_ACQUIRE', 'KF_RCU', 'KF_RET_NULL'),
  bpf_task_from_pid: k('generic', 'KF_ACQUIRE', 'KF_RET_NULL'),
  bpf_task_from_vpid: k('generic', 'KF_ACQUIRE', 'KF_RET_NULL'),
  bpf_send_signal_task: k('generic', 'KF_TRUSTED_ARGS'),
  // kernel/bpf/helpers.c, common_btf_ids (registered for BPF_PROG_TYPE_UNSPEC: every program type)
  bpf_rcu_read_lock: k('common'),
  bpf_rcu_read_unlock: k('common'),
  bpf_copy_from_user_str: k('common', 'KF_SLEEPABLE'),
  bpf_local_irq_save: k('common'),
  bpf_local_irq_restore: k('common'),
  bpf_preempt_disable: k('common'),
  bpf_preempt_enable: k('common'),
  // bpf_cast_to_kern_ctx(ctx): a trusted pointer to the kernel struct behind the context
  bpf_cast_to_kern_ctx: k('common', 'KF_FASTCALL'),
  // bpf_rdonly_cast(obj__ign, btf_id__k): a read-only, untrusted view typed by a constant BTF id
  bpf_rdonly_cast: k('common', 'KF_FASTCALL'),
  // returns PTR_TO_BTF_ID | PTR_UNTRUSTED (special-cased in check_kfunc_call, not a flag)
  bpf_get_kmem_cache: k('common'),
  // kernel/bpf/cpumask.c, cpumask_kfunc_btf_ids
  bpf_cpumask_create: k('cpumask', 'KF_ACQUIRE', 'KF_RET_NULL'),
  bpf_cpumask_release: k('cpumask', 'KF_RELEASE'),
  bpf_cpumask_acquire: k('cpumask', 'KF_ACQUIRE', 'KF_TRUSTED_ARGS'),
  bpf_cpumask_first: k('cpumask', 'KF_RCU'),
  bpf_cpumask_first_zero: k('cpumask', 'KF_RCU'),
  bpf_cpumask_first_and: k('cpumask', 'KF_RCU'),
  bpf_cpumask_set_cpu: k('cpumask', 'KF_RCU'),
  bpf_cpumask_clear_cpu: k('cpumask', 'KF_RCU'),
  bpf_cpumask_test_cpu: k('cpumask', 'KF_RCU'),
  bpf_cpumask_test_and_set_cpu: k('cpumask', 'KF_RCU'),
  bpf_cpumask_test_and_clear_cpu: k('cpumask', 'KF_RCU'),
  bpf_cpumask_setall: k('cpumask', 'KF_RCU'),
  bpf_cpumask_clear: k('cpumask', 'KF_RCU'),
  bpf_cpumask_and: k('cpumask', 'KF_RCU'),
  bpf_cpumask_or: k('cpumask', 'KF_RCU'),
  bpf_cpumask_xor: k('cpumask', 'KF_RCU'),
  bpf_cpumask_equal: k('cpumask', 'KF_RCU'),
  bpf_cpumask_intersects: k('cpumask', 'KF_RCU'),
  bpf_cpumask_subset: k('cpumask', 'KF_RCU'),
  bpf_cpumask_empty: k('cpumask', 'KF_RCU'),
  bpf_cpumask_full: k('cpumask', 'KF_RCU'),
  bpf_cpumask_copy: k('cpumask', 'KF_RCU'),
  bpf_cpumask_any_distribute: k('cpumask', 'KF_RCU'),
  bpf_cpumask_any_and_distribute: k('cpumask', 'KF_RCU'),
  bpf_cpumask_weight: k('cpumask', 'KF_RCU'),
  bpf_cpumask_populate: k('cpumask', 'KF_RCU'),
  // kernel/cgroup/rstat.c, bpf_rstat_kfunc_ids (no KF_TRUSTED_ARGS on 6.18: walked css pointers are accepted)
  // open-coded iterators (common_btf_ids: every program type)
  bpf_iter_num_new: k('common', 'KF_ITER_NEW'),
  bpf_iter_num_next: k('common', 'KF_ITER_NEXT', 'KF_RET_NULL'),
  bpf_iter_num_destroy: k('common', 'KF_ITER_DESTROY'),
  bpf_iter_bits_new: k('common', 'KF_ITER_NEW'),
  bpf_iter_bits_next: k('common', 'KF_ITER_NEXT', 'KF_RET_NULL'),
  bpf_iter_bits_destroy: k('common', 'KF_ITER_DESTROY'),
  bpf_iter_task_vma_new: k('common', 'KF_ITER_NEW', 'KF_RCU'),
  bpf_iter_task_vma_next: { ...k('common', 'KF_ITER_NEXT', 'KF_RET_NULL'), seriesFlags: ['KF_ACQUIRE', 'KF_FORBID_SLEEP'] },
  bpf_iter_task_vma_destroy: k('common', 'KF_ITER_DESTROY'),
  // the KF_FORBID_SLEEP series v3 (patch 5/6): drop the VMA (and the lock) before sleeping
  bpf_iter_task_vma_release: {
    set: 'common', flags: ['KF_RELEASE'], inKernel: false, reason: 'proposed in the KF_FORBID_SLEEP series (v3, February 2026), not merged',
    seriesOnly: true, proto: { ret: { kind: 'void' }, params: [{ name: 'it__iter', type: structPtr('bpf_iter_task_vma') }] },
  },
  bpf_iter_css_task_new: k('common', 'KF_ITER_NEW', 'KF_TRUSTED_ARGS'),
  bpf_iter_css_task_next: k('common', 'KF_ITER_NEXT', 'KF_RET_NULL'),
  bpf_iter_css_task_destroy: k('common', 'KF_ITER_DESTROY'),
  bpf_iter_css_new: k('common', 'KF_ITER_NEW', 'KF_TRUSTED_ARGS', 'KF_RCU_PROTECTED'),
  bpf_iter_css_next: k('common', 'KF_ITER_NEXT', 'KF_RET_NULL'),
  bpf_iter_css_destroy: k('common', 'KF_ITER_DESTROY'),
  bpf_iter_task_new: k('common', 'KF_ITER_NEW', 'KF_TRUSTED_ARGS', 'KF_RCU_PROTECTED'),
  bpf_iter_task_next: k('common', 'KF_ITER_NEXT', 'KF_RET_NULL'),
  bpf_iter_task_destroy: k('common', 'KF_ITER_DESTROY'),
  // arena pages (the examples pass any map: __map arguments are only checked to be a map pointer)
  bpf_arena_alloc_pages: k('arena', 'KF_TRUSTED_ARGS', 'KF_SLEEPABLE'),
  bpf_arena_free_pages: k('arena', 'KF_TRUSTED_ARGS', 'KF_SLEEPABLE'),
  css_rstat_updated: k('rstat'),
  css_rstat_flush: k('rstat', 'KF_SLEEPABLE'),
  // mm/bpf_memcontrol.c: the memcg pair landed after Linux 6.18 (struct_ops only)
  crash_kexec: {
    set: 'generic', flags: ['KF_DESTRUCTIVE'], inKernel: false, reason: 'the Linux 6.18 kernel here is built without CONFIG_CRASH_DUMP',
    proto: { ret: { kind: 'void' }, params: [{ name: 'regs', type: structPtr('pt_regs') }] },
  },
  bpf_get_mem_cgroup: {
    set: 'memcg', flags: ['KF_ACQUIRE', 'KF_RET_NULL', 'KF_RCU'], inKernel: false, reason: 'added after Linux 6.18',
    proto: { ret: structPtr('mem_cgroup'), params: [{ name: 'css', type: structPtr('cgroup_subsys_state') }] },
  },
  bpf_put_mem_cgroup: {
    set: 'memcg', flags: ['KF_RELEASE'], inKernel: false, reason: 'added after Linux 6.18',
    proto: { ret: { kind: 'void' }, params: [{ name: 'memcg', type: structPtr('mem_cgroup') }] },
  },
};

export function kfuncDef(name: string): KfuncDef | undefined {
  return Object.hasOwn(KFUNCS, name) ? KFUNCS[name] : undefined;
}

/** The KF_* bits of a kfunc; `series`: with the KF_FORBID_SLEEP series' additions. */
export function kfuncFlags(def: KfuncDef, series = false): number {
  const flags = series && def.seriesFlags ? [...def.flags, ...def.seriesFlags] : def.flags;
  return flags.reduce((acc, f) => acc | KF[f], 0);
}

/** The kfunc's prototype: the kernel BTF catalog's, or the hand-written one. */
export function kfuncProto(name: string): { ret: CType; params: FuncParam[] } | undefined {
  return kernelKfunc(name)?.proto ?? kfuncDef(name)?.proto;
}

/**
 * btf_kfunc_id_set_contains(): the common hook first, then the program type's own hook.
 * Returns false when the kfunc's set is registered for neither.
 */
export function kfuncAllowed(def: KfuncDef, progType: ProgTypeName): boolean {
  const hooks: readonly KfuncHook[] = KFUNC_SETS[def.set].hooks;
  if (hooks.includes('common')) return true;
  const hook = PROG_TYPE_KFUNC_HOOK[progType];
  return hook !== undefined && hooks.includes(hook);
}

/** Kfuncs in the table that this kernel does not have, with the reason (for model-only examples). */
export function kfuncNotInKernel(name: string): string | undefined {
  const d = kfuncDef(name);
  return d && !d.inKernel ? (d.reason ?? 'not in this kernel') : undefined;
}

/**
 * A stand-in BTF id for the assembler when a kfunc of this table is missing from the kernel
 * BTF (model-only examples). The kernel back end never sees it: such examples are not loaded.
 */
export function modelOnlyKfuncBtfId(name: string): number | undefined {
  const d = kfuncDef(name);
  if (!d || d.inKernel) return undefined;
  return 0x7fff0000 + Object.keys(KFUNCS).indexOf(name);
}
