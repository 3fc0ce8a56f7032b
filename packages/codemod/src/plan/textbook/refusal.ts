/** Why a textbook translation is refused: thrown inside the planner, turned into a marker decision. */
import { Node } from 'ts-morph';
import { type MarkerRule } from '../rules';

/** Why a class cannot be translated: becomes a marker on the class (or on `anchor`). */
export class Refusal extends Error {
  constructor(
    readonly rule: MarkerRule,
    readonly reason: string,
    readonly anchor?: Node,
  ) {
    super(reason);
  }
}

export function refuse(rule: MarkerRule, reason: string, anchor?: Node): never {
  throw new Refusal(rule, reason, anchor);
}
