/**
 * With type information (typescript-eslint's `parserOptions.projectService`), the rules ask
 * typescript-eslint's program the questions the module graph cannot answer (a computed base such
 * as `extends Timestamped(Handler)`, across files), instead of building a second program from the
 * tsconfig. The case is an editor's unsaved buffer: src/server.ts is empty on disk, and the text
 * linted under its name has the mixin class. typescript-eslint's program is built from that text,
 * so it can answer; a program built from the disk (check's, without type information) cannot.
 */
import { join, resolve } from 'node:path';
import { RuleTester, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { clearFindingsCache } from '@asynchat/codemod/rules';
import plugin from '../src/index';

const TYPED = resolve(__dirname, '../../../fixtures/eslint-plugin/typed');

function testerIn(directory: string, config: Linter.Config): RuleTester {
  const previous = process.cwd();
  process.chdir(directory);
  try {
    return new RuleTester(config);
  } finally {
    process.chdir(previous);
  }
}

const parser = tseslint.parser as Linter.Parser;
const typedTester = testerIn(TYPED, { languageOptions: { parser, parserOptions: { projectService: true, tsconfigRootDir: TYPED } } });
const untypedTester = testerIn(TYPED, { languageOptions: { parser } });

afterAll(() => clearFindingsCache());

const SERVER = "import { Handler } from './handler';\nimport { Timestamped } from './mixin';\n\nexport class Server extends Timestamped(Handler) {}\n";
const filename = join(TYPED, 'src', 'server.ts');

typedTester.run('legacy-subclass with projectService: a computed base across files, typed by typescript-eslint', plugin.rules['legacy-subclass'], {
  valid: [{ name: 'a mixin over a class that is not the shim', filename, code: "import { Timestamped } from './mixin';\nexport class Stamped extends Timestamped(Array) {}\n" }],
  invalid: [
    {
      name: 'Timestamped(Handler), Handler extends async_chat in another file',
      filename,
      code: SERVER,
      errors: [{ message: 'class Server descends from async_chat through its computed base class (resolved by the type checker); migrate with `asynchat-migrate rewrite src/server.ts`', line: 4, column: 14 }],
    },
  ],
});

untypedTester.run('legacy-subclass without type information: the checker reads the disk, where the class is not', plugin.rules['legacy-subclass'], {
  valid: [{ name: 'Timestamped(Handler) in an unsaved buffer', filename, code: SERVER }],
  invalid: [],
});
