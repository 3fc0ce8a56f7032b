#!/usr/bin/env node
// Generates a synthetic TypeScript codebase for the check and rewrite benchmarks:
//   node scripts/corpus/generate.mjs --out DIR --files N --legacy-percent P --seed S
// N files of about 55 lines in 20 directories; P% of them use @asynchat/shim in varied forms
// (named, aliased and namespace imports, require, a dispatcher server with loop(), and subclasses of
// another file's handler that never name the shim). The same seed gives the same bytes.
// Writes DIR/corpus.json: per legacy file, its form and the findings `check` must report.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    files: { type: 'string', default: '2000' },
    'legacy-percent': { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    directories: { type: 'string', default: '20' },
  },
  strict: true,
});
if (!values.out) {
  console.error('usage: generate.mjs --out DIR --files N --legacy-percent P --seed S');
  process.exit(2);
}
const fileCount = Number(values.files);
const legacyPercent = Number(values['legacy-percent']);
const directoryCount = Number(values.directories);
for (const [name, value] of [['--files', fileCount], ['--legacy-percent', legacyPercent], ['--seed', Number(values.seed)], ['--directories', directoryCount]]) {
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a whole number, got ${JSON.stringify(values[name.slice(2)])}`);
    process.exit(2);
  }
}

// mulberry32: a small deterministic PRNG (the output must not depend on Math.random).
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const next = random(Number(values.seed));
const pick = (list) => list[Math.floor(next() * list.length)];

const terminators = [String.raw`'\r\n'`, String.raw`'\n'`, String.raw`'\0'`];
const nouns = ['Echo', 'Line', 'Chat', 'Relay', 'Proxy', 'Command', 'Status', 'Ledger', 'Gossip', 'Ticker'];

function handlerBody(className, base, terminator) {
  return [
    `export class ${className} extends ${base} {`,
    '  private readonly incoming: Buffer[] = [];',
    '  private messages = 0;',
    '',
    '  constructor(socket: unknown) {',
    '    super(socket);',
    `    this.set_terminator(${terminator});`,
    '  }',
    '',
    '  collect_incoming_data(data: Buffer): void {',
    '    this.incoming.push(data);',
    '  }',
    '',
    '  found_terminator(): void {',
    "    const message = Buffer.concat(this.incoming).toString('utf8');",
    '    this.incoming.length = 0;',
    '    this.messages += 1;',
    '    if (message === "QUIT") {',
    "      this.push(Buffer.from('BYE\\r\\n'));",
    '      this.close_when_done();',
    '      return;',
    '    }',
    '    this.push(Buffer.from(`${this.messages} ${message.toUpperCase()}\\r\\n`));',
    '  }',
    '',
    '  handle_close(): void {',
    '    this.close();',
    '  }',
    '}',
  ];
}

function helperLines(index, count) {
  const lines = [];
  // Whole functions only (6 lines each), so every file parses.
  for (let helper = 0; lines.length + 6 <= count; helper += 1) {
    lines.push(
      '',
      `export function transform${index}_${helper}(values: readonly number[]): number[] {`,
      '  const result: number[] = [];',
      `  for (const value of values) result.push(value * ${helper + 2} + ${index % 7});`,
      '  return result;',
      '}',
    );
  }
  return lines;
}

/** Legacy forms, with the findings check reports and whether ast-grep's syntactic rules can see them. */
const forms = {
  named(index) {
    const name = `${pick(nouns)}Handler${index}`;
    return { lines: ["import { async_chat } from '@asynchat/shim';", '', ...handlerBody(name, 'async_chat', pick(terminators))], name, imports: 1, subclasses: 1, syntacticSubclasses: 1, loops: 0 };
  },
  aliased(index) {
    const name = `${pick(nouns)}Handler${index}`;
    return { lines: ["import { async_chat as Chat } from '@asynchat/shim/asynchat';", '', ...handlerBody(name, 'Chat', pick(terminators))], name, imports: 1, subclasses: 1, syntacticSubclasses: 0, loops: 0 };
  },
  namespace(index) {
    const name = `${pick(nouns)}Handler${index}`;
    return { lines: ["import * as asynchat from '@asynchat/shim/asynchat';", '', ...handlerBody(name, 'asynchat.async_chat', pick(terminators))], name, imports: 1, subclasses: 1, syntacticSubclasses: 1, loops: 0 };
  },
  require(index) {
    const name = `${pick(nouns)}Handler${index}`;
    return { lines: ["const { async_chat } = require('@asynchat/shim');", '', ...handlerBody(name, 'async_chat', pick(terminators))], name, imports: 1, subclasses: 1, syntacticSubclasses: 1, loops: 0 };
  },
  server(index) {
    const name = `Echo${index}`;
    const lines = [
      "import { async_chat, dispatcher, loop } from '@asynchat/shim';",
      '',
      ...handlerBody(name, 'async_chat', String.raw`'\n'`).slice(0, 14),
      "    const message = Buffer.concat(this.incoming).toString('utf8');",
      '    this.incoming.length = 0;',
      '    this.push(Buffer.from(message + "\\n"));',
      '  }',
      '}',
      '',
      `export class Server${index} extends dispatcher {`,
      '  handle_accepted(socket: unknown): void {',
      `    new ${name}(socket);`,
      '  }',
      '}',
      '',
      'export function main(port: number): void {',
      `  const server = new Server${index}();`,
      "  server.create_socket();",
      "  server.bind(['127.0.0.1', port]);",
      '  server.listen(5);',
      '  loop();',
      '}',
    ];
    return { lines, name, imports: 1, subclasses: 2, syntacticSubclasses: 2, loops: 1 };
  },
};

rmSync(values.out, { recursive: true, force: true });
mkdirSync(values.out, { recursive: true });
const legacyFiles = Math.round((fileCount * legacyPercent) / 100);
// Spread legacy files evenly (deterministically shuffled) over the corpus.
const order = Array.from({ length: fileCount }, (_, index) => index);
for (let index = order.length - 1; index > 0; index -= 1) {
  const other = Math.floor(next() * (index + 1));
  [order[index], order[other]] = [order[other], order[index]];
}
const legacySet = new Set(order.slice(0, legacyFiles));
const pathOf = (index) => join(`module${String(index % directoryCount).padStart(2, '0')}`, `file${String(index).padStart(5, '0')}.ts`);
const importPath = (from, to) => {
  const fromDirectory = pathOf(from).split('/')[0];
  const [toDirectory, toFile] = pathOf(to).split('/');
  return fromDirectory === toDirectory ? `./${toFile.replace(/\.ts$/, '.js')}` : `../${toDirectory}/${toFile.replace(/\.ts$/, '.js')}`;
};

const manifest = { seed: Number(values.seed), files: fileCount, legacyPercent, legacy: [] };
const legacyHandlers = []; // [index, className] of legacy files with a handler to subclass
const plainFiles = [];
for (let index = 0; index < fileCount; index += 1) {
  const path = pathOf(index);
  mkdirSync(join(values.out, path.split('/')[0]), { recursive: true });
  let lines;
  if (legacySet.has(index)) {
    // One legacy file in eight subclasses another file's handler without naming the shim at all.
    if (legacyHandlers.length > 0 && next() < 0.125) {
      const [baseIndex, baseName] = pick(legacyHandlers);
      const name = `Derived${index}`;
      lines = [
        `import { ${baseName} } from '${importPath(index, baseIndex)}';`,
        '',
        `export class ${name} extends ${baseName} {`,
        '  override found_terminator(): void {',
        '    super.found_terminator();',
        '  }',
        '}',
        ...helperLines(index, 46),
      ];
      manifest.legacy.push({ path, form: 'subclass-of-local', imports: 0, subclasses: 1, syntacticSubclasses: 0, loops: 0 });
    } else {
      const formName = pick(['named', 'named', 'aliased', 'namespace', 'require', 'server']);
      const form = forms[formName](index);
      lines = [...form.lines, ...helperLines(index, Math.max(0, 55 - form.lines.length))];
      if (formName !== 'server') legacyHandlers.push([index, form.name]);
      manifest.legacy.push({ path, form: formName, imports: form.imports, subclasses: form.subclasses, syntacticSubclasses: form.syntacticSubclasses, loops: form.loops });
    }
  } else {
    lines = [];
    // Plain files import one or two earlier plain files, as application code does.
    const imports = plainFiles.length === 0 ? [] : [pick(plainFiles), pick(plainFiles)].filter((value, position, all) => all.indexOf(value) === position);
    for (const other of imports) lines.push(`import { transform${other}_0 } from '${importPath(index, other)}';`);
    // A few mention async_chat in a comment: text that must not produce findings.
    if (next() < 0.05) lines.push('// Migrated from an async_chat handler last year.');
    lines.push(
      '',
      `export class Service${index} {`,
      '  private readonly cache = new Map<string, number>();',
      '',
      '  lookup(key: string): number | undefined {',
      '    return this.cache.get(key);',
      '  }',
      '',
      '  store(key: string, value: number): void {',
      `    this.cache.set(key, value${imports.length > 0 ? ` + transform${imports[0]}_0([value]).length` : ''});`,
      '  }',
      '}',
    );
    lines.push(...helperLines(index, 55 - lines.length));
    plainFiles.push(index);
  }
  writeFileSync(join(values.out, path), `${lines.join('\n')}\n`);
}
writeFileSync(
  join(values.out, 'tsconfig.json'),
  `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'Node16', moduleResolution: 'Node16', strict: true, noEmit: true }, include: ['**/*.ts'] }, null, 2)}\n`,
);
writeFileSync(join(values.out, 'corpus.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const totals = manifest.legacy.reduce((sum, entry) => ({ imports: sum.imports + entry.imports, subclasses: sum.subclasses + entry.subclasses, syntacticSubclasses: sum.syntacticSubclasses + entry.syntacticSubclasses, loops: sum.loops + entry.loops }), { imports: 0, subclasses: 0, syntacticSubclasses: 0, loops: 0 });
console.log(JSON.stringify({ out: values.out, files: fileCount, legacyFiles: manifest.legacy.length, ...totals }));
