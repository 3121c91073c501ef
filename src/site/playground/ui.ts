// The playground page's script: a CodeMirror editor, re-verification in a Web Worker as you type,
// the result panel and the share link.
//
// Program text is data everywhere: the editor shows it as text, results are built with
// textContent and DOM nodes (never innerHTML), and a program from a link is only ever decoded
// into the editor.
import { EditorState, StateEffect, StateField, type Extension } from '@codemirror/state';
import { Decoration, EditorView, drawSelection, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers, type DecorationSet } from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentLess, insertTab } from '@codemirror/commands';
import { decodeProgram, encodeProgram, MAX_SHARED_PROGRAM_BYTES, ShareLinkError } from '../share-link.ts';
import { VerifyScheduler, type RunOutcome, type WorkerLike } from './scheduler.ts';
import type { ProgramRun, RunRequest, RunResult } from './run.ts';
import { DEBOUNCE_MS, RUN_BUDGET_MS } from './limits.ts';
import { mountTrace } from '../trace/viewer.ts';


interface Elements {
  root: HTMLElement;
  editor: HTMLElement;
  status: HTMLElement;
  notice: HTMLElement;
  results: HTMLElement;
  logLevel: HTMLSelectElement;
  copy: HTMLButtonElement;
  copyStatus: HTMLElement;
}

function must<T extends Element>(root: ParentNode, selector: string, type: new () => T): T {
  const el = root.querySelector(selector);
  if (!(el instanceof type)) throw new Error(`playground: missing ${selector}`);
  return el;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: { class?: string; text?: string } = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (props.class) e.className = props.class;
  if (props.text !== undefined) e.textContent = props.text;
  e.append(...children);
  return e;
}

// ---- editor: a line marked when the assembler reports an error there ----

const setErrorLine = StateEffect.define<number | null>();
const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let d = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrorLine)) continue;
      const line = e.value;
      d = line !== null && line >= 1 && line <= tr.state.doc.lines
        ? Decoration.set([Decoration.line({ class: 'pg-error-line' }).range(tr.state.doc.line(line).from)])
        : Decoration.none;
    }
    return d;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const editorTheme = EditorView.theme({
  '&': { backgroundColor: 'var(--sl-color-bg-inline-code, var(--sl-color-gray-6))', color: 'var(--sl-color-white)', fontSize: 'var(--sl-text-sm)' },
  '.cm-content': { fontFamily: 'var(--__sl-font-mono, monospace)', caretColor: 'var(--sl-color-white)' },
  '.cm-gutters': { backgroundColor: 'transparent', color: 'var(--sl-color-gray-3)', borderRight: '1px solid var(--sl-color-gray-5)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--sl-color-accent) 10%, transparent)' },
  '.pg-error-line': { backgroundColor: 'color-mix(in srgb, var(--sl-color-red, #d33) 25%, transparent)' },
  '&.cm-focused': { outline: '2px solid var(--sl-color-accent)' },
});

function editorExtensions(onChange: (text: string) => void): Extension[] {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightActiveLine(),
    drawSelection(),
    history(),
    EditorState.tabSize.of(8),
    // Tab inserts a tab (kernel selftest style); Escape then Tab, or Ctrl-M, moves focus out instead.
    keymap.of([{ key: 'Tab', run: insertTab, shift: indentLess }, ...defaultKeymap, ...historyKeymap]),
    errorLineField,
    editorTheme,
    EditorView.contentAttributes.of({ 'aria-label': 'BPF program', spellcheck: 'false', autocapitalize: 'off', autocorrect: 'off' }),
    EditorView.updateListener.of((u) => {
      if (u.docChanged) onChange(u.state.doc.toString());
    }),
  ];
}

// ---- results ----

function verdictBadge(verdict: ProgramRun['verdict']): HTMLElement {
  return el('span', { class: `pg-verdict ${verdict}`, text: verdict });
}

function field(dl: HTMLElement, name: string, value: Node | string): void {
  dl.append(el('dt', { text: name }), el('dd', {}, value));
}

