/** Parsing of WebSocket frames from a page: untrusted JSON in, a `ClientFrame` or null out. */

import type { ClientFrame } from '../contract/index.js';
import { isPlainObject } from './validators/guards.js';

const MAX_NAME_LENGTH = 200;

function isName(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_LENGTH;
}

export function parseClientFrame(text: string): ClientFrame | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isPlainObject(data)) return null;
  switch (data['kind']) {
    case 'invoke': {
      const { id, method, request } = data;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0 || !isName(method)) return null;
      return { kind: 'invoke', id, method, request };
    }
    case 'subscribe':
    case 'unsubscribe': {
      const event = data['event'];
      return isName(event) ? { kind: data['kind'], event } : null;
    }
    default:
      return null;
  }
}
