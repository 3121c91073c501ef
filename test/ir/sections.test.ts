// libbpf SEC() names -> program type, attach type, attach target, flags.

import { describe, expect, it } from 'vitest';
import {
  BPF_ATTACH_TYPE,
  BPF_MAP_TYPE,
  BPF_PROG_FLAG,
  BPF_PROG_TYPE,
  SECTION_DEFS,
  btfAttachTargetName,
  isSectionError,
  parseSection,
  type SectionInfo,
} from '../../src/ir/sections.ts';
import { vmlinuxBtf } from '../kernel/helpers.ts';

function ok(sec: string): SectionInfo {
  const r = parseSection(sec);
  if (isSectionError(r)) throw new Error(r.error);
  return r;
}

const A = BPF_ATTACH_TYPE;
const P = BPF_PROG_TYPE;

type Row = [sec: string, progType: keyof typeof P, attach: number | undefined, attachTo: string | undefined, sleepable: boolean];

const ROWS: Row[] = [
  ['socket', 'socket_filter', undefined, undefined, false],
  ['tc', 'sched_cls', undefined, undefined, false],
  ['tc/ingress', 'sched_cls', A.BPF_TCX_INGRESS, undefined, false],
  ['tc/egress', 'sched_cls', A.BPF_TCX_EGRESS, undefined, false],
  ['tcx/ingress', 'sched_cls', A.BPF_TCX_INGRESS, undefined, false],
  ['classifier', 'sched_cls', undefined, undefined, false],
  ['action', 'sched_act', undefined, undefined, false],
  ['xdp', 'xdp', A.BPF_XDP, undefined, false],
  ['xdp/devmap', 'xdp', A.BPF_XDP_DEVMAP, undefined, false],
  ['syscall', 'syscall', undefined, undefined, true],
  ['raw_tp/sched_switch', 'raw_tracepoint', undefined, 'sched_switch', false],
  ['raw_tracepoint/sys_enter', 'raw_tracepoint', undefined, 'sys_enter', false],
  ['raw_tp', 'raw_tracepoint', undefined, undefined, false],
  ['raw_tp.w/foo', 'raw_tracepoint_writable', undefined, 'foo', false],
  ['tp_btf/sched_switch', 'tracing', A.BPF_TRACE_RAW_TP, 'sched_switch', false],
  ['tracepoint/sched/sched_switch', 'tracepoint', undefined, 'sched/sched_switch', false],
  ['tp/syscalls/sys_enter_openat', 'tracepoint', undefined, 'syscalls/sys_enter_openat', false],
  ['kprobe/do_unlinkat', 'kprobe', undefined, 'do_unlinkat', false],
  ['kretprobe/do_unlinkat', 'kprobe', undefined, 'do_unlinkat', false],
  ['kprobe.multi/bpf_fentry_test*', 'kprobe', A.BPF_TRACE_KPROBE_MULTI, 'bpf_fentry_test*', false],
  ['uprobe.s//bin/sh:main', 'kprobe', undefined, '/bin/sh:main', true],
  ['fentry/do_unlinkat', 'tracing', A.BPF_TRACE_FENTRY, 'do_unlinkat', false],
  ['fexit/do_unlinkat', 'tracing', A.BPF_TRACE_FEXIT, 'do_unlinkat', false],
  ['fmod_ret/bpf_modify_return_test', 'tracing', A.BPF_MODIFY_RETURN, 'bpf_modify_return_test', false],
  ['fentry.s/do_unlinkat', 'tracing', A.BPF_TRACE_FENTRY, 'do_unlinkat', true],
  ['fexit.s/do_unlinkat', 'tracing', A.BPF_TRACE_FEXIT, 'do_unlinkat', true],
  ['lsm/file_open', 'lsm', A.BPF_LSM_MAC, 'file_open', false],
  ['lsm.s/file_open', 'lsm', A.BPF_LSM_MAC, 'file_open', true],
  ['lsm_cgroup/socket_bind', 'lsm', A.BPF_LSM_CGROUP, 'socket_bind', false],
  ['struct_ops/dctcp_init', 'struct_ops', undefined, 'dctcp_init', false],
  ['struct_ops.s/test_1', 'struct_ops', undefined, 'test_1', true],
  ['struct_ops', 'struct_ops', undefined, undefined, false],
  ['iter/task', 'tracing', A.BPF_TRACE_ITER, 'task', false],
  ['iter.s/task_file', 'tracing', A.BPF_TRACE_ITER, 'task_file', true],
  ['cgroup_skb/ingress', 'cgroup_skb', A.BPF_CGROUP_INET_INGRESS, undefined, false],
  ['cgroup_skb/egress', 'cgroup_skb', A.BPF_CGROUP_INET_EGRESS, undefined, false],
  ['cgroup/connect4', 'cgroup_sock_addr', A.BPF_CGROUP_INET4_CONNECT, undefined, false],
  ['perf_event', 'perf_event', undefined, undefined, false],
  ['sk_reuseport/migrate', 'sk_reuseport', A.BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, undefined, false],
  ['sk_reuseport', 'sk_reuseport', A.BPF_SK_REUSEPORT_SELECT, undefined, false],
  ['freplace/handler', 'ext', undefined, 'handler', false],
  ['netfilter', 'netfilter', A.BPF_NETFILTER, undefined, false],
];

