/**
 * What `plan` decides for a file: pure data, every decision naming its rule id. `emit` turns the
 * decisions into text edits; nothing here edits.
 */
import type {
  CallExpression,
  ClassDeclaration,
  ConstructorDeclaration,
  ExpressionStatement,
  Node,
  ParameterDeclaration,
  ReturnStatement,
} from 'ts-morph';
import type { LegacyClass, ProjectAnalysis } from '../analyse/types';
import type { ChannelClassPlan } from '../translations/channel-class';
import type { ChannelServerPlan } from '../translations/channel-server';
import type { MarkerRule, TranslationRule } from './rules';

/** One local rewrite inside a method body that moves into the migrated code. */
export type BodyAction =
  /** `this.push(x)` -> `writer.write(x)` (or `this.writer.write(x)` in a helper method). */
  | { kind: 'write'; call: CallExpression; data: Node; target: WriterReference }
  /** `close_when_done()` / `close()` / `handle_close()`: leave the read loop (closing first when `close`). */
  | { kind: 'leave'; statement: ExpressionStatement; close: boolean; exit: 'break' | 'return' }
  /** A statement that has no equivalent any more (a buffer reset, `this.close()` in handle_close). */
  | { kind: 'drop'; statement: Node }
  /** `this.set_terminator(v)` -> `terminator = v`. */
  | { kind: 'set-terminator'; call: CallExpression; value: string }
  /** `this.get_terminator()` -> `terminator`. */
  | { kind: 'get-terminator'; call: CallExpression }
  /** A `return` of found_terminator ends one message: `continue` in the loop. */
  | { kind: 'continue'; statement: ReturnStatement; drain: boolean }
  /** A read of the collect buffer (`Buffer.concat(this.buffer)`) -> the frame variable. */
  | { kind: 'message'; node: Node; name: string }
  /** `this.close_when_done()` in a helper method -> `this.writer.close()` (the loop stops at its next turn). */
  | { kind: 'helper-close'; call: CallExpression }
  /** An `override` keyword that no longer overrides anything. */
  | { kind: 'remove'; node: Node };

/** `writer`, `this.writer`, or another instance's (`member.writer`). */
export type WriterReference = string;

/** A method body (or the constructor's) that moves into the migrated code, with its rewrites. */
export interface MovedBody {
  /** The statements moved, in order (their full text, comments included, is kept). */
  statements: Node[];
  actions: BodyAction[];
}

export interface HandlerPlan {
  kind: 'handler';
  rules: TranslationRule[];
  legacy: LegacyClass;
  node: ClassDeclaration;
  /** 'function': no other state, an exported async function; 'class': the class kept with `run()`. */
  form: 'function' | 'class';
  /** 'frames': one constant terminator; 'read-frame': the terminator changes while reading. */
  loop: 'frames' | 'read-frame';
  functionName: string;
  /** The initial terminator as emitted source text (`'\r\n'`, `4`, `null`). */
  terminator: string;
  /** The declared type of the `terminator` variable in read-frame loops (TypeScript files). */
  terminatorType: string;
  /** A reached count leaves asynchat's terminator at 0 (E6): needed when the terminator can be a number. */
  countReset: boolean;
  /** A null / 0 terminator collects to EOF without a message (E7, E8). */
  eofGuard: boolean;
  /** The loop variable. */
  messageName: string;
  /** The statements of found_terminator that form the loop body. */
  loopBody: MovedBody;
  /** The loop body writes (directly or through a helper): it ends with one `await writer.drain()`. */
  drains: boolean;
  /** Constructor statements that run first in the migrated code (pushes of a greeting). */
  prologue: MovedBody | null;
  /** handle_close's statements: they run after the loop. */
  afterLoop: MovedBody | null;
  /** handle_error: a `catch` around the loop. */
  catchClause: { parameter: string; body: MovedBody } | null;
  /** The constructor, in class form: the socket parameter and the legacy statements go. */
  constructorPlan: ConstructorPlan | null;
  /** Members of this class that disappear (the collect buffer, collect_incoming_data, found_terminator, hooks). */
  removedMembers: Node[];
  /** Members kept in class form, with their rewrites. */
  keptMembers: { node: Node; actions: BodyAction[] }[];
  /** Helper methods write: the writer is stored in a field set when `run` starts. */
  writerField: boolean;
  /** Other instances write on this one's writer (a room): the field is public. */
  writerPublic: boolean;
  /** A helper method closes the writer: the loop checks `writer.isClosing()` at each turn. */
  closesInHelpers: boolean;
  /** Fields the legacy class assigned without declaring (they were inherited attributes). */
  addedFields: { name: string; type: string | null }[];
  /** Positions of the legacy constructor's parameters that go (the socket, `addr` nobody reads): callers drop those arguments. */
  droppedParameterIndexes: number[];
  /** A client channel (create_socket + connect): run() opens the connection itself. */
  client: {
    /** The constructor parameters that only fed connect(), as written: run()'s parameters. */
    parameters: string[];
    host: string;
    port: string;
    /** handle_connect's statements: they run once the connection is open. */
    connectBody: MovedBody | null;
    connectHook: Node | null;
  } | null;
  /** found_terminator when it is a member of this class (run() takes its place), null when inherited. */
  runAnchor: Node | null;
}

