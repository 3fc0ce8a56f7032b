/**
 * Plans one file: which classes are translated (handlers, servers), which call sites follow them,
 * and which constructs get a marker. Pure: analysis in, decisions out.
 */
import { type ClassDeclaration, type ImportSpecifier, Node, SyntaxKind, type VariableDeclaration } from 'ts-morph';
import { dirname, relative, sep } from 'node:path';
import { ModuleResolver } from '../shared/module-resolver';
import type { FileAnalysis, LegacyClass, ProjectAnalysis } from '../analyse/types';
import { detectIndentUnit } from '../shared/text-edit';
import { constructedClasses } from '../translations/constructed-class';
import { chainDecisions } from './chains';
import { planPreservedServerStarts } from './preserved-server-starts';
import { planHandler } from './handler';
import { awaitAllowed } from './textbook/class-syntax';
import { MARKER_RULES, TRANSLATION_RULES } from './rules';
import { planServer } from './server';
import type { Decision, FilePlan, HandlerPlan, LoopCallPlan, MarkerPlan, RemoveClassPlan, RenamePlan, ServerCallSitePlan, ServerPlan } from './types';

/** A use of a base class other than its subclasses' `extends` and import / export lists, described; or null. */
function otherReference(analysis: ProjectAnalysis, base: ClassDeclaration, subclasses: LegacyClass[]): string | null {
  const name = base.getName();
  if (name === undefined) return 'it has no name';
  const heritage = new Set(subclasses.map((subclass) => subclass.node.getHeritageClauseByKind(SyntaxKind.ExtendsKeyword)?.getTypeNodes()[0]?.getExpression()));
  for (const file of analysis.files.values()) {
    for (const identifier of file.sourceFile.getDescendantsOfKind(SyntaxKind.Identifier)) {
      if (identifier.getText() !== name || identifier === base.getNameNode() || heritage.has(identifier)) continue;
      const parent = identifier.getParent();
      if (Node.isImportSpecifier(parent) || Node.isExportSpecifier(parent) || Node.isBindingElement(parent) || Node.isShorthandPropertyAssignment(parent)) continue;
      return `${file.path} uses ${name}`;
    }
  }
  return null;
}

/**
 * A reference that only exports the name (`export { X }`, `module.exports = { X }`): it follows the
 * translation by renaming, where anything else would need a person.
 */
function exportReference(reference: Node): Node | null {
  const parent = reference.getParent();
  if (Node.isExportSpecifier(parent) && parent.getAliasNode() === undefined) return parent;
  if (Node.isShorthandPropertyAssignment(parent)) {
    const object = parent.getParent();
    const assignment = object?.getParent();
    if (Node.isBinaryExpression(assignment) && /^(module\.)?exports$/.test(assignment.getLeft().getText())) return parent;
  }
  return null;
}

const TYPESCRIPT_EXTENSION = /\.(ts|tsx|mts|cts)$/;

function isCommonJs(file: FileAnalysis): boolean {
  if (/\.c(j|t)s$/.test(file.path)) return true;
  if (/\.m(j|t)s$/.test(file.path)) return false;
  return file.imports.some((site) => site.kind === 'require') && !file.imports.some((site) => site.kind === 'named' || site.kind === 'namespace' || site.kind === 'default');
}

function nearestStatement(node: Node): Node {
  return node.getFirstAncestor((ancestor) => Node.isStatement(ancestor) && !Node.isBlock(ancestor)) ?? node;
}

function marker(rule: MarkerPlan['rule'], reason: string, anchor: Node): MarkerPlan {
  return { kind: 'marker', rule, reason, anchor };
}

function within(node: Node, container: Node): boolean {
  return node.getStart() >= container.getStart() && node.getEnd() <= container.getEnd();
}

