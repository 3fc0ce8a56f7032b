/**
 * ESLint's RuleTester for each rule: valid and invalid cases (aliases, namespaces, require,
 * re-exports, a subclass chain across files, comment-only mentions, a local `loop`), with
 * typescript-eslint's parser for TypeScript and ESLint's default parser for JavaScript. The cases'
 * files live (or are named as if they lived) in fixtures/eslint-plugin/project, whose handler.ts,
 * legacy.ts and channel.ts are on disk for the imports to follow.
 */
import { join, resolve } from 'node:path';
import { RuleTester, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { clearFindingsCache, RULES } from '@asynchat/codemod/rules';
import plugin from '../src/index';

const PROJECT = resolve(__dirname, '../../../fixtures/eslint-plugin/project');
const file = (name: string): string => join(PROJECT, name);

/**
 * RuleTester's Linter takes the process's cwd when it is built; the rules analyse the project
 * under it and write paths relative to it, as `check` run there would. Built inside PROJECT, so
 * that the messages say `rewrite echo.ts`, then the cwd goes back.
 */
function testerIn(directory: string, config: Linter.Config): RuleTester {
  const previous = process.cwd();
  process.chdir(directory);
  try {
    return new RuleTester(config);
  } finally {
    process.chdir(previous);
  }
}

const typescriptTester = testerIn(PROJECT, { languageOptions: { parser: tseslint.parser as Linter.Parser } });
const javascriptTester = testerIn(PROJECT, {});

afterAll(() => clearFindingsCache());

describe('meta: one source of truth with check', () => {
  test.each(Object.entries(plugin.rules))('%s', (id, rule) => {
    const description = RULES[id as keyof typeof RULES];
    expect(description.id).toBe(id);
    expect(rule.meta?.docs?.description).toBe(description.summary);
    expect((rule.meta?.docs as { help?: string }).help).toBe(description.help);
    expect(rule.meta?.docs?.url).toBe(`https://github.com/asynchat-migrate/asynchat-migrate/blob/main/docs/rules.md#${id}`);
    expect(rule.meta?.messages).toEqual({ [id]: '{{ message }}' });
  });

  test('the recommended config turns on every rule under the @asynchat namespace', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(['legacy-api', 'legacy-import', 'legacy-loop', 'legacy-subclass', 'manual-marker']);
    expect(plugin.configs.recommended.plugins?.['@asynchat']).toBe(plugin);
    expect(plugin.configs.recommended.rules).toEqual(Object.fromEntries(Object.keys(plugin.rules).map((id) => [`@asynchat/${id}`, 'warn'])));
  });
});

