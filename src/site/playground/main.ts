// Entry of the playground page's client script (imported by src/pages/playground.astro).
// Vite recognises `new Worker(new URL('./worker.ts', import.meta.url))` and bundles the worker
// (assembler, model, catalog) as its own same-origin file.
import { mountPlayground } from './ui.ts';
import type { WorkerLike } from './scheduler.ts';

const root = document.getElementById('bpfspec-playground');
if (root) {
  mountPlayground(root, () => new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'bpfspec-verifier' }) as unknown as WorkerLike);
}
