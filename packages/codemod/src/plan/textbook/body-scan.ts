/** The rewrites inside one moved body (found_terminator, the constructor, hooks, helpers): writes, closes, terminators. */
import { type CallExpression, Node, SyntaxKind } from 'ts-morph';
import { MARKER_RULES } from '../rules';
import { readTerminator } from '../terminator';
import type { BodyAction, PlanContext } from '../types';
import { refuse } from './refusal';
import { thisCallName, insideNestedFunction, insideLoopOrFunction } from './class-syntax';
import { isPeer } from './peers';
import { CollectBuffer } from './collect-buffer';

export interface BodyScan {
  actions: BodyAction[];
  writes: boolean;
}

/** What every moved body's scan needs to know about the handler. */
export interface ScanState {
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
}

/**
 * Rewrites inside one moved body. `role` says where the statements end up: the loop body
 * (found_terminator), before the loop (constructor), after it (handle_close), its catch
 * (handle_error), or a helper method of the kept class.
 */
export function scanBody(
  body: Node,
  role: 'loop' | 'prologue' | 'after' | 'catch' | 'helper',
  context: PlanContext,
  state: ScanState,
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

export function producerWrite(call: CallExpression, context: PlanContext, target: 'writer' | 'this.writer'): BodyAction {
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
export function trailingReturn(statement: Node, what: string): Node | null {
  const block = statement.getParent();
  const siblings = block !== undefined && (Node.isBlock(block) || Node.isSourceFile(block)) ? block.getStatements() : [statement];
  const after = siblings.slice(siblings.indexOf(statement) + 1);
  if (after.length === 0) return null;
  const only = after[0]!;
  if (after.length === 1 && Node.isReturnStatement(only) && only.getExpression() === undefined) return only;
  return refuse(MARKER_RULES.unrecognisedHandler, `statements after ${what} would still run in asynchat`, statement);
}

export function closeAction(
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
