// The lifecycle of an iterator's stack slots, as data: which iterator kfunc (or other event) is
// accepted in which slot state, what state follows, and which rule refuses the rest. The model
// decides iterator calls through iterTransition() (iter-arg.ts, iter-next.ts), and the site draws
// its state diagram from the same table, so the picture cannot drift from the checks.

/** What the verifier sees in the slots an iterator argument points to. */
export type IterSlotState =
  /** no iterator bytes (never written, destroyed, or overwritten by a store) */
  | 'empty'
  /** a live iterator whose last _next may have returned an element */
  | 'active'
  /** a live iterator whose _next returned NULL on this path */
  | 'drained'
  /** an RCU-protected iterator after bpf_rcu_read_unlock() */
  | 'untrusted';

/** `arg`: another kfunc taking the iterator as an `__iter` argument. */
export type IterEvent = 'new' | 'next' | 'destroy' | 'arg' | 'rcu_unlock' | 'store' | 'exit';

export interface IterTransition {
  from: IterSlotState;
  event: IterEvent;
  /** The state after the event; absent when the event is refused. */
  to?: IterSlotState;
  /** For `next` on an active iterator: the second outcome explored (drained, R0 = NULL). */
  alsoTo?: IterSlotState;
  /** The rule that refuses the event, or that the event is subject to. */
  rule?: string;
  /** Short label for diagrams. */
  label: string;
}

export const ITER_LIFECYCLE: readonly IterTransition[] = [
  { from: 'empty', event: 'new', to: 'active', label: '_new: reference taken, depth 0' },
  { from: 'active', event: 'new', rule: 'iter.new.already-initialized', label: '_new again' },
  { from: 'drained', event: 'new', rule: 'iter.new.already-initialized', label: '_new again' },
  { from: 'untrusted', event: 'new', rule: 'iter.new.already-initialized', label: '_new again' },
  { from: 'active', event: 'next', to: 'active', alsoTo: 'drained', label: '_next: element (depth + 1) or NULL' },
  { from: 'drained', event: 'next', to: 'drained', label: '_next: NULL only' },
  { from: 'empty', event: 'next', rule: 'iter.arg.uninitialized', label: '_next without _new' },
  { from: 'untrusted', event: 'next', rule: 'iter.rcu.section-ended', label: '_next after the RCU section' },
  { from: 'active', event: 'destroy', to: 'empty', label: '_destroy: reference released' },
  { from: 'drained', event: 'destroy', to: 'empty', label: '_destroy: reference released' },
  { from: 'empty', event: 'destroy', rule: 'iter.arg.uninitialized', label: '_destroy without a live iterator' },
  { from: 'untrusted', event: 'destroy', rule: 'iter.rcu.section-ended', label: '_destroy after the RCU section' },
  { from: 'active', event: 'arg', to: 'active', label: 'other kfunc taking the iterator (__iter)' },
  { from: 'drained', event: 'arg', to: 'drained', label: 'other kfunc taking the iterator (__iter)' },
  { from: 'empty', event: 'arg', rule: 'iter.arg.uninitialized', label: '__iter argument without a live iterator' },
  { from: 'untrusted', event: 'arg', rule: 'iter.rcu.section-ended', label: '__iter argument after the RCU section' },
  { from: 'active', event: 'rcu_unlock', to: 'untrusted', label: 'bpf_rcu_read_unlock (KF_RCU_PROTECTED _new)' },
  { from: 'drained', event: 'rcu_unlock', to: 'untrusted', label: 'bpf_rcu_read_unlock (KF_RCU_PROTECTED _new)' },
  { from: 'active', event: 'store', to: 'empty', label: 'a store into the slots (the reference stays held)' },
  { from: 'drained', event: 'store', to: 'empty', label: 'a store into the slots (the reference stays held)' },
  { from: 'active', event: 'exit', rule: 'ref.leak.exit', label: 'exit without _destroy' },
  { from: 'drained', event: 'exit', rule: 'ref.leak.exit', label: 'exit without _destroy' },
];

/** The table entry for `event` in state `from` (every pair the iterator kfuncs can meet is listed). */
export function iterTransition(from: IterSlotState, event: IterEvent): IterTransition {
  const t = ITER_LIFECYCLE.find((x) => x.from === from && x.event === event);
  if (!t) throw new Error(`iterator lifecycle has no entry for ${event} in state ${from}`);
  return t;
}
