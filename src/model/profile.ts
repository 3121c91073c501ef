// Kernel profiles: the kernel release whose rules and wording the model follows.
// 'v6.18' is the kernel on the project's machines and the default; 'bpf-next' carries
// newer rules (e.g. trusted kfunc arguments by default, KF_FORBID_SLEEP) where they differ.

export type ProfileName = 'v6.18' | 'bpf-next';

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
}

export const PROFILES: Record<ProfileName, Profile> = {
  'v6.18': { name: 'v6.18', kernel: 'Linux 6.18', privileged: true, btfHasRcuTags: false },
  // bpf-next is usually built with clang (BPF CI), whose BTF has the __rcu type tags
  'bpf-next': { name: 'bpf-next', kernel: 'bpf-next (2026)', privileged: true, btfHasRcuTags: true },
};

export const DEFAULT_PROFILE: ProfileName = 'v6.18';

export function isProfileName(s: string): s is ProfileName {
  return s === 'v6.18' || s === 'bpf-next';
}
