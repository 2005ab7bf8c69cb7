// The command table shared by the keyboard shortcuts and the native menu: every command in the
// menu once, the shortcuts the page handles are the ones the menu shows, labels in both languages.
import { describe, expect, it } from 'vitest';
import { ACCELERATORS, COMMANDS, commandForKey, isCommand, menuSpec } from '../../src/shared/commands.js';

const key = (k: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}) => ({ key: k, ctrlKey: !!mods.ctrl, metaKey: !!mods.meta, shiftKey: !!mods.shift, altKey: !!mods.alt });

describe('application commands', () => {
  it('maps the documented shortcuts to commands (Ctrl or ⌘), and nothing else', () => {
    expect(commandForKey(key('n', { ctrl: true }))).toBe('project:new');
    expect(commandForKey(key('O', { meta: true }))).toBe('project:open');
    expect(commandForKey(key('s', { ctrl: true }))).toBe('project:save');
    expect(commandForKey(key('S', { ctrl: true, shift: true }))).toBe('project:saveAs');
    expect(commandForKey(key('Enter', { ctrl: true }))).toBe('model:run');
    expect(['1', '2', '3', '4'].map((k) => commandForKey(key(k, { ctrl: true })))).toEqual(['tab:data', 'tab:describe', 'tab:model', 'tab:pipeline']);
    expect(commandForKey(key('s'))).toBeNull();
    expect(commandForKey(key('s', { ctrl: true, alt: true }))).toBeNull();
    expect(commandForKey(key('n', { ctrl: true, shift: true }))).toBeNull();
    expect(commandForKey(key('x', { ctrl: true }))).toBeNull();
  });

  it('the native menu lists every command once, with the shortcut the page handles, in both languages', () => {
    for (const lang of ['zh', 'en'] as const) {
      const items = menuSpec(lang).flatMap((m) => m.items).filter((i) => i !== null);
      expect(items.map((i) => i.command).sort()).toEqual([...COMMANDS].sort());
      for (const i of items) {
        expect(i.accelerator).toBe(ACCELERATORS[i.command]);
        expect(i.label.length).toBeGreaterThan(0);
      }
    }
    expect(menuSpec('zh')[0].label).toBe('文件(&F)');
    expect(menuSpec('en').find((m) => m.items.some((i) => i?.command === 'model:run'))?.label).toBe('&Model');
    expect(isCommand('model:run')).toBe(true);
    expect(isCommand('shell:exec')).toBe(false);
    expect(isCommand(42)).toBe(false);
  });
});
