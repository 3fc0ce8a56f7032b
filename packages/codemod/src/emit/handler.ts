/**
 * Emits a planned async_chat handler: the read loop (`frames` or `readFrame`), the writes with one
 * drain per turn, the lifecycle hooks around the loop, as an exported async function or as the kept
 * class with `run(reader, writer)`.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { HandlerPlan } from '../plan/types';
import { actionEdits, movedBodyText } from './body';
import type { StreamsName } from '../shared/streams-names';
import { applyEdits, indentationAt, lineStart, mergeDeletions, type TextEdit, wholeLineRange } from '../shared/text-edit';

export interface EmitOptions {
  /** Emit type annotations (TypeScript files). */
  typescript: boolean;
  /** One level of indentation in this file. */
  indentUnit: string;
  /** The readers' `limit` as source text ('Infinity': asynchat's unbounded frames). */
  frameLimit: string;
}

export type { StreamsName } from '../shared/streams-names';

export interface EmittedCode {
  edits: TextEdit[];
  streamsNames: Set<StreamsName>;
}

function join(lines: (string | null)[]): string {
  return lines.filter((line): line is string => line !== null && line !== '').join('\n');
}

/** The statements of the migrated code (`run`'s or the function's body), each line at `indentation`. */
function runStatements(text: string, plan: HandlerPlan, indentation: string, options: EmitOptions): string {
  const unit = options.indentUnit;
  const inner = indentation + unit;
  const lines: (string | null)[] = [];
  if (plan.client !== null) {
    const hostPart = plan.client.host === 'host' ? 'host' : `host: ${plan.client.host}`;
    const portPart = plan.client.port === 'port' ? 'port' : `port: ${plan.client.port}`;
    lines.push(`${indentation}const { reader, writer } = await openConnection({ ${hostPart}, ${portPart}, limit: ${options.frameLimit} });`);
  }
  if (plan.writerField) lines.push(`${indentation}this.writer = writer;`);
  if (plan.prologue !== null) lines.push(movedBodyText(text, plan.prologue, indentation));
  if (plan.client?.connectBody) lines.push(movedBodyText(text, plan.client.connectBody, indentation));
  const prologueWrites = [...(plan.prologue?.actions ?? []), ...(plan.client?.connectBody?.actions ?? [])].some((action) => action.kind === 'write');
  if (prologueWrites) lines.push(`${indentation}await writer.drain();`);
  const loopIndentation = plan.catchClause !== null || plan.afterLoop !== null ? inner : indentation;
  const loop = loopText(text, plan, loopIndentation, options);
  if (plan.catchClause !== null) {
    lines.push(`${indentation}try {`, loop, `${indentation}} catch (${plan.catchClause.parameter}) {`);
    lines.push(movedBodyText(text, plan.catchClause.body, inner));
    lines.push(`${indentation}}`);
  } else if (plan.afterLoop !== null) {
    // asynchat's default handle_error reports the error and then runs handle_close: so does this.
    lines.push(`${indentation}try {`, loop, `${indentation}} catch (error) {`);
    lines.push(`${inner}console.error(error);`);
    lines.push(`${indentation}}`);
  } else {
    lines.push(loop);
  }
  if (plan.afterLoop !== null) lines.push(movedBodyText(text, plan.afterLoop, indentation));
  lines.push(`${indentation}writer.close();`);
  return join(lines);
}

function loopText(text: string, plan: HandlerPlan, indentation: string, options: EmitOptions): string {
  const inner = indentation + options.indentUnit;
  const body = movedBodyText(text, plan.loopBody, inner);
  // A helper closed the writer: no drain on a closing writer, and the loop stops at the next turn.
  const drain = !plan.drains ? null : plan.closesInHelpers ? `${inner}if (!writer.isClosing()) await writer.drain();` : `${inner}await writer.drain();`;
  if (plan.loop === 'frames') {
    return join([
      `${indentation}for await (const ${plan.messageName} of reader.frames(${plan.terminator}, { partial: 'drop' })) {`,
      plan.closesInHelpers ? `${inner}if (writer.isClosing()) break;` : null,
      body,
      drain,
      `${indentation}}`,
    ]);
  }
  const type = options.typescript ? `: ${plan.terminatorType}` : '';
  const deeper = inner + options.indentUnit;
  return join([
    `${indentation}let terminator${type} = ${plan.terminator};`,
    plan.closesInHelpers ? `${indentation}while (!writer.isClosing()) {` : `${indentation}while (true) {`,
    plan.eofGuard ? `${inner}if (!terminator) {` : null,
    plan.eofGuard ? `${deeper}// asynchat: no terminator (null, 0) collects to EOF without calling found_terminator` : null,
    plan.eofGuard ? `${deeper}await reader.read();` : null,
    plan.eofGuard ? `${deeper}break;` : null,
    plan.eofGuard ? `${inner}}` : null,
    `${inner}const ${plan.messageName} = await reader.readFrame(terminator, { partial: 'drop' });`,
    `${inner}if (${plan.messageName} === null) break;`,
    plan.countReset ? `${inner}// asynchat: a reached count leaves the terminator at 0 until found_terminator sets another` : null,
    plan.countReset ? `${inner}if (typeof terminator === 'number') terminator = 0;` : null,
    body,
    drain,
    `${indentation}}`,
  ]);
}

