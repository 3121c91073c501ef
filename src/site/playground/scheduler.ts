// When the playground verifies, and what stops a run.
//
// - Edits are debounced: a run starts `debounceMs` after the last edit.
// - One run at a time. The model is synchronous inside the worker, so a worker cannot be asked to
//   stop: a newer run while one is still going terminates that worker and starts a fresh one
//   (the older run is cancelled; its answer could never arrive).
// - A run that takes longer than `budgetMs` of wall time terminates its worker and reports
//   'timeout' (the model itself also stops at the kernel's 1,000,000-instruction limit, but that
//   can take longer than anyone wants to wait in a browser tab).
// - Answers carry the id of the run that asked; anything else is ignored.
//
// The worker and timers are injected so the logic is tested in Node without a browser.
import type { FromWorker, ToWorker } from './protocol.ts';
import type { RunRequest, RunResult } from './run.ts';

export interface WorkerLike {
  postMessage(msg: ToWorker): void;
  terminate(): void;
  onmessage: ((ev: { data: FromWorker }) => void) | null;
  onerror: ((ev: { message?: string }) => void) | null;
}

export type RunOutcome =
  | { kind: 'done'; result: RunResult; ms: number }
  | { kind: 'timeout'; budgetMs: number }
  | { kind: 'crash'; message: string };

export interface SchedulerOptions {
  createWorker: () => WorkerLike;
  /** Wall-time budget per run, from posting the request to the answer. */
  budgetMs: number;
  /** Quiet time after an edit before the run starts. */
  debounceMs: number;
  onStart?: (id: number, req: RunRequest) => void;
  /** The answer to run `id`, which verified `req`. */
  onOutcome: (id: number, outcome: RunOutcome, req: RunRequest) => void;
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
}

export class VerifyScheduler {
  private worker: WorkerLike | null = null;
  private nextId = 0;
  private running: { id: number; budget: unknown; req: RunRequest } | null = null;
  private debounce: unknown = null;
  private readonly timers: NonNullable<SchedulerOptions['timers']>;
  private readonly opts: SchedulerOptions;
  /** Workers started so far (a restart after a cancel or timeout adds one). */
  workersStarted = 0;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
    this.timers = opts.timers ?? {
      set: (fn, ms) => setTimeout(fn, ms),
      clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    };
  }

  /** An edit: verify `req` once the editing pauses. */
  request(req: RunRequest): void {
    if (this.debounce !== null) this.timers.clear(this.debounce);
    this.debounce = this.timers.set(() => {
      this.debounce = null;
      this.runNow(req);
    }, this.opts.debounceMs);
  }

  /** Verify `req` now, cancelling a run in progress. Returns the run's id. */
  runNow(req: RunRequest): number {
    if (this.debounce !== null) {
      this.timers.clear(this.debounce);
      this.debounce = null;
    }
    if (this.running) this.stopWorker(); // cancel the older run: its worker is busy until it ends
    const id = ++this.nextId;
    const worker = this.ensureWorker();
    const budget = this.timers.set(() => {
      if (this.running?.id !== id) return;
      this.stopWorker();
      this.opts.onOutcome(id, { kind: 'timeout', budgetMs: this.opts.budgetMs }, req);
    }, this.opts.budgetMs);
    this.running = { id, budget, req };
    this.opts.onStart?.(id, req);
    worker.postMessage({ id, req });
    return id;
  }

  /** Whether a run is in progress. */
  get busy(): boolean {
    return this.running !== null;
  }

  dispose(): void {
    if (this.debounce !== null) this.timers.clear(this.debounce);
    this.debounce = null;
    this.stopWorker();
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.opts.createWorker();
    this.workersStarted++;
    w.onmessage = (ev) => {
      if (w !== this.worker) return;
      const msg = ev.data;
      const run = this.running;
      if (run?.id !== msg.id) return; // an answer nobody waits for any more
      this.timers.clear(run.budget);
      this.running = null;
      this.opts.onOutcome(run.id, msg.kind === 'done' ? { kind: 'done', result: msg.result, ms: msg.ms } : { kind: 'crash', message: msg.message }, run.req);
    };
    w.onerror = (ev) => {
      if (w !== this.worker) return;
      const run = this.running;
      this.stopWorker();
      if (run) this.opts.onOutcome(run.id, { kind: 'crash', message: ev.message ?? 'the verifier worker failed to start' }, run.req);
    };
    this.worker = w;
    return w;
  }

  private stopWorker(): void {
    if (this.running) this.timers.clear(this.running.budget);
    this.running = null;
    if (this.worker) {
      this.worker.onmessage = null;
      this.worker.onerror = null;
      this.worker.terminate();
    }
    this.worker = null;
  }
}
