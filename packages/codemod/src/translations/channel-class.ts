/**
 * The class-preserving translation of an `async_chat` chain (translation `channel-class`): every
 * class keeps its fields and methods; the class that extended `async_chat` drops the `extends`,
 * takes a `StreamWriter` where it took the socket, and gains `run(reader)`, the read loop asynchat
 * ran: each turn reads up to `this.terminator` (whatever method set it last), hands the data to
 * `collect_incoming_data` and calls `found_terminator`. Inherited calls (`push`, `close_when_done`,
 * `set_terminator`, ...) become writer calls and field updates, from the table in channel-members.
 *
 * Used where the textbook forms (a `frames()` loop, a plain function) do not apply: state machines,
 * helpers that switch terminators or write, overrides that end in the base call, class chains.
 */
import { type CallExpression, type ClassDeclaration, type ConstructorDeclaration, Node, type ParameterDeclaration, SyntaxKind } from 'ts-morph';
import type { LegacyClass, ProjectAnalysis } from '../analyse/types';
import type { StreamsName } from '../shared/streams-names';
import { lineStart, type TextEdit } from '../shared/text-edit';
import { MARKER_RULES, type MarkerRule, TRANSLATION_RULES, type TranslationRule } from '../plan/rules';
import { readTerminator } from '../plan/terminator';
import { LEGACY_INTERNALS, SHIM_CHANNEL_METHODS } from '../plan/legacy-members';
import { extendsRemoval, memberIndentation } from './class-shape';
import { instanceDeclarations } from './constructed-class';
import {
  BUFFER_SIZE_STATE,
  inheritedCall,
  inheritedRead,
  INTERNAL_STATE,
  NOT_A_CHANNEL_MEMBERS,
  SOCKET_LEVEL_MEMBERS,
  socketNameCall,
} from './channel-members';

/** Every name an async_chat subclass inherits (methods and attributes). */
const SHIM_MEMBERS = new Set([...SHIM_CHANNEL_METHODS, ...LEGACY_INTERNALS, 'terminator', 'incoming', 'addr', 'connected', 'debug', '__repr__']);

export interface ChannelClassPlan {
  kind: 'channel-class';
  rules: TranslationRule[];
  legacy: LegacyClass;
  node: ClassDeclaration;
  /** The class that extended async_chat: it holds the writer, the terminator and run(). */
  root: boolean;
  edits: TextEdit[];
  streamsNames: Set<StreamsName>;
  /** Where the constructor takes the writer (the socket's position before). */
  writerIndex: number;
}

/** Why a class of the chain stays legacy: one marker on that class, naming every reason. */
export interface ChannelRefusal {
  node: ClassDeclaration;
  rule: MarkerRule;
  reasons: string[];
}

export type ChannelChainResult = { ok: true; plans: ChannelClassPlan[]; facts: ChainFacts } | { ok: false; refusals: ChannelRefusal[] };

const TYPESCRIPT_FILE = /\.(ts|tsx|mts|cts)$/;

/** Facts about the whole chain the per-class steps read. */
interface ChainFacts {
  analysis: ProjectAnalysis;
  classes: ClassDeclaration[];
  legacy: LegacyClass[];
  /** Member names each class declares (methods, properties, accessors, parameter properties). */
  declared: Map<ClassDeclaration, Set<string>>;
  /** Names the chain assigns on `this` anywhere (own state, even when the shim declared it). */
  assigned: Set<string>;
  /** Defaults run() or an inherited call needs on the root because only a subclass defines them. */
  rootDefaults: Set<string>;
  /** The chain's own `writer` name (another when the class already has a `writer`). */
  writer: string;
  /** Chain classes (for calls on other instances of the chain: a room's members). */
  nodes: Set<Node>;
}

class Refusals {
  readonly byClass = new Map<ClassDeclaration, { rule: MarkerRule; reasons: string[] }>();
  add(node: ClassDeclaration, rule: MarkerRule, reason: string): void {
    const entry = this.byClass.get(node) ?? { rule, reasons: [] };
    if (!entry.reasons.includes(reason)) entry.reasons.push(reason);
    // The rule of the first socket-level reason wins: it is the one a person has to act on.
    if (entry.rule !== MARKER_RULES.manualOverride && rule === MARKER_RULES.manualOverride) entry.rule = rule;
    this.byClass.set(node, entry);
  }
}

export function thisAccess(node: Node): { receiver: 'this' | 'super'; name: string } | null {
  if (!Node.isPropertyAccessExpression(node)) return null;
  const kind = node.getExpression().getKind();
  if (kind === SyntaxKind.ThisKeyword) return { receiver: 'this', name: node.getName() };
  if (kind === SyntaxKind.SuperKeyword) return { receiver: 'super', name: node.getName() };
  return null;
}

export function declaredNames(node: ClassDeclaration): Set<string> {
  const names = new Set<string>();
  for (const member of node.getMembers()) {
    if (Node.isConstructorDeclaration(member)) {
      for (const parameter of member.getParameters()) if (parameter.isParameterProperty()) names.add(parameter.getName());
      continue;
    }
    if (Node.isMethodDeclaration(member) && member.getBody() === undefined) continue;
    const name = (member as { getName?: () => string }).getName?.();
    if (name !== undefined) names.add(name);
  }
  return names;
}

/** `this` inside a nested `function` (or class) is not the channel: such a use cannot be translated. */
export function inNestedFunction(node: Node, owner: Node): boolean {
  for (let current = node.getParent(); current !== undefined && current !== owner; current = current.getParent()) {
    if (Node.isFunctionDeclaration(current) || Node.isFunctionExpression(current) || Node.isClassDeclaration(current) || Node.isClassExpression(current)) return true;
  }
  return false;
}