function signature(options: EmitOptions, plan: HandlerPlan): string {
  if (plan.client !== null) {
    const parameters = options.typescript ? plan.client.parameters : plan.client.parameters.map((parameter) => parameter.replace(/\s*:[^=]*$/, ''));
    return `(${parameters.join(', ')})${options.typescript ? ': Promise<void>' : ''}`;
  }
  return options.typescript ? '(reader: StreamReader, writer: StreamWriter): Promise<void>' : '(reader, writer)';
}

/** Deletes a class member with its leading comments, and one blank line so no gap doubles. */
function memberRemoval(text: string, member: Node): TextEdit {
  const comments = member.getLeadingCommentRanges();
  const start = comments.length > 0 ? comments[0]!.getPos() : member.getStart();
  const range = wholeLineRange(text, start, member.getEnd());
  let end = range.end;
  const previousLine = text.slice(lineStart(text, range.start - 1), range.start);
  const nextLineEnd = text.indexOf('\n', end);
  const nextLine = nextLineEnd === -1 ? '' : text.slice(end, nextLineEnd);
  const previousIsBlankOrOpen = previousLine.trim() === '' || previousLine.trim().endsWith('{');
  if (previousIsBlankOrOpen && nextLine.trim() === '' && nextLineEnd !== -1) end = nextLineEnd + 1;
  // The last member: the blank line above it goes, so the class does not end on a blank line.
  if (previousLine.trim() === '' && nextLine.trim().startsWith('}') && range.start > 0) {
    return { start: lineStart(text, range.start - 1), end, text: '' };
  }
  return { start: range.start, end, text: '' };
}

/** Deletes a base class whose subclasses all migrated (with its doc comment). */
export function emitRemoval(text: string, node: Node): TextEdit[] {
  return [memberRemoval(text, node)];
}

