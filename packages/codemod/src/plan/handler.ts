/**
 * Plans the migration of one async_chat subclass: a read loop over `frames` (constant terminator)
 * or `readFrame` (terminator changed while reading), as an exported function when the handler has
 * no other state, or as the kept class with a `run(reader, writer)` method. Anything it cannot prove
 * safe becomes a marker decision instead, and the class is left as it was.
 */
import {
  type ClassDeclaration,
  type CallExpression,
  type ConstructorDeclaration,
  type KindToNodeMappings,
  type MethodDeclaration,
  Node,
  type ParameterDeclaration,
  SyntaxKind,
} from 'ts-morph';
import type { LegacyClass } from '../analyse/types';
import { LEGACY_INTERNALS, MANUAL_OVERRIDES, SHIM_CHANNEL_METHODS, TRANSLATED_HOOKS } from './legacy-members';
import { MARKER_RULES, TRANSLATION_RULES, type TranslationRule } from './rules';
import { readTerminator, type TerminatorValue } from './terminator';
import type { BodyAction, ConstructorPlan, HandlerPlan, MarkerPlan, MovedBody, PlanContext } from './types';

export type { PlanContext } from './types';
import { Refusal, refuse } from './textbook/refusal';
import { thisMemberName, thisCallName, methodBodyStatements } from './textbook/class-syntax';
import { readMembers, mergeMembers, helpersCalling, isUnreadField, type Members } from './textbook/members';
import { peerCollections, isPeer, isArrayValue } from './textbook/peers';
import { clientFunctionName, readClient } from './textbook/client';
import { type CollectBuffer, isEmptyBufferValue, isBufferReset, readCollectBuffer, messageRead } from './textbook/collect-buffer';
import { scanBody, type ScanState } from './textbook/body-scan';

export { thisMemberName, thisCallName } from './textbook/class-syntax';
export { clientFunctionName } from './textbook/client';


/** Readable function name for a handler class: EchoHandler -> handleEcho. */
export function handlerFunctionName(className: string): string {
  const stem = className.replace(/(Handler|Channel|Chat|Session)$/, '');
  return stem === '' ? 'handleConnection' : `handle${stem[0]!.toUpperCase()}${stem.slice(1)}`;
}

/** Plans once per class: the chain decisions and the file plan ask about the same class. */
const plans = new WeakMap<Node, HandlerPlan | MarkerPlan>();

/** Plans one async_chat subclass, or says which marker it gets. */
export function planHandler(legacy: LegacyClass, context: PlanContext): HandlerPlan | MarkerPlan {
  const known = plans.get(legacy.node);
  if (known !== undefined) return known;
  const plan = planHandlerOnce(legacy, context);
  plans.set(legacy.node, plan);
  return plan;
}