export function planFile(analysis: ProjectAnalysis, file: FileAnalysis): FilePlan {
  const typescript = TYPESCRIPT_EXTENSION.test(file.path);
  const decisions: Decision[] = [];
  const plan: FilePlan = { file: file.path, decisions, typescript, commonJs: isCommonJs(file) };

  if (file.reexportsOnly) {
    // Needed while a file that stays legacy imports it (that file's marker is the cause); once
    // every importer migrates, deleting it is the step left.
    const first = file.sourceFile.getStatements()[0];
    const importers = [...analysis.files.values()].filter((other) => other !== file && other.imports.some((site) => site.viaLocalModule === file.path));
    const stillNeeded = importers.some((importer) => {
      const importerPlan = cachedPlan(analysis, importer);
      return importerPlan === null || importerPlan.staysLegacy === true;
    });
    if (first !== undefined && !stillNeeded) {
      decisions.push(marker(MARKER_RULES.legacyReexport, 're-exports @asynchat/shim and nothing imports it once the rewrite is done: delete this module', first));
    }
    return plan;
  }

  const allClasses: LegacyClass[] = [...analysis.files.values()].flatMap((other) => other.classes);
  const subclassesOf = (legacy: LegacyClass): LegacyClass[] => allClasses.filter((candidate) => candidate.superClass?.node === legacy.node);
  const context = { analysis, typescript, subclassesOf };

  const handlers = new Map<string, HandlerPlan>();
  const markers: MarkerPlan[] = [];
  const servers: ServerPlan[] = [];
  const removals: RemoveClassPlan[] = [];
  const chains = chainDecisions(analysis, {
    indentUnit: (node) => detectIndentUnit(node.getSourceFile().getFullText()),
    contextFor: (legacy) => ({ analysis, typescript: TYPESCRIPT_EXTENSION.test(legacy.file), subclassesOf }),
  });
  const preserved: Decision[] = [];
  const heldBack: Node[] = [];
  for (const legacy of file.classes) {
    const channel = chains.channels.get(legacy.node) ?? chains.servers.get(legacy.node);
    if (channel !== undefined) preserved.push(channel);
    const chainMarker = chains.markers.get(legacy.node);
    if (chainMarker !== undefined) markers.push(chainMarker);
    if (chains.followers.has(legacy.node)) heldBack.push(legacy.node);
  }
  const decided = (legacy: LegacyClass): boolean => chains.channels.has(legacy.node) || chains.servers.has(legacy.node) || chains.markers.has(legacy.node) || chains.followers.has(legacy.node);
  for (const legacy of file.classes) {
    if (legacy.base !== 'async_chat' || decided(legacy)) continue;
    const subclasses = subclassesOf(legacy);
    if (legacy.direct && subclasses.length > 0 && Node.isClassDeclaration(legacy.node)) {
      // A subclass counts as migrated only when its own file's plan translates it (a server left
      // for a person keeps its handler legacy too).
      const left = subclasses.filter((subclass) => {
        const subclassFile = analysis.files.get(subclass.file);
        const plan = subclassFile === undefined ? null : cachedPlan(analysis, subclassFile);
        if (plan === null) return planHandler(subclass, context).kind !== 'handler';
        return !plan.decisions.some((decision) => decision.kind === 'handler' && decision.node === subclass.node);
      });
      const otherUse = left.length === 0 ? otherReference(analysis, legacy.node, subclasses) : null;
      if (left.length === 0 && otherUse === null) {
        removals.push({ kind: 'remove-class', rules: [TRANSLATION_RULES.handlerClass], node: legacy.node });
      } else {
        const reason =
          left.length > 0
            ? `base of ${left.map((subclass) => subclass.name ?? 'an anonymous class').join(', ')}, which ${left.length === 1 ? 'is' : 'are'} left for a person; delete it once no subclass is left`
            : `every subclass migrated, but ${otherUse}; delete it once nothing uses it`;
        markers.push(marker(MARKER_RULES.subclassChain, reason, legacy.node));
      }
      continue;
    }
    const decision = planHandler(legacy, context);
    if (decision.kind === 'handler') handlers.set(decision.node.getName()!, decision);
    else markers.push(decision);
  }
  /** A server that builds a handler left for a person follows that handler's marker. */
  const buildsHeldBackClass = (server: Node): boolean =>
    server.getDescendantsOfKind(SyntaxKind.NewExpression).some((construction) =>
      constructedClasses(construction).some((declaration) => markers.some((decision) => decision.anchor === declaration) || chains.markers.has(declaration) || chains.followers.has(declaration)),
    );
  for (const legacy of file.classes) {
    if (legacy.base === 'async_chat' || decided(legacy)) continue;
    if (legacy.base === 'dispatcher_with_send') {
      markers.push(marker(MARKER_RULES.unrecognisedServer, 'dispatcher_with_send has no streams translation; port it by hand', legacy.node));
      continue;
    }
    if (!legacy.direct) {
      markers.push(marker(MARKER_RULES.subclassChain, `extends ${legacy.chain[1] ?? 'a legacy class'}: migrate the chain by hand`, legacy.node));
      continue;
    }
    const decision = planServer(legacy, handlers);
    if (decision.kind === 'server') servers.push(decision);
    else if (buildsHeldBackClass(legacy.node)) heldBack.push(legacy.node);
    else markers.push(decision);
  }

  // Uses in other files the rewrite does not follow (a value passed around, a namespace member,
  // `new Handler(sock)` elsewhere): the class stays as it was, marked.
  for (const [name, handler] of [...handlers]) {
    const use = foreignUse(analysis, file, name, handler.client !== null);
    if (use === null) continue;
    handlers.delete(name);
    markers.push(marker(MARKER_RULES.legacyCallSite, `${use} uses ${name} in a way the rewrite does not follow; migrate both together`, handler.node));
  }
  for (const server of [...servers]) {
    const name = server.node.getName()!;
    const handlerName = server.handler.node.getName()!;
    const use = handlers.has(handlerName) ? foreignUse(analysis, file, name, true) : `${handlerName}, which it builds, is left for a person:`;
    if (use === null) continue;
    servers.splice(servers.indexOf(server), 1);
    markers.push(marker(MARKER_RULES.legacyCallSite, `${use} uses ${name} in a way the rewrite does not follow; migrate both together`, server.node));
  }

  // Server call sites: `new EchoServer(...)` must become an awaited (or voided) start.
  const callSites: ServerCallSitePlan[] = [];
  const renames: RenamePlan[] = [];
  const serverStarts = new Map<Node, { statement: Node; variable: string | null; awaited: boolean }>();
  for (const server of [...servers]) {
    const name = server.node.getName()!;
    const constructions = file.sourceFile
      .getDescendantsOfKind(SyntaxKind.NewExpression)
      .filter((expression) => expression.getExpression().getText() === name);
    const references = file.sourceFile
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .filter((identifier) => identifier.getText() === name && identifier !== server.node.getNameNode());
    let refused: string | null = null;
    const sites: ServerCallSitePlan[] = [];
    const serverRenames: RenamePlan[] = [];
    for (const reference of references) {
      const exportSite = exportReference(reference);
      if (exportSite !== null) {
        serverRenames.push({ kind: 'rename', rules: [TRANSLATION_RULES.startServer], node: exportSite, text: server.functionName });
        continue;
      }
      const construction = constructions.find((expression) => expression.getExpression() === reference);
      if (construction === undefined) {
        refused = `${name} is used other than by "new ${name}(...)"`;
        break;
      }
      const parent = construction.getParent();
      const awaited = awaitAllowed(construction, file.path);
      if (Node.isExpressionStatement(parent)) {
        sites.push({ kind: 'server-call', rules: [TRANSLATION_RULES.startServer], expression: construction, server, awaited, declareAs: null });
        serverStarts.set(parent, { statement: parent, variable: null, awaited });
      } else if (Node.isVariableDeclaration(parent) && awaited) {
        sites.push({ kind: 'server-call', rules: [TRANSLATION_RULES.startServer], expression: construction, server, awaited, declareAs: null });
        const statement = parent.getFirstAncestorByKind(SyntaxKind.VariableStatement);
        if (statement !== undefined) serverStarts.set(statement, { statement, variable: parent.getName(), awaited });
      } else {
        refused = `new ${name}(...) is used where the Promise<Server> of ${server.functionName}() cannot be awaited`;
        break;
      }
    }
    if (refused !== null) {
      servers.splice(servers.indexOf(server), 1);
      markers.push(marker(MARKER_RULES.unrecognisedServer, refused, server.node));
      continue;
    }
    callSites.push(...sites);
    renames.push(...serverRenames);
  }

  // A handler built by a class that stays legacy stays legacy too.
  for (const [name, handler] of [...handlers]) {
    const references = file.sourceFile
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .filter((identifier) => identifier.getText() === name && identifier !== handler.node.getNameNode());
    const handlerRenames: RenamePlan[] = [];
    let reverted = false;
    for (const reference of references) {
      const server = servers.find((candidate) => candidate.handler === handler && within(reference, candidate.node));
      if (server !== undefined) continue;
      // A client's `new Client(...)` is rewritten (or marked) with its loop() below.
      if (handler.client !== null && Node.isNewExpression(reference.getParent()) && reference.getParentOrThrow().getChildAtIndex(1) === reference) continue;
      const exportSite = exportReference(reference);
      if (exportSite !== null) {
        if (handler.form === 'function') handlerRenames.push({ kind: 'rename', rules: [TRANSLATION_RULES.handlerFunction], node: exportSite, text: handler.functionName });
        continue;
      }
      const legacyOwner = markers.find((decision) => Node.isClassDeclaration(decision.anchor) && within(reference, decision.anchor));
      if (legacyOwner !== undefined) {
        // Built by a class that stays for a person: it stays too, and that class's marker says why.
        handlers.delete(name);
        heldBack.push(handler.node);
        reverted = true;
        break;
      }
      markers.push(marker(MARKER_RULES.legacyCallSite, `${name} is now ${handler.form === 'function' ? `the function ${handler.functionName}(reader, writer)` : `a class with run(reader, writer)`}; call it from startServer / openConnection`, nearestStatement(reference)));
    }
    if (!reverted) renames.push(...handlerRenames);
  }

  // Servers translated in other files: `new EchoServer(...)` here follows, and so does its import.
  const renamedImports = new Set<Node>();
  for (const construction of file.sourceFile.getDescendantsOfKind(SyntaxKind.NewExpression)) {
    const callee = construction.getExpression();
    if (!Node.isIdentifier(callee)) continue;
    const imported = importedLegacyClass(analysis, file, callee.getText());
    if (imported === null) continue;
    const { legacy, file: otherFile } = imported;
    const declaration = legacy.node;
    if (legacy.base !== 'dispatcher') continue;
    const server = cachedPlan(analysis, otherFile)?.decisions.find((decision): decision is ServerPlan => decision.kind === 'server' && decision.node === declaration);
    if (server === undefined) continue;
    const parent = construction.getParent();
    const awaited = awaitAllowed(construction, file.path);
    const variable = Node.isVariableDeclaration(parent) ? parent : null;
    if (!awaited || (!Node.isExpressionStatement(parent) && variable === null)) {
      markers.push(marker(MARKER_RULES.legacyCallSite, `${callee.getText()} is now ${server.functionName}(), which returns a Promise<Server>: await it in an async function`, nearestStatement(construction)));
      continue;
    }
    callSites.push({ kind: 'server-call', rules: [TRANSLATION_RULES.startServer], expression: construction, server, awaited, declareAs: null, callee: callee.getText() });
    const statement = variable === null ? parent : variable.getFirstAncestorByKind(SyntaxKind.VariableStatement);
    if (statement !== undefined) serverStarts.set(statement, { statement, variable: variable?.getName() ?? null, awaited });
    const specifier = importSpecifierOf(file, callee.getText());
    if (specifier !== null && !renamedImports.has(specifier)) {
      renamedImports.add(specifier);
      const alias = specifier.getAliasNode();
      renames.push({ kind: 'rename', rules: [TRANSLATION_RULES.startServer], node: specifier.getNameNode(), text: server.functionName });
      if (alias === undefined) {
        // The local name changes with the import: every use in this file follows.
        for (const site of callSites) if (site.callee === callee.getText()) site.callee = server.functionName;
      }
    }
  }
  for (const site of callSites) if (site.callee === undefined) site.callee = site.server.functionName;
  for (const site of callSites) {
    const variable = site.expression.getParent();
    if (Node.isVariableDeclaration(variable)) {
      const edits = socketNameEdits(variable);
      renames.push(...edits.renames);
      markers.push(...edits.markers);
    }
  }

  // Clients (create_socket + connect): `const c = new Client(host, port, ...); await loop();`
  // -> `const c = new Client(...); await c.run(host, port);`.
  const clientLoops = new Map<Node, { replacement: string }>();
  for (const construction of file.sourceFile.getDescendantsOfKind(SyntaxKind.NewExpression)) {
    const callee = construction.getExpression();
    if (!Node.isIdentifier(callee)) continue;
    let handler: HandlerPlan | undefined = handlers.get(callee.getText());
    if (handler === undefined) {
      const imported = importedLegacyClass(analysis, file, callee.getText());
      if (imported === null || imported.legacy.base !== 'async_chat') continue;
      handler = cachedPlan(analysis, imported.file)?.decisions.find((decision): decision is HandlerPlan => decision.kind === 'handler' && decision.node === imported.legacy.node);
    }
    const client = handler?.client;
    if (handler === undefined || client === undefined || client === null) continue;
    const refuse = (reason: string): void => {
      markers.push(marker(MARKER_RULES.legacyCallSite, reason, nearestStatement(construction)));
    };
    const parent = construction.getParent();
    const variable = Node.isVariableDeclaration(parent) ? parent : null;
    const statement = variable !== null ? variable.getFirstAncestorByKind(SyntaxKind.VariableStatement) : Node.isExpressionStatement(parent) ? parent : undefined;
    const block = statement?.getParent();
    const loopStatement = block === undefined || statement === undefined ? undefined : loopStatementAfter(statement, block);
    if (statement === undefined || loopStatement === undefined || !awaitAllowed(construction, file.path)) {
      refuse(`${callee.getText()} now connects in run(${client.parameters.join(', ')}): call it where loop() ran, in an async function`);
      continue;
    }
    if ([...serverStarts.values()].some((start) => start.statement.getParent() === block)) {
      refuse(`${callee.getText()} shares its loop() with servers: start them and await the client's run() by hand`);
      continue;
    }
    const args = construction.getArguments();
    const moved = handler.droppedParameterIndexes.map((index) => args[index]);
    if (moved.some((arg) => arg === undefined || !isPlainValue(arg))) {
      refuse(`the connect arguments of ${callee.getText()} are not plain values that can move to run()`);
      continue;
    }
    const movedText = moved.map((arg) => arg!.getText()).join(', ');
    const kept = args.filter((_arg, index) => !handler!.droppedParameterIndexes.includes(index)).map((arg) => arg.getText());
    const rules = [TRANSLATION_RULES.openConnection];
    if (handler.form === 'function') {
      if (variable !== null) {
        refuse(`${callee.getText()} is now the function ${handler.functionName}(); the variable has nothing left to hold`);
        continue;
      }
      renames.push({ kind: 'rename', rules, node: construction, text: `await ${handler.functionName}(${movedText})` });
      clientLoops.set(loopStatement, { replacement: '' });
      const specifier = importSpecifierOf(file, callee.getText());
      if (specifier !== null && specifier.getAliasNode() === undefined) renames.push({ kind: 'rename', rules, node: specifier.getNameNode(), text: handler.functionName });
      continue;
    }
    const argumentList = construction.getArguments();
    const first = argumentList[0];
    const last = argumentList[argumentList.length - 1];
    if (first !== undefined && last !== undefined) {
      renames.push({ kind: 'rename', rules, node: construction, text: `new ${callee.getText()}(${kept.join(', ')})` });
    }
    if (variable !== null) {
      clientLoops.set(loopStatement, { replacement: `await ${variable.getName()}.run(${movedText});` });
    } else {
      renames.pop();
      renames.push({ kind: 'rename', rules, node: construction, text: `await new ${callee.getText()}(${kept.join(', ')}).run(${movedText})` });
      clientLoops.set(loopStatement, { replacement: '' });
    }
  }

  // Class-preserved servers: `new SMTPServer(...)` starts with `await ....start()`.
  const preservedStarts = planPreservedServerStarts(
    file,
    (declaration) => chains.servers.has(declaration),
    (node) => preserved.some((decision) => within(node, (decision as { node: Node }).node)),
  );
  renames.push(...preservedStarts.renames);
  markers.push(...preservedStarts.markers);

  // loop() after server starts.
  const loops: LoopCallPlan[] = [];
  const handledUses = new Set<Node>(preservedStarts.handledLoops);
  for (const use of file.uses) {
    if (use.name !== 'loop' || handledUses.has(use.node)) continue;
    const call = use.node.getParent();
    if (!Node.isCallExpression(call) || call.getExpression() !== use.node) continue;
    const awaitExpression = call.getParent();
    const statement = Node.isAwaitExpression(awaitExpression) ? awaitExpression.getParent() : awaitExpression;
    if (!Node.isExpressionStatement(statement)) continue;
    const clientLoop = clientLoops.get(statement);
    if (clientLoop !== undefined) {
      handledUses.add(use.node);
      loops.push({ kind: 'loop-call', rules: [TRANSLATION_RULES.openConnection], statement, replacement: clientLoop.replacement });
      continue;
    }
    const block = statement.getParent();
    const starts = [...serverStarts.values()].filter((start) => start.statement.getParent() === block && start.statement.getStart() < statement.getStart());
    if (starts.length !== 1 || call.getArguments().length > 0) continue;
    const start = starts[0]!;
    handledUses.add(use.node);
    if (!start.awaited) {
      loops.push({ kind: 'loop-call', rules: [TRANSLATION_RULES.startServer], statement, replacement: '' });
    } else {
      const variable = start.variable ?? 'server';
      if (start.variable === null) {
        const site = callSites.find((candidate) => candidate.expression.getParent() === start.statement);
        if (site !== undefined) site.declareAs = variable;
      }
      loops.push({ kind: 'loop-call', rules: [TRANSLATION_RULES.startServer], statement, replacement: `await ${variable}.serveForever();` });
    }
  }

  // Remaining uses of shim names outside translated code.
  const translated: Node[] = [...handlers.values()].map((handler) => handler.node as Node).concat(servers.map((server) => server.node), preserved.map((decision) => (decision as { node: Node }).node));
  const marked: Node[] = markers.map((decision) => decision.anchor).concat(heldBack);
  // loop() that serves a class held back by a marker elsewhere follows from that marker: none of its own.
  const staysLegacy = (declaration: Node): boolean => {
    if (chains.markers.has(declaration) || chains.followers.has(declaration)) return true;
    if (!Node.isClassDeclaration(declaration)) return false;
    const legacy = allClasses.find((candidate) => candidate.node === declaration);
    if (legacy === undefined) return false;
    if (legacy.file === file.path) return marked.some((node) => node === declaration) || heldBack.includes(declaration);
    const other = analysis.files.get(legacy.file);
    const otherPlan = other === undefined ? null : cachedPlan(analysis, other);
    return otherPlan !== null && !otherPlan.decisions.some((decision) => 'node' in decision && decision.node === declaration && decision.kind !== 'rename');
  };
  const servesHeldBack = file.sourceFile.getDescendantsOfKind(SyntaxKind.NewExpression).some((construction) => constructedClasses(construction).some(staysLegacy));
  for (const use of file.uses) {
    if (handledUses.has(use.node)) continue;
    if (translated.some((node) => within(use.node, node)) || marked.some((node) => within(use.node, node))) continue;
    if (use.name === 'loop' && servesHeldBack) {
      plan.staysLegacy = true;
      continue;
    }
    const statement = nearestStatement(use.node);
    const rule =
      use.name === 'loop' ? MARKER_RULES.legacyLoop : use.name === 'simple_producer' ? MARKER_RULES.unknownProducer : MARKER_RULES.legacyInternals;
    const reason =
      use.name === 'loop'
        ? 'loop() runs the legacy event loop; with streams, await the server (serveForever) or the connection instead'
        : `${use.name} belongs to the legacy event loop and has no streams equivalent`;
    if (markers.some((existing) => existing.anchor === statement && existing.rule === rule)) continue;
    markers.push(marker(rule, reason, statement));
  }

  decisions.push(...removals, ...handlers.values(), ...servers, ...preserved, ...callSites, ...loops, ...renames, ...markers);
  if (markers.length > 0 || heldBack.length > 0) plan.staysLegacy = true;
  return plan;
}

