import * as streams from '@asynchat/streams';

test('workspace imports resolve to package sources', () => {
  expect(typeof streams).toBe('object');
});
