/**
 * Plans the migration of a `dispatcher` server: a constructor that creates, binds and listens, and a
 * `handle_accepted(sock, addr)` that builds one translated handler, become
 * `startXxx(...params): Promise<Server>` over `startServer`.
 */
import { type ClassDeclaration, Node, type PropertyAccessExpression, SyntaxKind } from 'ts-morph';
import type { LegacyClass } from '../analyse/types';
import { thisCallName } from './handler';
import { MARKER_RULES, TRANSLATION_RULES } from './rules';
import type { HandlerPlan, MarkerPlan, ServerPlan } from './types';

class ServerRefusal extends Error {}

function refuse(reason: string): never {
  throw new ServerRefusal(reason);
}

/** EchoServer -> startEchoServer. */
export function serverFunctionName(className: string): string {
  return `start${className[0]!.toUpperCase()}${className.slice(1)}`;
}

/**
 * Plans one dispatcher subclass. `handlers` are the handler plans of the same file, by class name:
 * a server can only be translated when the handler it builds is translated too.
 */
export function planServer(legacy: LegacyClass, handlers: ReadonlyMap<string, HandlerPlan>): ServerPlan | MarkerPlan {
  const node = legacy.node;
  const anchor: Node = node;
  try {
    if (!Node.isClassDeclaration(node) || node.getName() === undefined) refuse('an anonymous server class');
    if (!legacy.direct || legacy.base !== 'dispatcher') refuse(`extends ${legacy.chain[1] ?? legacy.base}: port the server by hand`);
    return buildServerPlan(legacy, node, handlers);
  } catch (error) {
    if (error instanceof ServerRefusal) {
      return { kind: 'marker', rule: MARKER_RULES.unrecognisedServer, reason: error.message, anchor };
    }
    throw error;
  }
}