export interface ConstructorPlan {
  node: ConstructorDeclaration;
  removedParameters: ParameterDeclaration[];
  removedStatements: Node[];
  /** Nothing is left: the constructor disappears. */
  empty: boolean;
}

export interface ServerPlan {
  kind: 'server';
  rules: TranslationRule[];
  legacy: LegacyClass;
  node: ClassDeclaration;
  functionName: string;
  /** Parameters of the legacy constructor, kept by the function (their source text). */
  parameters: string[];
  host: string;
  port: string;
  /** Fields the server set in its constructor (`this.room = new Set()`): locals of the start function. */
  locals: { name: string; initializer: string }[];
  /** The handler built per connection, and the expression text of its extra constructor arguments. */
  handler: HandlerPlan;
  handlerArguments: string[];
}

export interface MarkerPlan {
  kind: 'marker';
  rule: MarkerRule;
  reason: string;
  /** The statement or class the marker comment goes above. */
  anchor: Node;
}

/** `new EchoServer(host, port)` of a translated server -> `await startEchoServer(host, port)`. */
export interface ServerCallSitePlan {
  kind: 'server-call';
  rules: TranslationRule[];
  expression: Node;
  server: ServerPlan;
  /** In an async function (or an ES module's top level) the start is awaited; elsewhere it is `void`ed. */
  awaited: boolean;
  /** `new EchoServer(...);` followed by `loop()`: the started server is kept in this variable. */
  declareAs: string | null;
  /** The function called at this site (the import's local name when it is aliased). */
  callee?: string;
}

/** A `loop()` statement after translated servers: the event loop of Node serves, nothing to run. */
export interface LoopCallPlan {
  kind: 'loop-call';
  rules: TranslationRule[];
  statement: Node;
  replacement: string;
}

/** An exported name that follows its translated class (`export { EchoHandler }` -> `export { handleEcho }`). */
export interface RenamePlan {
  kind: 'rename';
  rules: TranslationRule[];
  node: Node;
  text: string;
}

/** A base class whose every subclass migrated (they took over its framing): it goes. */
export interface RemoveClassPlan {
  kind: 'remove-class';
  rules: TranslationRule[];
  node: Node;
}

export type Decision = RemoveClassPlan | HandlerPlan | ServerPlan | MarkerPlan | ServerCallSitePlan | LoopCallPlan | RenamePlan | ChannelClassPlan | ChannelServerPlan;

export interface FilePlan {
  file: string;
  decisions: Decision[];
  /** The file uses TypeScript syntax (types are emitted). */
  typescript: boolean;
  /** The file is CommonJS (`require`) rather than ES imports. */
  commonJs: boolean;
  /** Shim names stay in use after the rewrite (a class or a loop() left for a person, marked here or elsewhere). */
  staysLegacy?: boolean;
}

/** What the textbook planner reads besides the class: the project, the file's language, the subclasses. */
export interface PlanContext {
  analysis: ProjectAnalysis;
  /** The file is TypeScript: types are emitted. */
  typescript: boolean;
  /** Legacy classes (anywhere in the project) that extend this one. */
  subclassesOf(legacy: LegacyClass): LegacyClass[];
}