/** Emits the edits for one planned handler. */
export function emitHandler(text: string, plan: HandlerPlan, options: EmitOptions): EmittedCode {
  const node = plan.node;
  const streamsNames = new Set<StreamsName>();
  if (plan.client !== null) {
    streamsNames.add('openConnection');
    if (options.typescript && plan.writerField) streamsNames.add('StreamWriter');
  } else if (options.typescript) {
    streamsNames.add('StreamReader');
    streamsNames.add('StreamWriter');
  }
  const classIndentation = indentationAt(text, node.getStart());
  const exported = node.hasExportKeyword() ? (node.hasDefaultKeyword() ? 'export default ' : 'export ') : '';

  if (plan.form === 'function') {
    const body = runStatements(text, plan, classIndentation + options.indentUnit, options);
    const code = `${exported}async function ${plan.functionName}${signature(options, plan)} {\n${body}\n${classIndentation}}`;
    return { edits: [{ start: node.getStart(), end: node.getEnd(), text: code }], streamsNames };
  }

  // Class form: edit the class in place.
  const edits: TextEdit[] = [];
  const heritage = node.getHeritageClauseByKind(SyntaxKind.ExtendsKeyword);
  if (heritage !== undefined) {
    let start = heritage.getStart();
    while (start > 0 && /\s/.test(text[start - 1]!)) start -= 1;
    edits.push({ start, end: heritage.getEnd(), text: '' });
  }
  const anchor = plan.runAnchor;
  const firstMember = node.getMembers()[0];
  const closeBrace = node.getLastChildByKindOrThrow(SyntaxKind.CloseBraceToken);
  const memberIndentation =
    anchor !== null ? indentationAt(text, anchor.getStart()) : firstMember !== undefined ? indentationAt(text, firstMember.getStart()) : indentationAt(text, node.getStart()) + options.indentUnit;
  const runLines = [
    plan.writerField && options.typescript ? `${plan.writerPublic ? '' : 'private '}writer!: StreamWriter;\n\n${memberIndentation}` : '',
    `async run${signature(options, plan)} {\n`,
    runStatements(text, plan, memberIndentation + options.indentUnit, options),
    `\n${memberIndentation}}`,
  ];
  if (anchor !== null) {
    edits.push({ start: anchor.getStart(), end: anchor.getEnd(), text: runLines.join('') });
  } else {
    // found_terminator is inherited: run() opens the class, before the helpers it calls.
    const remaining = node.getMembers().filter((member) => !plan.removedMembers.includes(member));
    if (remaining.length === 0) {
      const lineOfBrace = lineStart(text, closeBrace.getStart());
      edits.push({ start: lineOfBrace, end: lineOfBrace, text: `${memberIndentation}${runLines.join('')}\n` });
    } else {
      const first = remaining[0]!;
      const comments = first.getLeadingCommentRanges();
      const at = lineStart(text, comments.length > 0 ? comments[0]!.getPos() : first.getStart());
      edits.push({ start: at, end: at, text: `${memberIndentation}${runLines.join('')}\n\n` });
    }
  }
  for (const member of plan.removedMembers) if (member !== anchor) edits.push(memberRemoval(text, member));

  for (const member of plan.keptMembers) {
    if (member.node === plan.constructorPlan?.node) continue;
    edits.push(...actionEdits(text, member.actions));
  }
  const constructorPlan = plan.constructorPlan;
  if (constructorPlan !== null && !constructorPlan.empty) {
    const kept = plan.keptMembers.find((member) => member.node === constructorPlan.node);
    if (kept !== undefined) edits.push(...actionEdits(text, kept.actions));
    const parameters = constructorPlan.node.getParameters();
    for (const parameter of constructorPlan.removedParameters) {
      const index = parameters.indexOf(parameter);
      const next = parameters[index + 1];
      const previous = parameters[index - 1];
      if (next !== undefined) edits.push({ start: parameter.getStart(), end: next.getStart(), text: '' });
      else if (previous !== undefined) edits.push({ start: previous.getEnd(), end: parameter.getEnd(), text: '' });
      else edits.push({ start: parameter.getStart(), end: parameter.getEnd(), text: '' });
    }
    const body = constructorPlan.node.getBody();
    const remaining = body !== undefined && Node.isBlock(body) ? body.getStatements().filter((statement) => !constructorPlan.removedStatements.includes(statement)) : [];
    if (remaining.length === 0 && body !== undefined) {
      edits.push({ start: body.getStart(), end: body.getEnd(), text: '{}' });
    } else {
      for (const statement of constructorPlan.removedStatements) {
        edits.push({ ...wholeLineRange(text, statement.getStart(), statement.getEnd()), text: '' });
      }
    }
  }
  if (plan.addedFields.length > 0 && options.typescript) {
    const open = node.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken).getEnd();
    const newline = text.indexOf('\n', open);
    const fields = plan.addedFields.map((field) => `${memberIndentation}${field.name}: ${field.type ?? 'unknown'};\n`).join('');
    edits.push({ start: newline + 1, end: newline + 1, text: fields });
  }
  return { edits: mergeInClass(text, node, edits), streamsNames };
}

/** The class's edits, applied into one replacement of the class text (keeps the file edits disjoint). */
function mergeInClass(text: string, node: Node, edits: TextEdit[]): TextEdit[] {
  const start = node.getStart();
  const end = node.getEnd();
  const open = node.getFirstChildByKindOrThrow(SyntaxKind.OpenBraceToken).getEnd() - start;
  const edited = applyEdits(text, mergeDeletions(edits), start, end);
  // Removed first / last members must not leave the body starting or ending on a blank line.
  const head = edited.slice(0, open);
  const body = edited.slice(open).replace(/^\n[ \t]*\n/, '\n').replace(/\n[ \t]*\n([ \t]*\}\s*)$/, '\n$1');
  return [{ start, end, text: head + body }];
}
