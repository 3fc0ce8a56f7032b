import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { typescript } from '../../src/analyse/typescript';
import { LEGACY_INTERNALS, SHIM_CHANNEL_METHODS, SHIM_INSTANCE_MEMBERS } from '../../src/analyse/shim-members';
import * as plannerMembers from '../../src/plan/legacy-members';
import { CHECK_RULE_IDS } from '../../src/report/rules';
import { check, FIXTURES, findingKeys, scratchRepository } from './support/run-check';

/** Runs check on a copy of a fixture in a scratch repository (no tsconfig above it), optionally without its tsconfig. */
async function keysOfCopy(fixture: string, options: { dropTsconfig?: boolean } = {}): Promise<Awaited<ReturnType<typeof findingKeys>>> {
  const repository = scratchRepository(fixture);
  try {
    if (options.dropTsconfig) rmSync(join(repository.root, 'tsconfig.json'));
    return await findingKeys(repository.root);
  } finally {
    repository.dispose();
  }
}

// The expected lists were written by hand from the fixtures (medusa's http_channel / http_request / default_handler shapes).
describe('legacy-api without a tsconfig: the module graph types the receivers', () => {
  test('parameters, fields, destructuring, for-of, new X(), JSDoc and import() types; not this file\'s own classes or async_chat under a shim import', async () => {
    const { exitCode, keys } = await keysOfCopy('legacy-api/no-tsconfig');
    expect(exitCode).toBe(1);
    expect(keys).toEqual([
      'channel.ts:1:1 legacy-import',
      'channel.ts:4:14 legacy-subclass',
      // request.channel.set_terminator(length), through HttpRequest's field typed with the imported class
      'default-handler.ts:6:19 legacy-api',
      // const { channel } = request: channel.ac_in_buffer and channel.close_when_done()
      'default-handler.ts:8:15 legacy-api',
      'default-handler.ts:8:48 legacy-api',
      // channel: HttpChannel -> channel.push(data); channel.found_terminator() is HttpChannel's own
      'default-handler.ts:12:11 legacy-api',
      // for (const channel of channels: readonly HttpChannel[]); more.push() is Array's
      'default-handler.ts:18:43 legacy-api',
      'imports-shim.ts:1:1 legacy-import',
      'imports-shim.ts:6:7 legacy-subclass',
      // new HttpChannel() from another file; Local (this file) and `other: async_chat` are covered above
      'imports-shim.ts:13:10 legacy-api',
      'imports-shim.ts:14:3 legacy-loop',
      'request.ts:11:18 legacy-api',
      'request.ts:15:18 legacy-api',
      'request.ts:16:18 legacy-api',
      // JavaScript: const channel = new HttpChannel(); this.channel = new HttpChannel() in a constructor
      'server.js:6:11 legacy-api',
      'server.js:16:18 legacy-api',
      // import('@asynchat/shim').async_chat without an import statement
      'shim-type-only.ts:3:11 legacy-api',
      // JavaScript: @param {import('./channel').HttpChannel} channel
      'status.js:8:11 legacy-api',
      // values exported by another module (new HttpChannel(), `HttpChannel | null`), and a JSDoc @type
      'uses-exported.mjs:5:6 legacy-api',
      'uses-exported.mjs:6:8 legacy-api',
      'uses-exported.mjs:10:8 legacy-api',
    ]);
  });

  test('names that match the API on values that are not channels are not reported', async () => {
    const { keys } = await keysOfCopy('legacy-api/no-tsconfig');
    // words.push, parts.push, map.clear, a local Queue's push / close, an object literal's, HttpRequest's own log(), console.log
    expect(keys.filter((key) => key.startsWith('unrelated.ts'))).toEqual([]);
    expect(keys.filter((key) => key.startsWith('status.js:10') || key.startsWith('default-handler.ts:21'))).toEqual([]);
  });

  test('the message names the member, the class and its file, and the rewrite of both files', async () => {
    const { findings } = await keysOfCopy('legacy-api/no-tsconfig');
    const medusa = findings.find((finding) => finding.file === 'default-handler.ts' && finding.line === 6);
    expect(medusa?.message).toBe(
      "request.channel.set_terminator() uses async_chat's API on HttpChannel (channel.ts), which breaks when HttpChannel leaves the shim; migrate them together with `asynchat-migrate rewrite channel.ts default-handler.ts`",
    );
    const read = findings.find((finding) => finding.file === 'default-handler.ts' && finding.line === 8);
    expect(read?.message).toMatch(/^channel\.ac_in_buffer uses/);
    const shimTyped = findings.find((finding) => finding.file === 'shim-type-only.ts');
    expect(shimTyped?.message).toContain("channel.close_when_done() uses async_chat's API from @asynchat/shim");
  });
});