describe('parseSection', () => {
  it.each(ROWS)('%s', (sec, progType, attach, attachTo, sleepable) => {
    const r = ok(sec);
    expect(r.sec).toBe(sec);
    expect(r.progType).toBe(progType);
    expect(r.progTypeId).toBe(P[progType]);
    expect(r.expectedAttachType).toBe(attach);
    expect(r.attachTo).toBe(attachTo);
    expect(r.sleepable).toBe(sleepable);
    expect(r.autoload).toBe(true);
    expect((r.progFlags & BPF_PROG_FLAG.BPF_F_SLEEPABLE) !== 0).toBe(sleepable);
  });

  it("a leading '?' only turns autoload off", () => {
    const r = ok('?fentry.s/do_unlinkat');
    expect(r.autoload).toBe(false);
    expect(r.sec).toBe('?fentry.s/do_unlinkat');
    expect(r.progType).toBe('tracing');
    expect(r.attachTo).toBe('do_unlinkat');
    expect(r.sleepable).toBe(true);
    expect(ok('?xdp').autoload).toBe(false);
  });

  it('marks BTF-attached sections and names their kernel BTF targets like libbpf', () => {
    expect(ok('fentry/do_unlinkat').attachBtf).toBe(true);
    expect(ok('kprobe/do_unlinkat').attachBtf).toBe(false);
    expect(btfAttachTargetName(ok('tp_btf/sched_switch'))).toEqual({ name: 'btf_trace_sched_switch', kind: 'typedef' });
    expect(btfAttachTargetName(ok('lsm.s/file_open'))).toEqual({ name: 'bpf_lsm_file_open', kind: 'func' });
    expect(btfAttachTargetName(ok('iter/task'))).toEqual({ name: 'bpf_iter_task', kind: 'func' });
    expect(btfAttachTargetName(ok('fexit/do_unlinkat'))).toEqual({ name: 'do_unlinkat', kind: 'func' });
    expect(btfAttachTargetName(ok('fentry'))).toBeNull();
    expect(btfAttachTargetName(ok('kprobe/x'))).toBeNull();
  });

  it('xdp.frags sets BPF_F_XDP_HAS_FRAGS', () => {
    const r = ok('xdp.frags');
    expect(r.expectedAttachType).toBe(A.BPF_XDP);
    expect(r.progFlags).toBe(BPF_PROG_FLAG.BPF_F_XDP_HAS_FRAGS);
    expect(ok('xdp.frags/cpumap').expectedAttachType).toBe(A.BPF_XDP_CPUMAP);
  });

  it("'+' entries need the exact name or a '/' right after it", () => {
    expect(ok('kprobe').attachTo).toBeUndefined();
    expect(isSectionError(parseSection('kprobex/foo'))).toBe(true);
    expect(isSectionError(parseSection('fentryfoo'))).toBe(true);
    // 'tp_btf' is not 'tp' + something: it has its own entry.
    expect(ok('tp_btf/x').progType).toBe('tracing');
    // Exact entries do not take extras.
    expect(isSectionError(parseSection('socket/foo'))).toBe(true);
    expect(isSectionError(parseSection('xdp/foo'))).toBe(true);
  });

  it('gives clear errors', () => {
    const r = parseSection('bogus/thing');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toBe("unknown section 'bogus/thing': libbpf has no SEC() definition matching it");
    const near = parseSection('cgroup/nope');
    if (near.ok) throw new Error('expected an error');
    expect(near.error).toContain("sections starting with 'cgroup'");
    expect(near.error).toContain('cgroup/connect4');
    const empty = parseSection('fentry/');
    if (empty.ok) throw new Error('expected an error');
    expect(empty.error).toContain('empty attach target');
    expect(parseSection('')).toEqual({ ok: false, sec: '', error: 'empty section name' });
  });

  it('every table entry resolves to itself (first match wins, no entry shadowed)', () => {
    for (const d of SECTION_DEFS) {
      const name = d.pattern.replace(/\+$/, '');
      expect(ok(name).pattern).toBe(d.pattern);
    }
  });
});

const btf = vmlinuxBtf();

describe.skipIf(btf === null)('UAPI numbers match the running kernel BTF', () => {
  const enumOf = (name: string): Map<string, number> => {
    const e = btf?.enums.get(name);
    if (e === undefined) throw new Error(`enum ${name} not in vmlinux BTF`);
    return e;
  };

  it('enum bpf_prog_type', () => {
    const e = enumOf('bpf_prog_type');
    for (const [name, v] of Object.entries(BPF_PROG_TYPE)) expect(e.get(`BPF_PROG_TYPE_${name.toUpperCase()}`)).toBe(v);
  });

  it('enum bpf_attach_type', () => {
    const e = enumOf('bpf_attach_type');
    for (const [name, v] of Object.entries(BPF_ATTACH_TYPE)) expect(e.get(name)).toBe(v);
  });

  it('enum bpf_map_type', () => {
    const e = enumOf('bpf_map_type');
    for (const [name, v] of Object.entries(BPF_MAP_TYPE)) expect(e.get(`BPF_MAP_TYPE_${name.toUpperCase()}`)).toBe(v);
  });
});
