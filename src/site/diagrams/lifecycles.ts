// The model's lifecycle tables as diagram transitions (StateMachine.astro). Refused events lead
// to a "refused" node labelled with the rule that refuses them.
import { ITER_LIFECYCLE } from '../../model/iter/lifecycle.ts';
import { REF_LIFECYCLE } from '../../model/refs/lifecycle.ts';
import type { Transition } from './mermaid-text.ts';

interface Row {
  from: string;
  to?: string;
  alsoTo?: string;
  rule?: string;
  label: string;
}

function toTransitions(rows: readonly Row[], start: { to: string; label: string }): Transition[] {
  const out: Transition[] = [{ from: '[*]', to: start.to, label: start.label }];
  for (const r of rows) {
    if (r.to === undefined) {
      out.push({ from: r.from, to: 'refused', label: r.label, ...(r.rule ? { rule: r.rule } : {}) });
      continue;
    }
    out.push({ from: r.from, to: r.to, label: r.label, ...(r.rule ? { rule: r.rule } : {}) });
    if (r.alsoTo !== undefined) out.push({ from: r.from, to: r.alsoTo, label: r.label });
  }
  return out;
}

/** The iterator slot lifecycle (src/model/iter/lifecycle.ts). */
export const iterLifecycleTransitions = (): Transition[] =>
  toTransitions(ITER_LIFECYCLE, { to: 'empty', label: 'stack slots without an iterator' });

/** The life of a referenced kernel object (src/model/refs/lifecycle.ts). */
export const refLifecycleTransitions = (): Transition[] =>
  toTransitions(REF_LIFECYCLE, { to: 'maybe-null', label: 'KF_ACQUIRE | KF_RET_NULL kfunc' });