/** The chain's classes above `node` (nearest first). */
function ancestorsOf(facts: ChainFacts, node: ClassDeclaration): ClassDeclaration[] {
  const result: ClassDeclaration[] = [];
  let legacy = facts.legacy[facts.classes.indexOf(node)]?.superClass ?? null;
  while (legacy !== null && Node.isClassDeclaration(legacy.node) && facts.classes.includes(legacy.node)) {
    result.push(legacy.node);
    legacy = legacy.superClass;
  }
  return result;
}

/** The member is defined by `node` or a chain class above it (root defaults included). */
function definedAtOrAbove(facts: ChainFacts, node: ClassDeclaration, name: string): boolean {
  if (facts.declared.get(node)?.has(name)) return true;
  if (facts.rootDefaults.has(name)) return true;
  return ancestorsOf(facts, node).some((ancestor) => facts.declared.get(ancestor)?.has(name));
}

function definedAnywhere(facts: ChainFacts, name: string): boolean {
  return facts.classes.some((node) => facts.declared.get(node)?.has(name)) || facts.rootDefaults.has(name);
}

/** Methods of the chain that end the channel (directly or through other chain methods). */
function closingMethods(facts: ChainFacts): Set<string> {
  const closing = new Set<string>();
  const closes = (call: CallExpression): boolean => {
    const access = thisAccess(call.getExpression());
    if (access === null) return false;
    if (['close_when_done', 'close', 'handle_close'].includes(access.name) && (access.receiver === 'super' || !definedAnywhere(facts, access.name))) return true;
    return access.receiver === 'this' && closing.has(access.name);
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const node of facts.classes) {
      for (const method of node.getMethods()) {
        if (closing.has(method.getName())) continue;
        if (method.getDescendantsOfKind(SyntaxKind.CallExpression).some(closes)) {
          closing.add(method.getName());
          changed = true;
        }
      }
    }
  }
  return closing;
}

/** The function-like node whose body holds `node` (a method, constructor, accessor or arrow function). */
function owningFunction(node: Node): Node | undefined {
  return node.getFirstAncestor((ancestor) => Node.isMethodDeclaration(ancestor) || Node.isConstructorDeclaration(ancestor) || Node.isArrowFunction(ancestor) || Node.isGetAccessorDeclaration(ancestor) || Node.isSetAccessorDeclaration(ancestor));
}

/** A value the chain's class (or a subclass) instance has: `member` of a room, `other` typed as the handler. */
function isChainInstance(expression: Node, facts: ChainFacts): boolean {
  return instanceDeclarations(expression).some((declaration) => facts.nodes.has(declaration));
}

/**
 * A receiver of a channel-only call (`close_when_done`, ...) or of `push` whose type does not rule out
 * a channel: untyped (`any`), or a shim class. An array's, a string's or a known class's `push` is not.
 */
function mayBeChannel(receiver: Node, name: string): boolean {
  try {
    const type = receiver.getType().getNonNullableType();
    if (type.isAny() || type.isUnknown()) return true;
    if (name !== 'push') return !type.isArray() && !type.isString();
    return !type.isArray() && !type.isString() && type.getProperty('push') !== undefined && type.getProperty('push_with_producer') !== undefined;
  } catch {
    return true;
  }
}

/** `push_with_producer(p)`: bytes, or a simple_producer over bytes, are one write; anything else needs a person. */
function producerData(call: CallExpression, analysis: ProjectAnalysis): string | null {
  const [producer] = call.getArguments();
  if (producer === undefined) return null;
  if (Node.isNewExpression(producer) && analysis.resolveShimName(producer.getExpression()) === 'simple_producer') {
    const [data] = producer.getArguments();
    return data === undefined ? null : data.getText();
  }
  try {
    if (/^(Buffer|Uint8Array)(<.*>)?$/.test(producer.getType().getText())) return producer.getText();
  } catch {
    return null;
  }
  return null;
}

interface ClassContext {
  facts: ChainFacts;
  node: ClassDeclaration;
  typescript: boolean;
  refusals: Refusals;
  edits: TextEdit[];
  streamsNames: Set<StreamsName>;
  closing: Set<string>;
  usesIncoming: { value: boolean };
}

/** Replaces a call's statement, guarding a write that may come after the channel closed (asynchat drops those). */
function writeEdit(call: CallExpression, replacement: string, writer: string, guarded: boolean): TextEdit {
  const statement = call.getParent();
  if (guarded && Node.isExpressionStatement(statement)) {
    return { start: statement.getStart(), end: statement.getEnd(), text: `if (!${writer}.isClosing()) ${replacement};` };
  }
  return { start: call.getStart(), end: call.getEnd(), text: replacement };
}

/** A close (inherited or through a closing chain method) earlier in the same function body. */
function closedBefore(call: CallExpression, context: ClassContext): boolean {
  const owner = owningFunction(call);
  if (owner === undefined) return false;
  return owner.getDescendantsOfKind(SyntaxKind.CallExpression).some((other) => {
    if (other.getEnd() > call.getStart()) return false;
    const access = thisAccess(other.getExpression());
    if (access === null) return false;
    if (['close_when_done', 'close', 'handle_close'].includes(access.name)) return true;
    return access.receiver === 'this' && context.closing.has(access.name);
  });
}