describe('legacy-import', () => {
  const rule = plugin.rules['legacy-import'];
  typescriptTester.run('legacy-import (TypeScript)', rule, {
    valid: [
      { name: 'mentioned only in comments', filename: file('comments.ts'), code: "// was: import { async_chat } from '@asynchat/shim'\n/* async_chat, loop() */\nexport const x = 1;\n" },
      { name: 'a project class that descends from the shim is not a legacy import', filename: file('echo.ts'), code: "import { Handler } from './handler';\nexport const make = () => Handler;\n" },
      { name: 'a package other than the shim', filename: file('other.ts'), code: "import { EventEmitter } from 'node:events';\nexport const e = new EventEmitter();\n" },
    ],
    invalid: [
      {
        name: 'aliased',
        filename: file('aliased.ts'),
        code: "import { async_chat as Chat } from '@asynchat/shim';\nexport { Chat };\n",
        errors: [{ message: "imports async_chat as Chat from '@asynchat/shim'; migrate with `asynchat-migrate rewrite aliased.ts`", line: 1, column: 1 }],
      },
      {
        name: 'namespace, subpath',
        filename: file('namespace.ts'),
        code: "import * as asyncore from '@asynchat/shim/asyncore';\nexport const l = asyncore;\n",
        errors: [{ message: "imports asyncore (the whole module) from '@asynchat/shim/asyncore'; migrate with `asynchat-migrate rewrite namespace.ts`", line: 1, column: 1 }],
      },
      {
        name: 'through a local re-export module',
        filename: file('via-legacy.ts'),
        code: "export const a = 1;\nimport { async_chat } from './legacy';\nexport { async_chat };\n",
        errors: [{ message: "imports async_chat from './legacy' through legacy.ts, which re-exports @asynchat/shim; migrate with `asynchat-migrate rewrite via-legacy.ts`", line: 2, column: 1 }],
      },
      {
        name: 'a re-export statement',
        filename: file('reexport.ts'),
        code: "export { async_chat as Base } from '@asynchat/shim';\n",
        errors: [{ messageId: 'legacy-import', line: 1, column: 1 }],
      },
    ],
  });
  javascriptTester.run('legacy-import (JavaScript, default parser)', rule, {
    valid: [{ name: 'require of another package', filename: file('plain.cjs'), code: "const net = require('node:net');\nmodule.exports = net;\n" }],
    invalid: [
      {
        name: 'require with destructuring',
        filename: file('required.cjs'),
        code: "'use strict';\nconst { async_chat, loop } = require('@asynchat/shim');\nmodule.exports = { async_chat, loop };\n",
        errors: [{ message: "imports async_chat, loop from '@asynchat/shim'; migrate with `asynchat-migrate rewrite required.cjs`", line: 2, column: 1 }],
      },
    ],
  });
});

describe('legacy-subclass', () => {
  const rule = plugin.rules['legacy-subclass'];
  typescriptTester.run('legacy-subclass (TypeScript)', rule, {
    valid: [
      { name: 'a class with another base', filename: file('other-class.ts'), code: "import { EventEmitter } from 'node:events';\nexport class Bus extends EventEmitter {}\n" },
      { name: 'the shim named only in a comment', filename: file('comment-class.ts'), code: '// class Echo extends async_chat (before the migration)\nexport class Echo {}\n' },
    ],
    invalid: [
      {
        name: 'aliased base',
        filename: file('aliased-class.ts'),
        code: "import { async_chat as Chat } from '@asynchat/shim';\nexport class Echo extends Chat {}\n",
        errors: [{ message: 'class Echo extends async_chat; migrate with `asynchat-migrate rewrite aliased-class.ts`', line: 2, column: 14 }],
      },
      {
        name: 'namespace base',
        filename: file('namespace-class.ts'),
        code: "import * as asyncore from '@asynchat/shim/asyncore';\nexport class Server extends asyncore.dispatcher {}\n",
        errors: [{ message: 'class Server extends dispatcher; migrate with `asynchat-migrate rewrite namespace-class.ts`', line: 2, column: 14 }],
      },
      {
        name: 'a chain across files, without naming the shim',
        filename: file('echo.ts'),
        code: "import { Handler } from './handler';\n\nexport class Echo extends Handler {}\n",
        errors: [{ message: 'class Echo descends from async_chat through Handler (Handler in handler.ts); migrate with `asynchat-migrate rewrite echo.ts`', line: 3, column: 14 }],
      },
      {
        name: 'through a re-export module',
        filename: file('via-legacy-class.ts'),
        code: "import { async_chat } from './legacy';\nexport class Echo extends async_chat {}\n",
        errors: [{ messageId: 'legacy-subclass', line: 2, column: 14 }],
      },
    ],
  });
  javascriptTester.run('legacy-subclass (JavaScript, default parser)', rule, {
    valid: [],
    invalid: [
      {
        name: 'require of the module, then a member',
        filename: file('required-class.cjs'),
        code: "const asynchat = require('@asynchat/shim/asynchat');\nclass Echo extends asynchat.async_chat {}\nmodule.exports = Echo;\n",
        errors: [{ message: 'class Echo extends async_chat; migrate with `asynchat-migrate rewrite required-class.cjs`', line: 2, column: 7 }],
      },
    ],
  });
});

