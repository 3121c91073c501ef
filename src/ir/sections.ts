// libbpf SEC() names as data, plus the UAPI numbers (Linux 6.18) that go with them.
//
// The section table mirrors libbpf's `section_defs` semantics:
//  - entries are tried in table order, the first match wins;
//  - a name ending in '+' matches the bare name exactly or `name/anything`;
//  - a name ending in '/' matches any `name/anything` (no such entry is in the table today);
//  - any other name must match exactly;
//  - a leading '?' (SEC("?xdp")) is stripped and only turns autoload off.
// The numeric enums were checked against the running 6.18 kernel's own BTF.
//
// This module is pure data: the kernel back end and the browser both import it.

/** enum bpf_prog_type, keyed by libbpf's lower-case prog type names. */
export const BPF_PROG_TYPE = {
  unspec: 0,
  socket_filter: 1,
  kprobe: 2,
  sched_cls: 3,
  sched_act: 4,
  tracepoint: 5,
  xdp: 6,
  perf_event: 7,
  cgroup_skb: 8,
  cgroup_sock: 9,
  lwt_in: 10,
  lwt_out: 11,
  lwt_xmit: 12,
  sock_ops: 13,
  sk_skb: 14,
  cgroup_device: 15,
  sk_msg: 16,
  raw_tracepoint: 17,
  cgroup_sock_addr: 18,
  lwt_seg6local: 19,
  lirc_mode2: 20,
  sk_reuseport: 21,
  flow_dissector: 22,
  cgroup_sysctl: 23,
  raw_tracepoint_writable: 24,
  cgroup_sockopt: 25,
  tracing: 26,
  struct_ops: 27,
  ext: 28,
  lsm: 29,
  sk_lookup: 30,
  syscall: 31,
  netfilter: 32,
} as const;
export type ProgTypeName = keyof typeof BPF_PROG_TYPE;

/** enum bpf_attach_type, under the UAPI names. */
export const BPF_ATTACH_TYPE = {
  BPF_CGROUP_INET_INGRESS: 0,
  BPF_CGROUP_INET_EGRESS: 1,
  BPF_CGROUP_INET_SOCK_CREATE: 2,
  BPF_CGROUP_SOCK_OPS: 3,
  BPF_SK_SKB_STREAM_PARSER: 4,
  BPF_SK_SKB_STREAM_VERDICT: 5,
  BPF_CGROUP_DEVICE: 6,
  BPF_SK_MSG_VERDICT: 7,
  BPF_CGROUP_INET4_BIND: 8,
  BPF_CGROUP_INET6_BIND: 9,
  BPF_CGROUP_INET4_CONNECT: 10,
  BPF_CGROUP_INET6_CONNECT: 11,
  BPF_CGROUP_INET4_POST_BIND: 12,
  BPF_CGROUP_INET6_POST_BIND: 13,
  BPF_CGROUP_UDP4_SENDMSG: 14,
  BPF_CGROUP_UDP6_SENDMSG: 15,
  BPF_LIRC_MODE2: 16,
  BPF_FLOW_DISSECTOR: 17,
  BPF_CGROUP_SYSCTL: 18,
  BPF_CGROUP_UDP4_RECVMSG: 19,
  BPF_CGROUP_UDP6_RECVMSG: 20,
  BPF_CGROUP_GETSOCKOPT: 21,
  BPF_CGROUP_SETSOCKOPT: 22,
  BPF_TRACE_RAW_TP: 23,
  BPF_TRACE_FENTRY: 24,
  BPF_TRACE_FEXIT: 25,
  BPF_MODIFY_RETURN: 26,
  BPF_LSM_MAC: 27,
  BPF_TRACE_ITER: 28,
  BPF_CGROUP_INET4_GETPEERNAME: 29,
  BPF_CGROUP_INET6_GETPEERNAME: 30,
  BPF_CGROUP_INET4_GETSOCKNAME: 31,
  BPF_CGROUP_INET6_GETSOCKNAME: 32,
  BPF_XDP_DEVMAP: 33,
  BPF_CGROUP_INET_SOCK_RELEASE: 34,
  BPF_XDP_CPUMAP: 35,
  BPF_SK_LOOKUP: 36,
  BPF_XDP: 37,
  BPF_SK_SKB_VERDICT: 38,
  BPF_SK_REUSEPORT_SELECT: 39,
  BPF_SK_REUSEPORT_SELECT_OR_MIGRATE: 40,
  BPF_PERF_EVENT: 41,
  BPF_TRACE_KPROBE_MULTI: 42,
  BPF_LSM_CGROUP: 43,
  BPF_STRUCT_OPS: 44,
  BPF_NETFILTER: 45,
  BPF_TCX_INGRESS: 46,
  BPF_TCX_EGRESS: 47,
  BPF_TRACE_UPROBE_MULTI: 48,
  BPF_CGROUP_UNIX_CONNECT: 49,
  BPF_CGROUP_UNIX_SENDMSG: 50,
  BPF_CGROUP_UNIX_RECVMSG: 51,
  BPF_CGROUP_UNIX_GETPEERNAME: 52,
  BPF_CGROUP_UNIX_GETSOCKNAME: 53,
  BPF_NETKIT_PRIMARY: 54,
  BPF_NETKIT_PEER: 55,
  BPF_TRACE_KPROBE_SESSION: 56,
  BPF_TRACE_UPROBE_SESSION: 57,
} as const;
export type AttachTypeName = keyof typeof BPF_ATTACH_TYPE;

