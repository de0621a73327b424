import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useStrings } from '../../ui/i18n.js';
import { orientation, sizeLabel, problems, resolutionProblem, secondsHint } from '../../ui/views/choices.js';
import { strings } from './strings.js';

// As the catalog sends Veo 3.1 (gateway/catalog.rs).
const veo = {
  name: 'veo3.1',
  seconds: [4, 6, 8],
  sizes: ['16:9', '9:16'],
  resolutions: ['720p', '1080p'],
  high_resolution_seconds: [8],
};

test('ratios and pixel sizes both say which way the picture goes', () => {
  assert.equal(orientation('16:9'), 'landscape');
  assert.equal(orientation('720x1280'), 'portrait');
  assert.equal(orientation('1080×1920'), 'portrait');
  assert.equal(orientation('1:1'), 'square');
  assert.equal(orientation('nonsense'), 'square');
});

test('a size is labelled with its orientation in the user\'s language', () => {
  useStrings(strings('en'));
  assert.equal(sizeLabel('9:16'), '9:16 Portrait');
  useStrings(strings('en'), strings('zh-CN'));
  assert.equal(sizeLabel('9:16'), '9:16 竖屏');
});

test('what a model cannot make is said per field, with what it can', () => {
  useStrings(strings('en'));
  assert.deepEqual(problems(veo, '8', '16:9'), {});
  const found = problems(veo, '5', '1:1');
  assert.match(found.seconds, /4, 6 or 8/);
  assert.match(found.size, /16:9 or 9:16/);
});

test('1080p is refused below 8 s, and 720p never is', () => {
  useStrings(strings('en'));
  assert.equal(resolutionProblem(veo, '8', '1080p'), null);
  assert.equal(resolutionProblem(veo, '4', '720p'), null);
  assert.match(resolutionProblem(veo, '4', '1080p'), /8/);
});

test('the shortest and longest lengths get their own hints', () => {
  useStrings(strings('en'));
  const hints = ['4', '6', '8'].map((s) => secondsHint(veo, s));
  assert.equal(new Set(hints).size, 3);
});
