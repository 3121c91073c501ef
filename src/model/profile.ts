// Kernel profiles: the kernel release whose rules and wording the model follows.
// 'v6.18' is the kernel on the project's machines and the default; 'bpf-next' carries newer
// merged rules where they differ (trusted kfunc arguments by default, nested RCU sections);
// 'forbid-sleep-v3' is bpf-next plus an unmerged patch series (seed 001: Puranjay Mohan,
// "Introduce KF_FORBID_SLEEP modifier for acquire/release kfuncs", v3, 2026-02-23), which the
// model follows so that the proposal's pages can show what it would enforce.

export type ProfileName = 'v6.18' | 'bpf-next' | 'forbid-sleep-v3';

export interface Profile {
  name: ProfileName;
  /** Human name of the kernel, for badges. */
  kernel: string;
  /** Root with CAP_BPF + CAP_PERFMON: allow_ptr_leaks, allow_uninit_stack, bypass_spec_v1/v4. */
  privileged: boolean;
  /**
   * Whether vmlinux BTF carries btf_type_tag("rcu") (and "user", "percpu") on pointers. Clang
   * emits these for __rcu/__user/__percpu; the 6.18 kernel on the project's machines is built
   * with GCC 15 and its BTF has no such tags (kernel-btf-ptr.json: typeTags []), so btf_struct_walk
   * never sets MEM_RCU from a tag: e.g. task->parent (`struct task_struct __rcu *`) walks to a
   * plain ptr_task_struct instead of rcu_ptr_or_null_task_struct (confirmed by loading on 6.18).
   * Only fields in the verifier's BTF_TYPE_SAFE_RCU* lists become MEM_RCU there.
   */
  btfHasRcuTags: boolean;
  /** Every kfunc checks its pointer arguments as if it had KF_TRUSTED_ARGS (bpf-next, 2026-01). */
  trustedArgsDefault: boolean;
  /** bpf_rcu_read_lock() sections nest (a counter) instead of being refused when nested. */
  rcuNesting: boolean;
  /**
   * The seed-001 series: KF_ACQUIRE on iterator _next (the reference remembered in the
   * iterator's slot), `_release` kfuncs taking an `__iter` argument, and KF_FORBID_SLEEP.
   */
  forbidSleepSeries: boolean;
}

export const PROFILES: Record<ProfileName, Profile> = {
  'v6.18': { name: 'v6.18', kernel: 'Linux 6.18', privileged: true, btfHasRcuTags: false, trustedArgsDefault: false, rcuNesting: false, forbidSleepSeries: false },
  // bpf-next is usually built with clang (BPF CI), whose BTF has the __rcu type tags
  'bpf-next': { name: 'bpf-next', kernel: 'bpf-next (2026)', privileged: true, btfHasRcuTags: true, trustedArgsDefault: true, rcuNesting: true, forbidSleepSeries: false },
  'forbid-sleep-v3': {
    name: 'forbid-sleep-v3', kernel: 'bpf-next + KF_FORBID_SLEEP series v3 (not merged)', privileged: true, btfHasRcuTags: true,
    trustedArgsDefault: true, rcuNesting: true, forbidSleepSeries: true,
  },
};

export const DEFAULT_PROFILE: ProfileName = 'v6.18';

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

export function isProfileName(s: string): s is ProfileName {
  return (PROFILE_NAMES as string[]).includes(s);
}