function buildServerPlan(legacy: LegacyClass, node: ClassDeclaration, handlers: ReadonlyMap<string, HandlerPlan>): ServerPlan {
  const members = node.getMembers();
  const constructorNode = node.getConstructors().find((candidate) => candidate.getBody() !== undefined);
  const accepted = node.getMethod('handle_accepted');
  if (constructorNode === undefined && accepted !== undefined) {
    refuse('no constructor: the server is set up from outside (create_socket / bind / listen on the instance); move those calls into a constructor, then rerun');
  }
  if (constructorNode === undefined || accepted === undefined) refuse('no constructor + handle_accepted(sock, addr) pair');
  for (const member of members) {
    if (member !== constructorNode && member !== accepted && !(Node.isConstructorDeclaration(member) && member.getBody() === undefined)) {
      refuse(`member ${member.getText().split('\n')[0]!.trim()} has no startServer equivalent`);
    }
  }

  let host = '';
  let port = '';
  const locals: ServerPlan['locals'] = [];
  const statements = constructorNode.getBodyOrThrow().asKindOrThrow(SyntaxKind.Block).getStatements();
  for (const statement of statements) {
    const expression = Node.isExpressionStatement(statement) ? statement.getExpression() : undefined;
    // `this.room = new Set()`: state shared by the connections, a local of the start function.
    if (expression !== undefined && Node.isBinaryExpression(expression) && expression.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
      const field = Node.isPropertyAccessExpression(expression.getLeft()) && expression.getLeft().getFirstChild()?.getKind() === SyntaxKind.ThisKeyword ? (expression.getLeft() as PropertyAccessExpression).getName() : null;
      const usesThis = expression.getRight().getDescendantsOfKind(SyntaxKind.ThisKeyword).length > 0 || expression.getRight().getKind() === SyntaxKind.ThisKeyword;
      if (field !== null && !usesThis && !locals.some((local) => local.name === field)) {
        locals.push({ name: field, initializer: expression.getRight().getText() });
        continue;
      }
    }
    if (expression === undefined || !Node.isCallExpression(expression)) refuse('the constructor does more than create, bind, listen and set fields');
    if (expression.getExpression().getKind() === SyntaxKind.SuperKeyword) {
      if (expression.getArguments().length > 0) refuse('passes a socket map to dispatcher');
      continue;
    }
    const name = thisCallName(expression);
    const args = expression.getArguments();
    switch (name) {
      case 'create_socket':
        if (args.some((arg) => /AF_UNIX|AF_INET6/.test(arg.getText()))) refuse('a non-IPv4 listening socket');
        break;
      case 'set_reuse_addr':
      case 'listen':
        break;
      case 'bind': {
        const address = args[0];
        if (args.length !== 1 || address === undefined || !Node.isArrayLiteralExpression(address) || address.getElements().length !== 2) {
          refuse('bind() with an address other than [host, port]');
        }
        [host, port] = address.getElements().map((element) => element.getText()) as [string, string];
        break;
      }
      default:
        refuse(`the constructor calls ${expression.getExpression().getText()}()`);
    }
  }
  if (host === '' || port === '') refuse('no bind([host, port]) in the constructor');

  // handle_accepted(sock, addr) { new Handler(sock, ...) }
  const [socketParameter, addressParameter] = accepted.getParameters();
  const body = accepted.getBodyOrThrow().asKindOrThrow(SyntaxKind.Block).getStatements();
  const only = body.length === 1 ? body[0] : undefined;
  let construction: Node | undefined;
  if (only !== undefined && Node.isExpressionStatement(only)) construction = only.getExpression();
  if (only !== undefined && Node.isVariableStatement(only) && only.getDeclarations().length === 1) {
    const declaration = only.getDeclarations()[0]!;
    const uses = accepted.getDescendantsOfKind(SyntaxKind.Identifier).filter((identifier) => identifier.getText() === declaration.getName());
    if (uses.length === 1) construction = declaration.getInitializer();
  }
  if (construction === undefined || !Node.isNewExpression(construction) || socketParameter === undefined) {
    refuse('handle_accepted() does more than build one handler');
  }
  const handlerName = construction.getExpression().getText();
  const handler = handlers.get(handlerName);
  if (handler === undefined) refuse(`builds ${handlerName}, which is not a handler translated in this file`);
  const args = construction.getArguments();
  const socketIndex = args.findIndex((arg) => arg.getText() === socketParameter.getName());
  if (socketIndex === -1 || !handler.droppedParameterIndexes.includes(socketIndex)) refuse('the accepted socket is not given to the handler');
  const handlerArguments: string[] = [];
  args.forEach((arg, index) => {
    if (handler.droppedParameterIndexes.includes(index)) {
      if (arg.getText() !== socketParameter.getName() && arg.getText() !== addressParameter?.getName() && !Node.isLiteralExpression(arg)) {
        refuse(`the handler is built with ${arg.getText()}, which the migrated handler no longer takes`);
      }
      return;
    }
    const text = arg.getText();
    if (addressParameter !== undefined && text === addressParameter.getName()) {
      handlerArguments.push(`writer.getExtraInfo('peername')`);
      return;
    }
    if (Node.isLiteralExpression(arg) || Node.isNullLiteral(arg) || Node.isTrueLiteral(arg) || Node.isFalseLiteral(arg)) {
      handlerArguments.push(text);
      return;
    }
    const field = Node.isPropertyAccessExpression(arg) && arg.getExpression().getKind() === SyntaxKind.ThisKeyword ? arg.getName() : null;
    if (field !== null && locals.some((local) => local.name === field)) {
      handlerArguments.push(field);
      return;
    }
    refuse(`the handler is built with ${text}, which the server function cannot see`);
  });
  if (args.filter((arg) => arg.getText() === socketParameter.getName()).length > 1) refuse('the accepted socket is passed twice');

  for (const local of locals) {
    const uses = node
      .getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)
      .filter((access) => access.getName() === local.name && access.getExpression().getKind() === SyntaxKind.ThisKeyword);
    const inArguments = uses.filter((access) => access.getParent() === construction);
    if (uses.length !== inArguments.length + 1) refuse(`this.${local.name} is used beyond the handler's construction`);
  }
  return {
    locals,
    kind: 'server',
    rules: [TRANSLATION_RULES.startServer],
    legacy,
    node,
    functionName: serverFunctionName(node.getName()!),
    parameters: constructorNode.getParameters().map((parameter) => parameter.getText()),
    host,
    port,
    handler,
    handlerArguments,
  };
}
