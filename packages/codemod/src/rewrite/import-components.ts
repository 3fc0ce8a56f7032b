import { scanLocalSpecifiers } from '../shared/import-scanner';
import type { ModuleResolver } from '../shared/module-resolver';

/**
 * Splits the candidate files into groups that share no import edge, in either direction, through
 * any file read (candidates or the local modules they import). What the analysis decides about a
 * file depends only on files it imports (base classes, re-exports) and files importing it
 * (subclasses), all in its group, so each group can be analysed on its own and give the same
 * answers as the whole project. Edges come from the same text scan as the prefilter (a superset of
 * the real imports), so a group can only be larger than needed, never too small.
 *
 * With `reachingShim` (the prefilter's set), only edges between files that can reach the shim
 * count: a module that cannot reach it is never parsed by the analysis and carries nothing from
 * one legacy file to another, so a logger imported by every handler does not weld them into one
 * group.
 *
 * Groups are returned largest first (ties by first path), each sorted: deterministic for a given input.
 *
 * @example
 * const groups = groupByImports(candidates, texts, new ModuleResolver());
 */
export function groupByImports(
  candidates: readonly string[],
  texts: ReadonlyMap<string, string>,
  resolver: ModuleResolver,
  options: { aliasesPossible?: boolean; reachingShim?: ReadonlySet<string> } = {},
): string[][] {
  const aliasesPossible = options.aliasesPossible === true;
  const reachingShim = options.reachingShim;
  const parent = new Map<string, string>();
  const find = (file: string): string => {
    let root = file;
    for (let next = parent.get(root); next !== undefined && next !== root; next = parent.get(root)) root = next;
    // Path compression keeps later finds short.
    for (let node = file; node !== root; ) {
      const next = parent.get(node) as string;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const union = (left: string, right: string): void => {
    if (!parent.has(left)) parent.set(left, left);
    if (!parent.has(right)) parent.set(right, right);
    const leftRoot = find(left);
    const rightRoot = find(right);
    if (leftRoot !== rightRoot) parent.set(leftRoot < rightRoot ? rightRoot : leftRoot, leftRoot < rightRoot ? leftRoot : rightRoot);
  };
  for (const file of candidates) if (!parent.has(file)) parent.set(file, file);
  for (const [file, text] of texts) {
    if (reachingShim && !reachingShim.has(file)) continue;
    if (!aliasesPossible && !text.includes("'.") && !text.includes('".')) continue;
    for (const specifier of scanLocalSpecifiers(text, aliasesPossible)) {
      const target = resolver.resolve(specifier, file);
      if (target !== null && target !== file && (!reachingShim || reachingShim.has(target))) union(file, target);
    }
  }
  const groups = new Map<string, string[]>();
  for (const file of candidates) {
    const root = find(file);
    const group = groups.get(root);
    if (group) group.push(file);
    else groups.set(root, [file]);
  }
  return [...groups.values()]
    .map((group) => group.sort())
    .sort((left, right) => right.length - left.length || (left[0]! < right[0]! ? -1 : 1));
}

/**
 * Deals groups to `count` shares, each group to the share with the fewest files so far (the
 * largest groups first), so shares come out even unless one group dominates.
 */
export function dealGroups(groups: readonly string[][], count: number): string[][][] {
  const shares = Array.from({ length: count }, () => ({ files: 0, groups: [] as string[][] }));
  for (const group of groups) {
    let smallest = 0;
    for (let index = 1; index < count; index += 1) if (shares[index]!.files < shares[smallest]!.files) smallest = index;
    shares[smallest]!.groups.push(group);
    shares[smallest]!.files += group.length;
  }
  return shares.filter((share) => share.files > 0).map((share) => share.groups);
}
