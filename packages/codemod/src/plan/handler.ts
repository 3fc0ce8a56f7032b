/**
 * Plans the migration of one async_chat subclass: a read loop over `frames` (constant terminator)
 * or `readFrame` (terminator changed while reading), as an exported function when the handler has
 * no other state, or as the kept class with a `run(reader, writer)` method. Anything it cannot prove
 * safe becomes a marker decision instead, and the class is left as it was.
 */
import {
  type CallExpression,
  type ClassDeclaration,
  type ConstructorDeclaration,
  type MethodDeclaration,
  Node,
  type ParameterDeclaration,
  SyntaxKind,
} from 'ts-morph';
import type { LegacyClass, ProjectAnalysis } from '../analyse/types';
import { LEGACY_INTERNALS, MANUAL_OVERRIDES, TRANSLATED_HOOKS } from './legacy-members';
import { MARKER_RULES, type MarkerRule, TRANSLATION_RULES, type TranslationRule } from './rules';
import { readTerminator, type TerminatorValue } from './terminator';
import type { BodyAction, ConstructorPlan, HandlerPlan, MarkerPlan, MovedBody } from './types';

export interface PlanContext {
  analysis: ProjectAnalysis;
  /** The file is TypeScript: types are emitted. */
  typescript: boolean;
  /** Legacy classes (anywhere in the project) that extend this one. */
  subclassesOf(legacy: LegacyClass): LegacyClass[];
}

/** Why a class cannot be translated: becomes a marker on the class (or on `anchor`). */
class Refusal extends Error {
  constructor(
    readonly rule: MarkerRule,
    readonly reason: string,
    readonly anchor?: Node,
  ) {
    super(reason);
  }
}

function refuse(rule: MarkerRule, reason: string, anchor?: Node): never {
  throw new Refusal(rule, reason, anchor);
}

/** `this.name` -> name; anything else -> null. */
export function thisMemberName(node: Node): string | null {
  if (!Node.isPropertyAccessExpression(node)) return null;
  if (node.getExpression().getKind() !== SyntaxKind.ThisKeyword) return null;
  return node.getName();
}

/** `this.name(...)` -> name; anything else -> null. */
export function thisCallName(node: Node): string | null {
  if (!Node.isCallExpression(node)) return null;
  return thisMemberName(node.getExpression());
}

/** Inside a nested `function`, `this` is not the handler; arrow functions keep it. */
function insideNestedFunction(node: Node, boundary: Node): boolean {
  for (let current = node.getParent(); current !== undefined && current !== boundary; current = current.getParent()) {
    if (Node.isFunctionDeclaration(current) || Node.isFunctionExpression(current) || Node.isMethodDeclaration(current)) return true;
    if (Node.isClassDeclaration(current) || Node.isClassExpression(current)) return true;
  }
  return false;
}

/** A `break` / `continue` placed at `node` would bind to a loop or switch inside `boundary`, or cannot cross a function. */
function insideLoopOrFunction(node: Node, boundary: Node): boolean {
  for (let current = node.getParent(); current !== undefined && current !== boundary; current = current.getParent()) {
    if (
      Node.isIterationStatement(current) ||
      Node.isSwitchStatement(current) ||
      Node.isFunctionLikeDeclaration(current) ||
      Node.isArrowFunction(current) ||
      Node.isFunctionExpression(current)
    ) {
      return true;
    }
  }
  return false;
}

function methodBodyStatements(method: MethodDeclaration | ConstructorDeclaration): Node[] {
  const body = method.getBody();
  if (body === undefined || !Node.isBlock(body)) refuse(MARKER_RULES.unrecognisedHandler, `${method.getKindName()} has no body`);
  return body.getStatements();
}

/** Readable function name for a handler class: EchoHandler -> handleEcho. */
export function handlerFunctionName(className: string): string {
  const stem = className.replace(/(Handler|Channel|Chat|Session)$/, '');
  return stem === '' ? 'handleConnection' : `handle${stem[0]!.toUpperCase()}${stem.slice(1)}`;
}

interface CollectBuffer {
  field: string;
  /** 'list': `this.buffer.push(data)` + `Buffer.concat(this.buffer)`; 'bytes': `this.buffer = Buffer.concat([this.buffer, data])`. */
  shape: 'list' | 'bytes';
}