/** Step: inherited member calls and reads on `this` / `super` inside the class. */
function translateInheritedMembers(context: ClassContext): void {
  const { facts, node, refusals, typescript } = context;
  const writer = `this.${facts.writer}`;
  const closeHook = definedAnywhere(facts, 'handle_close');
  for (const access of node.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    const member = thisAccess(access);
    if (member === null) continue;
    const { receiver, name } = member;
    const parent = access.getParent();
    const call = Node.isCallExpression(parent) && parent.getExpression() === access ? parent : null;
    const own = receiver === 'this' ? definedAnywhere(facts, name) || (facts.assigned.has(name) && call === null) : definedAtOrAbove(facts, ancestorsOf(facts, node)[0] ?? node, name) && ancestorsOf(facts, node).length > 0;
    if (own) continue;
    if (inNestedFunction(access, node)) {
      refusals.add(node, MARKER_RULES.unrecognisedHandler, `this.${name} inside a nested function (there \`this\` is not the channel)`);
      continue;
    }
    if (!SHIM_MEMBERS.has(name)) {
      // Neither the chain nor the shim defines it: a method left to subclasses the project does not show.
      if (call !== null) refusals.add(node, MARKER_RULES.subclassChain, `calls this.${name}(), which neither the class nor async_chat defines (a subclass's method?): migrate it together with its subclasses (run the rewrite over the whole project)`);
      continue;
    }
    if (name === 'terminator' || name === 'incoming') {
      if (name === 'incoming') context.usesIncoming.value = true;
      continue;
    }
    if (call !== null) {
      translateInheritedCall(context, call, receiver, name, writer, closeHook);
      continue;
    }
    // `this.socket.getpeername()`.
    if (name === 'socket' && Node.isPropertyAccessExpression(parent) && Node.isCallExpression(parent.getParent())) {
      const replacement = socketNameCall(parent.getName(), writer, typescript);
      if (replacement !== null) {
        const socketCall = parent.getParentOrThrow();
        context.edits.push({ start: socketCall.getStart(), end: socketCall.getEnd(), text: replacement });
        continue;
      }
    }
    const assignment = Node.isBinaryExpression(parent) && parent.getLeft() === access && parent.getOperatorToken().getKind() === SyntaxKind.EqualsToken ? parent : null;
    if (BUFFER_SIZE_STATE.has(name) && assignment !== null && Node.isExpressionStatement(assignment.getParent())) {
      const statement = assignment.getParentOrThrow();
      context.edits.push(removeLine(node.getSourceFile().getFullText(), statement));
      continue;
    }
    const read = inheritedRead(name, { writer, typescript });
    if (read !== null && assignment === null) {
      context.edits.push({ start: access.getStart(), end: access.getEnd(), text: read });
      continue;
    }
    if (INTERNAL_STATE.has(name) || BUFFER_SIZE_STATE.has(name) || read !== null) {
      refusals.add(node, MARKER_RULES.legacyInternals, `uses this.${name}, which a StreamWriter does not have`);
    }
  }
}

function translateInheritedCall(context: ClassContext, call: CallExpression, receiver: 'this' | 'super', name: string, writer: string, closeHook: boolean): void {
  const { facts, node, refusals } = context;
  if (name === 'discard_buffers') {
    refusals.add(node, MARKER_RULES.discardBuffers, 'calls discard_buffers(), which has no streams equivalent (it drops queued input and output)');
    return;
  }
  if (SOCKET_LEVEL_MEMBERS.has(name)) {
    // `super.recv()` inside a `recv()` override: the override's own reason says it all.
    const method = call.getFirstAncestor((ancestor) => Node.isMethodDeclaration(ancestor));
    const insideOverride = receiver === 'super' && method !== undefined && Node.isMethodDeclaration(method) && method.getName() === name;
    if (!insideOverride) refusals.add(node, MARKER_RULES.manualOverride, `calls ${receiver}.${name}(), socket-level I/O the read loop replaces: port it by hand`);
    return;
  }
  if (NOT_A_CHANNEL_MEMBERS.has(name)) {
    refusals.add(node, MARKER_RULES.unrecognisedClient, `calls ${receiver}.${name}(): a client or listening socket, not a connected channel (connect with openConnection by hand)`);
    return;
  }
  const args = call.getArguments().map((argument) => argument.getText());
  if (name === 'push_with_producer') {
    const data = producerData(call, facts.analysis);
    if (data === null) {
      refusals.add(node, MARKER_RULES.unknownProducer, 'push_with_producer() of a producer of unknown shape: write its chunks (writer.write) by hand');
      return;
    }
    context.edits.push(writeEdit(call, `${writer}.write(${data})`, writer, closedBefore(call, context)));
    return;
  }
  const replacement = inheritedCall(name, { writer, self: 'this', args, closeHook, typescript: context.typescript });
  if (replacement === null) {
    refusals.add(node, MARKER_RULES.unrecognisedHandler, `calls ${receiver}.${name}(${args.join(', ')}), which the rewrite does not translate`);
    return;
  }
  if (['_collect_incoming_data', 'collect_incoming_data', '_get_data'].includes(name)) context.usesIncoming.value = true;
  if (replacement === 'undefined' && Node.isExpressionStatement(call.getParent())) {
    context.edits.push(removeLine(node.getSourceFile().getFullText(), call.getParentOrThrow()));
    return;
  }
  context.edits.push(writeEdit(call, replacement, writer, name === 'push' && closedBefore(call, context)));
}

/** Step: channel calls on other instances of the chain (`member.push(line)` for each member of a room). */
function translatePeerCalls(scope: Node, context: Pick<ClassContext, 'facts' | 'edits' | 'refusals' | 'typescript'> & { owner: ClassDeclaration }): void {
  const { facts } = context;
  for (const call of scope.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const receiver = callee.getExpression();
    if (receiver.getKind() === SyntaxKind.ThisKeyword || receiver.getKind() === SyntaxKind.SuperKeyword) continue;
    const name = callee.getName();
    if (!['push', 'push_with_producer', 'close_when_done', 'close', 'set_terminator', 'get_terminator', 'discard_buffers'].includes(name)) continue;
    if (definedAnywhere(facts, name)) continue;
    if (!isChainInstance(receiver, facts)) {
      if (name !== 'close' && mayBeChannel(receiver, name)) {
        context.refusals.add(context.owner, MARKER_RULES.legacyInternals, `${callee.getText()}() may reach another channel, which the rewrite cannot prove is migrated with this one`);
      }
      continue;
    }
    const target = receiver.getText();
    const writer = `${target}.${facts.writer}`;
    if (name === 'discard_buffers') {
      context.refusals.add(context.owner, MARKER_RULES.discardBuffers, `${callee.getText()}() has no streams equivalent`);
      continue;
    }
    const args = call.getArguments().map((argument) => argument.getText());
    if (name === 'push_with_producer') {
      const data = producerData(call, facts.analysis);
      if (data === null) {
        context.refusals.add(context.owner, MARKER_RULES.unknownProducer, `${callee.getText()}() of a producer of unknown shape`);
        continue;
      }
      context.edits.push(writeEdit(call, `${writer}.write(${data})`, writer, true));
      continue;
    }
    const replacement = inheritedCall(name, { writer, self: target, args, closeHook: false, typescript: context.typescript });
    if (replacement === null) continue;
    // Another channel may have closed already: asynchat dropped what was pushed to it.
    context.edits.push(writeEdit(call, replacement, writer, name === 'push'));
  }
}

