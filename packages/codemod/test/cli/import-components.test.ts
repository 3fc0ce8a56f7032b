import fc from 'fast-check';
import { ModuleResolver } from '../../src/shared/module-resolver';
import { batchGroups, largestBatch } from '../../src/rewrite/analysis-batches';
import { dealGroups, groupByImports } from '../../src/rewrite/import-components';

/** A project on paper: file i imports the files listed in edges[i]; `known` files exist for the resolver. */
function paperProject(fileCount: number, edges: [number, number][]) {
  const files = Array.from({ length: fileCount }, (_, index) => `/repo/src/f${index}.ts`);
  const texts = new Map<string, string>();
  files.forEach((file, index) => {
    const imports = edges.filter(([from]) => from === index).map(([, to]) => `import { x${to} } from './f${to}';`);
    texts.set(file, `${imports.join('\n')}\nexport const x${index} = ${index};\n`);
  });
  return { files, texts, resolver: new ModuleResolver(undefined, files) };
}

test('files joined by an import, in either direction and through non-candidates, share a group; others do not', () => {
  // f0 -> f1, f2 -> f1 (f1 is not a candidate: the link still holds), f3 alone, f4 -> f5.
  const { files, texts, resolver } = paperProject(6, [[0, 1], [2, 1], [4, 5]]);
  const candidates = [files[0]!, files[2]!, files[3]!, files[4]!, files[5]!];
  expect(groupByImports(candidates, texts, resolver)).toEqual([
    ['/repo/src/f0.ts', '/repo/src/f2.ts'],
    ['/repo/src/f4.ts', '/repo/src/f5.ts'],
    ['/repo/src/f3.ts'],
  ]);
});

test('property: groups partition the candidates, and no import crosses two groups', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 30 }).chain((count) =>
        fc.tuple(fc.constant(count), fc.array(fc.tuple(fc.nat(count - 1), fc.nat(count - 1)), { maxLength: 40 }), fc.subarray([...Array(count).keys()], { minLength: 1 })),
      ),
      ([count, edges, chosen]) => {
        const { files, texts, resolver } = paperProject(count, edges);
        const candidates = chosen.map((index) => files[index]!);
        const groups = groupByImports(candidates, texts, resolver);
        expect(groups.flat().sort()).toEqual([...candidates].sort());
        const groupOf = new Map(groups.flatMap((group, index) => group.map((file) => [file, index] as const)));
        // Connectivity over all files (candidates or not): two candidates linked by any path share a group.
        const component = new Map<number, number>();
        const find = (node: number): number => (component.get(node) === undefined || component.get(node) === node ? node : find(component.get(node)!));
        for (const [from, to] of edges) component.set(find(from), find(to));
        for (const left of chosen) {
          for (const right of chosen) {
            if (find(left) === find(right)) expect(groupOf.get(files[left]!)).toBe(groupOf.get(files[right]!));
          }
        }
      },
    ),
  );
});

test('dealGroups keeps every group whole, uses every group once, and balances file counts', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (sizes, count) => {
      const groups = sizes.map((size, group) => Array.from({ length: size }, (_, file) => `g${group}/f${file}`)).sort((left, right) => right.length - left.length);
      const shares = dealGroups(groups, count);
      expect(shares.length).toBeLessThanOrEqual(count);
      expect(shares.flat().map((group) => group.join()).sort()).toEqual(groups.map((group) => group.join()).sort());
      const totals = shares.map((share) => share.reduce((sum, group) => sum + group.length, 0));
      // Greedy largest-first: no share exceeds another by more than the largest group.
      expect(Math.max(...totals) - Math.min(...totals)).toBeLessThanOrEqual(Math.max(...sizes));
    }),
  );
});

test('with reachingShim, a shared module that cannot reach the shim does not join its importers', () => {
  // f0 and f1 both import f2 (a logger, no shim); f3 -> f4, both reaching the shim.
  const { files, texts, resolver } = paperProject(5, [[0, 2], [1, 2], [3, 4]]);
  const reachingShim = new Set([files[0]!, files[1]!, files[3]!, files[4]!]);
  const candidates = [files[0]!, files[1]!, files[3]!, files[4]!];
  expect(groupByImports(candidates, texts, resolver, { reachingShim })).toEqual([['/repo/src/f3.ts', '/repo/src/f4.ts'], ['/repo/src/f0.ts'], ['/repo/src/f1.ts']]);
  expect(groupByImports(candidates, texts, resolver)).toEqual([['/repo/src/f0.ts', '/repo/src/f1.ts'], ['/repo/src/f3.ts', '/repo/src/f4.ts']]);
});

test('batches hold whole groups, at most the limit unless one group is larger', () => {
  const groups = [['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1'], ['d1', 'd2', 'd3', 'd4', 'd5']];
  expect(batchGroups(groups, 4)).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2', 'c1'], ['d1', 'd2', 'd3', 'd4', 'd5']]);
  expect(largestBatch(groups, 4)).toBe(5);
  expect(batchGroups([], 4)).toEqual([]);
});
