// The playground's Web Worker: runs the assembler and verifier model off the page's main thread,
// so a slow program never freezes the tab (the page terminates this worker when a run exceeds its
// wall-time budget or a newer edit arrives; see scheduler.ts).
import { runPlayground } from './run.ts';
import type { FromWorker, ToWorker } from './protocol.ts';

// The DOM lib types `self` as a Window; in a dedicated worker it is the worker's global scope.
const scope = self as unknown as {
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  postMessage(msg: FromWorker): void;
};

scope.onmessage = (ev) => {
  const { id, req } = ev.data;
  const t0 = performance.now();
  let msg: FromWorker;
  try {
    msg = { id, kind: 'done', result: runPlayground(req), ms: performance.now() - t0 };
  } catch (e) {
    msg = { id, kind: 'crash', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  scope.postMessage(msg);
};
