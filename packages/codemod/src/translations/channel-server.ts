/**
 * The class-preserving translation of a `dispatcher` server chain that builds class-preserved
 * channels (translation `channel-server`): the server keeps its fields and methods (a
 * `channel_class`, `process_message`, subclasses such as `DebuggingServer extends SMTPServer`); the
 * class that extended `dispatcher` drops the `extends`, remembers the address `bind()` was given,
 * and gains `start()`, which listens there with `startServer` and hands every connection to
 * `handle_accepted(conn, addr, reader)`: `conn` is now the connection's `StreamWriter`, so the
 * channel is built with exactly the arguments it was built with before, then run on the reader.
 */
import { type CallExpression, type ClassDeclaration, type MethodDeclaration, Node, type NewExpression, SyntaxKind, type VariableStatement } from 'ts-morph';
import type { LegacyClass, ProjectAnalysis } from '../analyse/types';
import type { StreamsName } from '../shared/streams-names';
import { indentationAt, type TextEdit } from '../shared/text-edit';
import { MARKER_RULES, type MarkerRule, TRANSLATION_RULES, type TranslationRule } from '../plan/rules';
import { inheritedCall, SOCKET_LEVEL_MEMBERS } from './channel-members';
import { declaredNames, inNestedFunction, removeLine, staleOverrideEdits, thisAccess } from './channel-class';
import { extendsRemoval, memberIndentation } from './class-shape';

export interface ChannelServerPlan {
  kind: 'channel-server';
  rules: TranslationRule[];
  legacy: LegacyClass;
  node: ClassDeclaration;
  root: boolean;
  edits: TextEdit[];
  streamsNames: Set<StreamsName>;
}

export interface ServerRefusal {
  node: ClassDeclaration;
  rule: MarkerRule;
  reasons: string[];
}

export type ServerChainResult = { ok: true; plans: ChannelServerPlan[] } | { ok: false; refusals: ServerRefusal[] };

/** The fields the translation adds: the listening server, and where bind() pointed. */
const LISTENER = 'listener';
const BIND_ADDRESS = 'bindAddress';

/** What a listening dispatcher does that a streams server does by itself in start(). */
const LISTENING_CALLS = new Set(['create_socket', 'set_reuse_addr', 'listen']);

const TYPESCRIPT_FILE = /\.(ts|tsx|mts|cts)$/;

interface ServerContext {
  node: ClassDeclaration;
  typescript: boolean;
  edits: TextEdit[];
  streamsNames: Set<StreamsName>;
  reasons: { rule: MarkerRule; reason: string }[];
  /** `new X(...)` builds a class-preserved channel. */
  buildsChannel: (construction: NewExpression) => boolean;
  /** Statements the translation deletes (their inherited uses need no translation). */
  removed: Node[];
  /** Members the server chain defines (inherited ones from dispatcher are translated). */
  chainMembers: Set<string>;
  /** The server chain's classes. */
  chainClasses: ClassDeclaration[];
}

/** Step: the constructor stops creating, binding and listening; bind()'s address is kept for start(). */
function stopListeningInConstructor(context: ServerContext): string | null {
  const { node } = context;
  const text = node.getSourceFile().getFullText();
  const constructorNode = node.getConstructors().find((candidate) => candidate.getBody() !== undefined);
  if (constructorNode === undefined) {
    context.reasons.push({
      rule: MARKER_RULES.unrecognisedServer,
      reason: 'no constructor: the server is set up from outside (create_socket / bind / listen on the instance); move those calls into a constructor, then rerun',
    });
    return null;
  }
  let bindType: string | null = null;
  let bound = false;
  const removed: Node[] = [];
  for (const call of constructorNode.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    const statement = call.getParent();
    if (callee.getKind() === SyntaxKind.SuperKeyword) {
      if (Node.isExpressionStatement(statement)) context.edits.push(removeLine(text, statement));
      continue;
    }
    const access = thisAccess(callee);
    if (access === null || access.receiver !== 'this' || context.chainMembers.has(access.name)) continue;
    if (LISTENING_CALLS.has(access.name) && Node.isExpressionStatement(statement)) {
      removed.push(statement);
      if (access.name === 'create_socket' && call.getArguments().some((argument) => /AF_UNIX|AF_INET6/.test(argument.getText()))) {
        context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: 'listens on a non-IPv4 socket' });
      }
      context.edits.push(removeLine(text, statement));
      continue;
    }
    if (access.name === 'bind' && Node.isExpressionStatement(statement)) {
      const [address] = call.getArguments();
      if (address === undefined) continue;
      bound = true;
      context.edits.push({ start: statement.getStart(), end: statement.getEnd(), text: `this.${BIND_ADDRESS} = ${address.getText()};` });
      const declaration = Node.isIdentifier(address) ? address.getSymbol()?.getDeclarations()[0] : undefined;
      bindType = declaration !== undefined && Node.isParameterDeclaration(declaration) ? (declaration.getTypeNode()?.getText() ?? null) : null;
    }
  }
  if (!bound) context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: 'the constructor does not bind() an address' });
  dropLocalsOnlyTheListeningCallsRead(context, constructorNode, removed);
  return bindType ?? '[host: string, port: number]';
}

