// The "New video" form: reads what the user chose and says what is missing.

import { $ } from '../dom.js';

export function readForm(form) {
  const data = new FormData(form);
  return {
    prompt: String(data.get('prompt') ?? '').trim(),
    model: String(data.get('model')),
    seconds: String(data.get('seconds')),
    size: String(data.get('size')),
  };
}

export function problemWith(request) {
  if (!request.prompt) return { field: 'prompt', message: 'Type a prompt first: describe the video you want.' };
  return null;
}

export function mountForm({ onSubmit }) {
  const form = $('#compose-form');
  const prompt = $('#prompt');
  const counter = $('#prompt-count');
  const status = $('#form-status');

  const updateCount = () => {
    const n = prompt.value.length;
    counter.textContent = n === 1 ? '1 character' : `${n} characters`;
  };
  prompt.addEventListener('input', () => {
    updateCount();
    prompt.removeAttribute('aria-invalid');
  });
  updateCount();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const request = readForm(form);
    const problem = problemWith(request);
    if (problem) {
      showStatus(status, problem.message, 'error');
      const field = $(`#${problem.field}`);
      field.setAttribute('aria-invalid', 'true');
      field.focus();
      return;
    }
    onSubmit(request, (message, tone) => showStatus(status, message, tone));
  });

  return {
    // "Run again": the same settings, ready to change or send.
    fill(job) {
      prompt.value = job.prompt;
      form.elements.model.value = job.model;
      form.querySelector(`input[name="seconds"][value="${CSS.escape(job.seconds)}"]`)?.click();
      form.querySelector(`input[name="size"][value="${CSS.escape(job.size)}"]`)?.click();
      updateCount();
      prompt.focus();
    },
  };
}

function showStatus(node, message, tone = 'info') {
  node.textContent = message;
  node.dataset.tone = tone;
}