/** Deletes a statement standing on its own line(s). */
export function removeLine(text: string, statement: Node): TextEdit {
  const start = lineStart(text, statement.getStart());
  const onlyWhitespaceBefore = text.slice(start, statement.getStart()).trim() === '';
  const newline = text.indexOf('\n', statement.getEnd());
  const restOfLine = newline === -1 ? text.slice(statement.getEnd()) : text.slice(statement.getEnd(), newline);
  if (onlyWhitespaceBefore && restOfLine.trim() === '') return { start, end: newline === -1 ? text.length : newline + 1, text: '' };
  return { start: statement.getStart(), end: statement.getEnd(), text: '' };
}

/** Step: `override` on a member that no longer overrides anything (its base was the shim). */
function dropStaleOverrides(context: ClassContext): void {
  const { facts, node } = context;
  const above = ancestorsOf(facts, node);
  const inherited = new Set(above.flatMap((ancestor) => [...facts.declared.get(ancestor)!]));
  if (above.length > 0) for (const name of facts.rootDefaults) inherited.add(name);
  context.edits.push(...staleOverrideEdits(node, inherited));
}

/** Removes `override` from the members of `node` whose name is not in `inherited`. */
export function staleOverrideEdits(node: ClassDeclaration, inherited: ReadonlySet<string>): TextEdit[] {
  const edits: TextEdit[] = [];
  const text = node.getSourceFile().getFullText();
  for (const member of node.getMembers()) {
    if (!Node.isOverrideable(member) || !member.hasOverrideKeyword()) continue;
    const name = (member as { getName?: () => string }).getName?.();
    if (name === undefined || inherited.has(name)) continue;
    const keyword = member.getModifiers().find((modifier) => modifier.getKind() === SyntaxKind.OverrideKeyword);
    if (keyword === undefined) continue;
    let end = keyword.getEnd();
    while (/[ \t]/.test(text[end] ?? '')) end += 1;
    edits.push({ start: keyword.getStart(), end, text: '' });
  }
  return edits;
}

/**
 * Step: the constructor takes the writer where it took the socket. `super(sock)` becomes
 * `this.writer = writer` in the root; a subclass passes it on. Returns the writer's parameter index.
 */
function retypeSocketParameter(context: ClassContext, parentIndex: number | null): number | null {
  const { node, refusals, typescript, facts } = context;
  const constructorNode = node.getConstructors().find((candidate) => candidate.getBody() !== undefined);
  if (constructorNode === undefined) return parentIndex ?? 0;
  const superStatement = constructorNode
    .getStatements()
    .find((statement) => Node.isExpressionStatement(statement) && Node.isCallExpression(statement.getExpression()) && (statement.getExpression() as CallExpression).getExpression().getKind() === SyntaxKind.SuperKeyword);
  if (superStatement === undefined) {
    refusals.add(node, MARKER_RULES.unrecognisedHandler, 'the constructor does not call super(socket) at its top level');
    return null;
  }
  const superCall = (superStatement as unknown as { getExpression(): CallExpression }).getExpression();
  const socketArgument = superCall.getArguments()[parentIndex ?? 0];
  if (socketArgument === undefined) {
    refusals.add(node, MARKER_RULES.unrecognisedClient, 'no socket given to the base constructor: a client (create_socket + connect) or set_socket() later; port it to openConnection by hand');
    return null;
  }
  const parameters = constructorNode.getParameters();
  const parameter = parameters.find((candidate) => candidate.getName() === socketArgument.getText());
  if (parameter === undefined || parameter.isParameterProperty()) {
    refusals.add(node, MARKER_RULES.unrecognisedHandler, `the socket given to super() (${socketArgument.getText()}) is not a plain constructor parameter`);
    return null;
  }
  const name = chooseWriterParameterName(constructorNode, parameter);
  context.edits.push({ start: parameter.getStart(), end: parameter.getEnd(), text: typescript ? `${name}: StreamWriter` : name });
  if (typescript) context.streamsNames.add('StreamWriter');
  for (const identifier of constructorNode.getDescendantsOfKind(SyntaxKind.Identifier)) {
    if (identifier.getText() !== parameter.getName() || identifier.getParent() === parameter || identifier === socketArgument) continue;
    const parent = identifier.getParent();
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === identifier) continue;
    if (Node.isPropertyAccessExpression(parent) && parent.getExpression() === identifier && Node.isCallExpression(parent.getParent())) {
      const replacement = socketNameCall(parent.getName(), name, typescript);
      if (replacement !== null) {
        const call = parent.getParentOrThrow();
        context.edits.push({ start: call.getStart(), end: call.getEnd(), text: replacement });
        continue;
      }
    }
    // Anything else the constructor did with the Node socket it does with the writer's transport.
    context.edits.push({ start: identifier.getStart(), end: identifier.getEnd(), text: `${name}.transport` });
  }
  const isRoot = parentIndex === null;
  if (isRoot) {
    context.edits.push({ start: superStatement.getStart(), end: superStatement.getEnd(), text: `this.${facts.writer} = ${name};` });
  } else if (name !== parameter.getName()) {
    context.edits.push({ start: socketArgument.getStart(), end: socketArgument.getEnd(), text: name });
  }
  return parameters.indexOf(parameter as ParameterDeclaration);
}

