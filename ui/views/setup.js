// @ts-check
// Adding or editing a gateway profile: address, key, name. The key field is
// write-only: the UI is told at most the key's last four characters.

import { $ } from '../dom.js';
import { t, errorText } from '../i18n.js';

const KEYCHAIN_PROBLEMS = new Set(['keychain_unavailable', 'keychain_locked']);

/** @typedef {import('../types/ProfileView').ProfileView} ProfileView */

/**
 * @param {{ save: typeof import('../api.js')['saveProfile'], remove: typeof import('../api.js')['deleteProfile'],
 *           test: typeof import('../api.js')['testConnection'], useDemo: typeof import('../api.js')['useDemoGateway'],
 *           onDone: (profiles: ProfileView[] | null) => void }} deps
 */
export function mountSetup({ save, remove, test, useDemo, onDone }) {
  const form = $('#setup-form');
  const status = $('#setup-status');
  const sessionOnly = $('#setup-session-only');
  const cancel = $('#setup-cancel');
  const del = $('#setup-delete');
  /** @type {ProfileView | null} */
  let editing = null;

  const say = (/** @type {string} */ message, tone = 'info') => {
    status.textContent = message;
    status.dataset.tone = tone;
  };

  /** @returns {import('../types/ProfileDraft').ProfileDraft} */
  const draft = () => ({
    name: $('#setup-name').value,
    base_url: $('#setup-url').value,
    default_model: editing?.default_model ?? '',
    proxy: $('#setup-proxy').value,
    ca_file: $('#setup-ca-file').value,
    request_style: { sizes: $('#setup-sizes').value, extras: $('#setup-extras').value },
  });

  // What the automatic choice does for this gateway, in plain words. The two signs
  // that are not a product's name are kept in English in the profile: worded here.
  /** @type {Record<string, string>} */
  const SIGNS = {
    "nothing identified the gateway; the format's own style": 'style.by.nothing',
    'its answers give sizes in pixels': 'style.by.echo',
  };
  const styleHint = (/** @type {ProfileView | null} */ profile) => {
    const found = profile?.detected_style;
    $('#setup-style-hint').textContent = found
      ? t('style.hint.detected', {
        by: SIGNS[found.by] ? t(SIGNS[found.by]) : found.by,
        sizes: t(found.pixels ? 'style.pixels' : 'style.ratio'),
        extras: t(found.metadata ? 'style.inMetadata' : 'style.asFields'),
      })
      : t('style.hint.unknown');
  };

  const submit = async (/** @type {boolean} */ keepForSessionOnly) => {
    say(t('setup.saving'));
    try {
      const profiles = await save({
        id: editing?.id ?? null,
        draft: draft(),
        apiKey: $('#setup-key').value,
        sessionOnly: keepForSessionOnly,
      });
      $('#setup-key').value = '';
      onDone(profiles);
    } catch (error) {
      say(errorText(error), 'error');
      sessionOnly.hidden = !KEYCHAIN_PROBLEMS.has(/** @type {import('../types/AppError').AppError} */ (error).code);
    }
  };

  form.addEventListener('submit', (/** @type {SubmitEvent} */ event) => {
    event.preventDefault();
    submit(false);
  });
  sessionOnly.addEventListener('click', () => submit(true));
  $('#setup-test').addEventListener('click', async () => {
    say(t('setup.testing'));
    try {
      const report = await test({ id: editing?.id ?? null, draft: draft(), apiKey: $('#setup-key').value });
      say(t('setup.connected', { host: report.host, ms: report.latency_ms }), 'ok');
    } catch (error) {
      say(errorText(error), 'error');
    }
  });
  $('#use-demo').addEventListener('click', async () => {
    say(t('setup.demoStarting'));
    try {
      onDone(await useDemo());
    } catch (error) {
      say(errorText(error), 'error');
    }
  });
  cancel.addEventListener('click', () => onDone(null));
  del.addEventListener('click', async () => {
    try {
      if (editing) onDone(await remove(editing.id));
    } catch (error) {
      say(errorText(error), 'error');
    }
  });

  return {
    // `profile` null: add a new gateway; `firstRun`: nothing to go back to.
    /**
     * @param {ProfileView | null} profile
     * @param {{ firstRun: boolean }} options
     */
    open(profile, { firstRun }) {
      editing = profile;
      form.reset();
      say('');
      sessionOnly.hidden = true;
      cancel.hidden = firstRun;
      del.hidden = !profile;
      $('#setup-title').textContent = profile ? t('setup.title.edit', { name: profile.name }) : t(firstRun ? 'setup.title.first' : 'setup.title.add');
      $('#setup-intro').hidden = !firstRun;
      $('#demo-offer').hidden = Boolean(profile);
      $('#setup-save').textContent = t(firstRun ? 'setup.save.first' : 'setup.save');
      if (profile) {
        $('#setup-url').value = profile.base_url;
        $('#setup-name').value = profile.name;
        $('#setup-proxy').value = profile.proxy ?? '';
        $('#setup-ca-file').value = profile.ca_file ?? '';
        $('#setup-network').open = Boolean(profile.proxy || profile.ca_file);
        $('#setup-sizes').value = profile.request_style?.sizes ?? 'auto';
        $('#setup-extras').value = profile.request_style?.extras ?? 'auto';
        $('#setup-style').open = profile.request_style?.sizes !== 'auto' || profile.request_style?.extras !== 'auto';
        $('#setup-key').placeholder = profile.key.saved
          ? t('setup.key.saved', { last4: profile.key.last4 })
          : 'sk-…';
      } else {
        $('#setup-key').placeholder = 'sk-…';
      }
      styleHint(profile);
      $('#setup-url').focus();
    },
  };
}
