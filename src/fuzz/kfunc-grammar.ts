// The kfunc part of the fuzz grammar: acquire a kernel object (KF_ACQUIRE | KF_RET_NULL), NULL
// check it or a copy of it, use it (copies, spills, re-acquire and release, cpumask updates), then
// release it (KF_RELEASE); RCU read-side sections around such regions. Programs are leak-free by
// construction unless the `invalid` feature plants a fault: a release before the NULL check, a
// double release, a leak, a wrong-type or offset argument, an unbalanced RCU section.
import type { GenState, KObj, Val } from './gen-state.ts';
import { cloneState, join } from './gen-state.ts';
import type { Rng } from './rng.ts';

export const KFUNC_FEATURES = ['kfuncs', 'rcu'] as const;

/** What the kfunc grammar needs from the generator. */
export interface KfuncHost {
  readonly rng: Rng;
  has(f: string): boolean;
  emit(line: string): void;
  label(): string;
  regsWhere(s: GenState, pred: (v: Val) => boolean): number[];
  clobber(s: GenState): void;
  statement(s: GenState): void;
  /** A new id, unique within the program (shared with map-lookup NULL-check ids). */
  freshId(): number;
}

const ACQUIRE: Record<KObj, { call: string; arg: (rng: Rng) => string | null }> = {
  task: { call: 'bpf_task_from_pid', arg: (rng) => `r1 = ${rng.pick([0, 1, 1, 2, -1])}` },
  cgroup: { call: 'bpf_cgroup_from_id', arg: (rng) => `r1 = ${rng.pick([1, 1, 2, 0])}` },
  cpumask: { call: 'bpf_cpumask_create', arg: () => null },
};
const REACQUIRE: Record<KObj, string> = { task: 'bpf_task_acquire', cgroup: 'bpf_cgroup_acquire', cpumask: 'bpf_cpumask_acquire' };
const RELEASE: Record<KObj, string> = { task: 'bpf_task_release', cgroup: 'bpf_cgroup_release', cpumask: 'bpf_cpumask_release' };
const CALLEE_SAVED = [6, 7, 8, 9];

/** Weighted statement choices this grammar offers at this point (none when its features are off). */
export function kfuncStatement(host: KfuncHost, s: GenState): [number, () => void][] {
  const out: [number, () => void][] = [];
  if (host.has('kfuncs')) {
    if (freeCalleeSaved(s).length) out.push([4, () => objectRegion(host, s)]);
    if (s.regs.some((v) => v.k === 'obj' && !v.maybeNull)) out.push([2, () => useObject(host, s)]);
    if (s.regs.some((v) => v.k === 'obj')) out.push([1, () => copyObject(host, s)]);
    if (freeCalleeSaved(s).length) out.push([1, () => currentTask(host, s)]);
  }
  if (host.has('rcu') && s.depth < 3) out.push([2, () => rcuRegion(host, s)]);
  if (host.has('invalid') && (host.has('kfuncs') || host.has('rcu'))) out.push([1, () => kfuncFault(host, s)]);
  return out;
}

/** A kfunc call: R0-R5 are clobbered (R0 then holds the result, if any). */
function callKfunc(host: KfuncHost, s: GenState, name: string): void {
  host.emit(`call ${name}`);
  host.clobber(s);
  s.regs[0] = { k: 'none' };
}

const freeCalleeSaved = (s: GenState): number[] => CALLEE_SAVED.filter((r) => !s.pinned.has(r) && !s.reserved.has(r));

function setAll(s: GenState, pred: (v: Val) => boolean, f: (v: Val) => Val): void {
  s.regs = s.regs.map((v) => (pred(v) ? f(v) : v));
  for (const [o, v] of s.stack) if (pred(v)) s.stack.set(o, f(v));
}

/**
 * acquire → if (obj == 0) skip → body → release; the NULL path drops the reference without a
 * release, the other path releases it, so after the region nothing is held.
 */
