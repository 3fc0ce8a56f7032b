/** A handler class's members as the textbook planner sees them: fields, methods, the constructor, own names. */
import type { PlanContext } from '../types';
import {
  type ClassDeclaration,
  type ConstructorDeclaration,
  type MethodDeclaration,
  Node,
  SyntaxKind,
} from 'ts-morph';
import { TRANSLATED_HOOKS } from '../legacy-members';
import { thisMemberName, thisCallName } from './class-syntax';

export interface Members {
  node: ClassDeclaration;
  properties: Map<string, Node>;
  methods: Map<string, MethodDeclaration>;
  constructorNode: ConstructorDeclaration | undefined;
  /** Names the class itself declares or assigns (own state, not inherited attributes). */
  own: Set<string>;
  others: Node[];
}

export function readMembers(node: ClassDeclaration): Members {
  const members: Members = { node, properties: new Map(), methods: new Map(), constructorNode: undefined, own: new Set(), others: [] };
  for (const member of node.getMembers()) {
    if (Node.isConstructorDeclaration(member)) {
      if (member.getBody() === undefined) continue; // an overload signature
      members.constructorNode = member;
      for (const parameter of member.getParameters()) if (parameter.isParameterProperty()) members.own.add(parameter.getName());
      for (const assignment of member.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
        const name = thisMemberName(assignment.getLeft());
        if (name !== null && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken) members.own.add(name);
      }
    } else if (Node.isPropertyDeclaration(member) && !member.isStatic()) {
      members.properties.set(member.getName(), member);
      members.own.add(member.getName());
    } else if (Node.isMethodDeclaration(member) && !member.isStatic()) {
      if (member.getBody() === undefined) continue;
      members.methods.set(member.getName(), member);
      if (!TRANSLATED_HOOKS.has(member.getName())) members.own.add(member.getName());
    } else {
      members.others.push(member);
      const name = (member as { getName?: () => string }).getName?.();
      if (name !== undefined) members.own.add(name);
    }
  }
  return members;
}

/** The members of a leaf class seen together with its (direct async_chat) base: the leaf overrides. */
export function mergeMembers(base: Members, leaf: Members): Members {
  return {
    node: leaf.node,
    properties: new Map([...base.properties, ...leaf.properties]),
    methods: new Map([...base.methods, ...leaf.methods]),
    constructorNode: leaf.constructorNode ?? base.constructorNode,
    own: new Set([...base.own, ...leaf.own]),
    others: [...base.others, ...leaf.others],
  };
}

/** Helper methods that call one of `names` (directly or through other helpers). */
export function helpersCalling(members: Members, names: readonly string[]): Set<string> {
  const writes = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [name, method] of members.methods) {
      if (writes.has(name) || TRANSLATED_HOOKS.has(name)) continue;
      const calls = method.getDescendantsOfKind(SyntaxKind.CallExpression).map(thisCallName);
      if (calls.some((call) => call !== null && (names.includes(call) || writes.has(call)))) {
        writes.add(name);
        changed = true;
      }
    }
  }
  return writes;
}

/** A field assigned from a constructor parameter and read nowhere in the analysed project (`this.addr = addr`). */
export function isUnreadField(name: string, context: PlanContext): boolean {
  for (const file of context.analysis.files.values()) {
    if (!file.sourceFile.getFullText().includes(`.${name}`)) continue;
    for (const access of file.sourceFile.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
      if (access.getName() !== name) continue;
      const parent = access.getParent();
      const assigned = Node.isBinaryExpression(parent) && parent.getLeft() === access && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken;
      if (!assigned) return false;
    }
  }
  return true;
}