describe('legacy-api with a tsconfig: the type checker types what the module graph cannot', () => {
  test('call results, Map values and callback parameters, in TypeScript and JavaScript; not Array, Map, an unrelated class, or the class\'s own method', async () => {
    const { keys } = await findingKeys(join(FIXTURES, 'legacy-api/with-tsconfig'));
    expect(keys).toEqual([
      'src/channel.ts:1:1 legacy-import',
      'src/channel.ts:4:14 legacy-subclass',
      // request: HttpRequest, an interface whose channel field is typed HttpChannel (module graph)
      'src/default-handler.ts:6:19 legacy-api',
      // lookup(id)?.push, channels.get(id)?.close_when_done, channels.forEach((channel) => channel.push(data))
      'src/default-handler.ts:10:15 legacy-api',
      'src/default-handler.ts:11:21 legacy-api',
      'src/default-handler.ts:12:41 legacy-api',
      // JavaScript: const channel = lookup(id); channel.push(...)
      'src/status.js:6:24 legacy-api',
    ]);
  });

  test('without the tsconfig, only what the module graph can type is reported (the checker found the rest)', async () => {
    const { keys } = await keysOfCopy('legacy-api/with-tsconfig', { dropTsconfig: true });
    expect(keys.filter((key) => key.endsWith('legacy-api'))).toEqual(['src/default-handler.ts:6:19 legacy-api']);
  });
});

describe('legacy-api in every output', () => {
  test('SARIF declares the rule and its results point at it; the baseline counts it and fails on a new use', async () => {
    const repository = scratchRepository('legacy-api/no-tsconfig');
    try {
      const sarifRun = await check(repository.root, ['--format', 'sarif']);
      const sarif = JSON.parse(sarifRun.stdout) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
      const run = sarif.runs[0];
      const apiResults = run?.results.filter((result) => result.ruleId === 'legacy-api') ?? [];
      expect(apiResults).toHaveLength(16);
      for (const result of apiResults) expect(run?.tool.driver.rules[result.ruleIndex]?.id).toBe('legacy-api');
      expect(CHECK_RULE_IDS).toContain('legacy-api');

      const github = await check(repository.root, ['--format', 'github']);
      expect(github.stdout).toContain('file=default-handler.ts,line=6,col=19,title=asynchat-migrate legacy-api::request.channel.set_terminator()');

      const baseline = join(repository.root, 'asynchat-baseline.tsv');
      expect((await check(repository.root, ['--baseline', baseline, '--update-baseline'])).exitCode).toBe(0);
      expect(readFileSync(baseline, 'utf8')).toContain('request.ts\tlegacy-api\t3\n');
      expect((await check(repository.root, ['--baseline', baseline])).exitCode).toBe(0);
      const requestFile = join(repository.root, 'request.ts');
      writeFileSync(requestFile, readFileSync(requestFile, 'utf8').replace('this.channel.close_when_done();', 'this.channel.close_when_done();\n    this.channel.discard_buffers();'));
      const rerun = await check(repository.root, ['--baseline', baseline]);
      expect(rerun.exitCode).toBe(1);
      expect(rerun.stdout).toContain('over the baseline: request.ts legacy-api 3 -> 4');
    } finally {
      repository.dispose();
    }
  });
});

describe("the member names come from one list: the shim's own classes", () => {
  test('every public member of async_chat, dispatcher and dispatcher_with_send is in SHIM_INSTANCE_MEMBERS, and nothing else', () => {
    const shimMembers = new Set<string>();
    for (const file of ['asynchat.ts', 'asyncore.ts']) {
      const path = join(__dirname, '../../../shim/src', file);
      const sourceFile = typescript.createSourceFile(path, readFileSync(path, 'utf8'), typescript.ScriptTarget.Latest, true);
      for (const statement of sourceFile.statements) {
        if (!typescript.isClassDeclaration(statement) || !['async_chat', 'dispatcher', 'dispatcher_with_send'].includes(statement.name?.text ?? '')) continue;
        for (const member of statement.members) {
          if (!member.name || typescript.isPrivateIdentifier(member.name) || typescript.isConstructorDeclaration(member)) continue;
          if (typescript.isIdentifier(member.name)) shimMembers.add(member.name.text);
        }
      }
    }
    // toString is every object's: a name match on it would mean nothing.
    shimMembers.delete('toString');
    expect([...shimMembers].sort()).toEqual([...SHIM_INSTANCE_MEMBERS].sort());
  });

  test("the planner's lists are the same objects, re-exported", () => {
    expect(plannerMembers.SHIM_CHANNEL_METHODS).toBe(SHIM_CHANNEL_METHODS);
    expect(plannerMembers.LEGACY_INTERNALS).toBe(LEGACY_INTERNALS);
  });
});
