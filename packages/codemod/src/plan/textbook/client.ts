/** Client channels: `create_socket()` + `connect([host, port])` in the constructor. */
import { type ConstructorDeclaration, Node } from 'ts-morph';
import { thisCallName } from './class-syntax';

/** Readable function name for a client class: EchoClient -> runEchoClient. */
export function clientFunctionName(className: string): string {
  return `run${className[0]!.toUpperCase()}${className.slice(1)}`;
}

export interface ClientConstructor {
  create: Node;
  connect: Node;
  host: Node;
  port: Node;
}

/** `super(); this.create_socket(...); this.connect([host, port])` at the constructor's top level, or null. */
export function readClient(constructorNode: ConstructorDeclaration | undefined): ClientConstructor | null {
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
