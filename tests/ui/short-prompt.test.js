import { test } from 'node:test';
import assert from 'node:assert/strict';

import { shortPrompt } from '../../ui/short-prompt.js';

test('a short prompt is shown whole', () => {
  assert.equal(shortPrompt('  A paper boat at dusk '), 'A paper boat at dusk');
});

test('a long prompt keeps its first eight words and says it goes on', () => {
  assert.equal(
    shortPrompt('A paper boat drifting down a rainy street at dusk'),
    'A paper boat drifting down a rainy street…',
  );
});

test('a prompt without spaces is cut by characters', () => {
  const chinese = '一只纸船在黄昏时分顺着下雨的街道漂流而下，街灯倒映在水面上，远处传来电车的铃声，雨越下越大，行人撑着伞匆匆走过，孩子们在屋檐下看着';
  const short = shortPrompt(chinese);
  assert.equal(short.length, 61);
  assert.ok(short.endsWith('…'));
  assert.ok(chinese.startsWith(short.slice(0, 60)));
});