/**
 * A constructor local that only fed the removed listening calls (`const family = ...;` for
 * `create_socket(family, SOCK_STREAM)`) goes with them, its comment lines included.
 */
function dropLocalsOnlyTheListeningCallsRead(context: ServerContext, constructorNode: Node, removed: Node[]): void {
  const text = context.node.getSourceFile().getFullText();
  const inRemoved = (node: Node): boolean => removed.some((statement) => node.getStart() >= statement.getStart() && node.getEnd() <= statement.getEnd());
  for (const statement of removed) {
    for (const identifier of statement.getDescendantsOfKind(SyntaxKind.Identifier)) {
      const declaration = identifier.getSymbol()?.getDeclarations()[0];
      if (!Node.isVariableDeclaration(declaration) || declaration.getFirstAncestor((ancestor) => ancestor === constructorNode) === undefined) continue;
      const variableStatement = declaration.getVariableStatement();
      if (variableStatement === undefined || variableStatement.getDeclarations().length !== 1) continue;
      const uses = constructorNode.getDescendantsOfKind(SyntaxKind.Identifier).filter((other) => other.getText() === identifier.getText() && other !== declaration.getNameNode());
      if (!uses.every(inRemoved)) continue;
      const comments = variableStatement.getLeadingCommentRanges();
      const start = comments.length > 0 ? comments[0]!.getPos() : variableStatement.getStart();
      const edit = removeLine(text, variableStatement);
      const from = text.lastIndexOf('\n', start - 1) + 1;
      if (!context.edits.some((existing) => existing.start === from)) context.edits.push({ ...edit, start: Math.min(edit.start, from) });
    }
  }
}

/**
 * `handle_accept()` that calls `accept()` itself (medusa's servers): the statements that take the
 * pair (`const pair = this.accept()`, its null check, `const [conn, addr] = pair`) go, and the
 * method becomes `handle_accepted(conn, addr, reader)`: start() hands it the accepted connection.
 * Returns the names of conn and addr, or null (with a reason) when the shape is another.
 */
