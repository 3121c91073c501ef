// The iterator part of the fuzz grammar (feature `iters`): open-coded bpf_iter_num loops —
// new, a loop of next + NULL check + body, destroy — nested up to three deep, with bodies from
// the rest of the grammar (which may read the element, count, branch, exit early). With
// `invalid` it plants the iterator faults: _next or _destroy on no iterator, a second _new,
// a missing _destroy, reads and writes of the iterator's slots, an unchecked element.
//
// Iterators live at fp-72, fp-80, fp-88 (one 8-byte slot each), below the slots the other
// statements use (fp-8 .. fp-64), so only planted faults touch them.
import type { GenState } from './gen-state.ts';
import { cloneState, join } from './gen-state.ts';
import type { Rng } from './rng.ts';

export const ITER_FEATURES = ['iters'] as const;

const ITER_BASE = -72;
const MAX_NESTING = 3;

/** What the iterator grammar needs from the generator. */
export interface IterHost {
  readonly rng: Rng;
  has(f: string): boolean;
  emit(line: string): void;
  label(): string;
  clobber(s: GenState): void;
  statement(s: GenState): void;
  dst(s: GenState): number;
}

const addr = (host: IterHost, off: number): void => {
  host.emit('r1 = r10');
  host.emit(`r1 += ${off}`);
};

function call(host: IterHost, s: GenState, name: string): void {
  host.emit(`call ${name}`);
  host.clobber(s);
  s.regs[0] = { k: 'none' };
}

/** Weighted statement choices of this grammar at this point. */
export function iterStatement(host: IterHost, s: GenState): [number, () => void][] {
  const out: [number, () => void][] = [];
  if (!host.has('iters')) return out;
  if (s.iters.length < MAX_NESTING && s.depth < 4) out.push([3, () => iterLoop(host, s)]);
  if (host.has('invalid')) out.push([1, () => iterFault(host, s)]);
  return out;
}

/** new; loop: next; if r0 == 0 goto done; body; goto loop; done: destroy. */
function iterLoop(host: IterHost, s: GenState): void {
  const rng = host.rng;
  const off = ITER_BASE - 8 * s.iters.length;
  addr(host, off);
  host.emit(`r2 = ${rng.pick([0, 0, 1, -1, 5])}`);
  host.emit(`r3 = ${rng.pick([0, 1, 3, 10, 100, -1])}`);
  call(host, s, 'bpf_iter_num_new');
  s.iters.push(off);
  const loop = host.label();
  const done = host.label();
  host.emit(`${loop}:`);
  addr(host, off);
  call(host, s, 'bpf_iter_num_next');
  host.emit(`if r0 == 0 goto ${done}`);
  const body = cloneState(s);
  body.depth++;
  if (rng.chance(0.5)) {
    // read the element: a 4-byte, read-only int
    const d = host.dst(body);
    host.emit(`r${d} = *(u32 *)(r0 + 0)`);
    body.regs[d] = { k: 'scalar' };
  }
  const n = rng.int(0, 3);
  for (let i = 0; i < n; i++) host.statement(body);
  if (!body.dead) host.emit(`goto ${loop}`);
  host.emit(`${done}:`);
  // the loop exits after zero or more passes through the body: keep what both agree on
  // (the body never overwrites pinned registers); _next clobbered R0-R5
  body.depth--;
  join(s, body);
  for (let r = 0; r <= 5; r++) s.regs[r] = { k: 'none' };
  addr(host, off);
  call(host, s, 'bpf_iter_num_destroy');
  s.iters.pop();
}

/** Destroys every live iterator, innermost first, before an exit. */
export function iterBeforeExit(host: IterHost, s: GenState): void {
  for (const off of [...s.iters].reverse()) {
    addr(host, off);
    call(host, s, 'bpf_iter_num_destroy');
  }
  s.iters = [];
}

/** One planted iterator fault. */
function iterFault(host: IterHost, s: GenState): void {
  const rng = host.rng;
  const live = s.iters.length ? rng.pick(s.iters) : null;
  const free = ITER_BASE - 8 * s.iters.length;
  const faults: (() => void)[] = [
    () => {
      // _next or _destroy where no iterator lives
      addr(host, free);
      call(host, s, rng.pick(['bpf_iter_num_next', 'bpf_iter_num_destroy']));
    },
    () => {
      // a second _new over a live iterator, or a _new that is never destroyed
      addr(host, live ?? free);
      host.emit('r2 = 0');
      host.emit('r3 = 4');
      call(host, s, 'bpf_iter_num_new');
    },
    () => {
      // read or overwrite an iterator slot
      if (live === null) return;
      if (rng.chance(0.5)) host.emit(`r${host.dst(s)} = *(u64 *)(r10 ${live})`);
      else host.emit(`*(u64 *)(r10 ${live}) = ${rng.pick([0, 1])}`);
    },
    () => {
      // use the element without the NULL check
      if (live === null) return;
      addr(host, live);
      call(host, s, 'bpf_iter_num_next');
      host.emit(`r${host.dst(s)} = *(u32 *)(r0 + 0)`);
    },
    () => {
      // not a stack pointer, or a misaligned one
      if (rng.chance(0.5)) host.emit('r1 = 0');
      else addr(host, free + rng.pick([4, -4, 2]));
      call(host, s, 'bpf_iter_num_next');
    },
  ];
  rng.pick(faults)();
}