const planCache = new WeakMap<ProjectAnalysis, Map<string, FilePlan | null>>();

/** planFile for another file of the project, memoised (null while that file is being planned: a cycle). */
function cachedPlan(analysis: ProjectAnalysis, file: FileAnalysis): FilePlan | null {
  let plans = planCache.get(analysis);
  if (plans === undefined) {
    plans = new Map();
    planCache.set(analysis, plans);
  }
  if (plans.has(file.path)) return plans.get(file.path) ?? null;
  plans.set(file.path, null);
  const plan = planFile(analysis, file);
  plans.set(file.path, plan);
  return plan;
}

const resolvers = new WeakMap<ProjectAnalysis, ModuleResolver>();

function resolverFor(analysis: ProjectAnalysis): ModuleResolver {
  let resolver = resolvers.get(analysis);
  if (resolver === undefined) {
    resolver = new ModuleResolver(undefined, analysis.files.keys(), (path) => analysis.files.has(path));
    resolvers.set(analysis, resolver);
  }
  return resolver;
}

/** `other` imports, requires or re-exports the module `path` (any form). */
function importsModule(analysis: ProjectAnalysis, other: FileAnalysis, path: string): boolean {
  const resolver = resolverFor(analysis);
  const specifiers = [
    ...other.sourceFile.getImportDeclarations().map((declaration) => declaration.getModuleSpecifierValue()),
    ...other.sourceFile.getExportDeclarations().flatMap((declaration) => declaration.getModuleSpecifierValue() ?? []),
    ...other.sourceFile
      .getDescendantsOfKind(SyntaxKind.CallExpression)
      .filter((call) => ['require', 'import'].includes(call.getExpression().getText()))
      .flatMap((call) => {
        const argument = call.getArguments()[0];
        return argument !== undefined && Node.isStringLiteral(argument) ? [argument.getLiteralValue()] : [];
      }),
  ];
  return specifiers.some((specifier) => resolver.resolve(specifier, other.path) === path);
}