describe('legacy-loop', () => {
  const rule = plugin.rules['legacy-loop'];
  typescriptTester.run('legacy-loop (TypeScript)', rule, {
    valid: [
      { name: 'a local function called loop', filename: file('local-loop.ts'), code: 'function loop(): void {}\nloop();\n' },
      {
        name: 'a parameter called loop shadows the import',
        filename: file('shadowed-loop.ts'),
        code: "import { loop } from '@asynchat/shim';\nexport function run(loop: () => void): void {\n  loop();\n}\nexport { loop as shimLoop };\n",
      },
      { name: 'loop() only in a comment', filename: file('comment-loop.ts'), code: "// asyncore.loop() used to run here (@asynchat/shim)\nexport {};\n" },
    ],
    invalid: [
      {
        name: 'namespace member call',
        filename: file('ns-loop.ts'),
        code: "import * as asyncore from '@asynchat/shim/asyncore';\nasyncore.loop();\n",
        errors: [{ message: "loop() drives the shim's event loop; `asynchat-migrate rewrite ns-loop.ts` moves the server to startServer() and awaits it", line: 2, column: 1 }],
      },
      {
        name: 'socket_map through a re-export module',
        filename: file('socket-map.ts'),
        code: "import { socket_map } from './legacy';\nexport const size = socket_map.size;\n",
        errors: [{ messageId: 'legacy-loop', line: 2, column: 21 }],
      },
    ],
  });
  javascriptTester.run('legacy-loop (JavaScript, default parser)', rule, {
    valid: [],
    invalid: [
      {
        name: 'a renamed require binding',
        filename: file('run.cjs'),
        code: "const { loop: run, close_all } = require('@asynchat/shim');\nrun();\nclose_all();\n",
        errors: [
          { messageId: 'legacy-loop', line: 2, column: 1 },
          { messageId: 'legacy-loop', line: 3, column: 1 },
        ],
      },
    ],
  });
});

describe('legacy-api', () => {
  const rule = plugin.rules['legacy-api'];
  typescriptTester.run('legacy-api (TypeScript)', rule, {
    valid: [
      { name: 'push on an array', filename: file('words.ts'), code: "import type { HttpChannel } from './channel';\nexport function f(words: string[], c: HttpChannel | null): void {\n  words.push('x');\n  void c;\n}\n" },
    ],
    invalid: [
      {
        name: "another file's channel class, through an imported type",
        filename: file('request.ts'),
        code: "import type { HttpChannel } from './channel';\nexport function handle(channel: HttpChannel): void {\n  channel.set_terminator(2);\n}\n",
        errors: [
          {
            message:
              "channel.set_terminator() uses async_chat's API on HttpChannel (channel.ts), which breaks when HttpChannel leaves the shim; migrate them together with `asynchat-migrate rewrite channel.ts request.ts`",
            line: 3,
            column: 11,
          },
        ],
      },
    ],
  });
});

describe('manual-marker', () => {
  const rule = plugin.rules['manual-marker'];
  typescriptTester.run('manual-marker (TypeScript)', rule, {
    valid: [{ name: 'a TODO without a rule id', filename: file('todo.ts'), code: '// TODO asynchat-migrate: have a look\nexport {};\n' }],
    invalid: [
      {
        name: 'a marker left by rewrite, in a file that no longer imports the shim',
        filename: file('migrated.ts'),
        code: 'export class Peer {\n  // TODO(asynchat-migrate): manual-override: handle_read is overridden; port the read loop by hand\n  handle_read(): void {}\n}\n',
        errors: [
          {
            message: 'manual migration left by rewrite (manual-override): handle_read is overridden; port the read loop by hand; do it by hand, then delete the marker',
            line: 2,
            column: 3,
          },
        ],
      },
    ],
  });
});
