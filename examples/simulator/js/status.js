// The engine status badge in the top bar (#status).
import { $ } from './dom.js';

export function setStatus(state, text) {
  const el = $('#status');
  el.dataset.state = state;
  el.textContent = text ?? state;
}

/** Whether the engine has booted (the page is usable). */
export const isReady = () => !!$('#status').dataset.ready;

export function markReady() {
  $('#status').dataset.ready = 'true';
}
