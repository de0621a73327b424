// @ts-check
// Settings: language, theme, how long a job is checked, and the price table behind
// the cost estimate.

import { $, el } from '../dom.js';
import { t, errorText } from '../i18n.js';

/** `system` follows prefers-color-scheme; `light` and `dark` override it. */
/** @param {import('../types/Theme').Theme | undefined} theme */
export function applyTheme(theme) {
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

/** @typedef {import('../types/SettingsView').SettingsView} SettingsView */

/**
 * @param {{ api: typeof import('../api.js'),
 *           catalog: import('../types/ModelSpec').ModelSpec[],
 *           onSaved: (next: SettingsView, before: SettingsView | null) => void }} deps
 */
export function mountSettings({ api, catalog, onSaved }) {
  const dialog = $('#settings');
  const status = $('#settings-status');
  const language = $('#settings-language');
  const theme = $('#settings-theme');
  const stopChecking = $('#settings-stop-checking');
  const currency = $('#prices-currency');
  const priceList = $('#prices');
  /** @type {SettingsView | null} */
  let saved = null;

  priceList.replaceChildren(...catalog.map((m, i) => el('div', { class: 'field price' },
    el('label', { for: `price-${i}`, text: t('prices.perSecond', { model: m.name }) }),
    el('input', { type: 'text', id: `price-${i}`, inputmode: 'decimal', autocomplete: 'off', 'data-model': m.name, class: 'short' }),
  )));

  /** @param {SettingsView} settings */
  function fill(settings) {
    saved = settings;
    language.value = settings.language ?? '';
    theme.value = settings.theme ?? 'system';
    currency.value = settings.currency ?? '';
    stopChecking.value = settings.stop_checking_after_minutes ?? '';
    priceList.querySelectorAll('input').forEach((/** @type {HTMLInputElement} */ input) => {
      input.value = String(settings.prices?.[input.dataset.model ?? ''] ?? '');
    });
  }

  $('#open-settings').addEventListener('click', () => {
    status.textContent = '';
    dialog.showModal();
    language.focus();
  });
  $('#settings-close').addEventListener('click', () => dialog.close());
  $('#settings-save').addEventListener('click', async () => {
    const minutes = stopChecking.value.trim() === '' ? null : Number(stopChecking.value);
    if (minutes !== null && !(Number.isInteger(minutes) && minutes >= 10 && minutes <= 1440)) {
      status.textContent = t('settings.stopCheckingInvalid');
      status.dataset.tone = 'error';
      stopChecking.focus();
      return;
    }
    /** @type {Record<string, number>} */
    const prices = {};
    for (const input of priceList.querySelectorAll('input')) {
      const text = input.value.trim().replace(',', '.');
      if (text === '') continue;
      const price = Number(text);
      if (!Number.isFinite(price) || price < 0) {
        status.textContent = t('prices.notANumber', { text: input.value });
        status.dataset.tone = 'error';
        input.focus();
        return;
      }
      prices[input.dataset.model] = price;
    }
    try {
      await api.setPrices(prices, currency.value);
      await api.setStopChecking(minutes);
      const before = saved;
      const next = await api.setAppearance(language.value || null, theme.value);
      fill(next);
      status.textContent = t('settings.saved');
      status.dataset.tone = 'ok';
      onSaved(next, before);
    } catch (error) {
      status.textContent = errorText(error);
      status.dataset.tone = 'error';
    }
  });

  return { fill };
}