function isEmptyBufferValue(node: Node | undefined): boolean {
  if (node === undefined) return false;
  if (Node.isArrayLiteralExpression(node)) return node.getElements().length === 0;
  const text = node.getText().replace(/\s+/g, '');
  return text === 'Buffer.alloc(0)' || text === "Buffer.from('')" || text === 'Buffer.from("")';
}

/** `this.buffer = []` / `this.buffer = Buffer.alloc(0)` / `this.buffer.length = 0` for the collect buffer. */
function isBufferReset(statement: Node, buffer: CollectBuffer): boolean {
  if (!Node.isExpressionStatement(statement)) return false;
  const expression = statement.getExpression();
  if (!Node.isBinaryExpression(expression) || expression.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return false;
  const left = expression.getLeft();
  if (thisMemberName(left) === buffer.field) return isEmptyBufferValue(expression.getRight());
  if (Node.isPropertyAccessExpression(left) && left.getName() === 'length' && thisMemberName(left.getExpression()) === buffer.field) {
    return expression.getRight().getText() === '0';
  }
  return false;
}

function readCollectBuffer(method: MethodDeclaration): CollectBuffer {
  const parameters = method.getParameters();
  const statements = methodBodyStatements(method);
  const parameter = parameters[0]?.getName();
  const only = statements.length === 1 ? statements[0] : undefined;
  if (parameters.length === 1 && only !== undefined && Node.isExpressionStatement(only)) {
    const expression = only.getExpression();
    // this.buffer.push(data)
    if (Node.isCallExpression(expression)) {
      const callee = expression.getExpression();
      const args = expression.getArguments();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'push' && args.length === 1 && args[0]!.getText() === parameter) {
        const field = thisMemberName(callee.getExpression());
        if (field !== null) return { field, shape: 'list' };
      }
    }
    // this.buffer = Buffer.concat([this.buffer, data])
    if (Node.isBinaryExpression(expression) && expression.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
      const field = thisMemberName(expression.getLeft());
      const right = expression.getRight().getText().replace(/\s+/g, '');
      if (field !== null && right === `Buffer.concat([this.${field},${parameter}])`) return { field, shape: 'bytes' };
    }
  }
  return refuse(
    MARKER_RULES.unrecognisedHandler,
    'collect_incoming_data does more than append to one buffer field; port the read loop by hand',
    method,
  );
}

/** The node that reads the whole collected message: `Buffer.concat(this.buffer)` or `this.buffer`. */
function messageRead(node: Node, buffer: CollectBuffer): Node | null {
  if (thisMemberName(node) !== buffer.field) return null;
  if (buffer.shape === 'bytes') {
    const parent = node.getParent();
    if (Node.isBinaryExpression(parent) && parent.getLeft() === node) return null;
    return node;
  }
  const call = node.getParent();
  if (Node.isCallExpression(call) && call.getExpression().getText() === 'Buffer.concat' && call.getArguments().length === 1) return call;
  return null;
}

interface Members {
  node: ClassDeclaration;
  properties: Map<string, Node>;
  methods: Map<string, MethodDeclaration>;
  constructorNode: ConstructorDeclaration | undefined;
  /** Names the class itself declares or assigns (own state, not inherited attributes). */
  own: Set<string>;
  others: Node[];
}

function readMembers(node: ClassDeclaration): Members {
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

/** Helper methods that write (directly or through other helpers): they need the writer. */
function writingHelpers(members: Members): Set<string> {
  const writes = new Set<string>();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [name, method] of members.methods) {
      if (writes.has(name) || TRANSLATED_HOOKS.has(name)) continue;
      const calls = method.getDescendantsOfKind(SyntaxKind.CallExpression).map(thisCallName);
      if (calls.some((call) => call === 'push' || call === 'push_with_producer' || (call !== null && writes.has(call)))) {
        writes.add(name);
        changed = true;
      }
    }
  }
  return writes;
}

interface BodyScan {
  actions: BodyAction[];
  writes: boolean;
}

/**
 * Rewrites inside one moved body. `role` says where the statements end up: the loop body
 * (found_terminator), before the loop (constructor), after it (handle_close), its catch
 * (handle_error), or a helper method of the kept class.
 */