/** enum bpf_map_type, keyed by libbpf's lower-case map type names. */
export const BPF_MAP_TYPE = {
  unspec: 0,
  hash: 1,
  array: 2,
  prog_array: 3,
  perf_event_array: 4,
  percpu_hash: 5,
  percpu_array: 6,
  stack_trace: 7,
  cgroup_array: 8,
  lru_hash: 9,
  lru_percpu_hash: 10,
  lpm_trie: 11,
  array_of_maps: 12,
  hash_of_maps: 13,
  devmap: 14,
  sockmap: 15,
  cpumap: 16,
  xskmap: 17,
  sockhash: 18,
  cgroup_storage: 19,
  reuseport_sockarray: 20,
  percpu_cgroup_storage: 21,
  queue: 22,
  stack: 23,
  sk_storage: 24,
  devmap_hash: 25,
  struct_ops: 26,
  ringbuf: 27,
  inode_storage: 28,
  task_storage: 29,
  bloom_filter: 30,
  user_ringbuf: 31,
  cgrp_storage: 32,
  arena: 33,
} as const;
export type MapTypeName = keyof typeof BPF_MAP_TYPE;

/** BPF_PROG_LOAD prog_flags. */
export const BPF_PROG_FLAG = {
  BPF_F_STRICT_ALIGNMENT: 1 << 0,
  BPF_F_ANY_ALIGNMENT: 1 << 1,
  BPF_F_TEST_RND_HI32: 1 << 2,
  BPF_F_TEST_STATE_FREQ: 1 << 3,
  BPF_F_SLEEPABLE: 1 << 4,
  BPF_F_XDP_HAS_FRAGS: 1 << 5,
  BPF_F_XDP_DEV_BOUND_ONLY: 1 << 6,
  BPF_F_TEST_REG_INVARIANTS: 1 << 7,
  BPF_F_TOKEN_FD: 1 << 16,
} as const;

/** BPF_MAP_CREATE map_flags. */
export const BPF_MAP_FLAG = {
  BPF_F_NO_PREALLOC: 1 << 0,
  BPF_F_NO_COMMON_LRU: 1 << 1,
  BPF_F_NUMA_NODE: 1 << 2,
  BPF_F_RDONLY: 1 << 3,
  BPF_F_WRONLY: 1 << 4,
  BPF_F_STACK_BUILD_ID: 1 << 5,
  BPF_F_ZERO_SEED: 1 << 6,
  BPF_F_RDONLY_PROG: 1 << 7,
  BPF_F_WRONLY_PROG: 1 << 8,
  BPF_F_CLONE: 1 << 9,
  BPF_F_MMAPABLE: 1 << 10,
  BPF_F_PRESERVE_ELEMS: 1 << 11,
  BPF_F_INNER_MAP: 1 << 12,
  BPF_F_LINK: 1 << 13,
  BPF_F_PATH_FD: 1 << 14,
  BPF_F_VTYPE_BTF_OBJ_FD: 1 << 15,
  BPF_F_TOKEN_FD: 1 << 16,
  BPF_F_SEGV_ON_FAULT: 1 << 17,
  BPF_F_NO_USER_CONV: 1 << 18,
} as const;

