// A rejection: the rule that fired and the kernel's message for it.
import type { Rule } from '../messages/catalog.ts';

export class VerifierReject extends Error {
  readonly ruleId: string;
  /** Whole lines to print after the message (e.g. infinite loop state dumps). */
  readonly extra: string;
  /** False for the kernel's few messages printed without '\n'. */
  readonly newline: boolean;
  constructor(ruleId: string, message: string, extra = '', newline = true) {
    super(message);
    this.ruleId = ruleId;
    this.extra = extra;
    this.newline = newline;
  }
}

/** Throw the rule's message. `reject(RULES.regNotInit, 2)`. */
export function reject<A extends unknown[]>(rule: Rule<A>, ...args: A): never {
  throw new VerifierReject(rule.id, rule.msg(...args), '', rule.noNewline !== true);
}

/** An internal inconsistency of the model itself (never a verdict about the program). */
export class ModelBug extends Error {}

/** The program uses something the model does not cover yet: reported as "not modelled", never as a verdict. */
export class ModelLimit extends Error {}
