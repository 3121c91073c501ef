// The typed accessor over the committed generated catalog (kernel-independent facts only).

import { describe, expect, it } from 'vitest';
import {
  kernelHasTracepoint,
  kernelHelperId,
  kernelHelperName,
  kernelHelperNames,
  kernelKfunc,
  kernelKfuncNames,
  kernelRelease,
  kernelTracepoint,
  kernelTracepointCount,
  kernelTracepointNames,
  kernelType,
  kernelTypes,
} from '../../src/catalog/kernel-types.ts';
import { formatJson } from '../../scripts/gen-kernel-catalog.ts';
import type { CType, TypeTable } from '../../src/btf/types.ts';

const TASK_PTR: CType = { kind: 'ptr', to: { kind: 'ref', tag: 'struct', name: 'task_struct' } };

/** Every ref reachable by value from a definition must resolve in the table. */
function unresolvedByValue(table: TypeTable): string[] {
  const out: string[] = [];
  const walk = (t: CType, where: string): void => {
    if (t.kind === 'ref' && !table.has(`${t.tag} ${t.name}`)) out.push(`${where}: ${t.tag} ${t.name}`);
    if (t.kind === 'array') walk(t.elem, where);
  };
  for (const [key, def] of table) {
    if (def.kind !== 'enum') for (const m of def.members) walk(m.type, `${key}.${m.name}`);
  }
  return out;
}

describe('kernel catalog accessor', () => {
  it('names the kernel release', () => {
    expect(kernelRelease()).toMatch(/^\d+\.\d+/);
  });

  it('struct task_struct with an int pid', () => {
    const types = kernelTypes();
    const task = types.get('struct task_struct');
    expect(task?.kind).toBe('struct');
    if (task?.kind !== 'struct') return;
    const pid = task.members.find((m) => m.name === 'pid');
    expect(pid?.type).toEqual({ kind: 'int', name: 'int', size: 4, signed: true });
    expect(kernelType('struct task_struct')).toBe(task);
  });

  it('contains the roots and is closed under by-value embedding', () => {
    const types = kernelTypes();
    for (const k of ['struct bpf_iter_num', 'struct bpf_dynptr', 'struct bpf_list_head', 'struct bpf_rb_node', 'struct __sk_buff', 'struct cgroup', 'struct callback_head']) {
      expect(types.has(k), k).toBe(true);
    }
    expect(unresolvedByValue(types)).toEqual([]);
  });

  it('kernelTypes() returns a fresh map each call', () => {
    const a = kernelTypes();
    a.set('struct mine', { kind: 'struct', name: 'mine', size: 0, members: [] });
    expect(kernelTypes().has('struct mine')).toBe(false);
  });

  it('enum values are bigints', () => {
    const e = [...kernelTypes().values()].find((d) => d.kind === 'enum');
    expect(e).toBeDefined();
    if (e?.kind === 'enum') expect(typeof e.values[0]?.value).toBe('bigint');
  });

  it('kfuncs', () => {
    const acq = kernelKfunc('bpf_task_acquire');
    expect(acq?.name).toBe('bpf_task_acquire');
    expect(acq?.btfId).toBeGreaterThan(0);
    expect(acq?.proto).toEqual({ ret: TASK_PTR, params: [{ name: 'p', type: TASK_PTR }] });
    expect(kernelKfunc('bpf_get_mem_cgroup')).toBeUndefined();
    expect(kernelKfunc('toString')).toBeUndefined();
    expect(kernelKfunc('__proto__')).toBeUndefined();
    const names = kernelKfuncNames();
    expect(names).toContain('bpf_iter_num_new');
    expect(names).toEqual([...names].sort());
  });

  it('helpers', () => {
    expect(kernelHelperId('bpf_map_lookup_elem')).toBe(1);
    expect(kernelHelperId('bpf_map_update_elem')).toBe(2);
    expect(kernelHelperId('bpf_map_delete_elem')).toBe(3);
    expect(kernelHelperName(1)).toBe('bpf_map_lookup_elem');
    expect(kernelHelperId('bpf_task_acquire')).toBeUndefined();
    expect(kernelHelperId('hasOwnProperty')).toBeUndefined();
    expect(kernelHelperNames().length).toBeGreaterThan(200);
  });

  it('tracepoints', () => {
    const sw = kernelTracepoint('sched_switch');
    expect(sw?.btfId).toBeGreaterThan(0);
    expect(sw?.args.map((a) => a.name)).toEqual(['preempt', 'prev', 'next', 'prev_state']);
    expect(sw?.args[1]?.type).toEqual(TASK_PTR);
    expect(kernelTracepoint('nope')).toBeUndefined();
    expect(kernelHasTracepoint('sched_switch')).toBe(true);
    expect(kernelHasTracepoint('nope')).toBe(false);
    expect(kernelTracepointCount()).toBe(kernelTracepointNames().length);
    expect(kernelTracepointCount()).toBeGreaterThan(500);
  });
});

describe('formatJson', () => {
  it('is deterministic, prints bigints as strings and short values inline', () => {
    const v = { a: [1, 2], b: { c: 10n, d: 'x'.repeat(120) }, e: undefined };
    const s = formatJson(v);
    expect(s).toBe(formatJson(v));
    expect(JSON.parse(s)).toEqual({ a: [1, 2], b: { c: '10', d: 'x'.repeat(120) } });
    expect(s).toContain('"a": [1,2]');
    expect(s.endsWith('\n')).toBe(true);
  });
});