function chooseWriterParameterName(constructorNode: ConstructorDeclaration, parameter: ParameterDeclaration): string {
  const taken = new Set(constructorNode.getDescendantsOfKind(SyntaxKind.Identifier).filter((identifier) => identifier.getText() !== parameter.getName()).map((identifier) => identifier.getText()));
  return taken.has('writer') ? parameter.getName() : 'writer';
}

interface LoopShape {
  /** A terminator may be a byte count. */
  counts: boolean;
  terminatorRead: string;
  closeHook: boolean;
  errorHook: boolean;
  errorHookTakesError: boolean;
  awaitCollect: boolean;
  awaitFound: boolean;
}

function loopShape(facts: ChainFacts): LoopShape {
  const values: Node[] = [];
  for (const node of facts.classes) {
    for (const call of node.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const access = thisAccess(call.getExpression());
      if (access?.name === 'set_terminator' && !definedAnywhere(facts, 'set_terminator')) {
        const [value] = call.getArguments();
        if (value !== undefined) values.push(value);
      }
    }
    for (const assignment of node.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
      if (assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken && thisAccess(assignment.getLeft())?.name === 'terminator') values.push(assignment.getRight());
    }
  }
  const terminators = values.map((value) => readTerminator(value));
  const computed = definedAnywhere(facts, 'get_terminator');
  const methods = (name: string) => facts.classes.flatMap((node) => node.getMethods().filter((method) => method.getName() === name));
  const errorHooks = methods('handle_error');
  const root = facts.classes[0]!;
  const rootError = root.getMethod('handle_error');
  return {
    counts: computed || terminators.some((terminator) => terminator.types.includes('number')),
    terminatorRead: computed ? 'this.get_terminator()' : 'this.terminator',
    closeHook: definedAnywhere(facts, 'handle_close'),
    errorHook: errorHooks.length > 0,
    errorHookTakesError: rootError === undefined ? true : rootError.getParameters().length > 0,
    awaitCollect: methods('collect_incoming_data').some((method) => method.isAsync()),
    awaitFound: methods('found_terminator').some((method) => method.isAsync()),
  };
}

/** The text of run(reader): asynchat's handle_read loop over a StreamReader. */
function runMethod(shape: LoopShape, writerField: string, indentation: string, unit: string, typescript: boolean): string {
  const i1 = indentation + unit;
  const i2 = i1 + unit;
  const i3 = i2 + unit;
  const w = `this.${writerField}`;
  const collect = `if (part.data.length > 0) ${shape.awaitCollect ? 'await ' : ''}this.collect_incoming_data(part.data);`;
  const found = `if (part.end) ${shape.awaitFound ? 'await ' : ''}this.found_terminator();`;
  const turn = shape.errorHook
    ? [`${i3}try {`, `${i3}${unit}${collect}`, `${i3}${unit}${found}`, `${i3}} catch (error) {`, `${i3}${unit}this.handle_error(${shape.errorHookTakesError ? 'error' : ''});`, `${i3}}`]
    : [`${i3}${collect}`, `${i3}${found}`];
  const lines = [
    `${indentation}/**`,
    `${indentation} * The read loop asynchat ran for this channel: each turn reads what arrived up to the terminator`,
    `${indentation} * set last, hands it to collect_incoming_data and, at the terminator, calls found_terminator.`,
    `${indentation} */`,
    `${indentation}async run(reader${typescript ? ': StreamReader' : ''})${typescript ? ': Promise<void>' : ''} {`,
    ...(shape.closeHook ? [`${i1}let closedByPeer = false;`] : []),
    `${i1}try {`,
    `${i2}while (!${w}.isClosing()) {`,
    `${i3}const terminator = ${shape.terminatorRead};`,
    `${i3}const part = await reader.readFramePart(terminator);`,
    ...(shape.closeHook ? [`${i3}if (part === null) {`, `${i3}${unit}closedByPeer = true;`, `${i3}${unit}break;`, `${i3}}`] : [`${i3}if (part === null) break;`]),
    ...(shape.counts
      ? [
          `${i3}// asynchat: a count goes down by what arrived, and stays at 0 once reached`,
          `${i3}if (typeof terminator === 'number' && terminator > 0) this.terminator = part.end ? 0 : terminator - part.data.length;`,
        ]
      : []),
    ...turn,
    `${i3}if (!${w}.isClosing()) await ${w}.drain();`,
    `${i2}}`,
    `${i1}} catch (error) {`,
    ...(shape.closeHook
      ? [
          `${i2}// asyncore: a reset ends the channel like the peer's close; another error is reported, then handle_close runs`,
          `${i2}if (!(error instanceof ConnectionResetError)) console.error(error);`,
          `${i2}closedByPeer = true;`,
        ]
      : [`${i2}// asyncore: a connection reset by the peer ends the channel quietly`, `${i2}if (!(error instanceof ConnectionResetError)) throw error;`]),
    `${i1}}`,
    ...(shape.closeHook ? [`${i1}if (closedByPeer) this.handle_close();`] : []),
    `${i1}${w}.close();`,
    `${indentation}}`,
  ];
  return lines.join('\n');
}