/** The legacy class a local name is imported as (`import { EchoServer } from './echo'`), or null. */
function importedLegacyClass(analysis: ProjectAnalysis, file: FileAnalysis, local: string): { legacy: LegacyClass; file: FileAnalysis } | null {
  const specifier = importSpecifierOf(file, local);
  if (specifier === null) return null;
  const path = resolverFor(analysis).resolve(specifier.getImportDeclaration().getModuleSpecifierValue(), file.path);
  const target = path === null ? undefined : analysis.files.get(path);
  if (target === undefined) return null;
  const name = specifier.getNameNode().getText();
  const legacy = target.classes.find((candidate) => candidate.name === name);
  return legacy === undefined ? null : { legacy, file: target };
}

function importSpecifierOf(file: FileAnalysis, local: string): ImportSpecifier | null {
  for (const declaration of file.sourceFile.getImportDeclarations()) {
    for (const specifier of declaration.getNamedImports()) {
      if ((specifier.getAliasNode() ?? specifier.getNameNode()).getText() === local) return specifier;
    }
  }
  return null;
}

/**
 * A started server kept in a variable: `server.socket.getsockname()[1]` -> `server.address().port`
 * (`[0]` -> `.address`); any other use of the legacy `socket` gets a marker.
 */
function socketNameEdits(variable: VariableDeclaration): { renames: RenamePlan[]; markers: MarkerPlan[] } {
  const renames: RenamePlan[] = [];
  const markers: MarkerPlan[] = [];
  const name = variable.getName();
  const scope = variable.getFirstAncestor((ancestor) => Node.isBlock(ancestor) || Node.isSourceFile(ancestor));
  if (scope === undefined) return { renames, markers };
  for (const access of scope.getDescendantsOfKind(SyntaxKind.PropertyAccessExpression)) {
    if (access.getName() !== 'socket' || access.getExpression().getText() !== name) continue;
    const method = access.getParent();
    const call = method?.getParent();
    const element = call?.getParent();
    if (
      Node.isPropertyAccessExpression(method) &&
      method.getName() === 'getsockname' &&
      Node.isCallExpression(call) &&
      Node.isElementAccessExpression(element) &&
      ['0', '1'].includes(element.getArgumentExpression()?.getText() ?? '')
    ) {
      const field = element.getArgumentExpression()!.getText() === '1' ? 'port' : 'address';
      renames.push({ kind: 'rename', rules: [TRANSLATION_RULES.startServer], node: element, text: `${name}.address().${field}` });
      continue;
    }
    markers.push(marker(MARKER_RULES.legacyInternals, `${name}.socket is the legacy listening socket; the streams Server has address() and close()`, nearestStatement(access)));
  }
  return { renames, markers };
}

