/**
 * Emits a planned dispatcher server as `startXxx(...): Promise<Server>` over `startServer`, and its
 * call sites (`new XxxServer(...)` -> `await startXxx(...)`, `loop()` -> waiting for the server).
 */
import type { LoopCallPlan, ServerCallSitePlan, ServerPlan } from '../plan/types';
import type { EmitOptions, EmittedCode, StreamsName } from './handler';
import { indentationAt, type TextEdit, wholeLineRange } from '../shared/text-edit';

/** `{ host, port }` when the expressions are those names, else `{ host: expr, port: expr }`. */
function listenOptions(host: string, port: string, limit: string): string {
  const hostPart = host === 'host' ? 'host' : `host: ${host}`;
  const portPart = port === 'port' ? 'port' : `port: ${port}`;
  return `{ ${hostPart}, ${portPart}, limit: ${limit} }`;
}

export function emitServer(text: string, plan: ServerPlan, options: EmitOptions): EmittedCode {
  const node = plan.node;
  const indentation = indentationAt(text, node.getStart());
  const inner = indentation + options.indentUnit;
  const exported = node.hasExportKeyword() ? (node.hasDefaultKeyword() ? 'export default ' : 'export ') : '';
  const handler = plan.handler;
  const peer = options.typescript ? `writer.getExtraInfo('peername')!` : `writer.getExtraInfo('peername')`;
  const args = plan.handlerArguments.map((arg) => arg.replace(`writer.getExtraInfo('peername')`, peer));
  let connection: string;
  if (handler.form === 'function') {
    connection = handler.functionName;
  } else {
    connection = `(reader, writer) => new ${handler.node.getName()!}(${args.join(', ')}).run(reader, writer)`;
  }
  const parameters = options.typescript ? plan.parameters : plan.parameters.map((parameter) => parameter.replace(/\s*:[^=]*$/, ''));
  const returnType = options.typescript ? ': Promise<Server>' : '';
  const code = [
    `${exported}function ${plan.functionName}(${parameters.join(', ')})${returnType} {`,
    ...plan.locals.map((local) => `${inner}const ${local.name} = ${local.initializer};`),
    `${inner}return startServer(${connection}, ${listenOptions(plan.host, plan.port, options.frameLimit)});`,
    `${indentation}}`,
  ].join('\n');
  const streamsNames = new Set<StreamsName>(['startServer']);
  if (options.typescript) streamsNames.add('Server');
  return { edits: [{ start: node.getStart(), end: node.getEnd(), text: code }], streamsNames };
}

export function emitServerCall(plan: ServerCallSitePlan): TextEdit[] {
  const expression = plan.expression;
  if (!('getArguments' in expression)) return [];
  const args = (expression as unknown as { getArguments(): { getText(): string }[] }).getArguments().map((arg) => arg.getText());
  const call = `${plan.callee ?? plan.server.functionName}(${args.join(', ')})`;
  const started = plan.awaited ? `await ${call}` : `void ${call}`;
  const inStatement = expression.getParent()?.getKindName() === 'ExpressionStatement';
  const text = !inStatement && plan.awaited ? `await ${call}` : plan.declareAs !== null ? `const ${plan.declareAs} = ${started}` : started;
  return [{ start: expression.getStart(), end: expression.getEnd(), text }];
}

export function emitLoopCall(text: string, plan: LoopCallPlan): TextEdit[] {
  if (plan.replacement === '') return [{ ...wholeLineRange(text, plan.statement.getStart(), plan.statement.getEnd()), text: '' }];
  return [{ start: plan.statement.getStart(), end: plan.statement.getEnd(), text: plan.replacement }];
}
