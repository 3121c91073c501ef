// What the assembler needs from the catalogs: helper ids, kfunc BTF ids, kernel types.
import type { AsmOptions } from '../asm/parse.ts';
import { kernelHelperId, kernelKfunc, kernelTypes } from '../catalog/kernel-types.ts';
import type { TypeTable } from '../btf/types.ts';
import { modelOnlyKfuncBtfId } from '../catalog/kfuncs.ts';

let kt: TypeTable | null = null;

export function asmOptions(lineBase = 1, colBase = 1): AsmOptions {
  kt ??= kernelTypes();
  const table = kt;
  return {
    resolveCall: (name) => {
      const h = kernelHelperId(name);
      if (h !== undefined) return { kind: 'helper', id: h };
      const k = kernelKfunc(name);
      if (k) return { kind: 'kfunc', btfId: k.btfId };
      // kfuncs the catalog documents from newer kernels (model-only examples): a placeholder id
      const m = modelOnlyKfuncBtfId(name);
      return m !== undefined ? { kind: 'kfunc', btfId: m } : undefined;
    },
    kernelTypes: (key) => table.get(key),
    lineBase,
    colBase,
  };
}