function acceptedFromAccept(context: ServerContext, accept: MethodDeclaration): { connection: string; address: string } | null {
  const text = context.node.getSourceFile().getFullText();
  const statements = accept.getStatements();
  const refuse = (reason: string): null => {
    context.reasons.push({ rule: MARKER_RULES.manualOverride, reason: `overrides handle_accept() and calls accept() itself, ${reason}: move the channel construction into handle_accepted(conn, addr), then rerun` });
    return null;
  };
  const calls = accept.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => thisAccess(call.getExpression())?.name === 'accept');
  if (calls.length !== 1) return refuse(`${calls.length} times`);
  const first = statements.find((statement) => statement.getDescendantsOfKind(SyntaxKind.CallExpression).includes(calls[0]!));
  if (first === undefined || !Node.isVariableStatement(first) || first.getDeclarations().length !== 1) return refuse('not as `const pair = this.accept()`');
  const declaration = first.getDeclarations()[0]!;
  const removed: Node[] = [first];
  let pattern = declaration.getNameNode();
  if (Node.isIdentifier(pattern)) {
    // `const pair = this.accept(); if (pair === null) ...; const [conn, addr] = pair;`
    const pair = pattern.getText();
    const after = statements.slice(statements.indexOf(first) + 1);
    const destructuring = after.find((statement) => Node.isVariableStatement(statement) && statement.getDeclarations().length === 1 && statement.getDeclarations()[0]!.getInitializer()?.getText() === pair);
    if (destructuring === undefined) return refuse(`without unpacking ${pair} into [conn, addr]`);
    for (const statement of after.slice(0, after.indexOf(destructuring))) {
      if (Node.isIfStatement(statement) && new RegExp(`\\b${pair}\\b`).test(statement.getExpression().getText())) removed.push(statement);
      else return refuse(`with ${statement.getText().split('\n')[0]} before unpacking ${pair}`);
    }
    removed.push(destructuring);
    const uses = accept.getDescendantsOfKind(SyntaxKind.Identifier).filter((identifier) => identifier.getText() === pair);
    if (uses.some((identifier) => !removed.some((statement) => identifier.getStart() >= statement.getStart() && identifier.getEnd() <= statement.getEnd()))) return refuse(`using ${pair} beyond unpacking it`);
    pattern = (destructuring as VariableStatement).getDeclarations()[0]!.getNameNode();
  }
  if (!Node.isArrayBindingPattern(pattern)) return refuse('without unpacking [conn, addr]');
  const [connection, address] = pattern.getElements().map((element) => (Node.isBindingElement(element) ? element.getName() : ''));
  if (connection === undefined || address === undefined || connection === '' || address === '' || pattern.getElements().length !== 2) return refuse('without unpacking [conn, addr]');
  for (const statement of removed) context.edits.push(removeLine(text, statement));
  context.removed.push(...removed);
  const parameters = context.typescript ? `${connection}: StreamWriter, ${address}: [host: string, port: number], reader: StreamReader` : `${connection}, ${address}, reader`;
  const open = accept.getFirstChildByKindOrThrow(SyntaxKind.OpenParenToken);
  const close = accept.getFirstChildByKindOrThrow(SyntaxKind.CloseParenToken);
  context.edits.push({ start: accept.getNameNode().getStart(), end: accept.getNameNode().getEnd(), text: 'handle_accepted' });
  context.edits.push({ start: open.getEnd(), end: close.getStart(), text: parameters });
  return { connection, address };
}

/** `this.m(...)` where the server chain's method `m` returns a channel it builds (`return new X(...)`). */
function isChannelFactoryCall(call: CallExpression, context: ServerContext): boolean {
  const access = thisAccess(call.getExpression());
  if (access === null || !context.chainMembers.has(access.name)) return false;
  const methods = context.chainClasses.flatMap((node) => node.getMethods().filter((method) => method.getName() === access.name));
  return (
    methods.length > 0 &&
    methods.every((method) =>
      method.getDescendantsOfKind(SyntaxKind.ReturnStatement).some((statement) => {
        const value = statement.getExpression();
        return value !== undefined && Node.isNewExpression(value) && context.buildsChannel(value);
      }),
    )
  );
}