function objectRegion(host: KfuncHost, s: GenState): void {
  const rng = host.rng;
  const regs = freeCalleeSaved(s);
  if (!regs.length) return;
  const d = rng.pick(regs);
  const obj: KObj = rng.pick(['task', 'task', 'cgroup', 'cpumask']);
  const a = ACQUIRE[obj];
  const arg = a.arg(rng);
  if (arg) host.emit(arg);
  callKfunc(host, s, a.call);
  // one id serves as both the reference and the NULL-check id, as the kernel's acquire does
  const ref = host.freshId();
  const id = ref;
  host.emit(`r${d} = r0`);
  const v: Val = { k: 'obj', obj, ref, id, maybeNull: true };
  s.regs[0] = { ...v };
  s.regs[d] = { ...v };
  s.pinned.add(d);
  s.held.add(ref);
  // check the original or a copy: the check narrows every copy
  const copies = s.regs.map((x, i) => (x.k === 'obj' && x.ref === ref ? i : -1)).filter((i) => i >= 0);
  const checked = rng.pick(copies);
  const out = host.label();
  host.emit(`if r${checked} == 0 goto ${out}`);
  const inner = cloneState(s);
  setAll(inner, (x) => x.k === 'obj' && x.id === id, (x) => ({ ...x, maybeNull: false }));
  inner.depth++;
  const n = rng.int(0, 3);
  for (let i = 0; i < n; i++) host.statement(inner);
  releaseRef(host, inner, ref);
  inner.depth--;
  host.emit(`${out}:`);
  // both paths end without the reference; registers that held it are dead
  s.held.delete(ref);
  join(s, inner);
  setAll(s, (x) => x.k === 'obj' && x.ref === ref, () => ({ k: 'none' }));
  s.pinned.delete(d);
}

/** Release `ref` through any register still holding a non-NULL copy (or a fill of a spilled copy). */
function releaseRef(host: KfuncHost, s: GenState, ref: number): void {
  if (!s.held.has(ref)) return;
  const regs = s.regs.map((x, i) => (x.k === 'obj' && x.ref === ref && !x.maybeNull ? i : -1)).filter((i) => i >= 0);
  const slots = [...s.stack].filter(([, x]) => x.k === 'obj' && x.ref === ref && !x.maybeNull).map(([o]) => o);
  let obj: KObj | null = null;
  for (const x of s.regs) if (x.k === 'obj' && x.ref === ref) obj = x.obj;
  for (const [, x] of s.stack) if (x.k === 'obj' && x.ref === ref) obj = x.obj;
  if (obj === null) return;
  if (regs.length && (!slots.length || host.rng.chance(0.7))) host.emit(`r1 = r${host.rng.pick(regs)}`);
  else if (slots.length) host.emit(`r1 = *(u64 *)(r10 - ${-host.rng.pick(slots)})`);
  else return;
  callKfunc(host, s, RELEASE[obj]);
  s.held.delete(ref);
  setAll(s, (x) => x.k === 'obj' && x.ref === ref, () => ({ k: 'none' }));
  s.regs[0] = { k: 'none' };
}

/** Use a non-NULL object: re-acquire and release it, or update a cpumask. */
function useObject(host: KfuncHost, s: GenState): void {
  const rng = host.rng;
  const regs = s.regs.map((x, i) => (x.k === 'obj' && !x.maybeNull ? i : -1)).filter((i) => i >= 0);
  if (!regs.length) return;
  const r = rng.pick(regs);
  const v = s.regs[r];
  if (v?.k !== 'obj') return;
  if (v.obj === 'cpumask' && rng.chance(0.5)) {
    host.emit(`r1 = ${rng.int(0, 3)}`);
    host.emit(`r2 = r${r}`);
    callKfunc(host, s, rng.pick(['bpf_cpumask_set_cpu', 'bpf_cpumask_clear_cpu']));
    return;
  }
  // a second reference to the same object: KF_ACQUIRE | KF_RET_NULL again
  host.emit(`r1 = r${r}`);
  callKfunc(host, s, REACQUIRE[v.obj]);
  const out = host.label();
  host.emit(`if r0 == 0 goto ${out}`);
  host.emit('r1 = r0');
  host.emit(`call ${RELEASE[v.obj]}`);
  host.emit(`${out}:`);
  host.clobber(s);
  s.regs[0] = { k: 'none' };
}

/** Copies through registers and the stack share the reference and the NULL-check id. */
function copyObject(host: KfuncHost, s: GenState): void {
  const rng = host.rng;
  const regs = s.regs.map((x, i) => (x.k === 'obj' ? i : -1)).filter((i) => i >= 0);
  if (!regs.length) return;
  const r = rng.pick(regs);
  const v = s.regs[r] ?? { k: 'none' };
  if (rng.chance(0.5)) {
    const off = -8 * rng.int(1, 8);
    host.emit(`*(u64 *)(r10 - ${-off}) = r${r}`);
    s.stack.set(off, { ...v });
  } else {
    const d = rng.pick([1, 2, 3, 4, 5]);
    host.emit(`r${d} = r${r}`);
    s.regs[d] = { ...v };
  }
}

