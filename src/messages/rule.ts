// One rule of the message catalogue: a stable id, a normative sentence, the kernel function that
// prints the message, and the message with its arguments.

export interface Rule<A extends unknown[] = never[]> {
  /** Stable rule id, cited by pages and examples. */
  id: string;
  /** One normative sentence, shown on the rule's page. */
  statement: string;
  /** Kernel function that prints the message (kernel/bpf/verifier.c unless noted). */
  kernelFn: string;
  /** The kernel's reason line, without the trailing newline. */
  msg: (...args: A) => string;
  /** The kernel prints this message without a newline, so the next log text joins its line. */
  noNewline?: boolean;
}

export function rule<A extends unknown[]>(id: string, kernelFn: string, statement: string, msg: (...args: A) => string): Rule<A> {
  return { id, kernelFn, statement, msg };
}

/** A rule whose kernel message lacks its trailing newline (the kernel's own quirk, kept byte-exact). */
export function ruleNoNewline<A extends unknown[]>(id: string, kernelFn: string, statement: string, msg: (...args: A) => string): Rule<A> {
  return { id, kernelFn, statement, msg, noNewline: true };
}