/** Step: `handle_accepted(conn, addr)` builds the channel on the writer and returns its run(reader). */
function runAcceptedChannels(context: ServerContext): void {
  const { node, typescript } = context;
  const text = node.getSourceFile().getFullText();
  const accept = node.getMethod('handle_accept');
  const acceptedMethod = node.getMethod('handle_accepted');
  let method: MethodDeclaration;
  if (accept !== undefined && accept.getBody() !== undefined) {
    if (acceptedMethod !== undefined) {
      context.reasons.push({ rule: MARKER_RULES.manualOverride, reason: 'overrides both handle_accept() and handle_accepted()' });
      return;
    }
    if (acceptedFromAccept(context, accept) === null) return;
    method = accept;
  } else {
    if (acceptedMethod === undefined || acceptedMethod.getBody() === undefined) return;
    method = acceptedMethod;
    const [connection, address] = method.getParameters();
    if (connection === undefined) {
      context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: 'handle_accepted() takes no connection' });
      return;
    }
    if (typescript) context.edits.push({ start: connection.getStart(), end: connection.getEnd(), text: `${connection.getName()}: StreamWriter` });
    // start() passes (conn, addr, reader): a handle_accepted(conn) gets the address parameter it did not declare.
    const missingAddress = address === undefined ? (typescript ? ', _addr: [host: string, port: number]' : ', _addr') : '';
    const after = address ?? connection;
    context.edits.push({ start: after.getEnd(), end: after.getEnd(), text: `${missingAddress}, ${typescript ? 'reader: StreamReader' : 'reader'}` });
  }
  const name = method === accept ? 'handle_accept()' : 'handle_accepted()';
  const body = method.getBodyOrThrow();
  if (!Node.isBlock(body)) return;
  const statements = body.getStatements();
  const built = body.getDescendantsOfKind(SyntaxKind.NewExpression).filter(context.buildsChannel);
  // A factory of the server's own (`this.channelFor(conn, addr)`) that returns the built channel counts as building it.
  const factories = body.getDescendantsOfKind(SyntaxKind.CallExpression).filter((call) => isChannelFactoryCall(call, context));
  const constructions: (NewExpression | CallExpression)[] = [...built, ...factories];
  if (constructions.length !== 1) {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: `${name} builds ${constructions.length} channels where the rewrite follows exactly one` });
    return;
  }
  if (body.getDescendantsOfKind(SyntaxKind.ReturnStatement).some((statement) => statement.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor) || Node.isArrowFunction(ancestor)) === method)) {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: `${name} returns early` });
    return;
  }
  const construction = constructions[0]!;
  const holder = construction.getParent();
  const statement = construction.getFirstAncestor((ancestor) => statements.includes(ancestor as never));
  if (statement === undefined) {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: `the channel is built inside a nested block of ${name}` });
    return;
  }
  let running: string;
  // Insertions around the construction, so that edits inside its arguments stay disjoint.
  const insert = (at: number, inserted: string): void => {
    context.edits.push({ start: at, end: at, text: inserted });
  };
  if (Node.isExpressionStatement(holder) && statement === statements[statements.length - 1]) {
    insert(construction.getStart(), 'return ');
    insert(construction.getEnd(), '.run(reader)');
    running = '';
  } else if (Node.isVariableDeclaration(holder) && Node.isIdentifier(holder.getNameNode())) {
    running = `${holder.getName()}.run(reader)`;
  } else if (Node.isBinaryExpression(holder) && holder.getRight() === construction && Node.isExpressionStatement(holder.getParent())) {
    running = `${holder.getLeft().getText()}.run(reader)`;
  } else if (Node.isExpressionStatement(holder)) {
    insert(construction.getStart(), 'const channel = ');
    running = 'channel.run(reader)';
  } else {
    // Built inside an expression (`this.channels.set(new X(...), 1)`): built first, into a constant.
    const indentation = indentationAt(text, statement.getStart());
    context.edits.push({ start: construction.getStart(), end: construction.getEnd(), text: 'channel' });
    insert(statement.getStart(), `const channel = ${construction.getText()};\n${indentation}`);
    running = 'channel.run(reader)';
    if (construction.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression).some((access) => thisAccess(access)?.name === '_map')) {
      context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: `the channel built inside an expression of ${name} is given the socket map` });
      return;
    }
  }
  if (running !== '') {
    const last = statements[statements.length - 1]!;
    insert(last.getEnd(), `\n${indentationAt(text, last.getStart())}return ${running};`);
  }
  if (typescript) {
    context.streamsNames.add('StreamWriter');
    context.streamsNames.add('StreamReader');
  }
  const returnType = method.getReturnTypeNode();
  if (typescript && returnType !== undefined) context.edits.push({ start: returnType.getStart(), end: returnType.getEnd(), text: 'Promise<void>' });
}

/**
 * Step: `readable()` / `writable()` that return a constant only tuned asyncore's polling of the
 * listening socket; a streams server does not poll: they go.
 */
function dropConstantPolling(context: ServerContext): void {
  const text = context.node.getSourceFile().getFullText();
  for (const method of context.node.getMethods()) {
    if (!['readable', 'writable'].includes(method.getName())) continue;
    const statements = method.getStatements();
    const only = statements.length === 1 ? statements[0] : undefined;
    const value = only !== undefined && Node.isReturnStatement(only) ? only.getExpression() : undefined;
    if (value === undefined || !(Node.isNumericLiteral(value) || Node.isTrueLiteral(value) || Node.isFalseLiteral(value))) continue;
    const comments = method.getLeadingCommentRanges();
    const edit = removeLine(text, method);
    const from = comments.length > 0 ? text.lastIndexOf('\n', comments[0]!.getPos() - 1) + 1 : edit.start;
    // The blank line before the member goes with it.
    const blank = text.lastIndexOf('\n', from - 2) + 1;
    const start = text.slice(blank, from).trim() === '' && blank < from ? blank : from;
    context.edits.push({ ...edit, start });
    context.removed.push(method);
  }
}

