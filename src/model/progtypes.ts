// What each program type exposes: context fields (the is_valid_access callbacks of
// net/core/filter.c, kernel/bpf/syscall.c, kernel/trace/bpf_trace.c) and the range its
// return value must lie in (check_return_code).
import type { BaseType } from './state/reg.ts';
import { PTR_MAYBE_NULL } from './state/reg.ts';
import type { ProgTypeName, SectionInfo } from '../ir/sections.ts';
import { ModelLimit } from './errors.ts';
import { tpBtfCtxAccess } from './btf-ptr/tracing-ctx.ts';

export interface CtxAccessInfo {
  ok: boolean;
  /** Type loaded into the register for pointer fields; scalar otherwise. */
  regType?: BaseType;
  regFlags?: number;
  /** BTF type of a loaded btf_id pointer ('struct task_struct'). */
  btf?: string;
  /** Lines the access check logs (bpf_log in btf_ctx_access), newline included, in order. */
  log?: string[];
  /** Rule behind a refusal when it is more specific than core.ctx.invalid-access. */
  ruleId?: string;
}

const SKB = {
  len: 0, pkt_type: 4, mark: 8, queue_mapping: 12, protocol: 16, vlan_present: 20, vlan_tci: 24, vlan_proto: 28, priority: 32,
  ingress_ifindex: 36, ifindex: 40, tc_index: 44, cb0: 48, cb4end: 68, hash: 68, tc_classid: 72, data: 76, data_end: 80, napi_id: 84,
  family: 88, remote_ip4: 92, local_ip4: 96, remote_ip6: 100, local_ip6: 116, remote_port: 132, local_port: 136, local_port_end: 140,
  data_meta: 140, flow_keys: 144, tstamp: 152, wire_len: 160, gso_segs: 164, sk: 168, gso_size: 176, tstamp_type: 180, hwtstamp: 184, size: 192,
};
const inRange = (off: number, start: number, endExcl: number): boolean => off >= start && off < endExcl;

/** bpf_skb_is_valid_access(): the checks common to every __sk_buff program type. */
function skbValid(off: number, size: number, write: boolean): CtxAccessInfo {
  if (off < 0 || off >= SKB.size) return { ok: false };
  if (off % size !== 0) return { ok: false };
  if (inRange(off, SKB.cb0, SKB.cb4end)) {
    if (off + size > SKB.cb4end) return { ok: false };
    return { ok: true };
  }
  if (inRange(off, SKB.remote_ip6, SKB.local_port) || inRange(off, SKB.remote_ip4, SKB.remote_ip6) || [SKB.data, SKB.data_meta, SKB.data_end].some((f) => inRange(off, f, f + 4))) {
    return { ok: size === 4 };
  }
  if (inRange(off, SKB.flow_keys, SKB.flow_keys + 8)) return { ok: false };
  if (inRange(off, SKB.hwtstamp, SKB.hwtstamp + 8)) return { ok: !write && size === 8 };
  if (inRange(off, SKB.tstamp, SKB.tstamp + 8)) return { ok: size === 8 };
  if (off === SKB.sk) return write || size !== 8 ? { ok: false } : { ok: true, regType: 'sock_common', regFlags: PTR_MAYBE_NULL };
  if (inRange(off, SKB.sk, SKB.sk + 8)) return { ok: false };
  if (off === SKB.tstamp_type) return { ok: false };
  if (inRange(off, SKB.tstamp_type + 1, SKB.hwtstamp)) return { ok: false };
  if (write) return { ok: size === 4 };
  // narrow reads of a 4-byte field must stay within it
  return { ok: size <= 4 && Math.floor(off / 4) === Math.floor((off + size - 1) / 4) };
}

function socketFilterAccess(off: number, size: number, write: boolean): CtxAccessInfo {
  const denied = inRange(off, SKB.tc_classid, SKB.tc_classid + 4) || [SKB.data, SKB.data_meta, SKB.data_end].some((f) => inRange(off, f, f + 4)) ||
    inRange(off, SKB.family, SKB.local_port_end) || inRange(off, SKB.tstamp, SKB.tstamp + 8) || inRange(off, SKB.wire_len, SKB.wire_len + 4) ||
    inRange(off, SKB.hwtstamp, SKB.hwtstamp + 8);
  if (denied) return { ok: false };
  if (write && !inRange(off, SKB.cb0, SKB.cb4end)) return { ok: false };
  return skbValid(off, size, write);
}

