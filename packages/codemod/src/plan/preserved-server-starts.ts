/**
 * Where a class-preserved server is built (`new SMTPServer(...)`, `new class_(...)` of a configured
 * class): it listens with `await ....start()` now, its `loop()` becomes `serveForever()` on its
 * listener, and `server.socket.getsockname()` the listener's address. A plain function that builds
 * it and whose callers ignore its result (`main();`) becomes async: a rejection then ends the
 * process as the synchronous throw did.
 */
import { type FunctionDeclaration, Node, SyntaxKind } from 'ts-morph';
import type { FileAnalysis } from '../analyse/types';
import { constructedClasses } from '../translations/constructed-class';
import { awaitAllowed } from './textbook/class-syntax';
import { MARKER_RULES, TRANSLATION_RULES } from './rules';
import type { MarkerPlan, RenamePlan } from './types';

export interface PreservedServerStarts {
  renames: RenamePlan[];
  markers: MarkerPlan[];
  /** `loop` identifiers handled here (no legacy-loop marker for them). */
  handledLoops: Set<Node>;
}

const RULES = [TRANSLATION_RULES.channelServer];

/** The enclosing named function, when every call of it in the file is a statement of its own (`main();`). */
function functionToMakeAsync(node: Node): FunctionDeclaration | null {
  const owner = node.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor) || Node.isArrowFunction(ancestor) || Node.isFunctionExpression(ancestor));
  if (owner === undefined || !Node.isFunctionDeclaration(owner) || owner.isAsync() || owner.isGenerator()) return null;
  const name = owner.getName();
  if (name === undefined) return null;
  const references = owner
    .getSourceFile()
    .getDescendantsOfKind(SyntaxKind.Identifier)
    .filter((identifier) => identifier.getText() === name && identifier !== owner.getNameNode());
  const ignoredCalls = references.every((identifier) => {
    const call = identifier.getParent();
    return Node.isCallExpression(call) && call.getExpression() === identifier && Node.isExpressionStatement(call.getParent());
  });
  return ignoredCalls ? owner : null;
}

function asyncEdits(owner: FunctionDeclaration): RenamePlan[] {
  const renames: RenamePlan[] = [];
  const keyword = owner.getFirstChildByKind(SyntaxKind.FunctionKeyword);
  if (keyword !== undefined) renames.push({ kind: 'rename', rules: RULES, node: keyword, text: 'async function' });
  const returnType = owner.getReturnTypeNode();
  if (returnType !== undefined && returnType.getText() === 'void') renames.push({ kind: 'rename', rules: RULES, node: returnType, text: 'Promise<void>' });
  return renames;
}

export function planPreservedServerStarts(file: FileAnalysis, isServer: (declaration: Node) => boolean, insidePreserved: (node: Node) => boolean): PreservedServerStarts {
  const result: PreservedServerStarts = { renames: [], markers: [], handledLoops: new Set() };
  const madeAsync = new Set<Node>();
  const loopCalls = file.uses.filter((use) => use.name === 'loop').map((use) => use.node);
  for (const construction of file.sourceFile.getDescendantsOfKind(SyntaxKind.NewExpression)) {
    if (!constructedClasses(construction).some(isServer) || insidePreserved(construction)) continue;
    const parent = construction.getParent();
    const variable = Node.isVariableDeclaration(parent) ? parent : null;
    const statement = variable !== null ? variable.getFirstAncestorByKind(SyntaxKind.VariableStatement) : Node.isExpressionStatement(parent) ? parent : undefined;
    const owner = awaitAllowed(construction, file.path) ? null : functionToMakeAsync(construction);
    if (statement === undefined || (!awaitAllowed(construction, file.path) && owner === null)) {
      result.markers.push({
        kind: 'marker',
        rule: MARKER_RULES.legacyCallSite,
        reason: `${construction.getExpression().getText()} now listens in start(), which returns a Promise: await it in an async function`,
        anchor: statement ?? construction,
      });
      continue;
    }
    if (owner !== null && !madeAsync.has(owner)) {
      madeAsync.add(owner);
      result.renames.push(...asyncEdits(owner));
    }
    const block = statement.getParent();
    const later = block !== undefined && (Node.isBlock(block) || Node.isSourceFile(block)) ? block.getStatements().filter((candidate) => candidate.getStart() > statement.getStart()) : [];
    const loops = loopCalls.filter((identifier) => later.some((candidate) => identifier.getStart() >= candidate.getStart() && identifier.getEnd() <= candidate.getEnd()));
    const name = variable?.getName() ?? 'server';
    const started = `await ${construction.getText()}.start()`;
    result.renames.push({ kind: 'rename', rules: RULES, node: construction, text: variable === null && loops.length > 0 ? `const ${name} = ${started}` : started });
    for (const identifier of loops) {
      const call = identifier.getParent();
      if (!Node.isCallExpression(call) || call.getArguments().length > 0) continue;
      result.handledLoops.add(identifier);
      const standalone = Node.isExpressionStatement(call.getParent());
      result.renames.push({ kind: 'rename', rules: RULES, node: call, text: `${standalone ? 'await ' : ''}${name}.listener.serveForever()` });
    }
    // `server.socket.getsockname()`: the listening address is the streams server's now.
    for (const access of variable === null ? [] : later.flatMap((candidate) => candidate.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression))) {
      const call = access.getParent()?.getParent();
      if (access.getExpression().getText() !== name || access.getName() !== 'socket' || !Node.isCallExpression(call)) continue;
      const method = (access.getParent() as Node & { getName?: () => string }).getName?.();
      if (method !== 'getsockname') continue;
      result.renames.push({ kind: 'rename', rules: RULES, node: call, text: `[${name}.listener.address().address, ${name}.listener.address().port]` });
    }
  }
  return result;
}