/** The src_reg of a BPF_LD_IMM64 (code 0x18). */
export const BPF_PSEUDO_LD = {
  BPF_PSEUDO_MAP_FD: 1,
  BPF_PSEUDO_MAP_VALUE: 2,
  BPF_PSEUDO_BTF_ID: 3,
  BPF_PSEUDO_FUNC: 4,
  BPF_PSEUDO_MAP_IDX: 5,
  BPF_PSEUDO_MAP_IDX_VALUE: 6,
} as const;

/** The src_reg of a BPF_CALL. */
export const BPF_PSEUDO_CALL = 1;
export const BPF_PSEUDO_KFUNC_CALL = 2;

/** log_level bits of BPF_PROG_LOAD. */
export const BPF_LOG = {
  LEVEL1: 1,
  LEVEL2: 2,
  STATS: 4,
  FIXED: 8,
} as const;

/** Verifier complexity limit: `processed N insns (limit 1000000)`. */
export const BPF_COMPLEXITY_LIMIT_INSNS = 1_000_000;

// ---------------------------------------------------------------------------------------------
// The section table.

/** libbpf's SEC_* cookie flags that change what gets loaded. */
export interface SecFlags {
  /** SEC_ATTACH_BTF: needs a BTF attach target (the name after '/'), resolved to attach_btf_id. */
  attachBtf?: true;
  /** SEC_SLEEPABLE: loaded with BPF_F_SLEEPABLE. */
  sleepable?: true;
  /** SEC_XDP_FRAGS: loaded with BPF_F_XDP_HAS_FRAGS. */
  xdpFrags?: true;
  /** SEC_USDT. */
  usdt?: true;
}

export interface SecDef extends SecFlags {
  /** As libbpf spells it: 'fentry+' (exact or fentry/X), 'tc/ingress' (exact). */
  pattern: string;
  progType: ProgTypeName;
  expectedAttachType: AttachTypeName | null;
}

const def = (pattern: string, progType: ProgTypeName, expectedAttachType: AttachTypeName | null, flags: SecFlags = {}): SecDef => ({
  pattern,
  progType,
  expectedAttachType,
  ...flags,
});

const SLEEPABLE: SecFlags = { sleepable: true };
const ATTACH_BTF: SecFlags = { attachBtf: true };
const ATTACH_BTF_SLEEPABLE: SecFlags = { attachBtf: true, sleepable: true };