function scanBody(
  body: Node,
  role: 'loop' | 'prologue' | 'after' | 'catch' | 'helper',
  context: PlanContext,
  state: {
    buffer: CollectBuffer;
    helpersThatWrite: Set<string>;
    loop: 'frames' | 'read-frame';
    constantTerminator: string;
    hasCloseHook: boolean;
    messageName: string;
  },
): BodyScan {
  const actions: BodyAction[] = [];
  let writes = false;
  const target = role === 'helper' ? 'this.writer' : 'writer';
  for (const call of body.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const name = thisCallName(call);
    if (name === null) {
      const callee = call.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getKind() === SyntaxKind.ThisKeyword) continue;
      continue;
    }
    if (insideNestedFunction(call, body)) refuse(MARKER_RULES.unrecognisedHandler, `this.${name}() inside a nested function`, call);
    if (state.helpersThatWrite.has(name)) writes = true;
    switch (name) {
      case 'push': {
        const [data, ...rest] = call.getArguments();
        if (data === undefined || rest.length > 0) refuse(MARKER_RULES.unrecognisedHandler, 'push() takes one argument', call);
        actions.push({ kind: 'write', call, data, target });
        writes = true;
        break;
      }
      case 'push_with_producer': {
        actions.push(producerWrite(call, context, target));
        writes = true;
        break;
      }
      case 'close_when_done':
      case 'close':
      case 'handle_close': {
        actions.push(closeAction(call, name, role, body, state.hasCloseHook));
        break;
      }
      case 'set_terminator': {
        if (role !== 'loop' || state.loop !== 'read-frame') {
          refuse(MARKER_RULES.dynamicTerminator, 'set_terminator() outside found_terminator', call);
        }
        const [value] = call.getArguments();
        if (value === undefined) refuse(MARKER_RULES.dynamicTerminator, 'set_terminator() without a value', call);
        actions.push({ kind: 'set-terminator', call, value: readTerminator(value).text });
        break;
      }
      case 'get_terminator': {
        if (role !== 'loop') refuse(MARKER_RULES.dynamicTerminator, 'get_terminator() outside found_terminator', call);
        if (state.loop === 'frames') actions.push({ kind: 'message', node: call, name: state.constantTerminator });
        else actions.push({ kind: 'get-terminator', call });
        break;
      }
      case 'discard_buffers':
        refuse(MARKER_RULES.discardBuffers, 'discard_buffers() has no streams equivalent (it drops queued input and output)', call);
        break;
      default:
        break;
    }
  }
  if (role === 'loop') {
    for (const statement of body.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
      if (insideNestedFunction(statement, body) || statement.getFirstAncestor((a) => Node.isArrowFunction(a) && a !== body) !== undefined) continue;
      if (statement.getExpression() !== undefined) refuse(MARKER_RULES.unrecognisedHandler, 'found_terminator returns a value', statement);
      if (insideLoopOrFunction(statement, body)) refuse(MARKER_RULES.unrecognisedHandler, 'return inside a loop of found_terminator', statement);
      actions.push({ kind: 'continue', statement, drain: false });
    }
  } else if (role === 'after' || role === 'catch' || role === 'prologue') {
    const early = body.getDescendantsOfKind(SyntaxKind.ReturnStatement).find((statement) => !insideNestedFunction(statement, body));
    if (early !== undefined) refuse(MARKER_RULES.unrecognisedHandler, 'an early return in a lifecycle hook', early);
  }
  return { actions, writes };
}

function producerWrite(call: CallExpression, context: PlanContext, target: 'writer' | 'this.writer'): BodyAction {
  const [producer] = call.getArguments();
  if (producer !== undefined && Node.isNewExpression(producer)) {
    const constructed = context.analysis.resolveShimName(producer.getExpression());
    const [data] = producer.getArguments();
    if (constructed === 'simple_producer' && data !== undefined) return { kind: 'write', call, data, target };
  }
  if (producer !== undefined) {
    let typeText = '';
    try {
      typeText = producer.getType().getText();
    } catch {
      typeText = '';
    }
    if (/^(Buffer|Uint8Array)(<.*>)?$/.test(typeText)) return { kind: 'write', call, data: producer, target };
  }
  return refuse(MARKER_RULES.unknownProducer, 'a producer of unknown shape: write its chunks (writer.write) by hand', call);
}

