import { join } from 'node:path';
import { FIXTURES, findingKeys } from './support/run-check';

// Each fixture directory is a small project; the expected lists were written by hand from the fixtures.
describe('check rules on fixtures', () => {
  test('every import form: named, aliased, namespace, default, require (destructured and plain), import =, dynamic import', async () => {
    const { exitCode, keys } = await findingKeys(join(FIXTURES, 'imports'));
    expect(exitCode).toBe(1);
    expect(keys).toEqual([
      'aliased.ts:1:1 legacy-import',
      'aliased.ts:3:14 legacy-subclass',
      'default.ts:1:1 legacy-import',
      'default.ts:3:14 legacy-subclass',
      'default.ts:4:1 legacy-loop',
      'dynamic.mts:1:1 legacy-import',
      'dynamic.mts:3:14 legacy-subclass',
      'import-equals.ts:1:1 legacy-import',
      'import-equals.ts:3:14 legacy-subclass',
      'named.ts:1:1 legacy-import',
      'named.ts:3:14 legacy-subclass',
      'named.ts:9:1 legacy-loop',
      'namespace.ts:1:1 legacy-import',
      'namespace.ts:3:7 legacy-subclass',
      'require-destructured.cjs:1:1 legacy-import',
      'require-destructured.cjs:3:7 legacy-subclass',
      'require-destructured.cjs:5:1 legacy-loop',
      'require-plain.js:1:1 legacy-import',
      'require-plain.js:3:7 legacy-subclass',
      'require-plain.js:5:1 legacy-loop',
      'require-plain.js:6:13 legacy-loop',
      'shadowed.ts:1:1 legacy-import',
    ]);
  });

  test('a file that mentions async_chat and the shim only in comments and strings has no findings', async () => {
    const { keys } = await findingKeys(join(FIXTURES, 'imports'));
    expect(keys.filter((key) => key.startsWith('comment-only.ts') || key.startsWith('clean.ts'))).toEqual([]);
  });

  test('a parameter or local variable that shadows loop / socket_map is not legacy-loop', async () => {
    const { keys } = await findingKeys(join(FIXTURES, 'imports'));
    expect(keys.filter((key) => key.startsWith('shadowed.ts'))).toEqual(['shadowed.ts:1:1 legacy-import']);
  });

  test('re-exports through local modules: export *, export { x as y } from, module.exports = require(), barrels', async () => {
    const { keys, findings } = await findingKeys(join(FIXTURES, 'reexports'));
    expect(keys).toEqual([
      'barrel/index.ts:1:1 legacy-import',
      'cjs-legacy.cjs:1:1 legacy-import',
      'legacy.ts:1:1 legacy-import',
      'renamed.ts:1:1 legacy-import',
      'uses-barrel.ts:1:1 legacy-import',
      'uses-barrel.ts:3:14 legacy-subclass',
      'uses-cjs.cjs:1:1 legacy-import',
      'uses-cjs.cjs:3:7 legacy-subclass',
      'uses-cjs.cjs:4:1 legacy-loop',
      'uses-renamed.ts:1:1 legacy-import',
      'uses-renamed.ts:3:7 legacy-subclass',
      'uses-star.ts:1:1 legacy-import',
      'uses-star.ts:3:14 legacy-subclass',
    ]);
    const viaBarrel = findings.find((finding) => finding.file === 'uses-barrel.ts' && finding.rule === 'legacy-import');
    expect(viaBarrel?.message).toContain('through barrel/index.ts');
    expect(viaBarrel?.message).toContain('`asynchat-migrate rewrite uses-barrel.ts`');
    const reexportOnly = findings.find((finding) => finding.file === 'legacy.ts');
    expect(reexportOnly?.message).toContain('then delete it');
  });

  test('subclass chains across files, ES and CommonJS, default exports and class expressions', async () => {
    const { keys, findings } = await findingKeys(join(FIXTURES, 'chains'));
    expect(keys).toEqual([
      'base.cjs:1:1 legacy-import',
      'base.cjs:3:7 legacy-subclass',
      'base.ts:1:1 legacy-import',
      'base.ts:3:14 legacy-subclass',
      'child.cjs:3:7 legacy-subclass',
      'default-base.ts:3:1 legacy-subclass',
      'default-child.ts:3:32 legacy-subclass',
      'grandchild.js:3:7 legacy-subclass',
      'leaf.ts:3:14 legacy-subclass',
      'middle.ts:3:14 legacy-subclass',
    ]);
    const leaf = findings.find((finding) => finding.file === 'leaf.ts');
    expect(leaf?.message).toContain('through LineHandler -> Handler');
  });

  test('tsconfig paths aliases resolve to local re-export modules', async () => {
    const { keys } = await findingKeys(join(FIXTURES, 'aliases'));
    expect(keys).toEqual(['src/app.ts:1:1 legacy-import', 'src/app.ts:3:14 legacy-subclass', 'src/app.ts:4:1 legacy-loop', 'src/legacy/net.ts:1:1 legacy-import']);
  });

  test('manual markers are found in files that no longer import the shim; a TODO without a rule id is not one', async () => {
    const { keys, findings } = await findingKeys(join(FIXTURES, 'markers'));
    expect(keys).toEqual(['migrated.ts:4:3 manual-marker']);
    expect(findings[0]?.message).toContain('handle-read-override');
  });

  test('a file that does not parse is reported with its error, and the others are still checked', async () => {
    const { exitCode, keys, findings } = await findingKeys(join(FIXTURES, 'broken'));
    expect(exitCode).toBe(1);
    expect(keys).toEqual(['broken.ts:4:20 parse-error', 'good.ts:1:1 legacy-import', 'good.ts:3:14 legacy-subclass']);
    expect(findings[0]?.message).toMatch(/cannot parse: .*expected/);
  });

  test('a clean codebase has no findings and exits 0', async () => {
    const { exitCode, keys } = await findingKeys(join(FIXTURES, 'clean'));
    expect(keys).toEqual([]);
    expect(exitCode).toBe(0);
  });
});

