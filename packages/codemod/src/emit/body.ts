/**
 * Moving a method body into migrated code: its text with the planned rewrites applied (push ->
 * write, close -> leaving the loop, return -> continue, the buffer join -> the frame variable),
 * re-indented for its new place. Comments inside the body travel with it.
 */
import { Node } from 'ts-morph';
import type { BodyAction, MovedBody } from '../plan/types';
import { applyEdits, indentationAt, reindent, type TextEdit, wholeLineRange } from '../shared/text-edit';

/** Text edits for a list of body actions; `indentUnit` is used for lines the rewrite adds. */
export function actionEdits(_text: string, actions: readonly BodyAction[]): TextEdit[] {
  const edits: TextEdit[] = [];
  for (const action of actions) {
    // A chain's found_terminator lives in the base class's file: positions are that file's.
    const text = actionNode(action).getSourceFile().getFullText();
    switch (action.kind) {
      case 'write': {
        const callee = action.call.getExpression();
        const isPush = Node.isPropertyAccessExpression(callee) && callee.getName() === 'push';
        if (isPush) {
          edits.push({ start: callee.getStart(), end: callee.getEnd(), text: `${action.target}.write` });
        } else {
          edits.push({ start: action.call.getStart(), end: action.data.getStart(), text: `${action.target}.write(` });
          edits.push({ start: action.data.getEnd(), end: action.call.getEnd(), text: ')' });
        }
        break;
      }
      case 'leave': {
        const indentation = indentationAt(text, action.statement.getStart());
        const exit = `${action.exit};`;
        edits.push({
          start: action.statement.getStart(),
          end: action.statement.getEnd(),
          text: action.close ? `writer.close();\n${indentation}${exit}` : exit,
        });
        break;
      }
      case 'drop': {
        const range = wholeLineRange(text, action.statement.getStart(), action.statement.getEnd());
        edits.push({ ...range, text: '' });
        break;
      }
      case 'set-terminator':
        edits.push({ start: action.call.getStart(), end: action.call.getEnd(), text: `terminator = ${action.value}` });
        break;
      case 'get-terminator':
        edits.push({ start: action.call.getStart(), end: action.call.getEnd(), text: 'terminator' });
        break;
      case 'continue': {
        const statement = action.statement;
        if (!action.drain) {
          edits.push({ start: statement.getStart(), end: statement.getEnd(), text: 'continue;' });
        } else if (Node.isBlock(statement.getParent())) {
          const indentation = indentationAt(text, statement.getStart());
          edits.push({ start: statement.getStart(), end: statement.getEnd(), text: `await writer.drain();\n${indentation}continue;` });
        } else {
          edits.push({ start: statement.getStart(), end: statement.getEnd(), text: '{ await writer.drain(); continue; }' });
        }
        break;
      }
      case 'message':
        edits.push({ start: action.node.getStart(), end: action.node.getEnd(), text: action.name });
        break;
      case 'helper-close':
        edits.push({ start: action.call.getStart(), end: action.call.getEnd(), text: 'this.writer.close()' });
        break;
      case 'remove': {
        let end = action.node.getEnd();
        while (text[end] === ' ') end += 1;
        edits.push({ start: action.node.getStart(), end, text: '' });
        break;
      }
    }
  }
  return edits;
}

function actionNode(action: BodyAction): Node {
  switch (action.kind) {
    case 'write':
    case 'helper-close':
    case 'set-terminator':
    case 'get-terminator':
      return action.call;
    case 'leave':
    case 'drop':
    case 'continue':
      return action.statement;
    case 'message':
    case 'remove':
      return action.node;
  }
}

/**
 * The statements of a moved body as lines at `indentation` (no trailing newline), or '' when
 * nothing is left of them.
 */
export function movedBodyText(_text: string, body: MovedBody, indentation: string): string {
  const first = body.statements[0];
  const last = body.statements[body.statements.length - 1];
  if (first === undefined || last === undefined) return '';
  const text = first.getSourceFile().getFullText();
  const comments = first.getLeadingCommentRanges();
  const start = comments.length > 0 ? Math.min(comments[0]!.getPos(), first.getStart()) : first.getStart();
  const from = indentationAt(text, first.getStart());
  const blockStart = text.lastIndexOf('\n', start - 1) + 1;
  const edits = actionEdits(text, body.actions);
  const end = Math.max(last.getEnd(), ...edits.map((edit) => edit.end));
  const edited = applyEdits(text, edits, blockStart, end);
  const moved = reindent(edited, from, indentation);
  return moved
    .split('\n')
    .filter((line, index, lines) => !(line.trim() === '' && (index === 0 || index === lines.length - 1)))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n');
}
