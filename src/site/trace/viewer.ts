// The live trace viewer of <Example> (client side, no framework): step through the model's
// exploration and see, after each step, the registers, stack slots (iterators and any other slot
// kind included), the reference table, lock/RCU state, the instruction highlighted in the code,
// the rule that rejected the program and the path that led there; the kernel-format log with the
// current line marked; the reference-lifetime diagram. Every piece of program text is put into
// the page with textContent, never parsed as HTML.
import type { TraceFrame, TraceStep } from '../../model/trace/types.ts';
import type { EmbeddedTrace } from './present.ts';
import { refLifetimeText } from '../diagrams/mermaid-text.ts';

/** Lock counters of the state, by the name the model's VState uses. */
const LOCK_NAMES: Record<string, string> = {
  activeLocks: 'bpf_spin_lock held',
  activeRcuLocks: 'RCU read-side sections open',
  activePreemptLocks: 'preemption-disabled sections open',
  activeIrqId: 'IRQ-disabled region open (reference id of the innermost)',
};

type Child = Node | string | null | undefined | false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) e.append(c); // strings become text nodes
  return e;
}

const code = (text: string, cls = ''): HTMLElement => el('code', cls ? { class: cls } : {}, text);

function stepHeadline(s: TraceStep): string {
  switch (s.kind) {
    case 'insn':
      return `State after insn ${s.insn}`;
    case 'branch':
      return `from ${s.from ?? '?'} to ${s.insn}: the path set aside at insn ${s.from ?? '?'} resumes (state before insn ${s.insn})`;
    case 'safe':
      return `insn ${s.insn}: safe — the state equals one already explored, this path ends`;
    case 'error':
      return `insn ${s.insn}: rejected (state at the error)`;
  }
}

class TraceViewer {
  private readonly steps: TraceStep[];
  private order: number[];
  private pos = 0;
  private readonly insnText = new Map<number, string>();
  private readonly codeLines: HTMLElement[];
  private readonly insnLine = new Map<number, number>();
  private readonly logStep = new Map<number, number>();
  private logLines: HTMLElement[] | null = null;
  private readonly ui: {
    slider: HTMLInputElement;
    counter: HTMLElement;
    headline: HTMLElement;
    insn: HTMLElement;
    state: HTMLElement;
    error: HTMLElement;
    path: HTMLElement | null;
    pathOnly: HTMLInputElement | null;
  };

  private readonly fig: HTMLElement;
  private readonly t: EmbeddedTrace;
  private readonly rulesBase: string;

