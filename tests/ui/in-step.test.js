import { test } from 'node:test';
import assert from 'node:assert/strict';

import { inStep, leadIndex, clock, DRIFT_S } from '../../ui/in-step.js';

test('a take that drifted is moved to the lead, one within the drift is left alone', () => {
  assert.deepEqual(
    inStep(3, [{ time: 3 + DRIFT_S / 2, duration: 8 }, { time: 2, duration: 8 }]),
    [null, 3],
  );
});

test('a shorter take that has ended stays at its end', () => {
  assert.deepEqual(inStep(6, [{ time: 4, duration: 4 }, { time: 1, duration: 4 }]), [null, 4]);
});

test('a take whose length is not known yet follows the lead', () => {
  assert.deepEqual(inStep(2, [{ time: 0, duration: NaN }]), [2]);
});

test('the longest take leads, the first while none knows its length', () => {
  assert.equal(leadIndex([4, 8, 6]), 1);
  assert.equal(leadIndex([NaN, NaN]), 0);
  assert.equal(leadIndex([NaN, 4]), 1);
});

test('times read as minutes and seconds', () => {
  assert.equal(clock(7.9), '0:07');
  assert.equal(clock(65), '1:05');
  assert.equal(clock(NaN), '0:00');
});