function closeAction(
  call: CallExpression,
  name: 'close_when_done' | 'close' | 'handle_close',
  role: 'loop' | 'prologue' | 'after' | 'catch' | 'helper',
  body: Node,
  hasCloseHook: boolean,
): BodyAction {
  const statement = call.getParent();
  if (!Node.isExpressionStatement(statement)) refuse(MARKER_RULES.unrecognisedHandler, `the value of ${name}() is used`, call);
  if (role === 'helper' || role === 'prologue') {
    refuse(MARKER_RULES.unrecognisedHandler, `${name}() outside found_terminator / handle_error: leave the read loop by hand`, statement);
  }
  const block = statement.getParent();
  const siblings = Node.isBlock(block) || Node.isSourceFile(block) ? block.getStatements() : [statement];
  if (siblings[siblings.length - 1] !== statement) {
    refuse(MARKER_RULES.unrecognisedHandler, `statements after ${name}() would still run in asynchat`, statement);
  }
  if (role === 'after') return { kind: 'drop', statement };
  if (insideLoopOrFunction(statement, body)) refuse(MARKER_RULES.unrecognisedHandler, `${name}() inside a nested loop or function`, statement);
  // close() skips handle_close; close_when_done() and handle_close() run it (after the loop).
  if (role === 'catch') {
    if (name === 'close' && hasCloseHook) return { kind: 'leave', statement, close: true, exit: 'return' };
    return { kind: 'drop', statement };
  }
  if (name === 'close' && hasCloseHook) return { kind: 'leave', statement, close: true, exit: 'return' };
  return { kind: 'leave', statement, close: false, exit: 'break' };
}

/** Plans one async_chat subclass, or says which marker it gets. */
export function planHandler(legacy: LegacyClass, context: PlanContext): HandlerPlan | MarkerPlan {
  const node = legacy.node;
  try {
    if (!Node.isClassDeclaration(node) || node.getName() === undefined) {
      refuse(MARKER_RULES.unrecognisedHandler, 'an anonymous handler class; name it, then rerun');
    }
    if (!legacy.direct) {
      refuse(MARKER_RULES.subclassChain, `extends ${legacy.chain[1] ?? 'a legacy class'}: migrate the chain by hand (merge it into one handler, then rerun)`);
    }
    const subclasses = context.subclassesOf(legacy);
    if (subclasses.length > 0) {
      refuse(
        MARKER_RULES.subclassChain,
        `extended by ${subclasses.map((sub) => sub.name ?? 'an anonymous class').join(', ')}: migrate the chain by hand`,
      );
    }
    return buildHandlerPlan(legacy, node, context);
  } catch (error) {
    if (error instanceof Refusal) return { kind: 'marker', rule: error.rule, reason: error.reason, anchor: markerAnchor(error.anchor, node) };
    throw error;
  }
}

/** Markers go above the whole statement that holds the offending node (or the class). */
function markerAnchor(anchor: Node | undefined, fallback: Node): Node {
  const classStatement = Node.isClassDeclaration(fallback) ? fallback : (fallback.getFirstAncestor((a) => Node.isStatement(a)) ?? fallback);
  if (anchor === undefined) return classStatement;
  // A marker inside the class would be moved by a person anyway: anchor on the class itself so the
  // next run finds it above the class it refused.
  return classStatement;
}

