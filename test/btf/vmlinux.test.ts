// Facts about the running kernel's BTF. Skipped (with the reason in the test name) when the
// kernel exposes no /sys/kernel/btf/vmlinux.

import { describe, expect, it } from 'vitest';
import { btfToAggregate, btfFuncSignature, btfToCType } from '../../src/btf/btf-to-ctype.ts';
import {
  clearVmlinuxBtfCache,
  findKfuncId,
  findTypeId,
  hasKfuncTags,
  loadVmlinuxBtf,
  vmlinuxBtf,
  vmlinuxBtfReason,
} from '../../src/btf/vmlinux.ts';
import { collectHelpers, collectKfuncs, collectTracepoints, collectTypes, formatJson } from '../../scripts/gen-kernel-catalog.ts';
import { createCTypeConverter } from '../../src/btf/btf-to-ctype.ts';

const loaded = loadVmlinuxBtf();
const btf = loaded.btf;
const skip = btf === null;
const title = (s: string): string => (skip ? `${s} (skipped: ${loaded.reason})` : s);

describe('vmlinux BTF loader', () => {
  it('reports a reason for a missing file, and caches', () => {
    const missing = '/nonexistent/btf/vmlinux';
    expect(vmlinuxBtf(missing)).toBeNull();
    expect(vmlinuxBtfReason(missing)).toMatch(/cannot use \/nonexistent\/btf\/vmlinux: .*no BTF/);
    expect(loadVmlinuxBtf(missing)).toBe(loadVmlinuxBtf(missing));
    expect(findKfuncId('bpf_task_acquire', null)).toBeUndefined();
    expect(findTypeId('struct', 'task_struct', null)).toBeUndefined();
  });

  it('reports a parse failure as a reason', () => {
    // /proc/self/cmdline exists and is not BTF.
    expect(vmlinuxBtf('/proc/self/cmdline')).toBeNull();
    expect(vmlinuxBtfReason('/proc/self/cmdline')).toMatch(/BTF/);
    clearVmlinuxBtfCache('/proc/self/cmdline');
    clearVmlinuxBtfCache('/nonexistent/btf/vmlinux');
  });
});

describe.skipIf(skip)(title('the running kernel BTF'), () => {
  if (!btf) return;

  it('is a base BTF of many types, parsed once', () => {
    expect(btf.header.magic).toBe(0xeb9f);
    expect(btf.typeCount).toBeGreaterThan(10000);
    expect(vmlinuxBtf()).toBe(btf);
  });

  it('struct task_struct has an int pid', () => {
    const id = findTypeId('struct', 'task_struct');
    expect(id).toBeGreaterThan(0);
    const def = btfToAggregate(btf, id as number);
    expect(def.size).toBeGreaterThan(1000);
    const pid = def.members.find((m) => m.name === 'pid');
    expect(pid?.type).toEqual({ kind: 'int', name: 'int', size: 4, signed: true });
    expect(pid?.offset).toBeGreaterThan(0);
    expect(pid?.bitSize).toBeUndefined();
  });

  it('bpf_task_acquire is a kfunc taking and returning struct task_struct *', () => {
    expect(hasKfuncTags(btf)).toBe(true);
    const id = findKfuncId('bpf_task_acquire');
    expect(id).toBeDefined();
    const task = { kind: 'ptr', to: { kind: 'ref', tag: 'struct', name: 'task_struct' } };
    expect(btfFuncSignature(btf, id as number)).toEqual({ ret: task, params: [{ name: 'p', type: task }] });
  });

  it('kfunc parameter names keep their verifier suffixes', () => {
    const id = findKfuncId('bpf_dynptr_slice');
    expect(id).toBeDefined();
    const names = btfFuncSignature(btf, id as number).params.map((p) => p.name);
    expect(names).toContain('buffer__opt');
    expect(names).toContain('buffer__szk');
  });

  it('bpf_get_mem_cgroup does not exist on this kernel', () => {
    expect(findKfuncId('bpf_get_mem_cgroup')).toBeUndefined();
  });

  it('non-kfunc functions are not found as kfuncs', () => {
    expect(findTypeId('func', 'schedule')).toBeDefined();
    expect(findKfuncId('schedule')).toBeUndefined();
  });

  it('helper ids come from enum bpf_func_id', () => {
    const helpers = collectHelpers(btf);
    expect(helpers.get('bpf_map_lookup_elem')).toEqual({ id: 1 });
    expect(helpers.get('bpf_map_update_elem')).toEqual({ id: 2 });
    expect(helpers.has('bpf_unspec')).toBe(false);
    expect(helpers.size).toBeGreaterThan(200);
  });

  it('decl tags: at least the bpf_kfunc tags collected', () => {
    const conv = createCTypeConverter(btf);
    const kfuncs = collectKfuncs(btf, conv);
    expect(kfuncs.size).toBeGreaterThan(100);
    expect(kfuncs.get('bpf_rcu_read_lock')?.proto).toEqual({ ret: { kind: 'void' }, params: [] });
  });

  it('tp_btf: btf_trace_sched_switch with named args', () => {
    const conv = createCTypeConverter(btf);
    const tps = collectTracepoints(btf, conv, ['sched_switch', 'no_such_tracepoint']);
    expect(tps.names.length).toBeGreaterThan(500);
    expect(tps.missing).toEqual(['no_such_tracepoint']);
    const sw = tps.entries.get('sched_switch');
    expect(sw?.btfId).toBe(findTypeId('typedef', 'btf_trace_sched_switch'));
    expect(sw?.args.map((a) => a.name)).toEqual(['preempt', 'prev', 'next', 'prev_state']);
  });

  it('a by-value closure of struct path pulls in nothing beyond it', () => {
    const conv = createCTypeConverter(btf);
    const cat = collectTypes(btf, conv, ['path', 'no_such_struct']);
    expect(cat.missing).toEqual(['no_such_struct']);
    expect([...cat.types.keys()]).toEqual(['struct path']);
    expect(cat.types.get('struct path')).toMatchObject({
      size: 16,
      members: [
        { name: 'mnt', type: { kind: 'ptr', to: { kind: 'ref', tag: 'struct', name: 'vfsmount' } }, offset: 0 },
        { name: 'dentry', type: { kind: 'ptr', to: { kind: 'ref', tag: 'struct', name: 'dentry' } }, offset: 8 },
      ],
    });
    expect(formatJson(Object.fromEntries(cat.types))).toContain('"struct path"');
  });

  it('every struct and union converts', () => {
    const conv = createCTypeConverter(btf);
    let n = 0;
    for (const t of btf.ownTypes()) {
      if (t.kind === 'struct' || t.kind === 'union') {
        conv.aggregate(t.id);
        n++;
      } else if (t.kind === 'func') {
        conv.funcSignature(t.id);
      } else if (t.kind === 'ptr' || t.kind === 'typedef') {
        btfToCType(btf, t.id);
      }
    }
    expect(n).toBeGreaterThan(1000);
  });
});
