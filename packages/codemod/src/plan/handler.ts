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
import { LEGACY_INTERNALS, MANUAL_OVERRIDES, SHIM_CHANNEL_METHODS, TRANSLATED_HOOKS } from './legacy-members';
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

/**
 * Fields that only ever hold instances of this class (a chat room): `this.room.add(this)` is the only
 * way in, and the field comes from a constructor parameter or starts empty.
 */
function peerCollections(members: Members, classNodes: Node[], bufferField: string): Set<string> {
  const peers = new Set<string>();
  const calls = classNodes.flatMap((classNode) => classNode.getDescendantsOfKind(SyntaxKind.CallExpression));
  const candidates = new Set<string>();
  for (const call of calls) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const field = thisMemberName(callee.getExpression());
    if (field !== null && field !== bufferField && ['add', 'push', 'unshift'].includes(callee.getName())) candidates.add(field);
  }
  for (const field of candidates) {
    const insertions = calls.filter((call) => {
      const callee = call.getExpression();
      return Node.isPropertyAccessExpression(callee) && thisMemberName(callee.getExpression()) === field && ['add', 'push', 'unshift', 'splice', 'set'].includes(callee.getName());
    });
    const onlyThis = insertions.every((call) => {
      const callee = call.getExpression() as Node;
      return Node.isPropertyAccessExpression(callee) && ['add', 'push', 'unshift'].includes(callee.getName()) && call.getArguments().length === 1 && call.getArguments()[0]!.getKind() === SyntaxKind.ThisKeyword;
    });
    const assignments = classNodes
      .flatMap((classNode) => classNode.getDescendantsOfKind(SyntaxKind.BinaryExpression))
      .filter((assignment) => thisMemberName(assignment.getLeft()) === field && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken);
    const constructorParameters = new Set(
      [members.constructorNode].flatMap((constructor) => (constructor === undefined ? [] : constructor.getParameters().map((parameter) => parameter.getName()))),
    );
    const safeSource = assignments.every((assignment) => {
      const right = assignment.getRight();
      return (Node.isIdentifier(right) && constructorParameters.has(right.getText())) || /^new Set\(\)$|^\[\]$/.test(right.getText());
    });
    if (onlyThis && safeSource && assignments.length > 0) peers.add(field);
  }
  return peers;
}

/** `member` declared by `for (const member of this.room)` where `room` holds instances of this class. */
function isPeer(receiver: Node, peers: Set<string>): boolean {
  if (!Node.isIdentifier(receiver) || peers.size === 0) return false;
  for (let current: Node | undefined = receiver.getParent(); current !== undefined; current = current.getParent()) {
    if (!Node.isForOfStatement(current)) continue;
    const initializer = current.getInitializer();
    if (!Node.isVariableDeclarationList(initializer)) continue;
    const [declaration, ...rest] = initializer.getDeclarations();
    if (declaration === undefined || rest.length > 0 || declaration.getName() !== receiver.getText()) continue;
    const field = thisMemberName(current.getExpression());
    return field !== null && peers.has(field);
  }
  return false;
}

/** `this.lines` initialised with `[]`, or an expression typed as an array. */
function isArrayValue(node: Node, members: Members): boolean {
  const field = thisMemberName(node);
  if (field !== null) {
    const property = members.properties.get(field);
    if (property !== undefined && Node.isPropertyDeclaration(property)) {
      const initializer = property.getInitializer();
      const typeNode = property.getTypeNode();
      if ((initializer !== undefined && Node.isArrayLiteralExpression(initializer)) || (typeNode !== undefined && /\[\]$|^Array</.test(typeNode.getText()))) return true;
    }
    const assignments = members.node.getDescendantsOfKind(SyntaxKind.BinaryExpression).filter((assignment) => thisMemberName(assignment.getLeft()) === field);
    if (assignments.length > 0 && assignments.every((assignment) => Node.isArrayLiteralExpression(assignment.getRight()))) return true;
  }
  try {
    return node.getType().isArray();
  } catch {
    return false;
  }
}