function buildHandlerPlan(legacy: LegacyClass, node: ClassDeclaration, context: PlanContext): HandlerPlan {
  const members = readMembers(node);
  for (const [name, method] of members.methods) {
    if (name === 'discard_buffers') refuse(MARKER_RULES.discardBuffers, 'overrides discard_buffers()', method);
    if (name === 'get_terminator') refuse(MARKER_RULES.dynamicTerminator, 'overrides get_terminator(): the terminator is computed while reading', method);
    if (MANUAL_OVERRIDES.has(name)) refuse(MARKER_RULES.manualOverride, `overrides ${name}(): port the I/O by hand`, method);
  }
  const found = members.methods.get('found_terminator');
  const collect = members.methods.get('collect_incoming_data');
  if (found === undefined || collect === undefined) {
    refuse(MARKER_RULES.unrecognisedHandler, 'no collect_incoming_data / found_terminator pair to turn into a read loop');
  }
  if (found.getParameters().length > 0 || found.isAsync() || collect.isAsync()) {
    refuse(MARKER_RULES.unrecognisedHandler, 'found_terminator / collect_incoming_data has an unusual signature', found);
  }
  const buffer = readCollectBuffer(collect);

  // Inherited attributes touched directly.
  for (const access of node.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    const name = thisMemberName(access);
    if (name === null || members.own.has(name)) continue;
    if (name === 'discard_buffers') refuse(MARKER_RULES.discardBuffers, 'discard_buffers() has no streams equivalent (it drops queued input and output)', access);
    if (LEGACY_INTERNALS.has(name)) {
      const parent = access.getParent();
      const assigned = Node.isBinaryExpression(parent) && parent.getLeft() === access;
      if (!assigned) refuse(MARKER_RULES.legacyInternals, `uses this.${name}, which the streams API does not have`, access);
    }
  }

  // The collect buffer lives only in its declaration, the constructor reset, collect and found.
  for (const access of node.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    if (thisMemberName(access) !== buffer.field) continue;
    const method = access.getFirstAncestor((a) => Node.isMethodDeclaration(a) || Node.isConstructorDeclaration(a));
    if (method === collect || method === found || (method !== undefined && Node.isConstructorDeclaration(method))) continue;
    refuse(MARKER_RULES.unrecognisedHandler, `this.${buffer.field} is used outside collect_incoming_data / found_terminator`, access);
  }

  // Terminators.
  const constructorNode = members.constructorNode;
  if (constructorNode === undefined) refuse(MARKER_RULES.unrecognisedHandler, 'no constructor that takes the socket');
  const constructorStatements = methodBodyStatements(constructorNode);
  const setCalls = node.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => thisCallName(call) === 'set_terminator');
  const initialCalls = setCalls.filter((call) => {
    const statement = call.getParent();
    return Node.isExpressionStatement(statement) && constructorStatements.includes(statement);
  });
  if (initialCalls.length !== 1) {
    refuse(MARKER_RULES.dynamicTerminator, 'the constructor does not set exactly one terminator at its top level');
  }
  const initialCall = initialCalls[0]!;
  const initialArgument = initialCall.getArguments()[0];
  if (initialArgument === undefined) refuse(MARKER_RULES.dynamicTerminator, 'set_terminator() without a value', initialCall);
  const initial = readTerminator(initialArgument);
  const laterCalls = setCalls.filter((call) => call !== initialCall);
  for (const call of laterCalls) {
    if (call.getFirstAncestor((a) => a === found) === undefined) {
      refuse(MARKER_RULES.dynamicTerminator, 'set_terminator() outside found_terminator', call);
    }
  }
  const loop: 'frames' | 'read-frame' = laterCalls.length === 0 && initial.kind === 'string' && !initial.falsy ? 'frames' : 'read-frame';
  const values: TerminatorValue[] = [
    initial,
    ...laterCalls.map((call) => {
      const argument = call.getArguments()[0];
      if (argument === undefined) refuse(MARKER_RULES.dynamicTerminator, 'set_terminator() without a value', call);
      return readTerminator(argument);
    }),
  ];

  const hasCloseHook = members.methods.has('handle_close');
  const helpersThatWrite = writingHelpers(members);

  // The loop body: found_terminator minus the buffer join / reset.
  const foundStatements = methodBodyStatements(found);
  const foundBody = found.getBody()!;
  const reads: Node[] = [];
  for (const access of found.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    if (thisMemberName(access) !== buffer.field) continue;
    const read = messageRead(access, buffer);
    const statement = access.getFirstAncestor((a) => foundStatements.includes(a));
    if (read !== null) {
      reads.push(read);
      continue;
    }
    if (statement !== undefined && isBufferReset(statement, buffer)) continue;
    refuse(MARKER_RULES.unrecognisedHandler, `found_terminator uses this.${buffer.field} in a way the rewrite does not know`, access);
  }
  const resets = foundStatements.filter((statement) => isBufferReset(statement, buffer));
  if (resets.length > 1) refuse(MARKER_RULES.unrecognisedHandler, `found_terminator resets this.${buffer.field} more than once`, resets[1]);
  if (reads.length > 0 && resets.length === 0) {
    refuse(MARKER_RULES.unrecognisedHandler, `this.${buffer.field} is never reset: every message would carry the ones before it`, found);
  }
  const reset = resets[0];
  if (reset !== undefined && reads.some((read) => read.getStart() > reset.getStart())) {
    refuse(MARKER_RULES.unrecognisedHandler, `found_terminator reads this.${buffer.field} after resetting it`, reset);
  }
  for (const read of reads) {
    const statement = read.getFirstAncestor((a) => foundStatements.includes(a));
    const nested = statement === undefined || read.getFirstAncestor((a) => Node.isIterationStatement(a) || Node.isFunctionLikeDeclaration(a) || Node.isArrowFunction(a)) !== found;
    if (nested && read.getFirstAncestor((a) => a === found) !== undefined && statement !== undefined) {
      const loopAncestor = read.getFirstAncestor((a) => Node.isIterationStatement(a) || Node.isArrowFunction(a) || Node.isFunctionExpression(a));
      if (loopAncestor !== undefined && loopAncestor.getFirstAncestor((a) => a === found) !== undefined) {
        refuse(MARKER_RULES.unrecognisedHandler, `this.${buffer.field} read inside a loop of found_terminator`, read);
      }
    }
  }

  // The join statement `const message = Buffer.concat(this.buffer);` names the loop variable.
  let messageName = '';
  let joinStatement: Node | undefined;
  if (reads.length === 1) {
    const read = reads[0]!;
    const declaration = read.getParent();
    const statement = declaration?.getParent()?.getParent();
    if (
      Node.isVariableDeclaration(declaration) &&
      declaration.getInitializer() === read &&
      Node.isIdentifier(declaration.getNameNode()) &&
      Node.isVariableStatement(statement) &&
      foundStatements.includes(statement) &&
      statement.getDeclarations().length === 1 &&
      statement.getDeclarationKind() === 'const'
    ) {
      messageName = declaration.getName();
      joinStatement = statement;
    }
  }
  if (messageName === '') {
    const used = new Set(found.getDescendantsOfKind(SyntaxKind.Identifier).map((identifier) => identifier.getText()));
    messageName = reads.length === 0 ? '_message' : ['message', 'frame', 'received'].find((name) => !used.has(name)) ?? 'message_';
  }

  const scanState = {
    buffer,
    helpersThatWrite,
    loop,
    constantTerminator: initial.text,
    hasCloseHook,
    messageName,
  };
  const loopScan = scanBody(foundBody, 'loop', context, scanState);
  const loopActions: BodyAction[] = [...loopScan.actions];
  for (const read of reads) if (read.getParent() !== joinStatement && !(joinStatement !== undefined && read.getFirstAncestor((a) => a === joinStatement))) loopActions.push({ kind: 'message', node: read, name: messageName });
  if (joinStatement !== undefined) loopActions.push({ kind: 'drop', statement: joinStatement });
  if (reset !== undefined) loopActions.push({ kind: 'drop', statement: reset });
  const drains = loopScan.writes;
  // A `continue` drains first only when a write comes before it in the body.
  const writeStarts = loopActions.filter((action) => action.kind === 'write').map((action) => (action.kind === 'write' ? action.call.getStart() : 0));
  for (const action of loopActions) {
    if (action.kind === 'continue') action.drain = drains && writeStarts.some((start) => start < action.statement.getStart());
  }

  // Hooks.
  const closeHook = members.methods.get('handle_close');
  let afterLoop: MovedBody | null = null;
  if (closeHook !== undefined) {
    if (closeHook.getParameters().length > 0 || closeHook.isAsync()) refuse(MARKER_RULES.unrecognisedHandler, 'handle_close() with parameters', closeHook);
    const scan = scanBody(closeHook.getBody()!, 'after', context, scanState);
    afterLoop = { statements: methodBodyStatements(closeHook), actions: scan.actions };
  }
  const errorHook = members.methods.get('handle_error');
  let catchClause: HandlerPlan['catchClause'] = null;
  if (errorHook !== undefined) {
    if (errorHook.getParameters().length > 1 || errorHook.isAsync()) refuse(MARKER_RULES.unrecognisedHandler, 'handle_error() with an unusual signature', errorHook);
    const closes = errorHook
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .some((call) => ['close', 'close_when_done', 'handle_close'].includes(thisCallName(call) ?? ''));
    if (!closes) {
      refuse(MARKER_RULES.unrecognisedHandler, 'handle_error() keeps the channel open after an error; a catch around the read loop would end it', errorHook);
    }
    const scan = scanBody(errorHook.getBody()!, 'catch', context, scanState);
    catchClause = {
      parameter: errorHook.getParameters()[0]?.getName() ?? 'error',
      body: { statements: methodBodyStatements(errorHook), actions: scan.actions },
    };
  }

  // The constructor: socket parameter, super(), set_terminator, buffer init, greeting pushes.
  const superStatement = constructorStatements[0];
  const superCall = Node.isExpressionStatement(superStatement) ? superStatement.getExpression() : undefined;
  if (superCall === undefined || !Node.isCallExpression(superCall) || superCall.getExpression().getKind() !== SyntaxKind.SuperKeyword) {
    refuse(MARKER_RULES.unrecognisedHandler, 'the constructor does not start with super(socket)', constructorNode);
  }
  const superArguments = superCall.getArguments();
  if (superArguments.length !== 1) {
    refuse(
      superArguments.length === 0 ? MARKER_RULES.unrecognisedClient : MARKER_RULES.legacyInternals,
      superArguments.length === 0 ? 'no socket given to async_chat: a client channel the rewrite does not translate yet' : 'passes a socket map to async_chat',
      constructorNode,
    );
  }
  const socketName = superArguments[0]!.getText();
  const parameters = constructorNode.getParameters();
  const socketParameterIndex = parameters.findIndex((parameter) => parameter.getName() === socketName);
  if (socketParameterIndex === -1) refuse(MARKER_RULES.unrecognisedHandler, 'the socket given to super() is not a constructor parameter', constructorNode);
  const socketParameter = parameters[socketParameterIndex]!;
  if (socketParameter.isParameterProperty()) refuse(MARKER_RULES.legacyInternals, 'the socket is kept as a field', constructorNode);
  const socketUses = constructorNode
    .getDescendantsOfKind(SyntaxKind.Identifier)
    .filter((identifier) => identifier.getText() === socketName && identifier.getParent() !== socketParameter);
  if (socketUses.length !== 1) refuse(MARKER_RULES.legacyInternals, 'the constructor uses the socket beyond super()', constructorNode);

  const removedStatements: Node[] = [superStatement!, initialCall.getParent()!];
  const prologueStatements: Node[] = [];
  const prologueActions: BodyAction[] = [];
  for (const statement of constructorStatements.slice(1)) {
    if (statement === initialCall.getParent()) continue;
    if (Node.isExpressionStatement(statement)) {
      const expression = statement.getExpression();
      if (Node.isBinaryExpression(expression) && thisMemberName(expression.getLeft()) === buffer.field) {
        if (!isEmptyBufferValue(expression.getRight())) refuse(MARKER_RULES.unrecognisedHandler, `this.${buffer.field} starts non-empty`, statement);
        removedStatements.push(statement);
        continue;
      }
      const called = thisCallName(expression);
      if (called === 'push' || called === 'push_with_producer') {
        const scan = scanBody(statement, 'prologue', context, scanState);
        prologueStatements.push(statement);
        prologueActions.push(...scan.actions);
        removedStatements.push(statement);
        continue;
      }
    }
    for (const call of statement.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const called = thisCallName(call);
      if (called !== null && !members.own.has(called)) {
        refuse(MARKER_RULES.unrecognisedHandler, `the constructor calls this.${called}() among other statements`, statement);
      }
    }
  }
  const bufferProperty = members.properties.get(buffer.field);
  if (bufferProperty !== undefined) {
    const initializer = Node.isPropertyDeclaration(bufferProperty) ? bufferProperty.getInitializer() : undefined;
    if (initializer !== undefined && !isEmptyBufferValue(initializer)) refuse(MARKER_RULES.unrecognisedHandler, `this.${buffer.field} starts non-empty`, bufferProperty);
  }

  const keptStatements = constructorStatements.filter((statement) => !removedStatements.includes(statement));
  const keptParameters = parameters.filter((parameter) => parameter !== socketParameter);
  const keptProperties = [...members.properties.keys()].filter((name) => name !== buffer.field);
  const keptMethods = [...members.methods.keys()].filter((name) => !['collect_incoming_data', 'found_terminator', 'handle_close', 'handle_error'].includes(name));
  const form: 'function' | 'class' =
    keptStatements.length === 0 && keptParameters.length === 0 && keptProperties.length === 0 && keptMethods.length === 0 && members.others.length === 0
      ? 'function'
      : 'class';

  const constructorPlan: ConstructorPlan = {
    node: constructorNode,
    removedParameters: [socketParameter as ParameterDeclaration],
    removedStatements,
    empty: keptStatements.length === 0 && keptParameters.length === 0,
  };

  const removedMembers: Node[] = [collect, found];
  if (bufferProperty !== undefined) removedMembers.push(bufferProperty);
  if (closeHook !== undefined) removedMembers.push(closeHook);
  if (errorHook !== undefined) removedMembers.push(errorHook);
  if (constructorPlan.empty) removedMembers.push(constructorNode);

  const keptMembers: HandlerPlan['keptMembers'] = [];
  for (const member of node.getMembers()) {
    if (removedMembers.includes(member)) continue;
    const actions: BodyAction[] = [];
    const override = member.getFirstChildByKind(SyntaxKind.SyntaxList)?.getChildrenOfKind(SyntaxKind.OverrideKeyword) ?? [];
    const modifiers = Node.isModifierable(member) ? member.getModifiers().filter((modifier) => modifier.getKind() === SyntaxKind.OverrideKeyword) : override;
    for (const modifier of modifiers) actions.push({ kind: 'remove', node: modifier });
    if (Node.isMethodDeclaration(member) || Node.isGetAccessorDeclaration(member) || Node.isSetAccessorDeclaration(member)) {
      const body = member.getBody();
      if (body !== undefined) actions.push(...scanBody(body, 'helper', context, scanState).actions);
    }
    keptMembers.push({ node: member, actions });
  }

  // Inherited attributes the class assigns without declaring: declared in the migrated class.
  const addedFields: HandlerPlan['addedFields'] = [];
  if (form === 'class') {
    for (const assignment of constructorNode.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
      const name = thisMemberName(assignment.getLeft());
      if (name === null || members.properties.has(name) || name === buffer.field) continue;
      if (parameters.some((parameter) => parameter.isParameterProperty() && parameter.getName() === name)) continue;
      if (addedFields.some((field) => field.name === name)) continue;
      const source = parameters.find((parameter) => parameter.getName() === assignment.getRight().getText());
      addedFields.push({ name, type: source?.getTypeNode()?.getText() ?? null });
    }
  }

  const usesNullish = values.some((value) => value.falsy);
  const countReset = loop === 'read-frame' && values.some((value) => value.types.includes('number'));
  const typeParts = new Set(values.flatMap((value) => value.types));
  if (countReset) typeParts.add('number');
  const terminatorType = ['string', 'Uint8Array', 'number', 'null'].filter((part) => typeParts.has(part as never)).join(' | ');

  const rules: TranslationRule[] = [loop === 'frames' ? TRANSLATION_RULES.framesLoop : TRANSLATION_RULES.readFrameLoop];
  rules.push(form === 'function' ? TRANSLATION_RULES.handlerFunction : TRANSLATION_RULES.handlerClass);
  const allActions = [...loopActions, ...prologueActions, ...(afterLoop?.actions ?? []), ...(catchClause?.body.actions ?? []), ...keptMembers.flatMap((member) => member.actions)];
  if (allActions.some((action) => action.kind === 'write' && thisCallName(action.call) === 'push')) rules.push(TRANSLATION_RULES.pushWrite);
  if (allActions.some((action) => action.kind === 'write' && thisCallName(action.call) === 'push_with_producer')) rules.push(TRANSLATION_RULES.producerWrite);
  const closes = (action: BodyAction): boolean =>
    action.kind === 'leave' || (action.kind === 'drop' && /\bthis\.(close|close_when_done|handle_close)\(/.test(action.statement.getText()));
  if (allActions.some(closes)) rules.push(TRANSLATION_RULES.closeWriter);
  if (afterLoop !== null || catchClause !== null) rules.push(TRANSLATION_RULES.lifecycleHooks);

  return {
    kind: 'handler',
    rules,
    legacy,
    node,
    form,
    loop,
    functionName: handlerFunctionName(node.getName()!),
    terminator: initial.text,
    terminatorType: terminatorType === '' ? 'string' : terminatorType,
    countReset,
    eofGuard: loop === 'read-frame' && (usesNullish || countReset),
    messageName,
    loopBody: { statements: foundStatements, actions: loopActions },
    drains,
    prologue: prologueStatements.length > 0 ? { statements: prologueStatements, actions: prologueActions } : null,
    afterLoop,
    catchClause,
    constructorPlan: form === 'class' ? constructorPlan : null,
    removedMembers,
    keptMembers,
    writerField: form === 'class' && keptMembers.some((member) => member.actions.some((action) => action.kind === 'write')),
    addedFields,
    socketParameterIndex,
  };
}
