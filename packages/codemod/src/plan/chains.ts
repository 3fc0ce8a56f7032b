/**
 * Decides, once per project, which class chains take the class-preserving translations: an
 * `async_chat` chain the textbook forms cannot take, and the `dispatcher` servers that build its
 * channels. A chain translates as a whole or not at all; a class that cannot translate gets one
 * marker naming every reason, and what is left legacy because of it (its base or subclasses, the
 * server that builds it) gets none: `check` already reports those.
 */
import { type ClassDeclaration, Node, type NewExpression, SyntaxKind } from 'ts-morph';
import type { LegacyClass, ProjectAnalysis } from '../analyse/types';
import { type ChainFacts, chainOf, channelApiCalls, channelCallsIn, type ChannelClassPlan, planChannelChain, reachesChain } from '../translations/channel-class';
import { constructedClasses } from '../translations/constructed-class';
import { type ChannelServerPlan, planChannelServerChain } from '../translations/channel-server';
import { planHandler, type PlanContext } from './handler';
import { planServer } from './server';
import { MARKER_RULES } from './rules';
import type { MarkerPlan } from './types';

export interface ChainDecisions {
  channels: Map<Node, ChannelClassPlan>;
  servers: Map<Node, ChannelServerPlan>;
  /** Root causes: one marker per class that cannot translate. */
  markers: Map<Node, MarkerPlan>;
  /** Classes left legacy because another class's marker holds them back. */
  followers: Set<Node>;
}

export interface ChainOptions {
  indentUnit: (node: ClassDeclaration) => string;
  contextFor: (legacy: LegacyClass) => PlanContext;
}

const cache = new WeakMap<ProjectAnalysis, ChainDecisions>();

function rootOf(legacy: LegacyClass): LegacyClass {
  let current = legacy;
  while (current.superClass !== null) current = current.superClass;
  return current;
}

function markerOn(node: ClassDeclaration, rule: MarkerPlan['rule'], reasons: string[]): MarkerPlan {
  return { kind: 'marker', rule, reason: reasons.join('; '), anchor: node };
}

/**
 * The textbook translations take this chain (a lone handler, or a base whose direct leaves all
 * translate), and every server that builds a lone handler takes the textbook form too: a server
 * shape only the class-preserving form follows (a factory, `channel_class`, a subclass chain)
 * takes its handler along.
 */
function textbookTakes(chain: LegacyClass[], options: ChainOptions, subclassesOf: (legacy: LegacyClass) => LegacyClass[], buildersOf: (handler: Node) => LegacyClass[]): boolean {
  const [root, ...below] = chain;
  if (below.length === 0) {
    const plan = planHandler(root!, options.contextFor(root!));
    if (plan.kind !== 'handler') return false;
    const name = root!.name ?? '';
    return buildersOf(root!.node).every((server) => planServer(server, new Map([[name, plan]])).kind === 'server');
  }
  return below.every((sub) => sub.superClass?.node === root!.node && subclassesOf(sub).length === 0 && planHandler(sub, options.contextFor(sub)).kind === 'handler');
}

/** The dispatcher classes that build each class (`new Handler(...)`, `new this.channel_class(...)`, a factory's `new`), found once. */
function serversByBuiltClass(all: LegacyClass[]): (handler: Node) => LegacyClass[] {
  const builders = new Map<Node, LegacyClass[]>();
  for (const server of all.filter((legacy) => legacy.base === 'dispatcher')) {
    for (const construction of server.node.getDescendantsOfKind(SyntaxKind.NewExpression)) {
      for (const built of constructedClasses(construction)) {
        const list = builders.get(built) ?? [];
        if (!list.includes(server)) list.push(server);
        builders.set(built, list);
      }
    }
  }
  return (handler) => builders.get(handler) ?? [];
}

/** The chain class a `new X(...)` builds, if any. */
function builtClass(construction: NewExpression, nodes: Set<Node>): Node | null {
  return constructedClasses(construction).find((declaration) => nodes.has(declaration)) ?? null;
}