function renderProgram(p: ProgramRun, base: string, logLevel: number): HTMLElement {
  const card = el('section', { class: 'pg-program' });
  card.dataset.verdict = p.verdict;
  card.append(el('h3', {}, el('code', { text: p.name }), ' ', el('span', { class: 'pg-section', text: `SEC("${p.section}") · line ${p.line}` })));
  const dl = el('dl', { class: 'pg-fields' });
  field(dl, 'Verdict', verdictBadge(p.verdict));
  field(dl, 'Reason', p.error !== null ? el('code', { class: 'pg-reason', text: p.error }) : el('span', { class: 'pg-reason none', text: '—' }));
  if (p.ruleId !== null) {
    const a = el('a', {}, el('code', { text: p.ruleId }));
    a.href = `${base}/rules/${encodeURIComponent(p.ruleId)}/`;
    a.className = 'pg-rule';
    field(dl, 'Rule', a);
  }
  field(dl, 'Processed', el('span', { class: 'pg-insns', text: `${p.insnProcessed} insn${p.insnProcessed === 1 ? '' : 's'}` }));
  field(dl, 'Profile', p.profile);
  card.append(dl);
  if (p.documented) {
    const d = p.documented;
    const ok = d.problems.length === 0;
    const line = el('p', { class: `pg-documented ${ok ? 'agree' : 'disagree'}` });
    line.append(
      ok ? '✔ Matches the documented outcome: ' : '✘ Differs from the documented outcome: ',
      verdictBadge(d.verdict),
      ...d.msgs.flatMap((m) => [' ', el('code', { class: 'msg', text: m })]),
    );
    card.append(line);
    if (!ok) card.append(el('ul', { class: 'pg-problems' }, ...d.problems.map((pr) => el('li', { text: pr }))));
  }
  if (p.trace) {
    // the same step-through viewer as the example pages (src/site/trace/viewer.ts)
    const box = el('details', { class: 'pg-trace-box bpfspec-trace' });
    box.open = true;
    const host = el('div', { class: 'pg-trace' });
    box.append(el('summary', { text: `Live trace (${p.trace.steps.length} steps${p.trace.truncated ? ', truncated' : ''})` }), host);
    card.append(box);
    mountTrace(host, p.trace, `${base}/rules/`);
  }
  if (p.log !== '') {
    const details = el('details', { class: 'pg-log-box' });
    details.open = true;
    const omitted = p.logOmittedLines > 0 ? `, ${p.logOmittedLines} lines from the middle not shown` : '';
    details.append(el('summary', { text: `Verifier log (level ${logLevel}${omitted})` }), el('pre', { class: 'pg-log', text: p.log }));
    card.append(details);
  }
  return card;
}

function renderResult(els: Elements, result: RunResult, base: string, logLevel: number): void {
  if (result.kind === 'source-error') {
    els.results.replaceChildren(el('pre', { class: 'pg-source-error', text: result.formatted }));
    return;
  }
  if (result.programs.length === 0) {
    els.results.replaceChildren(el('p', { class: 'pg-empty', text: 'No program yet: start one with SEC("...") and a name followed by a colon.' }));
    return;
  }
  els.results.replaceChildren(...result.programs.map((p) => renderProgram(p, base, logLevel)));
}

// ---- the page ----

