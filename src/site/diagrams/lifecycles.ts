// The model's lifecycle tables as diagram transitions (StateMachine.astro). Refused events lead
// to a "refused" node labelled with the rule that refuses them.
import { ITER_LIFECYCLE } from '../../model/iter/lifecycle.ts';
import { REF_LIFECYCLE } from '../../model/refs/lifecycle.ts';
import type { Transition } from './mermaid-text.ts';

interface Row {
  from: string;
  event: string;
  to?: string;
  alsoTo?: string;
  rule?: string;
  label: string;
}

/**
 * Each refusal leads to a node named after its rule; edges are labelled with the event only, so the
 * picture stays readable (the table under it has the full label and rule of every transition).
 */
function toTransitions(rows: readonly Row[], start: { to: string; label: string }): Transition[] {
  const out: Transition[] = [{ from: '[*]', to: start.to, label: start.label, short: 'start' }];
  for (const r of rows) {
    const rule = r.rule ? { rule: r.rule } : {};
    if (r.to === undefined) {
      out.push({ from: r.from, to: `refused: ${r.rule ?? '?'}`, label: r.label, short: r.event, ...rule });
      continue;
    }
    out.push({ from: r.from, to: r.to, label: r.label, short: r.event, ...rule });
    if (r.alsoTo !== undefined) out.push({ from: r.from, to: r.alsoTo, label: r.label, short: r.event });
  }
  return out;
}

/** The iterator slot lifecycle (src/model/iter/lifecycle.ts). */
export const iterLifecycleTransitions = (): Transition[] =>
  toTransitions(ITER_LIFECYCLE, { to: 'empty', label: 'stack slots without an iterator' });

/** The life of a referenced kernel object (src/model/refs/lifecycle.ts). */
export const refLifecycleTransitions = (): Transition[] =>
  toTransitions(REF_LIFECYCLE, { to: 'maybe-null', label: 'KF_ACQUIRE | KF_RET_NULL kfunc' });
