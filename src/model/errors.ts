// A rejection: the rule that fired and the kernel's message for it.
import type { Rule } from '../messages/catalog.ts';

export class VerifierReject extends Error {
  readonly ruleId: string;
  /** Whole lines to print after the message (e.g. infinite loop state dumps). */
  readonly extra: string;
  constructor(ruleId: string, message: string, extra = '') {
    super(message);
    this.ruleId = ruleId;
    this.extra = extra;
  }
}

/** Throw the rule's message. `reject(RULES.regNotInit, 2)`. */
export function reject<A extends unknown[]>(rule: Rule<A>, ...args: A): never {
  throw new VerifierReject(rule.id, rule.msg(...args));
}

/** An internal inconsistency of the model itself (never a verdict about the program). */
export class ModelBug extends Error {}

/** The program uses something the model does not cover yet: reported as "not modelled", never as a verdict. */
export class ModelLimit extends Error {}
