// Mermaid source text generated from model data (never drawn by hand, so it cannot drift from the
// model): a state diagram from a transition table, and a reference-lifetime flowchart from an
// example's live trace. Pure functions; src/site/diagrams/render.ts draws the text in the browser.
//
// Everything that comes from data (instruction text, messages, state names) goes through
// mermaidText(), which turns every character mermaid could read as syntax into an entity code.
import type { ModelTrace, TraceStep } from '../../model/trace/types.ts';

/** Characters mermaid's parsers give meaning to inside labels, as `#<code>;` entities (decoded when drawn). */
export function mermaidText(s: string): string {
  return s.replace(/\s+/g, ' ').trim().replace(/[#"<>&;`|\\:{}[\]]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** A quoted node label of several lines. */
const label = (lines: string[]): string => `"${lines.map(mermaidText).join('<br>')}"`;

export interface Transition {
  /** State name; '[*]' is the start (as `from`) or the end (as `to`). */
  from: string;
  to: string;
  label: string;
  /** Rule id the transition is checked by, shown after the label. */
  rule?: string;
  /** A short edge text for the diagram (the table keeps `label` and `rule`). */
  short?: string;
}

/** A `stateDiagram-v2` of the transitions, states in order of first appearance. */
export function stateDiagramText(transitions: readonly Transition[], direction: 'LR' | 'TB' = 'LR'): string {
  const ids = new Map<string, string>();
  const out = ['stateDiagram-v2', `  direction ${direction}`];
  const idOf = (name: string): string => {
    if (name === '[*]') return '[*]';
    let id = ids.get(name);
    if (id === undefined) {
      id = `s${ids.size}`;
      ids.set(name, id);
      out.push(`  state "${mermaidText(name)}" as ${id}`);
    }
    return id;
  };
  for (const t of transitions) {
    const from = idOf(t.from);
    const to = idOf(t.to);
    const text = t.short ?? (t.rule ? `${t.label} [${t.rule}]` : t.label);
    out.push(`  ${from} --> ${to}${text.trim() ? ` : ${mermaidText(text)}` : ''}`);
  }
  return out.join('\n') + '\n';
}

/** Options of the reference-lifetime diagram. */
export interface RefDiagramOptions {
  /** Most nodes drawn (the rest is summarised in one node). */
  maxNodes?: number;
}

const refSet = (s: TraceStep | undefined): Map<number, { insn: number; kind: string }> =>
  new Map((s?.refs ?? []).map((r) => [r.id, { insn: r.insn, kind: r.kind }]));

/** Registers (of any frame) that hold reference `id` in step `s`. */
function holders(s: TraceStep, id: number): string[] {
  const out: string[] = [];
  for (const f of s.frames) {
    for (const r of f.regs) if (r.ref === id) out.push(s.frames.length > 1 ? `frame${f.no} R${r.r}` : `R${r.r}`);
    for (const sl of f.stack) if (/ref_obj_id=(\d+)/.exec(sl.t)?.[1] === String(id)) out.push(`${s.frames.length > 1 ? `frame${f.no} ` : ''}fp${sl.off}`);
  }
  return out;
}

/** What the diagram reads of a trace (the embedded trace of a page has no log). */
export type RefDiagramTrace = Pick<ModelTrace, 'steps' | 'insns' | 'error' | 'truncated'>;

const insnText = (t: RefDiagramTrace, idx: number): string => {
  const i = t.insns.find((x) => x.idx === idx);
  return i ? i.text.replace(/^\([0-9a-f]{2}\) /, '') : '';
};

interface DiagramNode {
  step: number;
  lines: string[];
  cls: 'acquire' | 'release' | 'mixed' | 'leak' | 'done' | 'safe';
}

/**
 * A flowchart of the references of one example: from the program start, every step that acquires
 * or drops a reference, and the end of every path that involves one (exit, "safe" prune, or the
 * rejection), in the exploration tree of the trace — each path reads from the top to a leaf.
 * Null when no reference is ever held.
 */
export function refLifetimeText(t: RefDiagramTrace, opts: RefDiagramOptions = {}): string | null {
  const maxNodes = opts.maxNodes ?? 60;
  const steps = t.steps;
  if (!steps.some((s) => s.refs.length > 0)) return null;
  const hasChild = new Uint8Array(steps.length);
  for (const s of steps) if (s.prev >= 0) hasChild[s.prev] = 1;
  const nodes = new Map<number, DiagramNode>();
  // a step with `from` is where a set-aside path resumes ("from X to Y", or "from X to Y: safe")
  const headOf = (s: TraceStep): string => (s.from !== undefined ? `from ${s.from} to ${s.insn}` : `insn ${s.insn}: ${insnText(t, s.insn)}`);
  // events: references that appear or disappear at a step
  steps.forEach((s, i) => {
    const parent = s.prev >= 0 ? steps[s.prev] : undefined;
    const before = refSet(parent);
    const after = refSet(s);
    const lines: string[] = [];
    let acq = false;
    let rel = false;
    for (const [id, r] of after) {
      if (!before.has(id)) {
        lines.push(`acquires id=${id} (${r.kind})`);
        acq = true;
      }
    }
    for (const [id, r] of before) {
      if (after.has(id)) continue;
      const copies = parent ? holders(parent, id) : [];
      const gone = s.from !== undefined ? `id=${id} (${r.kind}, from insn ${r.insn}) is not held on this branch` : `releases id=${id} (${r.kind}, from insn ${r.insn})`;
      lines.push(copies.length ? `${gone}; ${copies.join(', ')} no longer point${copies.length === 1 ? 's' : ''} to it` : gone);
      rel = true;
    }
    if (!acq && !rel) return;
    nodes.set(i, { step: i, lines: [headOf(s), ...lines], cls: acq && rel ? 'mixed' : acq ? 'acquire' : 'release' });
  });
  // path ends that involve a reference (held at the end, or an event on the way)
  const onEventPath = (i: number): boolean => {
    for (let k = i; k >= 0; k = steps[k].prev) if (nodes.has(k)) return true;
    return false;
  };
  let quietPaths = 0;
  steps.forEach((s, i) => {
    if (hasChild[i]) return;
    if (s.refs.length === 0 && !onEventPath(i)) {
      quietPaths++;
      return;
    }
    const held = s.refs.map((r) => `id=${r.id}`).join(', ');
    let lines: string[];
    let cls: DiagramNode['cls'];
    if (s.kind === 'error') {
      lines = [`rejected: ${t.error?.message ?? ''}`, ...(held ? [`holding ${held}`] : [])];
      cls = 'leak';
    } else if (s.kind === 'safe') {
      lines = [`safe: pruned at insn ${s.insn}`, ...(held ? [`holding ${held}, like the explored state`] : [])];
      cls = 'safe';
    } else if (i === steps.length - 1 && t.truncated) {
      lines = ['the trace is truncated here', ...(held ? [`holding ${held}`] : [])];
      cls = 'safe';
    } else {
      lines = [held ? `path ends holding ${held}` : 'path ends, no reference held'];
      cls = 'done';
    }
    const ev = nodes.get(i);
    nodes.set(i, { step: i, lines: [...(ev ? ev.lines : [headOf(s)]), ...lines], cls: cls === 'done' && ev ? ev.cls : cls });
  });
  const order = [...nodes.keys()].sort((a, b) => a - b);
  const shown = new Set(order.slice(0, maxNodes));
  const out = ['flowchart TD', `  start(["program start"])`];
  for (const i of order) {
    if (!shown.has(i)) continue;
    const n = nodes.get(i);
    if (!n) continue;
    out.push(`  n${i}[${label(n.lines)}]:::${n.cls}`);
    let p = steps[i].prev;
    while (p >= 0 && !shown.has(p)) p = steps[p].prev;
    out.push(`  ${p >= 0 ? `n${p}` : 'start'} --> n${i}`);
  }
  const hidden = order.length - shown.size;
  const notes: string[] = [];
  if (hidden > 0) notes.push(`${hidden} more steps not drawn`);
  if (quietPaths > 0) notes.push(`${quietPaths} path${quietPaths === 1 ? '' : 's'} without references not drawn`);
  if (notes.length) out.push(`  more[${label(notes)}]:::safe`);
  out.push(
    '  classDef acquire fill:#dcfce7,stroke:#15803d,color:#052e16',
    '  classDef release fill:#dbeafe,stroke:#1d4ed8,color:#172554',
    '  classDef mixed fill:#fef9c3,stroke:#a16207,color:#422006',
    '  classDef leak fill:#fee2e2,stroke:#b91c1c,color:#450a0a',
    // `end` is a keyword of flowcharts: the class of a path's end is `done`
    '  classDef done fill:#f3f4f6,stroke:#4b5563,color:#111827',
    '  classDef safe fill:#f3f4f6,stroke:#9ca3af,color:#374151,stroke-dasharray:4 3',
  );
  return out.join('\n') + '\n';
}
