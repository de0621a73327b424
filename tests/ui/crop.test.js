import { test } from 'node:test';
import assert from 'node:assert/strict';

import { focusForCentre, nudge, cropAt, frameCentre } from '../../ui/views/crop.js';

// A 4000×2000 photo cropped to 9:16: the frame can slide left and right only.
const prepared = { source_width: 4000, source_height: 2000, crop: { x: 1437, y: 0, width: 1125, height: 2000 } };
const chosen = (focusX, focusY = 0.5) => ({ prepared, focusX, focusY });

test('the frame goes where the user put its centre, and stops at the edges', () => {
  const [x] = focusForCentre(chosen(0.5), [0.5, 0.5]);
  assert.equal(x, 0.5);
  assert.equal(focusForCentre(chosen(0.5), [0, 0.5])[0], 0);
  assert.equal(focusForCentre(chosen(0.5), [1, 0.5])[0], 1);
  assert.equal(cropAt(chosen(0)).x, 0);
  assert.equal(cropAt(chosen(1)).x, 4000 - 1125);
});

test('an arrow key moves the frame a step, and not past the edge', () => {
  const [x] = nudge(chosen(0.5), { dx: 1, dy: 0 }, 0.05);
  assert.ok(x > 0.5 && x < 1);
  assert.equal(nudge(chosen(1), { dx: 1, dy: 0 }, 0.05), null, 'already at the right edge');
  // The frame fills the height: up and down cannot move it.
  assert.equal(nudge(chosen(0.5), { dx: 0, dy: -1 }, 0.05), null);
});

test('quick presses add up from where the frame was asked to be', () => {
  let focus = 0;
  for (let i = 0; i < 3; i += 1) [focus] = nudge(chosen(focus), { dx: 1, dy: 0 }, 0.05);
  const [once] = nudge(chosen(0), { dx: 1, dy: 0 }, 0.15);
  assert.ok(Math.abs(focus - once) < 1e-9);
});

test('the frame\'s centre is told in whole percent of the picture', () => {
  assert.deepEqual(frameCentre(prepared), [50, 50]);
  assert.deepEqual(frameCentre({ ...prepared, crop: { ...prepared.crop, x: 0 } }), [14, 50]);
});
