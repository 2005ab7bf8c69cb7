// UI language: every visible string goes through t(). The language lives in one reactive field, so
// components re-render when it changes; the choice is kept in localStorage.
import { en, type MessageKey } from './i18n/en.js';
import { zh } from './i18n/zh.js';

export type { MessageKey } from './i18n/en.js';
export type Lang = 'zh' | 'en';
export const LANGS: readonly Lang[] = ['zh', 'en'];

const STORAGE_KEY = 'panel-studio:lang';
const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, zh };

function initialLang(): Lang {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'zh' || stored === 'en') return stored;
  } catch {
    // Storage may be unavailable; fall through to the browser language.
  }
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

class I18n {
  #lang = $state<Lang>(initialLang());

  get lang(): Lang {
    return this.#lang;
  }

  set lang(value: Lang) {
    this.#lang = value;
    document.documentElement.lang = value === 'zh' ? 'zh-CN' : 'en';
    try {
      localStorage.setItem(STORAGE_KEY, value);
    } catch {
      // Not persisted; the switch still applies to this session.
    }
  }

  /** BCP 47 tag for number and date formatting. */
  get locale(): string {
    return this.#lang === 'zh' ? 'zh-CN' : 'en-US';
  }
}

export const i18n = new I18n();

export type Params = Record<string, string | number>;

function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(key: MessageKey, params?: Params): string {
  return interpolate(dictionaries[i18n.lang][key], params);
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(en, key);
}

/** For keys that come from data (estimator declarations); unknown keys show as themselves. */
export function tKey(key: string, params?: Params): string {
  return isMessageKey(key) ? t(key, params) : key;
}
