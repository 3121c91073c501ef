// The KF_FORBID_SLEEP series (seed 001: "Introduce KF_FORBID_SLEEP modifier for acquire/release
// kfuncs", Puranjay Mohan, v3, 2026-02-23; NOT merged), modelled for the forbid-sleep-v3 profile
// only. Patch 1/6 lets an iterator's _next be KF_ACQUIRE: the reference it returns is remembered
// in the iterator's first stack slot (the slot register's `id`, unused by iterators otherwise)
// and released again by the next _next, by the drained (NULL) outcome, by _destroy, or by a
// KF_RELEASE kfunc taking the iterator as an `__iter` argument. Patch 3/6 adds KF_FORBID_SLEEP:
// while a reference acquired by such a kfunc is held, sleepable helpers are refused.
//
// rule iter.release.no-reference: an iterator `_release` needs a remembered reference.
// rule kfunc.forbid-sleep.sleepable-helper: no sleepable helper while a KF_FORBID_SLEEP
//   reference is held (v3 wording; v4 renamed the flag KF_FORBID_FAULT, "in nofault region").
// Sleepable kfuncs inside the region are "not modelled": the series' kfunc message is not known.
import type { Env } from '../env.ts';
import { ModelBug, ModelLimit, reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { VState } from '../state/state.ts';
import { releaseReference } from '../refs/refs.ts';
import type { IterArgMeta } from './iter-arg.ts';

/** The reference the iterator's slot remembers (0: none). */
export const iterAcquiredRef = (st: VState, meta: IterArgMeta): number => st.frames[meta.frameno].stack[meta.spi].spilled.id;

/** Remember (or forget, with 0) the reference of the iterator's latest element. */
export function setIterAcquiredRef(st: VState, meta: IterArgMeta, id: number): void {
  const frame = st.frames[meta.frameno];
  const slot = frame.stack[meta.spi];
  frame.stack[meta.spi] = { ...slot, spilled: { ...slot.spilled, id } };
}

/** iter_release_acquired_ref(): release the remembered reference, if any. */
export function iterReleaseAcquiredRef(env: Env, meta: IterArgMeta): void {
  const id = iterAcquiredRef(env.cur, meta);
  if (!id) return;
  if (!releaseReference(env, id)) throw new ModelBug(`iterator remembers reference ${id}, which is not held`);
  setIterAcquiredRef(env.cur, meta, 0);
}

/** The KF_RELEASE kfunc of an `__iter` argument: release what the iterator remembers. */
export function iterReleaseKfunc(env: Env, meta: IterArgMeta): void {
  if (!iterAcquiredRef(env.cur, meta)) reject(RULES.iterReleaseNoRef);
  iterReleaseAcquiredRef(env, meta);
}

/** A reference acquired by a KF_FORBID_SLEEP kfunc is held. */
export const inNosleepRegion = (st: VState): boolean => st.refs.some((r) => r.forbidSleep === true);

/** The helper part of the series' check (check_helper_call, after the RCU/preempt/IRQ checks). */
export function checkHelperForbidSleep(env: Env, name: string, id: number): void {
  if (env.profile.forbidSleepSeries && inNosleepRegion(env.cur)) reject(RULES.forbidSleepHelper, name, id);
}

/** Sleepable kfuncs inside the region: the series' message for them is not known to the model. */
export function checkKfuncForbidSleep(env: Env, name: string): void {
  if (env.profile.forbidSleepSeries && inNosleepRegion(env.cur)) {
    throw new ModelLimit(`sleepable kfunc ${name} inside a KF_FORBID_SLEEP region: the series' message for kfuncs is not modelled`);
  }
}