function planHandlerOnce(legacy: LegacyClass, context: PlanContext): HandlerPlan | MarkerPlan {
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


/** The class (with its direct async_chat base in a chain) as the steps below read it. */
interface HandlerView {
  node: ClassDeclaration;
  baseNode: ClassDeclaration | null;
  members: Members;
  leafMembers: Members;
  baseMembers: Members | null;
  classNodes: Node[];
  descendantsOf<K extends SyntaxKind>(kind: K): KindToNodeMappings[K][];
}

/** Step: the class and its base (a textbook chain has at most one, a direct async_chat subclass). */
function readHandlerView(legacy: LegacyClass, node: ClassDeclaration): HandlerView {
  const base = legacy.direct ? null : legacy.superClass;
  if (base !== null && (!base.direct || base.base !== 'async_chat' || !Node.isClassDeclaration(base.node))) {
    refuse(MARKER_RULES.subclassChain, `extends ${legacy.chain[1] ?? 'a legacy class'}, which is not a direct async_chat subclass: migrate the chain by hand`);
  }
  const baseNode: ClassDeclaration | null = base === null ? null : (base.node as ClassDeclaration);
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
  return { node, baseNode, members, leafMembers, baseMembers, classNodes, descendantsOf };
}

/** Step: what the textbook forms cannot take (each a refusal); what they can, read on the way. */
function refuseWhatTextbookCannotTake(view: HandlerView) {
  const { node, members, baseNode, classNodes, descendantsOf } = view;
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
  return { found, collect, buffer, client, clientStatements, peers };
}

/** Step: the terminators: the constructor's initial one, the ones found_terminator sets, the loop they call for. */
function readTerminators(view: HandlerView, found: MethodDeclaration) {
  const { node, members, baseMembers, descendantsOf } = view;
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
  return { constructorNode, constructorStatements, initialCall, initial, laterCalls, loop, values };
}

/** Step: found_terminator as the loop body (minus the buffer join / reset), and the scan state later bodies share. */
function planLoopBody(
  view: HandlerView,
  context: PlanContext,
  read: { found: MethodDeclaration; buffer: CollectBuffer; peers: Set<string>; loop: 'frames' | 'read-frame'; initial: TerminatorValue },
) {
  const { node, members } = view;
  const { found, buffer, peers, loop, initial } = read;
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
  return { foundStatements, messageName, loopActions, drains, scanState, helpersThatClose };
}

/** Step: handle_close runs after the loop, handle_error becomes its catch. */
function planHooks(members: Members, context: PlanContext, scanState: ScanState) {
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
  return { closeHook, errorHook, afterLoop, catchClause };
}

/** Step: the ids of what the translation did, from its actions. */
function translationRulesOf(plan: {
  loop: 'frames' | 'read-frame';
  form: 'function' | 'class';
  allActions: BodyAction[];
  afterLoop: MovedBody | null;
  catchClause: HandlerPlan['catchClause'];
  clientPlan: HandlerPlan['client'];
}): TranslationRule[] {
  const { loop, form, allActions, afterLoop, catchClause, clientPlan } = plan;
  const rules: TranslationRule[] = [loop === 'frames' ? TRANSLATION_RULES.framesLoop : TRANSLATION_RULES.readFrameLoop];
  rules.push(form === 'function' ? TRANSLATION_RULES.handlerFunction : TRANSLATION_RULES.handlerClass);
  if (allActions.some((action) => action.kind === 'write' && thisCallName(action.call) === 'push')) rules.push(TRANSLATION_RULES.pushWrite);
  if (allActions.some((action) => action.kind === 'write' && thisCallName(action.call) === 'push_with_producer')) rules.push(TRANSLATION_RULES.producerWrite);
  const closes = (action: BodyAction): boolean =>
    action.kind === 'leave' || (action.kind === 'drop' && /\bthis\.(close|close_when_done|handle_close)\(/.test(action.statement.getText()));
  if (allActions.some(closes)) rules.push(TRANSLATION_RULES.closeWriter);
  if (afterLoop !== null || catchClause !== null || clientPlan?.connectBody) rules.push(TRANSLATION_RULES.lifecycleHooks);
  if (clientPlan !== null) rules.push(TRANSLATION_RULES.openConnection);
  return rules;
}

/** Step: the constructor: the socket parameter and super() go, the terminator and buffer set-up go, greeting pushes move to run(); a client's connect moves to run() too. */
function planConstructor(
  view: HandlerView,
  context: PlanContext,
  read: {
    constructorNode: ConstructorDeclaration;
    constructorStatements: Node[];
    initialCall: CallExpression;
    client: ReturnType<typeof readClient>;
    clientStatements: Set<Node>;
    buffer: CollectBuffer;
    scanState: ScanState;
  },
) {
  const { members, baseNode, leafMembers } = view;
  const { constructorNode, constructorStatements, initialCall, client, clientStatements, buffer, scanState } = read;
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
  return { clientPlan, prologueStatements, prologueActions, removedStatements, constructorPlan, droppedParameterIndexes, bufferProperty };
}

function buildHandlerPlan(legacy: LegacyClass, node: ClassDeclaration, context: PlanContext): HandlerPlan {
  const view = readHandlerView(legacy, node);
  const { members } = view;
  const { found, collect, buffer, client, clientStatements, peers } = refuseWhatTextbookCannotTake(view);
  const { constructorNode, constructorStatements, initialCall, initial, loop, values } = readTerminators(view, found);

  const { foundStatements, messageName, loopActions, drains, scanState, helpersThatClose } = planLoopBody(view, context, { found, buffer, peers, loop, initial });
  const { closeHook, errorHook, afterLoop, catchClause } = planHooks(members, context, scanState);

  const { clientPlan, prologueStatements, prologueActions, removedStatements, constructorPlan, droppedParameterIndexes, bufferProperty } = planConstructor(view, context, {
    constructorNode,
    constructorStatements,
    initialCall,
    client,
    clientStatements,
    buffer,
    scanState,
  });

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

  const allActions = [...loopActions, ...prologueActions, ...(clientPlan?.connectBody?.actions ?? []), ...(afterLoop?.actions ?? []), ...(catchClause?.body.actions ?? []), ...keptMembers.flatMap((member) => member.actions)];
  const rules = translationRulesOf({ loop, form, allActions, afterLoop, catchClause, clientPlan });

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
