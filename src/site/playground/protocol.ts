// Messages between the playground page and its verifier Web Worker (structured-clone data only).
import type { RunRequest, RunResult } from './run.ts';

/** Page -> worker: verify this text; `id` ties the answer to the edit that asked. */
export interface ToWorker {
  id: number;
  req: RunRequest;
}

/** Worker -> page: the result, or the model's own failure (a bug, shown as text). */
export type FromWorker = { id: number; kind: 'done'; result: RunResult; ms: number } | { id: number; kind: 'crash'; message: string };