/** The `loop()` / `await loop()` statement after `statement` in `block`, if any. */
function loopStatementAfter(statement: Node, block: Node): Node | undefined {
  if (!Node.isBlock(block) && !Node.isSourceFile(block)) return undefined;
  return block.getStatements().find((candidate) => {
    if (candidate.getStart() <= statement.getStart() || !Node.isExpressionStatement(candidate)) return false;
    let expression = candidate.getExpression();
    if (Node.isAwaitExpression(expression)) expression = expression.getExpression();
    return Node.isCallExpression(expression) && /^(\w+\.)?loop$/.test(expression.getExpression().getText()) && expression.getArguments().length === 0;
  });
}

/** An expression that can be evaluated later with the same value: names, literals, member reads, `??`. */
function isPlainValue(node: Node): boolean {
  if (Node.isCallExpression(node) || Node.isNewExpression(node) || Node.isAwaitExpression(node)) return false;
  if (Node.isBinaryExpression(node) && /=$/.test(node.getOperatorToken().getText()) && !/[=!]==?$|[<>]=$/.test(node.getOperatorToken().getText())) return false;
  if (Node.isPrefixUnaryExpression(node) || Node.isPostfixUnaryExpression(node)) {
    if (/\+\+|--/.test(node.getText())) return false;
  }
  return node.getChildren().every((child) => isPlainValue(child));
}