/** libbpf's section_defs, in libbpf's order (order matters: first match wins). */
export const SECTION_DEFS: readonly SecDef[] = [
  def('socket', 'socket_filter', null),
  def('sk_reuseport/migrate', 'sk_reuseport', 'BPF_SK_REUSEPORT_SELECT_OR_MIGRATE'),
  def('sk_reuseport', 'sk_reuseport', 'BPF_SK_REUSEPORT_SELECT'),
  def('kprobe+', 'kprobe', null),
  def('uprobe+', 'kprobe', null),
  def('uprobe.s+', 'kprobe', null, SLEEPABLE),
  def('kretprobe+', 'kprobe', null),
  def('uretprobe+', 'kprobe', null),
  def('uretprobe.s+', 'kprobe', null, SLEEPABLE),
  def('kprobe.multi+', 'kprobe', 'BPF_TRACE_KPROBE_MULTI'),
  def('kretprobe.multi+', 'kprobe', 'BPF_TRACE_KPROBE_MULTI'),
  def('kprobe.session+', 'kprobe', 'BPF_TRACE_KPROBE_SESSION'),
  def('uprobe.multi+', 'kprobe', 'BPF_TRACE_UPROBE_MULTI'),
  def('uretprobe.multi+', 'kprobe', 'BPF_TRACE_UPROBE_MULTI'),
  def('uprobe.session+', 'kprobe', 'BPF_TRACE_UPROBE_SESSION'),
  def('uprobe.multi.s+', 'kprobe', 'BPF_TRACE_UPROBE_MULTI', SLEEPABLE),
  def('uretprobe.multi.s+', 'kprobe', 'BPF_TRACE_UPROBE_MULTI', SLEEPABLE),
  def('uprobe.session.s+', 'kprobe', 'BPF_TRACE_UPROBE_SESSION', SLEEPABLE),
  def('ksyscall+', 'kprobe', null),
  def('kretsyscall+', 'kprobe', null),
  def('usdt+', 'kprobe', null, { usdt: true }),
  def('usdt.s+', 'kprobe', null, { usdt: true, sleepable: true }),
  def('tc/ingress', 'sched_cls', 'BPF_TCX_INGRESS'), // alias for tcx
  def('tc/egress', 'sched_cls', 'BPF_TCX_EGRESS'), // alias for tcx
  def('tcx/ingress', 'sched_cls', 'BPF_TCX_INGRESS'),
  def('tcx/egress', 'sched_cls', 'BPF_TCX_EGRESS'),
  def('tc', 'sched_cls', null), // legacy
  def('classifier', 'sched_cls', null), // legacy
  def('action', 'sched_act', null), // legacy
  def('netkit/primary', 'sched_cls', 'BPF_NETKIT_PRIMARY'),
  def('netkit/peer', 'sched_cls', 'BPF_NETKIT_PEER'),
  def('tracepoint+', 'tracepoint', null),
  def('tp+', 'tracepoint', null),
  def('raw_tracepoint+', 'raw_tracepoint', null),
  def('raw_tp+', 'raw_tracepoint', null),
  def('raw_tracepoint.w+', 'raw_tracepoint_writable', null),
  def('raw_tp.w+', 'raw_tracepoint_writable', null),
  def('tp_btf+', 'tracing', 'BPF_TRACE_RAW_TP', ATTACH_BTF),
  def('fentry+', 'tracing', 'BPF_TRACE_FENTRY', ATTACH_BTF),
  def('fmod_ret+', 'tracing', 'BPF_MODIFY_RETURN', ATTACH_BTF),
  def('fexit+', 'tracing', 'BPF_TRACE_FEXIT', ATTACH_BTF),
  def('fentry.s+', 'tracing', 'BPF_TRACE_FENTRY', ATTACH_BTF_SLEEPABLE),
  def('fmod_ret.s+', 'tracing', 'BPF_MODIFY_RETURN', ATTACH_BTF_SLEEPABLE),
  def('fexit.s+', 'tracing', 'BPF_TRACE_FEXIT', ATTACH_BTF_SLEEPABLE),
  def('freplace+', 'ext', null, ATTACH_BTF),
  def('lsm+', 'lsm', 'BPF_LSM_MAC', ATTACH_BTF),
  def('lsm.s+', 'lsm', 'BPF_LSM_MAC', ATTACH_BTF_SLEEPABLE),
  def('lsm_cgroup+', 'lsm', 'BPF_LSM_CGROUP', ATTACH_BTF),
  def('iter+', 'tracing', 'BPF_TRACE_ITER', ATTACH_BTF),
  def('iter.s+', 'tracing', 'BPF_TRACE_ITER', ATTACH_BTF_SLEEPABLE),
  def('syscall', 'syscall', null, SLEEPABLE),
  def('xdp.frags/devmap', 'xdp', 'BPF_XDP_DEVMAP', { xdpFrags: true }),
  def('xdp/devmap', 'xdp', 'BPF_XDP_DEVMAP'),
  def('xdp.frags/cpumap', 'xdp', 'BPF_XDP_CPUMAP', { xdpFrags: true }),
  def('xdp/cpumap', 'xdp', 'BPF_XDP_CPUMAP'),
  def('xdp.frags', 'xdp', 'BPF_XDP', { xdpFrags: true }),
  def('xdp', 'xdp', 'BPF_XDP'),
  def('perf_event', 'perf_event', null),
  def('lwt_in', 'lwt_in', null),
  def('lwt_out', 'lwt_out', null),
  def('lwt_xmit', 'lwt_xmit', null),
  def('lwt_seg6local', 'lwt_seg6local', null),
  def('sockops', 'sock_ops', 'BPF_CGROUP_SOCK_OPS'),
  def('sk_skb/stream_parser', 'sk_skb', 'BPF_SK_SKB_STREAM_PARSER'),
  def('sk_skb/stream_verdict', 'sk_skb', 'BPF_SK_SKB_STREAM_VERDICT'),
  def('sk_skb', 'sk_skb', null),
  def('sk_msg', 'sk_msg', 'BPF_SK_MSG_VERDICT'),
  def('lirc_mode2', 'lirc_mode2', 'BPF_LIRC_MODE2'),
  def('flow_dissector', 'flow_dissector', 'BPF_FLOW_DISSECTOR'),
  def('cgroup_skb/ingress', 'cgroup_skb', 'BPF_CGROUP_INET_INGRESS'),
  def('cgroup_skb/egress', 'cgroup_skb', 'BPF_CGROUP_INET_EGRESS'),
  def('cgroup/skb', 'cgroup_skb', null),
  def('cgroup/sock_create', 'cgroup_sock', 'BPF_CGROUP_INET_SOCK_CREATE'),
  def('cgroup/sock_release', 'cgroup_sock', 'BPF_CGROUP_INET_SOCK_RELEASE'),
  def('cgroup/sock', 'cgroup_sock', 'BPF_CGROUP_INET_SOCK_CREATE'),
  def('cgroup/post_bind4', 'cgroup_sock', 'BPF_CGROUP_INET4_POST_BIND'),
  def('cgroup/post_bind6', 'cgroup_sock', 'BPF_CGROUP_INET6_POST_BIND'),
  def('cgroup/bind4', 'cgroup_sock_addr', 'BPF_CGROUP_INET4_BIND'),
  def('cgroup/bind6', 'cgroup_sock_addr', 'BPF_CGROUP_INET6_BIND'),
  def('cgroup/connect4', 'cgroup_sock_addr', 'BPF_CGROUP_INET4_CONNECT'),
  def('cgroup/connect6', 'cgroup_sock_addr', 'BPF_CGROUP_INET6_CONNECT'),
  def('cgroup/connect_unix', 'cgroup_sock_addr', 'BPF_CGROUP_UNIX_CONNECT'),
  def('cgroup/sendmsg4', 'cgroup_sock_addr', 'BPF_CGROUP_UDP4_SENDMSG'),
  def('cgroup/sendmsg6', 'cgroup_sock_addr', 'BPF_CGROUP_UDP6_SENDMSG'),
  def('cgroup/sendmsg_unix', 'cgroup_sock_addr', 'BPF_CGROUP_UNIX_SENDMSG'),
  def('cgroup/recvmsg4', 'cgroup_sock_addr', 'BPF_CGROUP_UDP4_RECVMSG'),
  def('cgroup/recvmsg6', 'cgroup_sock_addr', 'BPF_CGROUP_UDP6_RECVMSG'),
  def('cgroup/recvmsg_unix', 'cgroup_sock_addr', 'BPF_CGROUP_UNIX_RECVMSG'),
  def('cgroup/getpeername4', 'cgroup_sock_addr', 'BPF_CGROUP_INET4_GETPEERNAME'),
  def('cgroup/getpeername6', 'cgroup_sock_addr', 'BPF_CGROUP_INET6_GETPEERNAME'),
  def('cgroup/getpeername_unix', 'cgroup_sock_addr', 'BPF_CGROUP_UNIX_GETPEERNAME'),
  def('cgroup/getsockname4', 'cgroup_sock_addr', 'BPF_CGROUP_INET4_GETSOCKNAME'),
  def('cgroup/getsockname6', 'cgroup_sock_addr', 'BPF_CGROUP_INET6_GETSOCKNAME'),
  def('cgroup/getsockname_unix', 'cgroup_sock_addr', 'BPF_CGROUP_UNIX_GETSOCKNAME'),
  def('cgroup/sysctl', 'cgroup_sysctl', 'BPF_CGROUP_SYSCTL'),
  def('cgroup/getsockopt', 'cgroup_sockopt', 'BPF_CGROUP_GETSOCKOPT'),
  def('cgroup/setsockopt', 'cgroup_sockopt', 'BPF_CGROUP_SETSOCKOPT'),
  def('cgroup/dev', 'cgroup_device', 'BPF_CGROUP_DEVICE'),
  def('struct_ops+', 'struct_ops', null),
  def('struct_ops.s+', 'struct_ops', null, SLEEPABLE),
  def('sk_lookup', 'sk_lookup', 'BPF_SK_LOOKUP'),
  def('netfilter', 'netfilter', 'BPF_NETFILTER'),
];

