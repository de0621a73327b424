import { test } from 'node:test';
import assert from 'node:assert/strict';

import { useStrings, t, orList, problemText, problemParts, errorText, languageFor } from '../../ui/i18n.js';
import { strings } from './strings.js';

const english = strings('en');
const chinese = strings('zh-CN');

test('a system language of any Chinese variant gives Chinese, anything else English', () => {
  assert.equal(languageFor('zh-TW'), 'zh-CN');
  assert.equal(languageFor('ZH'), 'zh-CN');
  assert.equal(languageFor('de-DE'), 'en');
  assert.equal(languageFor(undefined), 'en');
});

test('placeholders are filled and a missing value stays visible', () => {
  useStrings(english);
  assert.equal(t('seconds.label', { n: 8 }), '8 s');
  useStrings({ greeting: 'Hello {name}, {missing}' });
  assert.equal(t('greeting', { name: 'Ada' }), 'Hello Ada, {missing}');
});

test('a string missing in Chinese falls back to English, then to its key', () => {
  useStrings({ only: 'English only' }, {});
  assert.equal(t('only'), 'English only');
  assert.equal(t('nowhere'), 'nowhere');
});

test('lists read naturally in each language', () => {
  useStrings(english);
  assert.equal(orList(['4', '6', '8']), '4, 6 or 8');
  assert.equal(orList(['8']), '8');
  useStrings(english, chinese);
  assert.equal(orList(['4', '6', '8']), '4、6或8');
});

test('a problem is our sentence plus the gateway\'s own words, quoted', () => {
  useStrings(english);
  const blocked = { text: 'blocked_unexplained', params: {}, server_text: 'PUBLIC_ERROR_MINOR' };
  const { sentence, said } = problemParts(blocked);
  assert.ok(sentence.length > 0 && !sentence.includes('{'));
  assert.match(said, /PUBLIC_ERROR_MINOR/);
  assert.equal(problemText(blocked), `${sentence} ${said}`);
});

test('a nested problem and a text parameter are worded too', () => {
  useStrings({
    'problem.outer': 'Stopped {doing}: {why}',
    'problem.checking': 'checking the job',
    'problem.inner': 'the gateway is down',
  });
  const problem = { text: 'outer', params: { doing: { text: 'checking' }, why: { problem: { text: 'inner' } } } };
  assert.equal(problemText(problem), 'Stopped checking the job: the gateway is down');
});

test('an unknown problem names its code instead of showing nothing', () => {
  useStrings(english);
  const text = problemText({ text: 'from_a_newer_version', params: {} });
  assert.match(text, /from_a_newer_version/);
});

test('errors that are not problems still read as text', () => {
  useStrings(english);
  assert.equal(errorText('plain words'), 'plain words');
  assert.equal(errorText({ code: 'io', message: 'disk full' }), 'disk full');
});