/** bpf_get_current_task_btf() is trusted but not referenced: bpf_task_acquire turns it into a reference. */
function currentTask(host: KfuncHost, s: GenState): void {
  const regs = freeCalleeSaved(s);
  if (!regs.length) return;
  callKfunc(host, s, 'bpf_get_current_task_btf');
  s.regs[0] = { k: 'trusted_task' };
  if (host.rng.chance(0.5)) {
    host.emit('r1 = r0');
    callKfunc(host, s, 'bpf_task_acquire');
    const d = host.rng.pick(regs);
    host.emit(`r${d} = r0`);
    const out = host.label();
    host.emit(`if r${d} == 0 goto ${out}`);
    host.emit(`r1 = r${d}`);
    host.emit('call bpf_task_release');
    host.emit(`${out}:`);
    host.clobber(s);
    s.regs[d] = { k: 'none' };
  }
  s.regs[0] = { k: 'none' };
}

/** bpf_rcu_read_lock(); body; bpf_rcu_read_unlock() — not nested (Linux 6.18 rejects nesting). */
function rcuRegion(host: KfuncHost, s: GenState): void {
  if (s.rcu > 0) return;
  callKfunc(host, s, 'bpf_rcu_read_lock');
  s.rcu++;
  s.depth++;
  const n = host.rng.int(0, 3);
  for (let i = 0; i < n; i++) host.statement(s);
  s.depth--;
  callKfunc(host, s, 'bpf_rcu_read_unlock');
  s.rcu--;
}

/** Releases and unlocks what the path still holds, before an exit. */
export function kfuncBeforeExit(host: KfuncHost, s: GenState): void {
  for (const ref of [...s.held]) {
    const maybe = s.regs.find((x) => x.k === 'obj' && x.ref === ref);
    if (maybe?.k === 'obj' && maybe.maybeNull) {
      const r = s.regs.indexOf(maybe);
      const out = host.label();
      host.emit(`if r${r} == 0 goto ${out}`);
      host.emit(`r1 = r${r}`);
      host.emit(`call ${RELEASE[maybe.obj]}`);
      host.emit(`${out}:`);
      host.clobber(s);
      s.regs[0] = { k: 'none' };
      s.held.delete(ref);
      setAll(s, (x) => x.k === 'obj' && x.ref === ref, () => ({ k: 'none' }));
    } else releaseRef(host, s, ref);
  }
  for (; s.rcu > 0; s.rcu--) {
    callKfunc(host, s, 'bpf_rcu_read_unlock');
  }
}

/** One planted fault from the kfunc/RCU vocabulary. */
function kfuncFault(host: KfuncHost, s: GenState): void {
  const rng = host.rng;
  const objs = s.regs.map((x, i) => (x.k === 'obj' ? i : -1)).filter((i) => i >= 0);
  const faults: (() => void)[] = [
    () => {
      // release (or re-acquire) a pointer that may still be NULL
      const r = objs.find((i) => s.regs[i]?.k === 'obj' && (s.regs[i] as { maybeNull: boolean }).maybeNull);
      const v = r !== undefined ? s.regs[r] : undefined;
      if (v?.k !== 'obj' || r === undefined) return;
      host.emit(`r1 = r${r}`);
      callKfunc(host, s, rng.chance(0.5) ? RELEASE[v.obj] : REACQUIRE[v.obj]);
    },
    () => {
      // the wrong kind of object, or an offset pointer
      const r = objs.length ? rng.pick(objs) : undefined;
      const v = r !== undefined ? s.regs[r] : undefined;
      if (v?.k !== 'obj' || r === undefined || v.maybeNull) return;
      host.emit(`r1 = r${r}`);
      if (rng.chance(0.5)) host.emit(`r1 += ${rng.pick([8, 16])}`);
      const other = rng.pick((['task', 'cgroup', 'cpumask'] as KObj[]).filter((o) => o !== v.obj || rng.chance(0.3)));
      callKfunc(host, s, RELEASE[other]);
    },
    () => {
      // a scalar where a kernel object is expected
      host.emit(`r1 = ${rng.pick([0, 1, 4096])}`);
      callKfunc(host, s, rng.pick(Object.values(RELEASE)));
    },
    () => {
      // acquire and forget
      const a = ACQUIRE[rng.pick(['task', 'cgroup', 'cpumask'] as KObj[])];
      const arg = a.arg(rng);
      if (arg) host.emit(arg);
      callKfunc(host, s, a.call);
    },
    () => {
      callKfunc(host, s, rng.pick(['bpf_rcu_read_lock', 'bpf_rcu_read_unlock']));
    },
  ];
  rng.pick(faults)();
}