export interface SectionInfo {
  ok: true;
  /** The section name as written, '?' included. */
  sec: string;
  /** The table entry that matched, as libbpf spells it ('fentry+', 'tc/ingress'). */
  pattern: string;
  progType: ProgTypeName;
  progTypeId: number;
  /** enum bpf_attach_type for expected_attach_type; absent when libbpf passes 0 without meaning. */
  expectedAttachType?: number;
  expectedAttachTypeName?: AttachTypeName;
  /** The part after the first '/' for `prefix+` entries: 'sched_switch' for tp_btf/sched_switch. */
  attachTo?: string;
  /** SEC_ATTACH_BTF: the target must resolve to a BTF id (attach_btf_id) before load. */
  attachBtf: boolean;
  /** Loaded with BPF_F_SLEEPABLE ('.s' variants, and SEC("syscall") as libbpf does). */
  sleepable: boolean;
  /** False for the '?' prefix. */
  autoload: boolean;
  /** prog_flags libbpf adds for this section (BPF_F_SLEEPABLE, BPF_F_XDP_HAS_FRAGS). */
  progFlags: number;
}

export interface SectionError {
  ok: false;
  sec: string;
  error: string;
}

export type SectionResult = SectionInfo | SectionError;

function matches(pattern: string, name: string): { attachTo?: string } | null {
  if (pattern.endsWith('/')) {
    return name.startsWith(pattern) ? { attachTo: name.slice(pattern.length) } : null;
  }
  if (pattern.endsWith('+')) {
    const base = pattern.slice(0, -1);
    if (name === base) return {};
    if (name.startsWith(base) && name.charAt(base.length) === '/') return { attachTo: name.slice(base.length + 1) };
    return null;
  }
  return name === pattern ? {} : null;
}