  constructor(fig: HTMLElement, t: EmbeddedTrace, rulesBase: string, host: HTMLElement) {
    this.fig = fig;
    this.t = t;
    this.rulesBase = rulesBase;
    this.steps = t.steps;
    this.order = this.steps.map((_, i) => i);
    for (const i of t.insns) {
      this.insnText.set(i.idx, i.text);
      if (i.line !== null) this.insnLine.set(i.idx, i.line);
    }
    this.steps.forEach((s, i) => {
      if (s.logLine >= 0 && !this.logStep.has(s.logLine)) this.logStep.set(s.logLine, i);
    });
    this.codeLines = [...fig.querySelectorAll<HTMLElement>('[data-code] .ec-line')];

    const btn = (label: string, title: string, on: () => void): HTMLButtonElement => {
      const b = el('button', { type: 'button', class: 'tv-btn', title, 'aria-label': title }, label);
      b.addEventListener('click', on);
      return b;
    };
    const slider = el('input', { type: 'range', min: '0', max: String(Math.max(0, this.order.length - 1)), value: '0', class: 'tv-slider', 'aria-label': 'Step' });
    slider.addEventListener('input', () => this.go(Number(slider.value)));
    const counter = el('span', { class: 'tv-counter', 'aria-live': 'polite' });
    const controls = el(
      'div', { class: 'tv-controls' },
      btn('«', 'First step', () => this.go(0)),
      btn('◀', 'Previous step (←)', () => this.go(this.pos - 1)),
      slider,
      btn('▶', 'Next step (→)', () => this.go(this.pos + 1)),
      btn('»', 'Last step', () => this.go(this.order.length - 1)),
      counter,
    );
    let pathOnly: HTMLInputElement | null = null;
    let path: HTMLElement | null = null;
    const err = t.error;
    if (err && (err.pathSteps.length > 0 || err.path.length > 0)) {
      path = el('div', { class: 'tv-path' });
      if (err.pathSteps.length > 0) {
        pathOnly = el('input', { type: 'checkbox' });
        pathOnly.addEventListener('change', () => this.setPathOnly(pathOnly?.checked === true));
        controls.append(el('label', { class: 'tv-pathonly' }, pathOnly, ' failing path only'));
      }
    }
    const ui = {
      slider, counter, headline: el('p', { class: 'tv-headline' }), insn: el('p', { class: 'tv-insn' }), state: el('div', { class: 'tv-state' }),
      error: el('div', { class: 'tv-error', role: 'status' }), path, pathOnly,
    };
    this.ui = ui;
    const notes: Child[] = [];
    if (t.truncated) notes.push(el('p', { class: 'tv-note' }, `The model processed ${t.insnProcessed} instructions; the trace shows the first ${this.steps.length} steps.`));
    host.replaceChildren(
      el('div', { class: 'tv-root', tabindex: '0', 'aria-label': 'Live trace: use the arrow keys to step' }, controls, ...notes, ui.headline, ui.insn, ui.error, ui.state, path && el('div', {}, el('h4', {}, 'Path to the error'), path)),
    );
    host.querySelector('.tv-root')?.addEventListener('keydown', (e) => this.key(e as KeyboardEvent));
    if (path) this.buildPath(path);
    this.go(0);
  }

