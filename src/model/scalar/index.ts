// Public entry point of the scalar abstract domain (tnums + 64/32-bit signed/unsigned
// bounds) modelled on the Linux 6.18.y verifier.  See the individual modules for the
// kernel functions each export mirrors.

export * from './tnum.ts';
export * from './scalar.ts';
export * from './alu.ts';
export * from './branch.ts';
export * from './format.ts';
// prune.ts's tnumIn is the same function as tnum.ts's tnumIn
export { rangeWithin, scalarCovers, scalarRegSafe, scalarsEqual, type ScalarSafeOpts } from './prune.ts';
