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
}

export const PROFILES: Record<ProfileName, Profile> = {
  'v6.18': { name: 'v6.18', kernel: 'Linux 6.18', privileged: true },
  'bpf-next': { name: 'bpf-next', kernel: 'bpf-next (2026)', privileged: true },
};

export const DEFAULT_PROFILE: ProfileName = 'v6.18';

export function isProfileName(s: string): s is ProfileName {
  return s === 'v6.18' || s === 'bpf-next';
}