describe('check rules: module interop', () => {
  test('export =, import = require, module.exports = class, default re-exports, destructured namespaces, type imports, promise import()', async () => {
    const { keys, findings } = await findingKeys(join(FIXTURES, 'interop'));
    expect(keys).toEqual([
      'default-class.ts:1:1 legacy-import',
      'default-class.ts:3:22 legacy-subclass',
      'default-user.ts:3:14 legacy-subclass',
      'default-user.ts:4:14 legacy-subclass',
      'export-equals.ts:1:1 legacy-import',
      'export-equals.ts:3:7 legacy-subclass',
      'import-equals-child.ts:3:14 legacy-subclass',
      'local-alias.ts:1:1 legacy-import',
      'local-alias.ts:2:1 legacy-import',
      'local-alias.ts:7:14 legacy-subclass',
      'local-alias.ts:9:1 legacy-loop',
      'module-exports-class.cjs:1:1 legacy-import',
      'module-exports-class.cjs:3:18 legacy-subclass',
      'promise-import.mjs:2:3 legacy-import',
      'require-child.cjs:3:19 legacy-subclass',
    ]);
    const session = findings.find((finding) => finding.file === 'require-child.cjs');
    expect(session?.message).toContain('class Session descends from async_chat');
  });
});

describe('check rules: type-aware fallback (with a tsconfig)', () => {
  test('a base computed by a mixin or a factory is resolved by the type checker; a mixin over a non-shim class is not legacy', async () => {
    const { keys, findings } = await findingKeys(join(FIXTURES, 'type-aware'));
    expect(keys).toEqual(['src/mixin.ts:1:1 legacy-import', 'src/mixin.ts:15:14 legacy-subclass', 'src/mixin.ts:17:14 legacy-subclass']);
    expect(findings[1]?.message).toContain('class StampedChannel descends from async_chat');
    expect(findings[2]?.message).toContain('class Acceptor descends from dispatcher');
  });
});
