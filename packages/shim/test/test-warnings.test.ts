/**
 * The jest setup (scripts/jest/quiet-shim-deprecation.ts) keeps test output free of the shim's
 * DeprecationWarning and of nothing else: the filter drops that code in each of Node's call forms
 * and passes every other warning through unchanged, and it is installed: a spy on
 * process.emitWarning (how a test asserts the warning) still sees the shim's call.
 */
import * as asyncore from '@asynchat/shim/asyncore';
import { withoutShimDeprecation } from '../../../scripts/jest/quiet-shim-deprecation';

const shimWarning = 'Handler runs on @asynchat/shim';

test.each<[string, unknown[]]>([
  ['an options object', [shimWarning, { type: 'DeprecationWarning', code: 'ASYNCHAT_SHIM' }]],
  ['a positional code', [shimWarning, 'DeprecationWarning', 'ASYNCHAT_SHIM']],
  ['an Error with a code', [Object.assign(new Error(shimWarning), { name: 'DeprecationWarning', code: 'ASYNCHAT_SHIM' })]],
])('the shim’s DeprecationWarning given as %s is dropped', (_form, args) => {
  const emitted: unknown[][] = [];
  withoutShimDeprecation((...passed) => void emitted.push(passed))(...args);
  expect(emitted).toEqual([]);
});

test.each<[string, unknown[]]>([
  ['an options object', ['other deprecation', { type: 'DeprecationWarning', code: 'DEP0005' }]],
  ['a positional code', ['other deprecation', 'DeprecationWarning', 'DEP0005']],
  ['no code', ['plain warning']],
  ['an Error', [Object.assign(new Error('other'), { code: 'OTHER' })]],
])('another warning given as %s passes through unchanged', (_form, args) => {
  const emitted: unknown[][] = [];
  withoutShimDeprecation((...passed) => void emitted.push(passed))(...args);
  expect(emitted).toEqual([args]);
});

test('it is installed under jest, and a spy on process.emitWarning still sees the shim’s call', () => {
  expect(process.emitWarning.name).toBe('emitWarningExceptShimDeprecation');
  const spy = jest.spyOn(process, 'emitWarning');
  try {
    class QuietHandler extends asyncore.dispatcher {}
    new QuietHandler(null, new Map());
    expect(spy).toHaveBeenCalledWith(expect.stringContaining('QuietHandler runs on @asynchat/shim'), {
      type: 'DeprecationWarning',
      code: 'ASYNCHAT_SHIM',
    });
  } finally {
    spy.mockRestore();
  }
});