/** Set up the playground inside `root` (the element rendered by src/pages/playground.astro). */
export function mountPlayground(root: HTMLElement, createWorker: () => WorkerLike): void {
  const els: Elements = {
    root,
    editor: must(root, '.pg-editor', HTMLElement),
    status: must(root, '.pg-status', HTMLElement),
    notice: must(root, '.pg-notice', HTMLElement),
    results: must(root, '.pg-results', HTMLElement),
    logLevel: must(root, '.pg-log-level', HTMLSelectElement),
    copy: must(root, '.pg-copy', HTMLButtonElement),
    copyStatus: must(root, '.pg-copy-status', HTMLElement),
  };
  const base = root.dataset.base ?? '';
  const nrCpuIds = root.dataset.nrCpuIds ? Number(root.dataset.nrCpuIds) : undefined;
  const defaultProgram = root.dataset.defaultProgram ?? '';
  const logLevel = (): number => Number(els.logLevel.value) || 2;

  const setState = (state: 'running' | 'done' | 'timeout' | 'crash', text: string): void => {
    root.dataset.state = state;
    els.status.textContent = text;
  };
  const showNotice = (text: string | null): void => {
    els.notice.hidden = text === null;
    els.notice.textContent = text ?? '';
  };

  // Assigned once the editor exists; outcomes arrive only after that.
  let markErrorLine: (line: number | null) => void = () => {};

  const scheduler = new VerifyScheduler({
    createWorker,
    budgetMs: RUN_BUDGET_MS,
    debounceMs: DEBOUNCE_MS,
    onStart: () => setState('running', 'Verifying…'),
    onOutcome: (id: number, out: RunOutcome, req: RunRequest) => {
      root.dataset.run = String(id);
      if (out.kind === 'timeout') {
        setState('timeout', `Stopped: verification took longer than ${out.budgetMs / 1000} s, the playground's time budget. The verifier worker was restarted.`);
        els.results.replaceChildren();
        markErrorLine(null);
        return;
      }
      if (out.kind === 'crash') {
        setState('crash', `The model failed on this program (a bug in bpfspec): ${out.message}`);
        els.results.replaceChildren();
        markErrorLine(null);
        return;
      }
      const n = out.result.kind === 'programs' ? out.result.programs.length : 0;
      setState('done', out.result.kind === 'source-error' ? 'The program does not assemble.' : `Verified ${n} program${n === 1 ? '' : 's'} in ${Math.round(out.ms)} ms.`);
      renderResult(els, out.result, base, req.logLevel);
      markErrorLine(out.result.kind === 'source-error' ? out.result.line : null);
    },
  });

  const verify = (text: string, now: boolean): void => {
    const req = { text, logLevel: logLevel(), ...(nrCpuIds !== undefined && Number.isFinite(nrCpuIds) ? { nrCpuIds } : {}) };
    if (now) scheduler.runNow(req);
    else scheduler.request(req);
  };

  // The program: from the link if it carries one, else the default example.
  let initial = defaultProgram;
  try {
    const fromLink = decodeProgram(location.hash);
    if (fromLink !== null) initial = fromLink;
  } catch (e) {
    if (!(e instanceof ShareLinkError)) throw e;
    showNotice(`This link's program could not be loaded: ${e.message}. The default example is shown instead.`);
  }

  const view = new EditorView({
    parent: els.editor,
    state: EditorState.create({
      doc: initial,
      extensions: editorExtensions((text) => {
        scheduleLink();
        verify(text, false);
      }),
    }),
  });
  markErrorLine = (line) => view.dispatch({ effects: setErrorLine.of(line) });

  // The address bar carries what the editor shows (replaceState: no history entry per edit),
  // updated when typing pauses. A program longer than a link may carry leaves the link alone.
  let linkTimer: ReturnType<typeof setTimeout> | null = null;
  function updateLink(): boolean {
    if (linkTimer !== null) clearTimeout(linkTimer);
    linkTimer = null;
    const text = view.state.doc.toString();
    if (new TextEncoder().encode(text).length > MAX_SHARED_PROGRAM_BYTES) {
      els.copyStatus.textContent = `The program is longer than the ${MAX_SHARED_PROGRAM_BYTES / 1024} KiB a link may carry; the link is not updated.`;
      return false;
    }
    els.copyStatus.textContent = '';
    window.history.replaceState(window.history.state, '', `#${encodeProgram(text)}`);
    return true;
  }
  function scheduleLink(): void {
    if (linkTimer !== null) clearTimeout(linkTimer);
    linkTimer = setTimeout(updateLink, DEBOUNCE_MS);
  }

  const load = (text: string): void => {
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
  };

  // A link pasted into the address bar of an open playground changes only the fragment.
  window.addEventListener('hashchange', () => {
    try {
      const fromLink = decodeProgram(location.hash);
      if (fromLink === null || fromLink === view.state.doc.toString()) return;
      showNotice(null);
      load(fromLink);
    } catch (e) {
      if (!(e instanceof ShareLinkError)) throw e;
      showNotice(`This link's program could not be loaded: ${e.message}.`);
    }
  });

  els.logLevel.addEventListener('change', () => verify(view.state.doc.toString(), true));

  els.copy.addEventListener('click', () => {
    if (!updateLink()) return;
    navigator.clipboard.writeText(location.href).then(
      () => { els.copyStatus.textContent = 'Link copied.'; },
      () => { els.copyStatus.textContent = 'Copying was refused: the link is in the address bar.'; },
    );
  });

  verify(initial, true);
}
