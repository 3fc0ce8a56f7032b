import { join } from 'node:path';
import { Node, type ClassDeclaration } from 'ts-morph';
import { analyseProject } from '../../src/analyse';
import type { FileAnalysis } from '../../src/analyse/types';

/** Analyses an in-memory project: paths are virtual, texts come from the record. */
function analyseTexts(texts: Record<string, string>): ReturnType<typeof analyseProject> {
  const root = '/virtual/project';
  const files = Object.keys(texts).map((name) => join(root, name));
  return analyseProject({ files, readText: (path) => texts[path.slice(root.length + 1)] ?? null });
}

function fileOf(analysis: ReturnType<typeof analyseProject>, name: string): FileAnalysis {
  const file = analysis.files.get(join('/virtual/project', name));
  if (!file) throw new Error(`${name} was not analysed`);
  return file;
}

describe('analyseProject', () => {
  test('a chain across three files: chain, base, direct and superClass are linked', () => {
    const analysis = analyseTexts({
      'a.ts': "import { async_chat } from '@asynchat/shim';\nexport class Handler extends async_chat {}\n",
      'b.ts': "import { Handler } from './a';\nexport class LineHandler extends Handler {}\n",
      'c.ts': "import { LineHandler } from './b.js';\nexport class Echo extends LineHandler {}\n",
    });
    const [echo] = fileOf(analysis, 'c.ts').classes;
    expect(echo?.chain).toEqual(['Echo', 'LineHandler', 'Handler', 'async_chat']);
    expect(echo?.base).toBe('async_chat');
    expect(echo?.direct).toBe(false);
    const [lineHandler] = fileOf(analysis, 'b.ts').classes;
    expect(echo?.superClass).toBe(lineHandler);
    expect(lineHandler?.superClass).toBe(fileOf(analysis, 'a.ts').classes[0]);
    expect(fileOf(analysis, 'a.ts').classes[0]?.direct).toBe(true);
    expect(Node.isClassDeclaration(echo?.node)).toBe(true);
    expect((echo?.node as ClassDeclaration).getName()).toBe('Echo');
  });

  test('import bindings name the shim names they bring in, and local re-export modules are named', () => {
    const analysis = analyseTexts({
      'legacy.ts': "export { async_chat as Base, loop } from '@asynchat/shim/asynchat';\n",
      'user.ts': "import { Base as Chat, loop } from './legacy';\nimport * as whole from './legacy';\nclass X extends Chat {}\nloop();\n",
    });
    const user = fileOf(analysis, 'user.ts');
    expect(user.imports.map((legacyImport) => [legacyImport.kind, legacyImport.viaLocalModule, legacyImport.bindings])).toEqual([
      ['named', '/virtual/project/legacy.ts', [{ local: 'Chat', name: 'async_chat' }, { local: 'loop', name: 'loop' }]],
      ['namespace', '/virtual/project/legacy.ts', [{ local: 'whole', name: '*' }]],
    ]);
    expect(user.uses.map((use) => [use.name, use.node.getText()])).toEqual([['loop', 'loop']]);
    expect(fileOf(analysis, 'legacy.ts').reexportsOnly).toBe(true);
    expect(user.reexportsOnly).toBe(false);
  });

  test('resolveShimName follows namespaces, default imports, require and aliases; unrelated names resolve to null', () => {
    const analysis = analyseTexts({
      'a.ts': [
        "import shim from '@asynchat/shim';",
        "import * as asyncore from '@asynchat/shim/asyncore';",
        "const { simple_producer: Producer } = require('@asynchat/shim/asynchat');",
        'const Alias = shim.async_chat;',
        'const values = [shim.default.loop, asyncore.socket_map, Producer, Alias, Math.max];',
        '',
      ].join('\n'),
    });
    const file = fileOf(analysis, 'a.ts');
    const array = file.sourceFile.getVariableDeclarationOrThrow('values').getInitializerOrThrow();
    const names = array.forEachChildAsArray().map((element) => analysis.resolveShimName(element));
    expect(names).toEqual(['loop', 'socket_map', 'simple_producer', 'async_chat', null]);
  });

  test('legacyClassOf answers for any class node; a class extending a non-legacy local class is not legacy', () => {
    const analysis = analyseTexts({
      'a.ts': "import { dispatcher } from '@asynchat/shim';\nclass Plain {}\nclass NotLegacy extends Plain {}\nconst Server = class extends dispatcher {};\n",
    });
    const file = fileOf(analysis, 'a.ts');
    expect(analysis.legacyClassOf(file.sourceFile.getClassOrThrow('NotLegacy'))).toBeNull();
    expect(file.classes.map((legacyClass) => [legacyClass.name, legacyClass.base])).toEqual([['Server', 'dispatcher']]);
    expect(analysis.legacyClassOf(file.classes[0]?.node as ClassDeclaration)).toBe(file.classes[0]);
  });

  test('the text prefilter parses only files that can reach the shim', () => {
    const analysis = analyseTexts({
      'legacy.ts': "import { async_chat } from '@asynchat/shim';\nexport class H extends async_chat {}\n",
      'user.ts': "import { H } from './legacy';\nexport class E extends H {}\n",
      'other.ts': "import { helper } from './helper';\nexport const x = helper();\n",
      'helper.ts': 'export function helper(): number { return 1; }\n',
      'comment.ts': '// async_chat everywhere, async_chat\nexport const y = 1;\n',
    });
    expect(analysis.stats).toEqual({ filesListed: 5, filesRead: 5, filesParsed: 2 });
    expect([...analysis.files.keys()].sort()).toEqual(['/virtual/project/legacy.ts', '/virtual/project/user.ts']);
    expect(analysis.project.getSourceFile('/virtual/project/other.ts')).toBeUndefined();
  });

  test('a module imported by a listed file is read and parsed for resolution, but only listed files are reported', () => {
    const texts: Record<string, string> = {
      'base.ts': "import { async_chat } from '@asynchat/shim';\nexport class Handler extends async_chat {}\n",
      'child.ts': "import { Handler } from './base';\nexport class Child extends Handler {}\n",
    };
    const analysis = analyseProject({ files: ['/virtual/project/child.ts'], readText: (path) => texts[path.slice('/virtual/project/'.length)] ?? null });
    expect([...analysis.files.keys()]).toEqual(['/virtual/project/child.ts']);
    expect(fileOf(analysis, 'child.ts').classes[0]?.chain).toEqual(['Child', 'Handler', 'async_chat']);
  });

  test('parse errors are recorded with 1-based positions', () => {
    const analysis = analyseTexts({ 'bad.ts': "import { loop } from '@asynchat/shim';\nloop(;\n" });
    const [error] = fileOf(analysis, 'bad.ts').parseErrors;
    expect(error).toEqual({ line: 2, column: 6, message: "')' expected." });
  });

  test('markers left by rewrite carry their rule and reason', () => {
    const analysis = analyseTexts({
      'm.ts': "import { async_chat } from '@asynchat/shim';\n// TODO(asynchat-migrate): dynamic-terminator: get_terminator is computed\nexport class H extends async_chat {}\n",
    });
    expect(fileOf(analysis, 'm.ts').markers).toEqual([{ line: 2, column: 1, rule: 'dynamic-terminator', reason: 'get_terminator is computed' }]);
  });

  test('cyclic imports and self-referencing re-exports terminate', () => {
    const analysis = analyseTexts({
      'a.ts': "export * from './b';\nexport { async_chat } from '@asynchat/shim';\n",
      'b.ts': "export * from './a';\nimport { async_chat } from './a';\nexport class Loop extends async_chat {}\n",
    });
    expect(fileOf(analysis, 'b.ts').classes[0]?.chain).toEqual(['Loop', 'async_chat']);
  });
});