  private key(e: KeyboardEvent): void {
    if (e.target instanceof HTMLInputElement && e.target.type === 'range') return; // the slider has its own keys
    const moves: Record<string, () => number> = {
      ArrowRight: () => this.pos + 1, ArrowDown: () => this.pos + 1, ArrowLeft: () => this.pos - 1, ArrowUp: () => this.pos - 1,
      Home: () => 0, End: () => this.order.length - 1, PageDown: () => this.pos + 10, PageUp: () => this.pos - 10,
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    this.go(m());
  }

  private setPathOnly(on: boolean): void {
    const current = this.order[this.pos];
    this.order = on && this.t.error ? this.t.error.pathSteps.slice() : this.steps.map((_, i) => i);
    this.ui.slider.max = String(Math.max(0, this.order.length - 1));
    const at = this.order.indexOf(current);
    this.go(at >= 0 ? at : 0);
    for (const line of this.codeLines) line.classList.remove('tv-on-path');
    if (on && this.t.error) for (const i of this.t.error.path) this.lineOf(i)?.classList.add('tv-on-path');
  }

  private lineOf(insn: number): HTMLElement | undefined {
    const l = this.insnLine.get(insn);
    return l === undefined ? undefined : this.codeLines[l - 1];
  }

  /** Jump to step index `step` (not a position), leaving path-only mode if it is off the path. */
  goToStep(step: number): void {
    let at = this.order.indexOf(step);
    if (at < 0 && this.ui.pathOnly) {
      this.ui.pathOnly.checked = false;
      this.setPathOnly(false);
      at = this.order.indexOf(step);
    }
    if (at >= 0) this.go(at);
  }

  private buildPath(host: HTMLElement): void {
    const err = this.t.error;
    if (!err) return;
    const list = el('ol', { class: 'tv-path-list' });
    if (err.pathSteps.length > 0) {
      for (const s of err.pathSteps) {
        const st = this.steps[s];
        const text = st.kind === 'branch' ? `from ${st.from ?? '?'} to ${st.insn}` : st.kind === 'error' ? `${st.insn} ✘` : String(st.insn);
        const b = el('button', { type: 'button', class: 'tv-path-step', 'data-step': String(s), title: `${st.insn}: ${this.insnText.get(st.insn) ?? ''}` }, text);
        b.addEventListener('click', () => this.goToStep(s));
        list.append(el('li', {}, b));
      }
    } else {
      for (const i of err.path) list.append(el('li', {}, el('span', { class: 'tv-path-step', title: this.insnText.get(i) ?? '' }, String(i))));
    }
    host.append(
      el('p', { class: 'tv-note' }, err.pathTruncated ? `The last ${err.path.length} instructions of the failing path:` : 'Instructions of the failing path, from the program start (the path a level-1 log keeps):'),
      list,
    );
  }

  go(pos: number): void {
    if (this.order.length === 0) {
      this.ui.counter.textContent = 'no steps';
      this.renderError(null);
      return;
    }
    this.pos = Math.max(0, Math.min(this.order.length - 1, pos));
    this.ui.slider.value = String(this.pos);
    const idx = this.order[this.pos];
    const s = this.steps[idx];
    this.ui.counter.textContent = `step ${this.pos + 1} of ${this.order.length}`;
    this.ui.headline.textContent = stepHeadline(s);
    this.ui.insn.replaceChildren(code(`${s.insn}: ${this.insnText.get(s.insn) ?? ''}`));
    this.renderState(s, s.prev >= 0 ? this.steps[s.prev] : undefined);
    this.renderError(s);
    for (const line of this.codeLines) line.classList.remove('tv-current', 'tv-error-line');
    const line = this.lineOf(s.insn);
    line?.classList.add(s.kind === 'error' ? 'tv-error-line' : 'tv-current');
    for (const b of this.ui.path?.querySelectorAll<HTMLElement>('.tv-path-step') ?? []) b.classList.toggle('tv-here', b.dataset.step === String(idx));
    this.markLog(s.logLine);
  }

  private renderError(s: TraceStep | null): void {
    const err = this.t.error;
    const atError = err !== null && ((s !== null && s.kind === 'error') || (err.step === null && (s === null || this.pos === this.order.length - 1)));
    if (!err || !atError) {
      this.ui.error.replaceChildren();
      this.ui.error.hidden = true;
      return;
    }
    this.ui.error.hidden = false;
    const rule = err.rule ? el('a', { href: `${this.rulesBase}${encodeURIComponent(err.rule)}/` }, code(err.rule)) : null;
    this.ui.error.replaceChildren(
      el('p', {}, '✘ Rejected', err.insn !== null ? ` at insn ${err.insn}` : '', rule ? ' by rule ' : '', rule, ':'),
      el('pre', { class: 'tv-msg' }, err.message),
    );
  }

  private renderState(s: TraceStep, prev: TraceStep | undefined): void {
    const cur = s.frames.find((f) => f.no === s.frame) ?? s.frames[s.frames.length - 1];
    const prevFrame = prev?.frames.find((f) => f.no === cur?.no);
    const parts: HTMLElement[] = [];
    if (cur) parts.push(this.frameView(cur, prevFrame, `Registers${s.frames.length > 1 ? ` (frame ${cur.no})` : ''}`, true));
    const callers = s.frames.filter((f) => f !== cur);
    if (callers.length > 0) {
      parts.push(el('details', { class: 'tv-callers' }, el('summary', {}, `Caller frames (${callers.length})`), ...callers.map((f) => this.frameView(f, prev?.frames.find((p) => p.no === f.no), `Frame ${f.no} (called at insn ${f.callsite})`, false))));
    }
    parts.push(this.refsView(s));
    parts.push(this.locksView(s));
    this.ui.state.replaceChildren(...parts);
  }

  private frameView(f: TraceFrame, prev: TraceFrame | undefined, title: string, withStack: boolean): HTMLElement {
    const before = new Map((prev?.regs ?? []).map((r) => [r.r, r.t]));
    const rows = f.regs.map((r) => {
      const changed = before.get(r.r) !== r.t;
      return el('tr', { class: changed ? 'tv-changed' : '' }, el('th', { scope: 'row' }, `R${r.r}`), el('td', {}, code(r.t), r.ref !== undefined ? el('span', { class: 'tv-tag' }, `ref ${r.ref}`) : null));
    });
    const box = el('section', { class: 'tv-box' }, el('h4', {}, title), el('table', { class: 'tv-table' }, el('tbody', {}, ...rows)));
    const stackBox = this.stackView(f, prev);
    if (!withStack) box.append(stackBox);
    return withStack ? el('div', { class: 'tv-frame' }, box, stackBox) : box;
  }

  private stackView(f: TraceFrame, prev: TraceFrame | undefined): HTMLElement {
    const before = new Map((prev?.stack ?? []).map((x) => [x.off, `${x.kind}:${x.t}`]));
    const rows = f.stack.map((x) => {
      const extra = Object.entries(x.extra ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
      return el(
        'tr', { class: before.get(x.off) !== `${x.kind}:${x.t}` ? 'tv-changed' : '' },
        el('th', { scope: 'row' }, `fp${x.off}`),
        el('td', {}, el('span', { class: `tv-kind tv-kind-${x.kind.replace(/[^a-z_]/g, '')}` }, x.kind)),
        el('td', {}, x.t ? code(x.t) : null, extra ? el('span', { class: 'tv-extra' }, ` ${extra}`) : null),
      );
    });
    return el('section', { class: 'tv-box' }, el('h4', {}, 'Stack slots'), rows.length ? el('table', { class: 'tv-table' }, el('tbody', {}, ...rows)) : el('p', { class: 'tv-none' }, 'none written'));
  }

  private refsView(s: TraceStep): HTMLElement {
    const rows = s.refs.map((r) => {
      const extra = Object.entries(r.extra ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
      return el(
        'tr', {},
        el('th', { scope: 'row' }, `id=${r.id}`),
        el('td', {}, r.kind),
        el('td', {}, `acquired at insn ${r.insn}`, ' ', code(this.insnText.get(r.insn) ?? '')),
        el('td', {}, extra),
      );
    });
    return el('section', { class: 'tv-box' }, el('h4', {}, 'References'), rows.length ? el('table', { class: 'tv-table' }, el('tbody', {}, ...rows)) : el('p', { class: 'tv-none' }, 'none held'));
  }

  private locksView(s: TraceStep): HTMLElement {
    const items = Object.entries(s.locks).map(([k, v]) => el('li', {}, `${LOCK_NAMES[k] ?? k}: ${v}`));
    for (const [k, v] of Object.entries(s.extra ?? {})) items.push(el('li', {}, `${k}: ${v}`));
    return el('section', { class: 'tv-box' }, el('h4', {}, 'Locks, RCU and other state'), items.length ? el('ul', {}, ...items) : el('p', { class: 'tv-none' }, 'no lock held, no RCU or preemption section open'));
  }

  /** The kernel log panel: split into lines once, then the current step's line is marked. */
  attachLog(pre: HTMLElement): void {
    if (this.logLines) return;
    const text = pre.textContent ?? '';
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    this.logLines = lines.map((l, i) => {
      const span = el('span', { class: 'tv-ln' }, `${l}\n`);
      const step = this.logStep.get(i);
      if (step !== undefined) {
        span.classList.add('tv-ln-step');
        span.title = 'Show this step in the trace';
        span.addEventListener('click', () => this.goToStep(step));
      }
      return span;
    });
    pre.replaceChildren(...this.logLines);
    this.markLog(this.steps[this.order[this.pos]]?.logLine ?? -1);
  }

  private markLog(line: number): void {
    if (!this.logLines) return;
    for (const l of this.fig.querySelectorAll('.tv-ln-here')) l.classList.remove('tv-ln-here');
    const span = line >= 0 ? this.logLines[line] : undefined;
    if (!span) return;
    span.classList.add('tv-ln-here');
    const pre = span.parentElement;
    if (pre && pre.offsetParent !== null) pre.scrollTop = Math.max(0, span.offsetTop - pre.clientHeight / 2);
  }
}

/** Tabs of one example: buttons with role=tab select the panel they control. */
function initTabs(fig: HTMLElement, onOpen: (name: string) => void): void {
  const tabs = [...fig.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const select = (tab: HTMLButtonElement, focus: boolean): void => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      const panel = fig.querySelector<HTMLElement>(`#${CSS.escape(t.getAttribute('aria-controls') ?? '')}`);
      if (panel) panel.hidden = !on;
    }
    if (focus) tab.focus();
    onOpen(tab.dataset.tab ?? '');
  };
  tabs.forEach((t, i) => {
    t.addEventListener('click', () => select(t, false));
    t.addEventListener('keydown', (e) => {
      const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (!d) return;
      e.preventDefault();
      select(tabs[(i + d + tabs.length) % tabs.length], true);
    });
  });
  const first = tabs.find((t) => t.getAttribute('aria-selected') === 'true') ?? tabs[0];
  if (first) select(first, false);
}

function initCopyButtons(fig: HTMLElement): void {
  for (const b of fig.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
    b.addEventListener('click', () => {
      const target = fig.querySelector<HTMLElement>(`#${CSS.escape(b.dataset.copy ?? '')}`);
      const text = target?.textContent ?? '';
      const done = (msg: string): void => {
        const old = b.textContent;
        b.textContent = msg;
        setTimeout(() => (b.textContent = old), 1500);
      };
      navigator.clipboard.writeText(text).then(() => done('Copied'), () => done('Copy failed'));
    });
  }
}

function initExample(fig: HTMLElement): void {
  if (fig.dataset.traceReady) return;
  fig.dataset.traceReady = '1';
  const json = fig.querySelector<HTMLScriptElement>('script[data-trace-json]');
  const host = fig.querySelector<HTMLElement>('[data-trace-viewer]');
  let viewer: TraceViewer | null = null;
  let trace: EmbeddedTrace | null = null;
  if (json && host) {
    try {
      trace = JSON.parse(json.textContent ?? 'null') as EmbeddedTrace;
      viewer = new TraceViewer(fig, trace, fig.dataset.rulesBase ?? '/rules/', host);
    } catch (err) {
      host.textContent = `The trace could not be shown: ${(err as Error).message}`;
    }
  }
  let diagramDone = false;
  initTabs(fig, (name) => {
    if (name === 'klog') {
      const pre = fig.querySelector<HTMLElement>('[data-klog]');
      if (pre && viewer) viewer.attachLog(pre);
    }
    if (name === 'refs' && !diagramDone) {
      diagramDone = true;
      const target = fig.querySelector<HTMLElement>('[data-refs-diagram]');
      const src = trace ? refLifetimeText(trace) : null;
      if (target && src) void import('../diagrams/render.ts').then(({ renderMermaid }) => renderMermaid(target, src));
    }
  });
  initCopyButtons(fig);
}

/**
 * A trace viewer in `host` for a trace that is not part of an <Example> (the playground): no code
 * listing to highlight, otherwise the same stepper, state tables, error and failing path. The
 * page must include viewer.css and put `host` inside an element of class bpfspec-trace.
 */
export function mountTrace(host: HTMLElement, trace: EmbeddedTrace, rulesBase: string): void {
  new TraceViewer(host, trace, rulesBase, host);
}

/** Wire every <Example> on the page. */
export function initExamples(): void {
  for (const fig of document.querySelectorAll<HTMLElement>('figure.bpfspec-example')) initExample(fig);
}
