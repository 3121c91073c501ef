// When the playground re-verifies and what stops a run (src/site/playground/scheduler.ts), with a
// fake worker and vitest's fake timers in place of the browser's.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VerifyScheduler, type RunOutcome, type WorkerLike } from '../../src/site/playground/scheduler.ts';
import type { FromWorker, ToWorker } from '../../src/site/playground/protocol.ts';
import type { RunRequest } from '../../src/site/playground/run.ts';

class FakeWorker implements WorkerLike {
  posted: ToWorker[] = [];
  terminated = false;
  onmessage: ((ev: { data: FromWorker }) => void) | null = null;
  onerror: ((ev: { message?: string }) => void) | null = null;
  postMessage(msg: ToWorker): void {
    this.posted.push(msg);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(id: number): void {
    this.onmessage?.({ data: { id, kind: 'done', result: { kind: 'programs', programs: [] }, ms: 1 } });
  }
}

const req = (text: string): RunRequest => ({ text, logLevel: 2 });

describe('VerifyScheduler', () => {
  let workers: FakeWorker[];
  let outcomes: [number, RunOutcome['kind'], string][];
  let s: VerifyScheduler;

  beforeEach(() => {
    vi.useFakeTimers();
    workers = [];
    outcomes = [];
    s = new VerifyScheduler({
      createWorker: () => {
        const w = new FakeWorker();
        workers.push(w);
        return w;
      },
      budgetMs: 5000,
      debounceMs: 200,
      onOutcome: (id, out, r) => outcomes.push([id, out.kind, r.text]),
    });
  });
  afterEach(() => {
    s.dispose();
    vi.useRealTimers();
  });

  it('debounces edits: one run with the last text after the typing pauses', () => {
    s.request(req('a'));
    vi.advanceTimersByTime(150);
    s.request(req('ab'));
    vi.advanceTimersByTime(150);
    s.request(req('abc'));
    expect(workers).toHaveLength(0);
    vi.advanceTimersByTime(200);
    expect(workers).toHaveLength(1);
    expect(workers[0]?.posted.map((m) => m.req.text)).toEqual(['abc']);
    workers[0]?.answer(1);
    expect(outcomes).toEqual([[1, 'done', 'abc']]);
  });

  it('reuses the worker between runs that finish', () => {
    s.runNow(req('one'));
    workers[0]?.answer(1);
    s.runNow(req('two'));
    workers[0]?.answer(2);
    expect(workers).toHaveLength(1);
    expect(outcomes.map((o) => o[2])).toEqual(['one', 'two']);
  });

  it('a newer run cancels a running one: its worker is terminated and its answer ignored', () => {
    s.runNow(req('slow'));
    const first = workers[0];
    s.runNow(req('new'));
    expect(first?.terminated).toBe(true);
    expect(workers).toHaveLength(2);
    first?.answer(1); // too late, and from a terminated worker
    workers[1]?.answer(2);
    expect(outcomes).toEqual([[2, 'done', 'new']]);
  });

  it('stops a run that exceeds the wall-time budget and restarts the worker for the next', () => {
    s.runNow(req('endless'));
    vi.advanceTimersByTime(4999);
    expect(outcomes).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(outcomes).toEqual([[1, 'timeout', 'endless']]);
    expect(workers[0]?.terminated).toBe(true);
    expect(s.busy).toBe(false);
    s.runNow(req('next'));
    expect(workers).toHaveLength(2);
    workers[1]?.answer(2);
    expect(outcomes.at(-1)).toEqual([2, 'done', 'next']);
  });

  it('does not time out a run that answered', () => {
    s.runNow(req('quick'));
    workers[0]?.answer(1);
    vi.advanceTimersByTime(10_000);
    expect(outcomes).toEqual([[1, 'done', 'quick']]);
    expect(workers[0]?.terminated).toBe(false);
  });

  it('ignores answers for other runs', () => {
    s.runNow(req('x'));
    workers[0]?.answer(7);
    expect(outcomes).toEqual([]);
    expect(s.busy).toBe(true);
  });

  it('reports a worker that fails as a crash and starts a new one next time', () => {
    s.runNow(req('x'));
    workers[0]?.onerror?.({ message: 'SyntaxError in worker script' });
    expect(outcomes).toEqual([[1, 'crash', 'x']]);
    s.runNow(req('y'));
    expect(workers).toHaveLength(2);
  });

  it('passes the model\'s own failure through as a crash', () => {
    s.runNow(req('x'));
    workers[0]?.onmessage?.({ data: { id: 1, kind: 'crash', message: 'TypeError: boom' } });
    expect(outcomes).toEqual([[1, 'crash', 'x']]);
  });
});