/** Readable function name for a client class: EchoClient -> runEchoClient. */
export function clientFunctionName(className: string): string {
  return `run${className[0]!.toUpperCase()}${className.slice(1)}`;
}

interface ClientConstructor {
  create: Node;
  connect: Node;
  host: Node;
  port: Node;
}

/** `super(); this.create_socket(...); this.connect([host, port])` at the constructor's top level, or null. */
function readClient(constructorNode: ConstructorDeclaration | undefined): ClientConstructor | null {
  const body = constructorNode?.getBody();
  if (body === undefined || !Node.isBlock(body)) return null;
  let create: Node | undefined;
  let connect: Node | undefined;
  let address: Node | undefined;
  for (const statement of body.getStatements()) {
    if (!Node.isExpressionStatement(statement)) continue;
    const expression = statement.getExpression();
    const name = thisCallName(expression);
    if (name === 'create_socket' && Node.isCallExpression(expression)) {
      if (expression.getArguments().some((argument) => /AF_UNIX|AF_INET6/.test(argument.getText()))) return null;
      create = statement;
    }
    if (name === 'connect' && Node.isCallExpression(expression)) {
      connect = statement;
      address = expression.getArguments()[0];
    }
  }
  if (create === undefined || connect === undefined || address === undefined || !Node.isArrayLiteralExpression(address)) return null;
  const [host, port, ...rest] = address.getElements();
  if (host === undefined || port === undefined || rest.length > 0) return null;
  return { create, connect, host, port };
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

/** Helper methods that call one of `names` (directly or through other helpers). */
function helpersCalling(members: Members, names: readonly string[]): Set<string> {
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
    helpersThatClose: Set<string>;
    /** Fields holding other instances of this class (a room): their members' push is a write on their writer. */
    peers: Set<string>;
    /** A node of the file the migrated code is emitted in. */
    emittedIn: Node;
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
    const callee = call.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'push' && isPeer(callee.getExpression(), state.peers)) {
      const [data] = call.getArguments();
      if (data !== undefined) actions.push({ kind: 'write', call, data, target: `${callee.getExpression().getText()}.writer` });
      continue;
    }
    if (name === null) {
      const callee = call.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getKind() === SyntaxKind.ThisKeyword) continue;
      continue;
    }
    if (insideNestedFunction(call, body)) refuse(MARKER_RULES.unrecognisedHandler, `this.${name}() inside a nested function`, call);
    if (state.helpersThatWrite.has(name)) writes = true;
    if (state.helpersThatClose.has(name)) {
      const statement = call.getParent();
      if (!Node.isExpressionStatement(statement)) refuse(MARKER_RULES.unrecognisedHandler, `the value of this.${name}() (which closes) is used`, call);
      trailingReturn(statement, `this.${name}(), which closes,`);
      if (role !== 'loop' && role !== 'helper') refuse(MARKER_RULES.unrecognisedHandler, `this.${name}() closes outside the read loop`, call);
    }
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
        actions.push(...closeAction(call, name, role, body, state.hasCloseHook));
        break;
      }
      case 'set_terminator': {
        if (role !== 'loop' || state.loop !== 'read-frame') {
          refuse(MARKER_RULES.dynamicTerminator, 'set_terminator() outside found_terminator', call);
        }
        const [value] = call.getArguments();
        if (value === undefined) refuse(MARKER_RULES.dynamicTerminator, 'set_terminator() without a value', call);
        actions.push({ kind: 'set-terminator', call, value: readTerminator(value, state.emittedIn).text });
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
    const dropped = new Set(actions.flatMap((action) => (action.kind === 'drop' ? [action.statement] : [])));
    for (const statement of body.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
      if (dropped.has(statement)) continue;
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

/** The statements after `statement` in its block are at most one bare `return;`: returns it (or null). */
function trailingReturn(statement: Node, what: string): Node | null {
  const block = statement.getParent();
  const siblings = block !== undefined && (Node.isBlock(block) || Node.isSourceFile(block)) ? block.getStatements() : [statement];
  const after = siblings.slice(siblings.indexOf(statement) + 1);
  if (after.length === 0) return null;
  const only = after[0]!;
  if (after.length === 1 && Node.isReturnStatement(only) && only.getExpression() === undefined) return only;
  return refuse(MARKER_RULES.unrecognisedHandler, `statements after ${what} would still run in asynchat`, statement);
}

function closeAction(
  call: CallExpression,
  name: 'close_when_done' | 'close' | 'handle_close',
  role: 'loop' | 'prologue' | 'after' | 'catch' | 'helper',
  body: Node,
  hasCloseHook: boolean,
): BodyAction[] {
  const statement = call.getParent();
  if (!Node.isExpressionStatement(statement)) refuse(MARKER_RULES.unrecognisedHandler, `the value of ${name}() is used`, call);
  if (role === 'prologue') {
    refuse(MARKER_RULES.unrecognisedHandler, `${name}() in the constructor: leave the read loop by hand`, statement);
  }
  const following = trailingReturn(statement, `${name}()`);
  if (insideLoopOrFunction(statement, body)) refuse(MARKER_RULES.unrecognisedHandler, `${name}() inside a nested loop or function`, statement);
  if (role === 'helper') {
    // A helper closes: the writer closes there, and the read loop stops at the next turn.
    if (name === 'handle_close' || (name === 'close' && hasCloseHook)) {
      refuse(MARKER_RULES.unrecognisedHandler, `${name}() in a helper method runs handle_close differently: port it by hand`, statement);
    }
    return [{ kind: 'helper-close', call }];
  }
  const dropFollowing: BodyAction[] = following === null ? [] : [{ kind: 'drop', statement: following }];
  if (role === 'after') return [{ kind: 'drop', statement }, ...dropFollowing];
  // close() skips handle_close; close_when_done() and handle_close() run it (after the loop).
  if (role === 'catch') {
    if (name === 'close' && hasCloseHook) return [{ kind: 'leave', statement, close: true, exit: 'return' }, ...dropFollowing];
    return [{ kind: 'drop', statement }, ...dropFollowing];
  }
  if (name === 'close' && hasCloseHook) return [{ kind: 'leave', statement, close: true, exit: 'return' }, ...dropFollowing];
  return [{ kind: 'leave', statement, close: false, exit: 'break' }, ...dropFollowing];
}

/** Plans one async_chat subclass, or says which marker it gets. */
export function planHandler(legacy: LegacyClass, context: PlanContext): HandlerPlan | MarkerPlan {
  const node = legacy.node;
  try {
    if (!Node.isClassDeclaration(node) || node.getName() === undefined) {
      refuse(MARKER_RULES.unrecognisedHandler, 'an anonymous handler class; name it, then rerun');
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

/** A field assigned from a constructor parameter and read nowhere in the analysed project (`this.addr = addr`). */
function isUnreadField(name: string, context: PlanContext): boolean {
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

/** The members of a leaf class seen together with its (direct async_chat) base: the leaf overrides. */
function mergeMembers(base: Members, leaf: Members): Members {
  return {
    node: leaf.node,
    properties: new Map([...base.properties, ...leaf.properties]),
    methods: new Map([...base.methods, ...leaf.methods]),
    constructorNode: leaf.constructorNode ?? base.constructorNode,
    own: new Set([...base.own, ...leaf.own]),
    others: [...base.others, ...leaf.others],
  };
}

function buildHandlerPlan(legacy: LegacyClass, node: ClassDeclaration, context: PlanContext): HandlerPlan {
  const base = legacy.direct ? null : legacy.superClass;
  if (base !== null && (!base.direct || base.base !== 'async_chat' || !Node.isClassDeclaration(base.node))) {
    refuse(MARKER_RULES.subclassChain, `extends ${legacy.chain[1] ?? 'a legacy class'}, which is not a direct async_chat subclass: migrate the chain by hand`);
  }
  const baseNode = base === null ? null : (base.node as ClassDeclaration);
  const leafMembers = readMembers(node);
  const baseMembers = baseNode === null ? null : readMembers(baseNode);
  const members = baseMembers === null ? leafMembers : mergeMembers(baseMembers, leafMembers);
  const classNodes: Node[] = baseNode === null ? [node] : [baseNode, node];
  const descendantsOf = <K extends SyntaxKind>(kind: K) => classNodes.flatMap((classNode) => classNode.getDescendantsOfKind(kind));
  if (baseMembers !== null) {
    const superCall = node.getDescendantsOfKind(SyntaxKind.SuperKeyword).find((keyword) => Node.isPropertyAccessExpression(keyword.getParent()));
    if (superCall !== undefined) {
      refuse(MARKER_RULES.subclassChain, `calls ${superCall.getParent()!.getText()}() of ${baseNode!.getName() ?? 'the base class'}: merge the chain by hand`, superCall);
    }
    for (const [name, method] of baseMembers.methods) {
      if (leafMembers.methods.has(name) || ['collect_incoming_data', 'found_terminator', 'handle_close', 'handle_error'].includes(name)) continue;
      refuse(MARKER_RULES.subclassChain, `the base class ${baseNode!.getName() ?? ''} has the method ${name}(): migrate the chain by hand`, method);
    }
    if (baseMembers.others.length > 0) refuse(MARKER_RULES.subclassChain, `the base class ${baseNode!.getName() ?? ''} has members the rewrite does not move`);
  }
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

  const client = baseNode === null ? readClient(members.constructorNode) : null;
  const clientStatements = new Set<Node>(client === null ? [] : [client.create, client.connect]);
  if (client === null && descendantsOf(SyntaxKind.CallExpression).some((call) => ['connect', 'create_socket'].includes(thisCallName(call) ?? ''))) {
    refuse(MARKER_RULES.unrecognisedClient, 'a client whose constructor does not create_socket() and connect([host, port]) with parameters or literals: port it to openConnection by hand');
  }

  // Inherited attributes touched directly.
  for (const access of descendantsOf(SyntaxKind.PropertyAccessExpression)) {
    const name = thisMemberName(access);
    if (name === null || members.own.has(name)) continue;
    if (clientStatements.has(access.getParent()?.getParent() as Node)) continue;
    if (name === 'discard_buffers') refuse(MARKER_RULES.discardBuffers, 'discard_buffers() has no streams equivalent (it drops queued input and output)', access);
    if (LEGACY_INTERNALS.has(name)) {
      const parent = access.getParent();
      const assigned = Node.isBinaryExpression(parent) && parent.getLeft() === access;
      if (!assigned) refuse(MARKER_RULES.legacyInternals, `uses this.${name}, which the streams API does not have`, access);
    }
  }

  // A method the class calls on itself but neither declares nor inherits from the shim is left to
  // subclasses (an abstract base, or a JS base whose subclasses add it). Seen alone (one file, the
  // jscodeshift transform), such a base cannot become a function or a stand-alone class.
  if (node.isAbstract()) {
    refuse(MARKER_RULES.subclassChain, `${node.getName() ?? 'the class'} is abstract: migrate it together with its subclasses (run the rewrite over the whole project)`);
  }
  for (const call of descendantsOf(SyntaxKind.CallExpression)) {
    const name = thisCallName(call);
    if (name === null || members.own.has(name) || TRANSLATED_HOOKS.has(name) || SHIM_CHANNEL_METHODS.has(name)) continue;
    refuse(MARKER_RULES.subclassChain, `calls this.${name}(), which neither the class nor async_chat defines (a subclass's method?): migrate it together with its subclasses`, call);
  }

  const peers = peerCollections(members, classNodes, buffer.field);

  // Channel methods called on something else than `this` (`member.push(...)` to another channel):
  // the migrated class has no push; an array's push is fine.
  for (const call of descendantsOf(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || callee.getExpression().getKind() === SyntaxKind.ThisKeyword) continue;
    const method = callee.getName();
    if (!['push', 'push_with_producer', 'close_when_done', 'discard_buffers', 'set_terminator'].includes(method)) continue;
    if (method === 'push' && isArrayValue(callee.getExpression(), members)) continue;
    if (method === 'push' && isPeer(callee.getExpression(), peers)) continue;
    refuse(MARKER_RULES.legacyInternals, `${callee.getText()}() may reach another channel, which the migrated class cannot do for it`, call);
  }

  // The collect buffer lives only in its declaration, the constructor reset, collect and found.
  for (const access of descendantsOf(SyntaxKind.PropertyAccessExpression)) {
    if (thisMemberName(access) !== buffer.field) continue;
    const method = access.getFirstAncestor((a) => Node.isMethodDeclaration(a) || Node.isConstructorDeclaration(a));
    if (method === collect || method === found || (method !== undefined && Node.isConstructorDeclaration(method))) continue;
    refuse(MARKER_RULES.unrecognisedHandler, `this.${buffer.field} is used outside collect_incoming_data / found_terminator`, access);
  }

  // Terminators.
  // The constructor that hands the socket to async_chat: the base's in a chain.
  const constructorNode = baseMembers === null ? members.constructorNode : baseMembers.constructorNode;
  if (constructorNode === undefined) refuse(MARKER_RULES.unrecognisedHandler, 'no constructor that takes the socket');
  const constructorStatements = methodBodyStatements(constructorNode);
  const setCalls = descendantsOf(SyntaxKind.CallExpression).filter((call) => thisCallName(call) === 'set_terminator');
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
  const initial = readTerminator(initialArgument, node);
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
      return readTerminator(argument, node);
    }),
  ];

  const hasCloseHook = members.methods.has('handle_close');
  const helpersThatWrite = helpersCalling(members, ['push', 'push_with_producer']);
  const helpersThatClose = helpersCalling(members, ['close_when_done', 'close']);

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
    peers,
    emittedIn: node as Node,
    buffer,
    helpersThatWrite,
    helpersThatClose,
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
    if (action.kind === 'continue') action.drain = drains && helpersThatClose.size === 0 && writeStarts.some((start) => start < action.statement.getStart());
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
  const parameters = constructorNode.getParameters();
  const removedStatements: Node[] = [superStatement!, initialCall.getParent()!];
  const droppedParameters = new Set<ParameterDeclaration>();
  let clientPlan: HandlerPlan['client'] = null;
  if (client !== null && superArguments.length === 0) {
    // A client: create_socket() + connect([host, port]) become openConnection({ host, port }) in run().
    removedStatements.push(client.create, client.connect);
    const connectTexts: string[] = [];
    for (const argument of [client.host, client.port]) {
      const parameter = parameters.find((candidate) => candidate.getName() === argument.getText());
      if (parameter !== undefined && !parameter.isParameterProperty()) {
        const uses = constructorNode
          .getDescendantsOfKind(SyntaxKind.Identifier)
          .filter((identifier) => identifier.getText() === parameter.getName() && identifier.getParent() !== parameter && identifier !== argument);
        if (uses.length > 0) refuse(MARKER_RULES.unrecognisedClient, `the constructor uses ${parameter.getName()} beyond connect()`, constructorNode);
        droppedParameters.add(parameter);
        connectTexts.push(parameter.getName());
      } else if (Node.isLiteralExpression(argument)) {
        connectTexts.push(argument.getText());
      } else {
        refuse(MARKER_RULES.unrecognisedClient, `connect() to ${argument.getText()}, which run() cannot see`, constructorNode);
      }
    }
    const connectHook = members.methods.get('handle_connect');
    let connectBody: MovedBody | null = null;
    if (connectHook !== undefined) {
      if (connectHook.getParameters().length > 0 || connectHook.isAsync()) refuse(MARKER_RULES.unrecognisedClient, 'handle_connect() with parameters', connectHook);
      const scan = scanBody(connectHook.getBody()!, 'prologue', context, scanState);
      connectBody = { statements: methodBodyStatements(connectHook), actions: scan.actions };
    }
    clientPlan = {
      parameters: parameters.filter((parameter) => droppedParameters.has(parameter)).map((parameter) => parameter.getText()),
      host: connectTexts[0]!,
      port: connectTexts[1]!,
      connectBody,
      connectHook: connectHook ?? null,
    };
  } else {
    if (superArguments.length !== 1) {
      refuse(
        superArguments.length === 0 ? MARKER_RULES.unrecognisedClient : MARKER_RULES.legacyInternals,
        superArguments.length === 0 ? 'no socket given to async_chat, and no create_socket() + connect([host, port]) in the constructor' : 'passes a socket map to async_chat',
        constructorNode,
      );
    }
    const socketName = superArguments[0]!.getText();
    const socketParameterIndex = parameters.findIndex((parameter) => parameter.getName() === socketName);
    if (socketParameterIndex === -1) refuse(MARKER_RULES.unrecognisedHandler, 'the socket given to super() is not a constructor parameter', constructorNode);
    const socketParameter = parameters[socketParameterIndex]!;
    if (socketParameter.isParameterProperty()) refuse(MARKER_RULES.legacyInternals, 'the socket is kept as a field', constructorNode);
    const socketUses = constructorNode
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .filter((identifier) => identifier.getText() === socketName && identifier.getParent() !== socketParameter);
    if (socketUses.length !== 1) refuse(MARKER_RULES.legacyInternals, 'the constructor uses the socket beyond super()', constructorNode);
    droppedParameters.add(socketParameter as ParameterDeclaration);
  }
  const prologueStatements: Node[] = [];
  const prologueActions: BodyAction[] = [];
  /** Sorts constructor statements into removed / prologue; returns the kept ones. */
  const sortConstructorStatements = (statements: Node[], owner: ConstructorDeclaration): Node[] => {
    const kept: Node[] = [];
    const ownerParameters = owner.getParameters();
    for (const statement of statements) {
      if (Node.isExpressionStatement(statement)) {
        const expression = statement.getExpression();
        if (Node.isBinaryExpression(expression) && expression.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
          const field = thisMemberName(expression.getLeft());
          if (field === buffer.field) {
            if (!isEmptyBufferValue(expression.getRight())) refuse(MARKER_RULES.unrecognisedHandler, `this.${buffer.field} starts non-empty`, statement);
            removedStatements.push(statement);
            continue;
          }
          // `this.addr = addr` that nothing reads: bookkeeping that goes with the socket.
          const source = ownerParameters.find((parameter) => parameter.getName() === expression.getRight().getText());
          if (field !== null && source !== undefined && !source.isParameterProperty() && !members.properties.has(field) && isUnreadField(field, context)) {
            const otherUses = owner
              .getDescendantsOfKind(SyntaxKind.Identifier)
              .filter((identifier) => identifier.getText() === source.getName() && identifier.getParent() !== source && identifier !== expression.getRight())
              .filter((identifier) => !(Node.isPropertyAccessExpression(identifier.getParent()) && identifier.getParentOrThrow().getChildAtIndex(2) === identifier));
            if (otherUses.length === 0) {
              removedStatements.push(statement);
              droppedParameters.add(source);
              continue;
            }
          }
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
      kept.push(statement);
    }
    return kept;
  };
  const keptBaseStatements = sortConstructorStatements(
    constructorStatements.slice(1).filter((statement) => statement !== initialCall.getParent() && !clientStatements.has(statement)),
    constructorNode,
  );
  const bufferProperty = members.properties.get(buffer.field);
  if (bufferProperty !== undefined) {
    const initializer = Node.isPropertyDeclaration(bufferProperty) ? bufferProperty.getInitializer() : undefined;
    if (initializer !== undefined && !isEmptyBufferValue(initializer)) refuse(MARKER_RULES.unrecognisedHandler, `this.${buffer.field} starts non-empty`, bufferProperty);
  }

  let constructorPlan: ConstructorPlan | null;
  let droppedParameterIndexes: number[];
  const leafConstructor = leafMembers.constructorNode;
  if (baseNode === null) {
    const keptParameters = parameters.filter((parameter) => !droppedParameters.has(parameter));
    constructorPlan = {
      node: constructorNode,
      removedParameters: [...droppedParameters],
      removedStatements,
      empty: keptBaseStatements.length === 0 && keptParameters.length === 0,
    };
    droppedParameterIndexes = parameters.flatMap((parameter, index) => (droppedParameters.has(parameter) ? [index] : []));
  } else {
    const keptParameters = parameters.filter((parameter) => !droppedParameters.has(parameter));
    if (keptBaseStatements.length > 0 || keptParameters.length > 0) {
      refuse(MARKER_RULES.subclassChain, `the constructor of ${baseNode.getName() ?? "the base class"} keeps state (${[...keptBaseStatements, ...keptParameters].map((kept) => kept.getText()).join("; ")}): migrate the chain by hand`);
    }
    if (leafConstructor === undefined) {
      constructorPlan = null;
      droppedParameterIndexes = parameters.map((_parameter, index) => index);
    } else {
      const leafStatements = methodBodyStatements(leafConstructor);
      const leafSuperStatement = leafStatements[0];
      const leafSuper = Node.isExpressionStatement(leafSuperStatement) ? leafSuperStatement.getExpression() : undefined;
      if (leafSuper === undefined || !Node.isCallExpression(leafSuper) || leafSuper.getExpression().getKind() !== SyntaxKind.SuperKeyword) {
        refuse(MARKER_RULES.subclassChain, 'the constructor does not start with super(...)', leafConstructor);
      }
      const leafParameters = leafConstructor.getParameters();
      const droppedLeaf: ParameterDeclaration[] = [];
      for (const argument of leafSuper.getArguments()) {
        const parameter = leafParameters.find((candidate) => candidate.getName() === argument.getText());
        if (parameter === undefined || parameter.isParameterProperty()) {
          refuse(MARKER_RULES.subclassChain, `super() is given ${argument.getText()}: migrate the chain by hand`, leafConstructor);
        }
        const uses = leafConstructor
          .getDescendantsOfKind(SyntaxKind.Identifier)
          .filter((identifier) => identifier.getText() === parameter.getName() && identifier.getParent() !== parameter);
        if (uses.length !== 1) refuse(MARKER_RULES.legacyInternals, `the constructor uses ${parameter.getName()} beyond super()`, leafConstructor);
        droppedLeaf.push(parameter);
      }
      removedStatements.push(leafSuperStatement!);
      const keptLeafStatements = sortConstructorStatements(leafStatements.slice(1), leafConstructor);
      constructorPlan = {
        node: leafConstructor,
        removedParameters: droppedLeaf,
        removedStatements: removedStatements.filter((statement) => statement.getFirstAncestor((ancestor) => ancestor === leafConstructor) !== undefined),
        empty: keptLeafStatements.length === 0 && leafParameters.length === droppedLeaf.length,
      };
      droppedParameterIndexes = leafParameters.flatMap((parameter, index) => (droppedLeaf.includes(parameter) ? [index] : []));
    }
  }

  const keptProperties = [...members.properties.keys()].filter((name) => name !== buffer.field);
  const keptMethods = [...members.methods.keys()].filter(
    (name) => !['collect_incoming_data', 'found_terminator', 'handle_close', 'handle_error'].includes(name) && !(clientPlan !== null && name === 'handle_connect'),
  );
  const form: 'function' | 'class' =
    (constructorPlan === null || constructorPlan.empty) && keptProperties.length === 0 && keptMethods.length === 0 && members.others.length === 0
      ? 'function'
      : 'class';

  const removedMembers: Node[] = [collect, found];
  if (bufferProperty !== undefined) removedMembers.push(bufferProperty);
  if (closeHook !== undefined) removedMembers.push(closeHook);
  if (errorHook !== undefined) removedMembers.push(errorHook);
  if (clientPlan?.connectHook) removedMembers.push(clientPlan.connectHook);
  if (constructorPlan !== null && constructorPlan.empty) removedMembers.push(constructorPlan.node);

  const keptMembers: HandlerPlan['keptMembers'] = [];
  for (const member of node.getMembers()) {
    if (removedMembers.includes(member)) continue;
    const actions: BodyAction[] = [];
    const modifiers = Node.isModifierable(member) ? member.getModifiers().filter((modifier) => modifier.getKind() === SyntaxKind.OverrideKeyword) : [];
    for (const modifier of modifiers) actions.push({ kind: 'remove', node: modifier });
    if (Node.isMethodDeclaration(member) || Node.isGetAccessorDeclaration(member) || Node.isSetAccessorDeclaration(member)) {
      const body = member.getBody();
      if (body !== undefined) actions.push(...scanBody(body, 'helper', context, scanState).actions);
    }
    keptMembers.push({ node: member, actions });
  }

  // Inherited attributes the class assigns without declaring: declared in the migrated class.
  const addedFields: HandlerPlan['addedFields'] = [];
  if (form === 'class' && constructorPlan !== null) {
    const ownerParameters = constructorPlan.node.getParameters();
    for (const assignment of constructorPlan.node.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
      if (removedStatements.some((statement) => assignment.getFirstAncestor((ancestor) => ancestor === statement) !== undefined)) continue;
      const name = thisMemberName(assignment.getLeft());
      if (name === null || members.properties.has(name) || name === buffer.field) continue;
      if (!LEGACY_INTERNALS.has(name)) continue;
      if (ownerParameters.some((parameter) => parameter.isParameterProperty() && parameter.getName() === name)) continue;
      if (addedFields.some((field) => field.name === name)) continue;
      const source = ownerParameters.find((parameter) => parameter.getName() === assignment.getRight().getText());
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
  const allActions = [...loopActions, ...prologueActions, ...(clientPlan?.connectBody?.actions ?? []), ...(afterLoop?.actions ?? []), ...(catchClause?.body.actions ?? []), ...keptMembers.flatMap((member) => member.actions)];
  if (allActions.some((action) => action.kind === 'write' && thisCallName(action.call) === 'push')) rules.push(TRANSLATION_RULES.pushWrite);
  if (allActions.some((action) => action.kind === 'write' && thisCallName(action.call) === 'push_with_producer')) rules.push(TRANSLATION_RULES.producerWrite);
  const closes = (action: BodyAction): boolean =>
    action.kind === 'leave' || (action.kind === 'drop' && /\bthis\.(close|close_when_done|handle_close)\(/.test(action.statement.getText()));
  if (allActions.some(closes)) rules.push(TRANSLATION_RULES.closeWriter);
  if (afterLoop !== null || catchClause !== null || clientPlan?.connectBody) rules.push(TRANSLATION_RULES.lifecycleHooks);
  if (clientPlan !== null) rules.push(TRANSLATION_RULES.openConnection);

  return {
    kind: 'handler',
    rules,
    legacy,
    node,
    form,
    loop,
    functionName: clientPlan !== null ? clientFunctionName(node.getName()!) : handlerFunctionName(node.getName()!),
    client: clientPlan,
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
    removedMembers: removedMembers.filter((member) => member.getParent() === node),
    runAnchor: found.getParent() === node ? found : null,
    keptMembers,
    writerField:
      form === 'class' &&
      (keptMembers.some((member) => member.actions.some((action) => action.kind === 'write' || action.kind === 'helper-close')) ||
        allActions.some((action) => action.kind === 'write' && action.target !== 'writer')),
    writerPublic: allActions.some((action) => action.kind === 'write' && action.target !== 'writer' && action.target !== 'this.writer'),
    closesInHelpers: helpersThatClose.size > 0,
    addedFields,
    droppedParameterIndexes,
  };
}
