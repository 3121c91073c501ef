// Build-time helpers of <Example>: the kernel badge, and the trace as JSON safe to put inside a
// <script type="application/json"> element. Pure functions (tested in test/trace/present.test.ts).
import type { ModelTrace } from '../../model/trace/types.ts';

/** What the page embeds for the viewer: the log is not repeated (the viewer reads it from the page). */
export type EmbeddedTrace = Omit<ModelTrace, 'log'>;

export type KernelBadge =
  | { kind: 'kernel'; text: string; title: string }
  | { kind: 'model-only'; text: string; title: string };

interface BadgeInput {
  confirmedOn: string | null;
  modelOnly?: string | null;
  profiles: string[];
}

/**
 * "Linux 6.18.44" for an example a kernel confirmed (the release up to its numbers; the full
 * release string is the title), otherwise "model only — <why>": the example's __model_only reason,
 * the profile it documents when that is not the running kernel's, or that no kernel has
 * confirmed it yet.
 */
export function kernelBadge(ex: BadgeInput): KernelBadge {
  if (ex.confirmedOn !== null) {
    const version = /^\d+\.\d+(?:\.\d+)?/.exec(ex.confirmedOn)?.[0] ?? ex.confirmedOn;
    return { kind: 'kernel', text: `Linux ${version}`, title: `Confirmed by loading it into Linux ${ex.confirmedOn} with bpf(2)` };
  }
  let reason: string;
  if (ex.modelOnly) reason = ex.modelOnly;
  else if (!ex.profiles.includes('v6.18')) reason = `documents ${ex.profiles.join(', ')} behaviour, not Linux 6.18's`;
  else reason = 'not confirmed on a kernel yet';
  return { kind: 'model-only', text: `model only — ${reason}`, title: 'Checked by the model only; no kernel has confirmed this outcome' };
}

/**
 * JSON of the trace (without its log) for a `<script type="application/json">` element: every
 * `<`, `>` and `&` is written as a \u escape, so no text in the data can close the element or
 * start markup, and U+2028/U+2029 are escaped as well.
 */
export function embedTrace(t: ModelTrace): string {
  const { log: _log, ...rest } = t;
  const data: EmbeddedTrace = rest;
  return JSON.stringify(data).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