/** Resolve a libbpf SEC() name to what the loader needs. */
export function parseSection(sec: string): SectionResult {
  const autoload = !sec.startsWith('?');
  const name = autoload ? sec : sec.slice(1);
  if (name.length === 0) return { ok: false, sec, error: 'empty section name' };
  for (const d of SECTION_DEFS) {
    const m = matches(d.pattern, name);
    if (m === null) continue;
    if (d.attachBtf === true && m.attachTo === '') {
      return { ok: false, sec, error: `section '${sec}' has an empty attach target after '/'` };
    }
    let progFlags = 0;
    if (d.sleepable === true) progFlags |= BPF_PROG_FLAG.BPF_F_SLEEPABLE;
    if (d.xdpFrags === true) progFlags |= BPF_PROG_FLAG.BPF_F_XDP_HAS_FRAGS;
    const info: SectionInfo = {
      ok: true,
      sec,
      pattern: d.pattern,
      progType: d.progType,
      progTypeId: BPF_PROG_TYPE[d.progType],
      attachBtf: d.attachBtf === true,
      sleepable: d.sleepable === true,
      autoload,
      progFlags,
    };
    if (d.expectedAttachType !== null) {
      info.expectedAttachType = BPF_ATTACH_TYPE[d.expectedAttachType];
      info.expectedAttachTypeName = d.expectedAttachType;
    }
    if (m.attachTo !== undefined) info.attachTo = m.attachTo;
    return info;
  }
  const slash = name.indexOf('/');
  const head = slash < 0 ? name : name.slice(0, slash);
  const near = SECTION_DEFS.map((d) => d.pattern.replace(/[+/]$/, '')).filter((p) => p === head || p.startsWith(`${head}/`) || p.startsWith(`${head}.`));
  const hint = near.length > 0 ? `; sections starting with '${head}': ${[...new Set(near)].join(', ')}` : '';
  return { ok: false, sec, error: `unknown section '${sec}': libbpf has no SEC() definition matching it${hint}` };
}

/** Type guard for the error case. */
export function isSectionError(r: SectionResult): r is SectionError {
  return !r.ok;
}

/** Prefix under which the kernel's BTF names an attach target (btf_get_kernel_prefix_kind). */
export function btfAttachTargetName(info: SectionInfo): { name: string; kind: 'typedef' | 'func' } | null {
  if (info.attachTo === undefined || !info.attachBtf) return null;
  switch (info.expectedAttachTypeName) {
    case 'BPF_TRACE_RAW_TP':
      return { name: `btf_trace_${info.attachTo}`, kind: 'typedef' };
    case 'BPF_LSM_MAC':
    case 'BPF_LSM_CGROUP':
      return { name: `bpf_lsm_${info.attachTo}`, kind: 'func' };
    case 'BPF_TRACE_ITER':
      return { name: `bpf_iter_${info.attachTo}`, kind: 'func' };
    default:
      return { name: info.attachTo, kind: 'func' };
  }
}

/**
 * prog->sleepable: the section asks for BPF_F_SLEEPABLE (syscall, fentry.s/, lsm.s/, ...) or the
 * front end set it (a selftest's __flag(BPF_F_SLEEPABLE)).
 */
export function isSleepableProgram(prog: { section: string; sleepable: boolean }): boolean {
  if (prog.sleepable) return true;
  const sec = parseSection(prog.section);
  return sec.ok && sec.sleepable;
}