export function chainDecisions(analysis: ProjectAnalysis, options: ChainOptions): ChainDecisions {
  const cached = cache.get(analysis);
  if (cached !== undefined) return cached;
  const decisions: ChainDecisions = { channels: new Map(), servers: new Map(), markers: new Map(), followers: new Set() };
  cache.set(analysis, decisions);
  const all = [...analysis.files.values()].flatMap((file) => file.classes);
  const subclassesOf = (legacy: LegacyClass): LegacyClass[] => all.filter((candidate) => candidate.superClass?.node === legacy.node);

  // Channel chains the textbook forms leave.
  const buildersOf = serversByBuiltClass(all);
  const chains: LegacyClass[][] = [];
  const chainFacts = new Map<LegacyClass[], ChainFacts>();
  for (const root of all.filter((legacy) => legacy.direct && legacy.base === 'async_chat')) {
    const chain = chainOf(root, subclassesOf);
    if (textbookTakes(chain, options, subclassesOf, buildersOf)) continue;
    const lone = chain.length === 1 ? planHandler(root, options.contextFor(root)) : null;
    const result = planChannelChain(chain, analysis, options.indentUnit);
    if (!result.ok) {
      // A client the textbook form recognises keeps the textbook's (more precise) marker.
      if (lone?.kind === 'marker' && lone.rule === MARKER_RULES.unrecognisedClient) continue;
      if (result.refusals.length === 0) continue;
      for (const refusal of result.refusals) decisions.markers.set(refusal.node, markerOn(refusal.node, refusal.rule, refusal.reasons));
      for (const legacy of chain) if (!decisions.markers.has(legacy.node)) decisions.followers.add(legacy.node);
      continue;
    }
    chains.push(chain);
    chainFacts.set(chain, result.facts);
    for (const plan of result.plans) decisions.channels.set(plan.node, plan);
  }

  // Who builds the channels: a server's handle_accepted, or code the rewrite does not follow.
  const channelNodes = new Set<Node>(decisions.channels.keys());
  const serverRoots = new Map<Node, LegacyClass>();
  const builders = new Map<Node, Set<Node>>();
  const constructions = new Set<NewExpression>();
  const refuseChain = (member: Node, reason: string): void => {
    const chain = chains.find((candidate) => candidate.some((legacy) => legacy.node === member));
    if (chain === undefined) return;
    const root = chain[0]!.node as ClassDeclaration;
    if (!decisions.markers.has(root)) decisions.markers.set(root, markerOn(root, MARKER_RULES.legacyCallSite, [reason]));
    for (const legacy of chain) {
      decisions.channels.delete(legacy.node);
      if (legacy.node !== root) decisions.followers.add(legacy.node);
    }
  };
  for (const file of analysis.files.values()) {
    if (channelNodes.size === 0) break;
    for (const construction of file.sourceFile.getDescendantsOfKind(SyntaxKind.NewExpression)) {
      const built = builtClass(construction, channelNodes);
      if (built === null) continue;
      const owner = construction.getFirstAncestor((ancestor) => Node.isClassDeclaration(ancestor)) as ClassDeclaration | undefined;
      const ownerLegacy = owner === undefined ? null : (all.find((legacy) => legacy.node === owner) ?? null);
      if (ownerLegacy === null || ownerLegacy.base !== 'dispatcher') {
        refuseChain(built, `built at ${file.path.split('/').pop()}:${construction.getStartLineNumber()}, which is not a server's handle_accepted(): migrate both together`);
        continue;
      }
      const serverRoot = rootOf(ownerLegacy);
      serverRoots.set(serverRoot.node, serverRoot);
      constructions.add(construction);
      const built_ = builders.get(serverRoot.node) ?? new Set();
      built_.add(built);
      builders.set(serverRoot.node, built_);
    }
  }

  // Channel calls made from code the rewrite does not translate would break: the chain stays.
  const serverNodes = new Set<Node>([...serverRoots.values()].flatMap((root) => chainOf(root, subclassesOf).map((legacy) => legacy.node)));
  const apiCalls = chains.length === 0 ? [] : [...analysis.files.values()].flatMap((file) => channelApiCalls(file.sourceFile).map((site) => ({ site, file })));
  for (const chain of chains) {
    const facts = chainFacts.get(chain)!;
    if (!decisions.channels.has(chain[0]!.node)) continue;
    const outside = apiCalls.find(({ site }) => {
      if (!reachesChain(site, facts)) return false;
      const owner = site.call.getFirstAncestor((ancestor) => Node.isClassDeclaration(ancestor));
      return owner === undefined || (!facts.nodes.has(owner) && !serverNodes.has(owner));
    });
    if (outside !== undefined) {
      const { site, file } = outside;
      refuseChain(chain[0]!.node, `${site.call.getExpression().getText()}() at ${file.path.split('/').pop()}:${site.call.getStartLineNumber()} calls the channel from code the rewrite does not translate: migrate both together`);
    }
  }

  // Servers that build class-preserved channels translate with them (or hold them back).
  for (const serverRoot of serverRoots.values()) {
    const chain = chainOf(serverRoot, subclassesOf);
    let result = planChannelServerChain(chain, {
      analysis,
      buildsChannel: (construction) => constructions.has(construction),
      indentUnit: options.indentUnit,
    });
    if (result.ok) {
      // The server's own calls on its channels (a broadcast) follow them to the writer.
      const reasons = new Map<Node, string[]>();
      for (const plan of result.plans) {
        for (const chain of chains) {
          const calls = channelCallsIn(plan.node, chainFacts.get(chain)!, /\.(ts|tsx|mts|cts)$/.test(plan.legacy.file));
          plan.edits.push(...calls.edits);
          if (calls.reasons.length > 0) reasons.set(plan.node, [...(reasons.get(plan.node) ?? []), ...calls.reasons]);
        }
      }
      if (reasons.size === 0) {
        for (const plan of result.plans) decisions.servers.set(plan.node, plan);
        continue;
      }
      result = { ok: false, refusals: [...reasons].map(([node, list]) => ({ node: node as ClassDeclaration, rule: MARKER_RULES.legacyInternals, reasons: list })) };
    }
    for (const refusal of result.refusals) decisions.markers.set(refusal.node, markerOn(refusal.node, refusal.rule, refusal.reasons));
    for (const legacy of chain) if (!decisions.markers.has(legacy.node)) decisions.followers.add(legacy.node);
    for (const built of builders.get(serverRoot.node) ?? []) {
      const chainOfBuilt = chains.find((candidate) => candidate.some((legacy) => legacy.node === built)) ?? [];
      for (const legacy of chainOfBuilt) {
        decisions.channels.delete(legacy.node);
        decisions.followers.add(legacy.node);
      }
    }
  }
  // A server whose channels were held back by another server stays too.
  for (const [serverNode, built] of builders) {
    if (![...built].some((node) => decisions.followers.has(node) || decisions.markers.has(node))) continue;
    const chain = chainOf(serverRoots.get(serverNode)!, subclassesOf);
    for (const legacy of chain) {
      if (decisions.servers.delete(legacy.node)) decisions.followers.add(legacy.node);
    }
  }
  return decisions;
}