/** Default members the root needs because run() (or a class above the definer) calls them. */
function rootDefaultMembers(facts: ChainFacts, shape: LoopShape, indentation: string, unit: string, typescript: boolean): string[] {
  const w = `this.${facts.writer}`;
  const t = (annotation: string) => (typescript ? annotation : '');
  const members: string[] = [];
  for (const name of facts.rootDefaults) {
    switch (name) {
      case 'collect_incoming_data':
        members.push(`${indentation}collect_incoming_data(data${t(': Buffer')})${t(': void')} {\n${indentation}${unit}this.incoming.push(data);\n${indentation}}`);
        break;
      case 'found_terminator':
        members.push(`${indentation}found_terminator()${t(': void')} {\n${indentation}${unit}throw new Error('found_terminator() must be implemented in a subclass');\n${indentation}}`);
        break;
      case 'handle_close':
        // asyncore's default: close(), the chain's own when it has one.
        members.push(`${indentation}handle_close()${t(': void')} {\n${indentation}${unit}${definedAnywhere(facts, 'close') ? 'this.close()' : `${w}.close()`};\n${indentation}}`);
        break;
      case '__repr__':
        members.push(`${indentation}__repr__()${t(': string')} {\n${indentation}${unit}return \`<\${this.constructor.name}\${${w}.isClosing() ? '' : ' connected'}>\`;\n${indentation}}`);
        break;
      case 'handle_error':
        members.push(`${indentation}handle_error(error${t('?: unknown')})${t(': void')} {\n${indentation}${unit}console.error(error);\n${indentation}${unit}${shape.closeHook ? 'this.handle_close()' : `${w}.close()`};\n${indentation}}`);
        break;
      case 'get_terminator':
        members.push(`${indentation}get_terminator()${t(': Terminator')} {\n${indentation}${unit}return this.terminator;\n${indentation}}`);
        break;
      case 'push':
        members.push(`${indentation}push(data${t(': Uint8Array')})${t(': void')} {\n${indentation}${unit}if (!${w}.isClosing()) ${w}.write(data);\n${indentation}}`);
        break;
      case 'close_when_done':
        // asynchat: what was pushed goes out, then handle_close() runs.
        members.push(`${indentation}close_when_done()${t(': void')} {\n${indentation}${unit}${w}.close();\n${indentation}${unit}this.handle_close();\n${indentation}}`);
        break;
      case 'close':
        members.push(`${indentation}close()${t(': void')} {\n${indentation}${unit}${w}.close();\n${indentation}}`);
        break;
      case 'set_terminator':
        members.push(`${indentation}set_terminator(terminator${t(': Terminator')})${t(': void')} {\n${indentation}${unit}this.terminator = terminator;\n${indentation}}`);
        break;
      default:
        break;
    }
  }
  return members;
}

/** Step (root only): drop `extends async_chat`, add the writer / terminator fields, run() and the defaults. */
function reshapeRoot(context: ClassContext, shape: LoopShape, unit: string): void {
  const { node, facts, typescript } = context;
  const text = node.getSourceFile().getFullText();
  const removal = extendsRemoval(node);
  if (removal !== null) context.edits.push(removal);
  const members = node.getMembers();
  const indentation = memberIndentation(node, unit);
  const declared = facts.declared.get(node)!;
  const fields: string[] = [];
  if (typescript && !declared.has(facts.writer)) {
    fields.push(`${indentation}/** The connection's write half: push() wrote to it, close_when_done() closed it. */`, `${indentation}${facts.writer}: StreamWriter;`);
  }
  if (!declared.has('terminator')) {
    fields.push(`${indentation}/** What run() reads up to next: a separator, a byte count, or null for everything (asynchat's terminator). */`);
    fields.push(`${indentation}terminator${typescript ? ': Terminator' : ''} = null;`);
    if (typescript) context.streamsNames.add('Terminator');
  }
  if (context.usesIncoming.value && !declared.has('incoming')) {
    fields.push(`${indentation}/** What collect_incoming_data gathered (asynchat's incoming). */`, `${indentation}incoming${typescript ? ': Buffer[]' : ''} = [];`);
  }
  for (const field of inheritedFieldsAssigned(facts, typescript)) fields.push(`${indentation}${field}`);
  const open = node.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken).getEnd();
  const afterOpen = text.indexOf('\n', open) + 1;
  const constructorNode = node.getConstructors().find((candidate) => candidate.getBody() !== undefined);
  const insertions: string[] = [];
  if (constructorNode === undefined) {
    const parameter = typescript ? 'writer: StreamWriter' : 'writer';
    if (typescript) context.streamsNames.add('StreamWriter');
    insertions.push(`${indentation}constructor(${parameter}) {\n${indentation}${unit}this.${facts.writer} = writer;\n${indentation}}`);
  }
  insertions.push(runMethod(shape, facts.writer, indentation, unit, typescript));
  insertions.push(...rootDefaultMembers(facts, shape, indentation, unit, typescript));
  if (typescript) context.streamsNames.add('StreamReader');
  context.streamsNames.add('ConnectionResetError');
  if (fields.length > 0) context.edits.push({ start: afterOpen, end: afterOpen, text: `${fields.join('\n')}\n\n` });
  // run() goes after the constructor (or the fields): where a reader looks for how the class starts.
  const anchor = constructorNode ?? [...members].reverse().find((member) => Node.isPropertyDeclaration(member));
  if (anchor !== undefined) {
    const end = anchor.getEnd();
    context.edits.push({ start: end, end, text: `\n\n${insertions.join('\n\n')}` });
  } else {
    context.edits.push({ start: afterOpen, end: afterOpen, text: `${insertions.join('\n\n')}\n${members.length > 0 ? '\n' : ''}` });
  }
}