/** Step: a factory method that builds the channel takes the writer where it took the socket. */
function retypeFactorySockets(context: ServerContext): void {
  if (!context.typescript) return;
  for (const method of context.node.getMethods()) {
    if (['handle_accepted', 'handle_accept'].includes(method.getName())) continue;
    for (const statement of method.getDescendantsOfKind(SyntaxKind.ReturnStatement)) {
      const value = statement.getExpression();
      if (value === undefined || !Node.isNewExpression(value) || !context.buildsChannel(value)) continue;
      for (const argument of value.getArguments()) {
        const parameter = method.getParameters().find((candidate) => candidate.getName() === argument.getText());
        const annotation = parameter?.getTypeNode();
        if (annotation === undefined || !/^(net\.)?Socket$/.test(annotation.getText())) continue;
        context.edits.push({ start: annotation.getStart(), end: annotation.getEnd(), text: 'StreamWriter' });
        context.streamsNames.add('StreamWriter');
      }
    }
  }
}

/** Step: what the server inherited from dispatcher and still calls. */
function translateInheritedMembers(context: ServerContext): void {
  const { node } = context;
  const listener = `this.${LISTENER}`;
  for (const access of node.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    const member = thisAccess(access);
    if (member === null || context.chainMembers.has(member.name) || member.name === LISTENER || member.name === BIND_ADDRESS) continue;
    if (context.removed.some((statement) => access.getStart() >= statement.getStart() && access.getEnd() <= statement.getEnd())) continue;
    const parent = access.getParent();
    const call = Node.isCallExpression(parent) && parent.getExpression() === access ? parent : null;
    const constructorCall = call !== null && access.getFirstAncestor((ancestor) => Node.isConstructorDeclaration(ancestor)) !== undefined && ['create_socket', 'set_reuse_addr', 'listen', 'bind'].includes(member.name);
    if (constructorCall) continue;
    if (inNestedFunction(access, node)) {
      context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: `this.${member.name} inside a nested function` });
      continue;
    }
    // The socket map a channel was registered in: streams has none, and a class-preserved channel ignores it.
    if (member.name === '_map' && call === null && Node.isNewExpression(parent) && context.buildsChannel(parent)) {
      context.edits.push({ start: access.getStart(), end: access.getEnd(), text: 'null' });
      continue;
    }
    if (member.name === 'addr' && call === null) {
      context.edits.push({ start: access.getStart(), end: access.getEnd(), text: `this.${BIND_ADDRESS}` });
      continue;
    }
    if (call !== null && ['close', 'handle_close'].includes(member.name)) {
      context.edits.push({ start: call.getStart(), end: call.getEnd(), text: `void ${listener}.close()` });
      continue;
    }
    if (call !== null && ['log', 'log_info'].includes(member.name)) {
      const replacement = inheritedCall(member.name, { writer: listener, self: 'this', args: call.getArguments().map((argument) => argument.getText()), closeHook: false, typescript: context.typescript });
      if (replacement !== null) {
        context.edits.push({ start: call.getStart(), end: call.getEnd(), text: replacement });
        continue;
      }
    }
    if (SOCKET_LEVEL_MEMBERS.has(member.name) || call !== null || ['socket', 'accepting', 'connected', '_map'].includes(member.name)) {
      context.reasons.push({ rule: MARKER_RULES.legacyInternals, reason: `uses this.${member.name}${call !== null ? '()' : ''}, which a streams Server does not have` });
    }
  }
}