function tcAccess(off: number, size: number, write: boolean): CtxAccessInfo {
  if (write) {
    const writable = [SKB.mark, SKB.tc_index, SKB.priority, SKB.tc_classid, SKB.queue_mapping].some((f) => inRange(off, f, f + 4)) ||
      inRange(off, SKB.cb0, SKB.cb4end) || inRange(off, SKB.tstamp, SKB.tstamp + 8);
    if (!writable) return { ok: false };
  }
  if (inRange(off, SKB.family, SKB.local_port_end)) return { ok: false };
  const base = skbValid(off, size, write);
  if (!base.ok) return base;
  if (inRange(off, SKB.data, SKB.data + 4)) return { ok: true, regType: 'pkt' };
  if (inRange(off, SKB.data_meta, SKB.data_meta + 4)) return { ok: true, regType: 'pkt_meta' };
  if (inRange(off, SKB.data_end, SKB.data_end + 4)) return { ok: true, regType: 'pkt_end' };
  return base;
}

function xdpAccess(off: number, size: number, write: boolean): CtxAccessInfo {
  if (off === 20) return { ok: false }; // egress_ifindex outside devmap programs
  if (write) return { ok: false };
  if (off < 0 || off >= 24 || off % size !== 0 || size !== 4) return { ok: false };
  if (off === 0) return { ok: true, regType: 'pkt' };
  if (off === 8) return { ok: true, regType: 'pkt_meta' };
  if (off === 4) return { ok: true, regType: 'pkt_end' };
  return { ok: true };
}

export function ctxAccess(progType: ProgTypeName, off: number, size: number, write: boolean, section?: SectionInfo): CtxAccessInfo {
  switch (progType) {
    case 'socket_filter':
    case 'cgroup_skb':
      return socketFilterAccess(off, size, write);
    case 'sched_cls':
    case 'sched_act':
      return tcAccess(off, size, write);
    case 'xdp':
      return xdpAccess(off, size, write);
    case 'syscall':
      return { ok: off >= 0 && off < 0xffff && off % size === 0 };
    case 'raw_tracepoint':
      return { ok: !write && off >= 0 && off < 8 * 12 && off % size === 0 };
    case 'tracing':
      // tp_btf: BTF-typed tracepoint arguments; fentry/fexit/iter contexts are not modelled yet
      if (section?.expectedAttachTypeName === 'BPF_TRACE_RAW_TP') return tpBtfCtxAccess(section, off, size, write);
      throw new ModelLimit(`context access of tracing programs attached as ${section?.expectedAttachTypeName ?? 'unknown'} is not modelled yet`);
    default:
      // tracing (BTF-typed arguments), perf events, cgroup hooks, ...: a wrong "invalid access"
      // would be a false claim about the kernel, so say what is missing instead
      throw new ModelLimit(`context access of ${progType} programs is not modelled yet`);
  }
}

export interface RetRange {
  min: number;
  max: number;
  ctx: string;
}

/** check_return_code(): the range R0 must be in at the main program's exit, if any. */
export function returnRange(progType: ProgTypeName, attach: string | undefined): RetRange | null {
  switch (progType) {
    case 'cgroup_skb':
      // egress programs may also return 2 and 3 (congestion notification)
      if (attach === 'BPF_CGROUP_INET_EGRESS') return { min: 0, max: 3, ctx: 'At program exit' };
      return { min: 0, max: 1, ctx: 'At program exit' };
    case 'cgroup_sock_addr':
      if (attach !== undefined && /RECVMSG|GETPEERNAME|GETSOCKNAME/.test(attach)) return { min: 1, max: 1, ctx: 'At program exit' };
      if (attach === 'BPF_CGROUP_INET4_BIND' || attach === 'BPF_CGROUP_INET6_BIND') return { min: 0, max: 3, ctx: 'At program exit' };
      return { min: 0, max: 1, ctx: 'At program exit' };
    case 'cgroup_sock':
    case 'sock_ops':
    case 'cgroup_device':
    case 'cgroup_sysctl':
    case 'cgroup_sockopt':
    case 'sk_lookup':
    case 'netfilter':
      return { min: 0, max: 1, ctx: 'At program exit' };
    case 'tracing':
      if (attach === 'BPF_TRACE_FENTRY' || attach === 'BPF_TRACE_FEXIT') return { min: 0, max: 0, ctx: 'At program exit' };
      if (attach === 'BPF_TRACE_ITER') return { min: 0, max: 1, ctx: 'At program exit' };
      return null;
    default:
      return null;
  }
}
