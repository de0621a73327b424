// Adding or editing a gateway profile: address, key, name. The key field is
// write-only: the UI is told at most the key's last four characters.

import { $ } from '../dom.js';

const KEYCHAIN_PROBLEMS = new Set(['keychain_unavailable', 'keychain_locked']);

export function mountSetup({ save, remove, test, useDemo, onDone }) {
  const form = $('#setup-form');
  const status = $('#setup-status');
  const sessionOnly = $('#setup-session-only');
  const cancel = $('#setup-cancel');
  const del = $('#setup-delete');
  let editing = null;

  const say = (message, tone = 'info') => {
    status.textContent = message;
    status.dataset.tone = tone;
  };

  const draft = () => ({
    name: $('#setup-name').value,
    baseUrl: $('#setup-url').value,
    defaultModel: editing?.defaultModel ?? '',
    proxy: $('#setup-proxy').value,
    caFile: $('#setup-ca-file').value,
  });

  const submit = async (keepForSessionOnly) => {
    say('Saving…');
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
      say(error.message, 'error');
      sessionOnly.hidden = !KEYCHAIN_PROBLEMS.has(error.code);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit(false);
  });
  sessionOnly.addEventListener('click', () => submit(true));
  $('#setup-test').addEventListener('click', async () => {
    say('Testing the connection…');
    try {
      const report = await test({ id: editing?.id ?? null, draft: draft(), apiKey: $('#setup-key').value });
      say(`Connected to ${report.host} in ${report.latencyMs} ms. The key was accepted.`, 'ok');
    } catch (error) {
      say(error.message, 'error');
    }
  });
  $('#use-demo').addEventListener('click', async () => {
    say('Starting the demo gateway…');
    try {
      onDone(await useDemo());
    } catch (error) {
      say(error.message, 'error');
    }
  });
  cancel.addEventListener('click', () => onDone(null));
  del.addEventListener('click', async () => {
    try {
      onDone(await remove(editing.id));
    } catch (error) {
      say(error.message, 'error');
    }
  });

  return {
    // `profile` null: add a new gateway; `firstRun`: nothing to go back to.
    open(profile, { firstRun }) {
      editing = profile;
      form.reset();
      say('');
      sessionOnly.hidden = true;
      cancel.hidden = firstRun;
      del.hidden = !profile;
      $('#setup-title').textContent = profile ? `Edit “${profile.name}”` : (firstRun ? 'Connect to your video gateway' : 'Add a gateway');
      $('#setup-intro').hidden = !firstRun;
      $('#demo-offer').hidden = Boolean(profile);
      $('#setup-save').textContent = firstRun ? 'Save and continue' : 'Save';
      if (profile) {
        $('#setup-url').value = profile.baseUrl;
        $('#setup-name').value = profile.name;
        $('#setup-proxy').value = profile.proxy ?? '';
        $('#setup-ca-file').value = profile.caFile ?? '';
        $('#setup-network').open = Boolean(profile.proxy || profile.caFile);
        $('#setup-key').placeholder = profile.key.saved
          ? `Saved key ends in …${profile.key.last4}. Leave empty to keep it.`
          : 'sk-…';
      } else {
        $('#setup-key').placeholder = 'sk-…';
      }
      $('#setup-url').focus();
    },
  };
}
