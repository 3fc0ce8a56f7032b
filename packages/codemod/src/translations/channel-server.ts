/**
 * The class-preserving translation of a `dispatcher` server chain that builds class-preserved
 * channels (translation `channel-server`): the server keeps its fields and methods (a
 * `channel_class`, `process_message`, subclasses such as `DebuggingServer extends SMTPServer`); the
 * class that extended `dispatcher` drops the `extends`, remembers the address `bind()` was given,
 * and gains `start()`, which listens there with `startServer` and hands every connection to
 * `handle_accepted(conn, addr, reader)`: `conn` is now the connection's `StreamWriter`, so the
 * channel is built with exactly the arguments it was built with before, then run on the reader.
 */
import { type ClassDeclaration, Node, type NewExpression, SyntaxKind } from 'ts-morph';
import type { LegacyClass, ProjectAnalysis } from '../analyse/types';
import type { StreamsName } from '../emit/handler';
import { indentationAt, type TextEdit } from '../emit/text-edit';
import { MARKER_RULES, type MarkerRule, TRANSLATION_RULES, type TranslationRule } from '../plan/rules';
import { inheritedCall, SOCKET_LEVEL_MEMBERS } from './channel-members';
import { declaredNames, inNestedFunction, removeLine, staleOverrideEdits, thisAccess } from './channel-class';

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
  /** Members the server chain defines (inherited ones from dispatcher are translated). */
  chainMembers: Set<string>;
}

/** Step: the constructor stops creating, binding and listening; bind()'s address is kept for start(). */
function stopListeningInConstructor(context: ServerContext): string | null {
  const { node } = context;
  const text = node.getSourceFile().getFullText();
  const constructorNode = node.getConstructors().find((candidate) => candidate.getBody() !== undefined);
  if (constructorNode === undefined) {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: 'no constructor that binds and listens' });
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

/** Step: `handle_accepted(conn, addr)` builds the channel on the writer and returns its run(reader). */
function runAcceptedChannels(context: ServerContext): void {
  const { node, typescript } = context;
  const text = node.getSourceFile().getFullText();
  const accept = node.getMethod('handle_accept');
  if (accept !== undefined && accept.getBody() !== undefined) {
    context.reasons.push({
      rule: MARKER_RULES.manualOverride,
      reason: 'overrides handle_accept() and calls accept() itself: move the channel construction into handle_accepted(conn, addr), then rerun',
    });
    return;
  }
  const accepted = node.getMethod('handle_accepted');
  if (accepted === undefined || accepted.getBody() === undefined) return;
  const body = accepted.getBodyOrThrow();
  if (!Node.isBlock(body)) return;
  const statements = body.getStatements();
  const [connection, address] = accepted.getParameters();
  if (connection === undefined || address === undefined) {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: 'handle_accepted() does not take (conn, addr)' });
    return;
  }
  const constructions = body.getDescendantsOfKind(SyntaxKind.NewExpression).filter(context.buildsChannel);
  if (constructions.length !== 1) {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: `handle_accepted() builds ${constructions.length} channels where the rewrite follows exactly one` });
    return;
  }
  if (body.getDescendantsOfKind(SyntaxKind.ReturnStatement).length > 0) {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: 'handle_accepted() returns early' });
    return;
  }
  const construction = constructions[0]!;
  const holder = construction.getParent();
  const statement = construction.getFirstAncestor((ancestor) => statements.includes(ancestor as never));
  if (statement === undefined) {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: 'the channel is built inside a nested block of handle_accepted()' });
    return;
  }
  let running: string;
  // Insertions around the construction, so that edits inside its arguments stay disjoint.
  const wrap = (before: string): void => {
    context.edits.push({ start: construction.getStart(), end: construction.getStart(), text: before });
  };
  if (Node.isExpressionStatement(holder) && statement === statements[statements.length - 1]) {
    wrap('return ');
    context.edits.push({ start: construction.getEnd(), end: construction.getEnd(), text: '.run(reader)' });
    running = '';
  } else if (Node.isVariableDeclaration(holder) && Node.isIdentifier(holder.getNameNode())) {
    running = `${holder.getName()}.run(reader)`;
  } else if (Node.isBinaryExpression(holder) && holder.getRight() === construction && Node.isExpressionStatement(holder.getParent())) {
    running = `${holder.getLeft().getText()}.run(reader)`;
  } else if (Node.isExpressionStatement(holder)) {
    wrap('const channel = ');
    running = 'channel.run(reader)';
  } else {
    context.reasons.push({ rule: MARKER_RULES.unrecognisedServer, reason: `the channel built in handle_accepted() is used as ${holder?.getKindName() ?? 'a value'}` });
    return;
  }
  if (running !== '') {
    const last = statements[statements.length - 1]!;
    context.edits.push({ start: last.getEnd(), end: last.getEnd(), text: `\n${indentationAt(text, last.getStart())}return ${running};` });
  }
  if (typescript) {
    context.edits.push({ start: connection.getStart(), end: connection.getEnd(), text: `${connection.getName()}: StreamWriter` });
    context.streamsNames.add('StreamWriter');
    context.streamsNames.add('StreamReader');
  }
  const readerParameter = typescript ? 'reader: StreamReader' : 'reader';
  context.edits.push({ start: address.getEnd(), end: address.getEnd(), text: `, ${readerParameter}` });
  const returnType = accepted.getReturnTypeNode();
  if (typescript && returnType !== undefined) context.edits.push({ start: returnType.getStart(), end: returnType.getEnd(), text: 'Promise<void>' });
}

/** Step: what the server inherited from dispatcher and still calls. */
function translateInheritedMembers(context: ServerContext): void {
  const { node } = context;
  const listener = `this.${LISTENER}`;
  for (const access of node.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    const member = thisAccess(access);
    if (member === null || context.chainMembers.has(member.name) || member.name === LISTENER || member.name === BIND_ADDRESS) continue;
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
  const heritage = node.getHeritageClauseByKind(SyntaxKind.ExtendsKeyword);
  if (heritage !== undefined) {
    let start = heritage.getStart();
    while (start > 0 && /\s/.test(text[start - 1]!)) start -= 1;
    context.edits.push({ start, end: heritage.getEnd(), text: '' });
  }
  const members = node.getMembers();
  const indentation = members[0] !== undefined ? indentationAt(text, members[0].getStart()) : indentationAt(text, node.getStart()) + unit;
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
    const context: ServerContext = { node, typescript, edits: [], streamsNames: new Set(), reasons: [], buildsChannel: options.buildsChannel, chainMembers };
    for (const name of declared.get(node)!) {
      if (SOCKET_LEVEL_MEMBERS.has(name) || ['handle_connect', 'handle_close', 'readable', 'writable'].includes(name)) {
        context.reasons.push({ rule: MARKER_RULES.manualOverride, reason: `overrides ${name}(), which a listening streams server does not call` });
      }
    }
    const root = index === 0;
    const bindType = root ? stopListeningInConstructor(context) : null;
    runAcceptedChannels(context);
    translateInheritedMembers(context);
    const above = new Set(classes.slice(0, index).flatMap((ancestor) => [...declared.get(ancestor)!]));
    context.edits.push(...staleOverrideEdits(node, above));
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
