/**
 * Runs the asynchat-migrate CLI from its TypeScript sources in a real process (no build needed):
 * `.ts` files are compiled on require with @swc/core, as jest does. The hardening tests need a real
 * process for what an in-process run cannot show: a terminal, signals, a SIGKILL, another user.
 *
 * ASYNCHAT_TEST_KILL_AT=<operation>:<n>[:<signal>] sends the process a signal (default SIGKILL)
 * right before the n-th call of that fs/promises operation (open, writeFile, sync, rename), counted
 * across the whole process: the fault injection of the write-phase tests, done from outside the
 * code under test. A catchable signal is given time to be handled before the operation goes on.
 */
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const compile = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
Module._extensions['.ts'] = compile;

const killAt = process.env.ASYNCHAT_TEST_KILL_AT;
if (killAt) {
  const [operation, countText, signal = 'SIGKILL'] = killAt.split(':');
  let calls = 0;
  const countCall = async () => {
    calls += 1;
    if (calls !== Number(countText)) return;
    process.kill(process.pid, signal);
    await new Promise((resolve) => setTimeout(resolve, 500));
  };
  const promises = require('node:fs/promises');
  if (operation === 'writeFile' || operation === 'sync') {
    // writeFile and sync are FileHandle methods: wrap the handles open() returns.
    const open = promises.open;
    promises.open = async (...args) => {
      const handle = await open(...args);
      const original = handle[operation].bind(handle);
      handle[operation] = async (...rest) => {
        await countCall();
        return original(...rest);
      };
      return handle;
    };
  } else {
    const original = promises[operation];
    promises[operation] = async (...args) => {
      await countCall();
      return original(...args);
    };
  }
}

const { main } = require(join(__dirname, '../../../src/cli/main.ts'));
const { processIo } = require(join(__dirname, '../../../src/cli/io.ts'));
main(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