/** Fields the shim declared that the chain assigns (`this.addr = addr`): the class declares them now. */
function inheritedFieldsAssigned(facts: ChainFacts, typescript: boolean): string[] {
  if (!typescript) return [];
  const fields: string[] = [];
  const inherited = new Set(['addr', 'debug', 'connected']);
  for (const name of inherited) {
    if (!facts.assigned.has(name) || facts.classes.some((node) => facts.declared.get(node)?.has(name))) continue;
    let type = 'unknown';
    for (const node of facts.classes) {
      for (const assignment of node.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
        if (thisAccess(assignment.getLeft())?.name !== name) continue;
        const right = assignment.getRight();
        const parameter = Node.isIdentifier(right) ? right.getSymbol()?.getDeclarations()[0] : undefined;
        if (parameter !== undefined && Node.isParameterDeclaration(parameter) && parameter.getTypeNode() !== undefined) type = parameter.getTypeNode()!.getText();
        else if (right.getKind() === SyntaxKind.TrueKeyword || right.getKind() === SyntaxKind.FalseKeyword) type = 'boolean';
      }
    }
    fields.push(`${name}: ${type};`);
  }
  return fields;
}

/** Step: methods socket-level or shim-internal that the chain overrides (a person ports those). */
function refuseSocketLevelOverrides(facts: ChainFacts, refusals: Refusals): void {
  for (const node of facts.classes) {
    for (const name of facts.declared.get(node)!) {
      if (SOCKET_LEVEL_MEMBERS.has(name)) refusals.add(node, MARKER_RULES.manualOverride, `overrides ${name}(), socket-level I/O the read loop replaces: port it by hand`);
      if (name === 'discard_buffers') refusals.add(node, MARKER_RULES.discardBuffers, 'overrides discard_buffers(), which has no streams equivalent');
      if (NOT_A_CHANNEL_MEMBERS.has(name)) refusals.add(node, MARKER_RULES.unrecognisedClient, `overrides ${name}(): a client or listening socket, not a connected channel`);
    }
  }
}

function readFacts(chain: LegacyClass[], analysis: ProjectAnalysis): ChainFacts {
  const classes = chain.map((legacy) => legacy.node as ClassDeclaration);
  const declared = new Map(classes.map((node) => [node, declaredNames(node)] as const));
  const assigned = new Set<string>();
  for (const node of classes) {
    for (const assignment of node.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
      const access = thisAccess(assignment.getLeft());
      if (access !== null && access.receiver === 'this' && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken) assigned.add(access.name);
    }
  }
  const allNames = new Set(classes.flatMap((node) => [...declared.get(node)!]));
  const writer = ['writer', 'streamWriter', 'connectionWriter'].find((name) => !allNames.has(name) && !assigned.has(name)) ?? 'writer_';
  const facts: ChainFacts = { analysis, classes, legacy: chain, declared, assigned, rootDefaults: new Set(), writer, nodes: new Set(classes) };
  const root = classes[0]!;
  const rootDeclared = declared.get(root)!;
  for (const hook of ['collect_incoming_data', 'found_terminator']) if (!rootDeclared.has(hook)) facts.rootDefaults.add(hook);
  for (const hook of ['handle_close', 'handle_error', 'get_terminator']) if (!rootDeclared.has(hook) && allNames.has(hook)) facts.rootDefaults.add(hook);
  const calledOnThis = (name: string): boolean => classes.some((node) => node.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => thisAccess(call.getExpression())?.name === name));
  // A close() override runs when the channel ends (asyncore's default handle_close calls it), and
  // close_when_done() ends in handle_close once the output is out: both need a method to call.
  if (allNames.has('close')) {
    if (!rootDeclared.has('close')) facts.rootDefaults.add('close');
    if (!rootDeclared.has('handle_close')) facts.rootDefaults.add('handle_close');
  }
  if ((allNames.has('close') || allNames.has('handle_close')) && !allNames.has('close_when_done') && calledOnThis('close_when_done')) facts.rootDefaults.add('close_when_done');
  if (!allNames.has('__repr__') && calledOnThis('__repr__')) facts.rootDefaults.add('__repr__');
  // A class above the one that defines a channel member calls it on `this`: the root gets the inherited behaviour.
  for (const name of ['push', 'close_when_done', 'close', 'set_terminator']) {
    if (rootDeclared.has(name) || !allNames.has(name)) continue;
    const definers = classes.filter((node) => declared.get(node)!.has(name));
    const callers = classes.filter((node) => node.getDescendantsOfKind(SyntaxKind.CallExpression).some((call) => thisAccess(call.getExpression())?.name === name));
    if (callers.some((caller) => !definers.some((definer) => definer === caller || ancestorsOf(facts, definer).length < ancestorsOf(facts, caller).length && ancestorsOf(facts, caller).includes(definer)))) facts.rootDefaults.add(name);
  }
  return facts;
}

/**
 * Plans the chain `chain` (the class that extends async_chat first, then every class below it, each
 * after its base). Either every class translates, or the classes that cannot say why.
 */