/** Step (root only): drop `extends dispatcher`, declare the listener and bind address, add start(). */
function addStart(context: ServerContext, bindType: string, unit: string): void {
  const { node, typescript } = context;
  const text = node.getSourceFile().getFullText();
  const removal = extendsRemoval(node);
  if (removal !== null) context.edits.push(removal);
  const members = node.getMembers();
  const indentation = memberIndentation(node, unit);
  const open = node.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken).getEnd();
  const afterOpen = text.indexOf('\n', open) + 1;
  if (typescript) {
    context.streamsNames.add('Server');
    const fields = [
      `${indentation}/** The listening server, once start() resolved. */`,
      `${indentation}${LISTENER}!: Server;`,
      `${indentation}/** Where start() listens (the address the constructor bound). */`,
      `${indentation}${BIND_ADDRESS}!: ${bindType};`,
    ];
    context.edits.push({ start: afterOpen, end: afterOpen, text: `${fields.join('\n')}\n\n` });
  }
  context.streamsNames.add('startServer');
  const i1 = indentation + unit;
  const i2 = i1 + unit;
  const peer = typescript ? `writer.getExtraInfo('peername')!` : `writer.getExtraInfo('peername')`;
  const start = [
    `${indentation}/**`,
    `${indentation} * Listens where the constructor bound (asyncore listened at once; a streams server starts`,
    `${indentation} * asynchronously) and hands each connection to handle_accepted.`,
    `${indentation} */`,
    `${indentation}async start()${typescript ? ': Promise<this>' : ''} {`,
    `${i1}this.${LISTENER} = await startServer((reader, writer) => this.handle_accepted(writer, ${peer}, reader), {`,
    `${i2}host: this.${BIND_ADDRESS}[0],`,
    `${i2}port: this.${BIND_ADDRESS}[1],`,
    `${i1}});`,
    `${i1}return this;`,
    `${indentation}}`,
  ].join('\n');
  const constructorNode = node.getConstructors().find((candidate) => candidate.getBody() !== undefined);
  const anchor = constructorNode ?? [...members].reverse().find((member) => Node.isPropertyDeclaration(member));
  if (anchor !== undefined) context.edits.push({ start: anchor.getEnd(), end: anchor.getEnd(), text: `\n\n${start}` });
  else context.edits.push({ start: afterOpen, end: afterOpen, text: `${start}\n\n` });
}

/**
 * Plans a dispatcher chain (the class that extends dispatcher first, then its subclasses). Either
 * every class translates, or the classes that cannot say why.
 */
export function planChannelServerChain(
  chain: LegacyClass[],
  options: { analysis: ProjectAnalysis; buildsChannel: (construction: NewExpression) => boolean; indentUnit: (node: ClassDeclaration) => string },
): ServerChainResult {
  const classes = chain.map((legacy) => legacy.node).filter((node): node is ClassDeclaration => Node.isClassDeclaration(node));
  if (classes.length !== chain.length) return { ok: false, refusals: [] };
  const declared = new Map(classes.map((node) => [node, declaredNames(node)] as const));
  const chainMembers = new Set(classes.flatMap((node) => [...declared.get(node)!]));
  const plans: ChannelServerPlan[] = [];
  const refusals: ServerRefusal[] = [];
  chain.forEach((legacy, index) => {
    const node = classes[index]!;
    const typescript = TYPESCRIPT_FILE.test(legacy.file);
    const context: ServerContext = { node, typescript, edits: [], streamsNames: new Set(), reasons: [], buildsChannel: options.buildsChannel, chainMembers, chainClasses: classes, removed: [] };
    dropConstantPolling(context);
    for (const name of declared.get(node)!) {
      if (context.removed.some((member) => Node.isMethodDeclaration(member) && member.getName() === name)) continue;
      if (SOCKET_LEVEL_MEMBERS.has(name) || ['handle_connect', 'handle_close', 'readable', 'writable'].includes(name)) {
        context.reasons.push({ rule: MARKER_RULES.manualOverride, reason: `overrides ${name}(), which a listening streams server does not call` });
      }
    }
    const root = index === 0;
    const bindType = root ? stopListeningInConstructor(context) : null;
    runAcceptedChannels(context);
    retypeFactorySockets(context);
    translateInheritedMembers(context);
    const above = new Set(classes.slice(0, index).flatMap((ancestor) => [...declared.get(ancestor)!]));
    const inRemoved = (edit: TextEdit): boolean => context.removed.some((member) => edit.start >= member.getStart() && edit.end <= member.getEnd());
    context.edits.push(...staleOverrideEdits(node, above).filter((edit) => !inRemoved(edit)));
    if (context.reasons.length > 0) {
      const rule = context.reasons.find((entry) => entry.rule === MARKER_RULES.manualOverride)?.rule ?? context.reasons[0]!.rule;
      refusals.push({ node, rule, reasons: [...new Set(context.reasons.map((entry) => entry.reason))] });
      return;
    }
    if (root) addStart(context, bindType!, options.indentUnit(node));
    plans.push({ kind: 'channel-server', rules: [TRANSLATION_RULES.channelServer], legacy, node, root, edits: context.edits, streamsNames: context.streamsNames });
  });
  return refusals.length > 0 ? { ok: false, refusals } : { ok: true, plans };
}
