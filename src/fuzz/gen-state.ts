// What the fuzz generator believes about a program point: what each register and stack slot
// holds, which references are held, how deep the RCU nesting is. It is only a guide for picking
// mostly-valid statements (the verifier decides validity), so joins simply forget disagreements.

/** The kernel objects the kfunc grammar acquires and releases. */
export type KObj = 'task' | 'cgroup' | 'cpumask';

/**
 * A register or stack slot's content. `id` groups copies of one maybe-NULL pointer (map lookups,
 * KF_RET_NULL results); `ref` names the reference an object pointer carries.
 */
export type Val =
  | { k: 'none' }
  | { k: 'scalar' }
  | { k: 'ctx' }
  | { k: 'fp'; off: number }
  | { k: 'map_or_null'; id: number }
  | { k: 'map_value' }
  | { k: 'const_map' }
  | { k: 'obj'; obj: KObj; ref: number; id: number; maybeNull: boolean }
  | { k: 'trusted_task' };

export interface GenState {
  regs: Val[];
  /** 8-byte stack slots by offset (-8, -16, ...). */
  stack: Map<number, Val>;
  /** Registers a loop keeps its counter in: neither read nor written by other statements. */
  reserved: Set<number>;
  /** Registers holding a reference: read by any statement, overwritten only by the kfunc grammar. */
  pinned: Set<number>;
  /** References held on this path (generator ref numbers). */
  held: Set<number>;
  /** bpf_rcu_read_lock nesting. */
  rcu: number;
  /** Stack offsets of the live open-coded iterators, outermost first. */
  iters: number[];
  depth: number;
  /** The path ended in an exit: it does not reach the join after its block. */
  dead: boolean;
}

export function newState(): GenState {
  const regs = Array.from({ length: 11 }, (): Val => ({ k: 'none' }));
  regs[1] = { k: 'ctx' };
  regs[10] = { k: 'fp', off: 0 };
  return { regs, stack: new Map(), reserved: new Set(), pinned: new Set(), held: new Set(), rcu: 0, iters: [], depth: 0, dead: false };
}

export function cloneState(s: GenState): GenState {
  return {
    regs: s.regs.map((v) => ({ ...v })), stack: new Map([...s.stack].map(([k, v]) => [k, { ...v }])), reserved: new Set(s.reserved),
    pinned: new Set(s.pinned), held: new Set(s.held), rcu: s.rcu, iters: s.iters.slice(), depth: s.depth, dead: false,
  };
}

/** After a join the generator only trusts what both paths agree on. */
export function join(into: GenState, other: GenState): void {
  if (other.dead) return;
  const same = (a: Val, b: Val): boolean => JSON.stringify(a) === JSON.stringify(b);
  into.regs = into.regs.map((v, i) => (same(v, other.regs[i] ?? { k: 'none' }) ? v : { k: 'none' }));
  for (const [o, v] of [...into.stack]) {
    const w = other.stack.get(o);
    if (!w || !same(v, w)) into.stack.delete(o);
  }
  into.held = new Set([...into.held].filter((r) => other.held.has(r)));
}

/** An offset as the assembler writes it: `+ 8`, `- 16`. */
export const sgn = (n: number): string => (n < 0 ? `- ${-n}` : `+ ${n}`);