export function planChannelChain(chain: LegacyClass[], analysis: ProjectAnalysis, indentUnit: (node: ClassDeclaration) => string): ChannelChainResult {
  const refusals = new Refusals();
  for (const legacy of chain) {
    if (!Node.isClassDeclaration(legacy.node) || legacy.name === undefined) {
      return { ok: false, refusals: [] };
    }
  }
  const facts = readFacts(chain, analysis);
  const root = facts.classes[0]!;
  if (root.isAbstract() && chain.length === 1) {
    refusals.add(root, MARKER_RULES.subclassChain, `${root.getName() ?? 'the class'} is abstract: migrate it together with its subclasses (run the rewrite over the whole project)`);
    return { ok: false, refusals: [{ node: root, rule: MARKER_RULES.subclassChain, reasons: refusals.byClass.get(root)!.reasons }] };
  }
  refuseSocketLevelOverrides(facts, refusals);
  const shape = loopShape(facts);
  const plans: ChannelClassPlan[] = [];
  const writerIndexes = new Map<ClassDeclaration, number>();
  for (const legacy of chain) {
    const node = legacy.node as ClassDeclaration;
    const typescript = TYPESCRIPT_FILE.test(legacy.file);
    const context: ClassContext = { facts, node, typescript, refusals, edits: [], streamsNames: new Set(), closing: closingMethods(facts), usesIncoming: { value: false } };
    translateInheritedMembers(context);
    translatePeerCalls(node, { ...context, owner: node });
    dropStaleOverrides(context);
    const parent = ancestorsOf(facts, node)[0];
    const index = retypeSocketParameter(context, parent === undefined ? null : (writerIndexes.get(parent) ?? 0));
    if (index !== null) writerIndexes.set(node, index);
    const rules: TranslationRule[] = [TRANSLATION_RULES.channelClass];
    if (context.edits.some((edit) => edit.text.includes('.write('))) rules.push(TRANSLATION_RULES.pushWrite);
    if (context.edits.some((edit) => edit.text.includes('.close()'))) rules.push(TRANSLATION_RULES.closeWriter);
    plans.push({ kind: 'channel-class', rules, legacy, node, root: parent === undefined, edits: context.edits, streamsNames: context.streamsNames, writerIndex: index ?? 0 });
    if (parent === undefined) {
      // The root's reshaping needs every class's uses of `incoming` first: done after the loop.
      (plans[plans.length - 1] as ChannelClassPlan & { context?: ClassContext }).context = context;
    }
  }
  if (refusals.byClass.size > 0) {
    return { ok: false, refusals: [...refusals.byClass].map(([node, entry]) => ({ node, rule: entry.rule, reasons: entry.reasons })) };
  }
  retypeConstructorTypes(plans);
  const rootPlan = plans[0] as ChannelClassPlan & { context?: ClassContext };
  const rootContext = rootPlan.context!;
  delete rootPlan.context;
  if (plans.some((plan) => plan.edits.some((edit) => edit.text.includes('.incoming')))) rootContext.usesIncoming.value = true;
  reshapeRoot(rootContext, shape, indentUnit(rootContext.node));
  return { ok: true, plans, facts };
}

/**
 * Step: constructor types that build a class of the chain (`type ChannelClass = new (server,
 * conn: net.Socket, addr) => SMTPChannel`, the type of a `channel_class` field) take the writer
 * where they took the socket, like the constructors they describe.
 */
function retypeConstructorTypes(plans: ChannelClassPlan[]): void {
  const byNode = new Map<Node, ChannelClassPlan>(plans.map((plan) => [plan.node, plan]));
  const files = new Set(plans.map((plan) => plan.node.getSourceFile()));
  for (const file of files) {
    const host = plans.find((plan) => plan.node.getSourceFile() === file)!;
    if (!TYPESCRIPT_FILE.test(file.getFilePath())) continue;
    for (const typeNode of file.getDescendantsOfKind(SyntaxKind.ConstructorType)) {
      const returned = typeNode.getReturnTypeNode();
      if (!Node.isTypeReference(returned)) continue;
      let built: ChannelClassPlan | undefined;
      try {
        built = returned.getTypeName().getSymbol()?.getDeclarations().map((declaration) => byNode.get(declaration)).find((plan) => plan !== undefined);
      } catch {
        built = undefined;
      }
      const parameter = built === undefined ? undefined : typeNode.getParameters()[built.writerIndex];
      const annotation = parameter?.getTypeNode();
      if (parameter === undefined || annotation === undefined || host.edits.some((edit) => edit.start <= annotation.getStart() && edit.end >= annotation.getEnd())) continue;
      host.edits.push({ start: annotation.getStart(), end: annotation.getEnd(), text: 'StreamWriter' });
      host.streamsNames.add('StreamWriter');
    }
  }
}

/** The chain of `root`: root first, then each subclass after its base (any file of the project). */
export function chainOf(root: LegacyClass, subclassesOf: (legacy: LegacyClass) => LegacyClass[]): LegacyClass[] {
  const chain: LegacyClass[] = [root];
  for (let index = 0; index < chain.length; index += 1) chain.push(...subclassesOf(chain[index]!));
  return chain;
}

/**
 * Channel calls on instances of the chain made from another class (a server's broadcast:
 * `for (const c of this.channels.keys()) c.push(line)`): their edits, or why they cannot be made.
 */
export function channelCallsIn(scope: ClassDeclaration, facts: ChainFacts, typescript: boolean): { edits: TextEdit[]; reasons: string[] } {
  const refusals = new Refusals();
  const edits: TextEdit[] = [];
  translatePeerCalls(scope, { facts, edits, refusals, typescript, owner: scope });
  return { edits, reasons: refusals.byClass.get(scope)?.reasons ?? [] };
}

/** A call of an inherited channel member on something other than `this` (`c.push(x)`), with what `c` can be. */
export interface ChannelApiCall {
  call: CallExpression;
  name: string;
  /** Declarations of the receiver's class (by type, or followed by hand). */
  receiverClasses: Node[];
}

/** Every call under `scope` that names an inherited channel member on another value: found once, matched against every chain. */
export function channelApiCalls(scope: Node): ChannelApiCall[] {
  const calls: ChannelApiCall[] = [];
  for (const call of scope.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || !SHIM_MEMBERS.has(callee.getName())) continue;
    const receiver = callee.getExpression();
    if (receiver.getKind() === SyntaxKind.ThisKeyword || receiver.getKind() === SyntaxKind.SuperKeyword) continue;
    calls.push({ call, name: callee.getName(), receiverClasses: instanceDeclarations(receiver) });
  }
  return calls;
}

/** The call reaches an instance of this chain through a member the chain does not define. */
export function reachesChain(site: ChannelApiCall, facts: ChainFacts): boolean {
  return !definedAnywhere(facts, site.name) && site.receiverClasses.some((declaration) => facts.nodes.has(declaration));
}

export type { ChainFacts };