/**
 * Where another analysed file uses `name` other than through an import / export list (or, when
 * `constructions` is set, as `new name(...)` of an ES named import, which that file's plan follows);
 * null when nowhere.
 */
function foreignUse(analysis: ProjectAnalysis, file: FileAnalysis, name: string, constructions: boolean): string | null {
  const pattern = new RegExp(`\\b${name}\\b`);
  for (const other of analysis.files.values()) {
    if (other === file || !pattern.test(other.sourceFile.getFullText()) || !importsModule(analysis, other, file.path)) continue;
    const imported = importSpecifierOf(other, name) !== null;
    for (const identifier of other.sourceFile.getDescendantsOfKind(SyntaxKind.Identifier)) {
      if (identifier.getText() !== name) continue;
      const parent = identifier.getParent();
      if (Node.isImportSpecifier(parent) || Node.isExportSpecifier(parent) || Node.isShorthandPropertyAssignment(parent)) continue;
      if (Node.isBindingElement(parent) && !constructions) continue;
      if (constructions && imported && Node.isNewExpression(parent) && parent.getExpression() === identifier) continue;
      const where = relative(dirname(file.path), other.path).split(sep).join('/');
      return `${where.startsWith('.') ? where : `./${where}`}:${identifier.getStartLineNumber()}`;
    }
  }
  return null;
}
