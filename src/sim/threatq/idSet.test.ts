import assert from 'node:assert/strict';
import test from 'node:test';
import fc from 'fast-check';
import { SortedIdSet } from './idSet.ts';

test('SortedIdSet behaves like a Set kept in ascending order', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 200 })), { maxLength: 300 }), (ops) => {
      const set = new SortedIdSet(1);
      const model = new Set<number>();
      for (const [add, id] of ops) {
        assert.equal(add ? set.add(id) : set.delete(id), add ? !model.has(id) : model.has(id));
        if (add) model.add(id);
        else model.delete(id);
      }
      assert.deepEqual([...set.view()], [...model].sort((a, b) => a - b));
      for (let id = 1; id <= 200; id++) assert.equal(set.has(id), model.has(id));
    }),
  );
});
