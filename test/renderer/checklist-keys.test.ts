// The keys of the one-Tab-stop checklists (VarListField, AbsorbField): which item each key focuses.
import { describe, expect, it } from 'vitest';
import { checklistStop, checklistTarget } from '../../src/renderer/src/lib/checklist-keys.js';

const items = ['firm', 'year', 'industry', 'city', 'lnexport', 'size', 'ind_year', 'soe'].map((name) => ({ name, disabled: name === 'city' }));

describe('checklistTarget', () => {
  it('moves down and up one enabled item, stopping at the ends', () => {
    expect(checklistTarget(items, 0, 'ArrowDown')).toBe(1);
    expect(checklistTarget(items, 2, 'ArrowDown')).toBe(4); // city (3) is disabled
    expect(checklistTarget(items, 4, 'ArrowUp')).toBe(2);
    expect(checklistTarget(items, 7, 'ArrowDown')).toBeNull();
    expect(checklistTarget(items, 0, 'ArrowUp')).toBeNull();
    expect(checklistTarget(items, -1, 'ArrowUp')).toBe(0);
  });

  it('Home and End go to the first and last enabled item', () => {
    const ends = items.map((it, i) => ({ ...it, disabled: i === 0 || i === 7 }));
    expect(checklistTarget(ends, 3, 'Home')).toBe(1);
    expect(checklistTarget(ends, 3, 'End')).toBe(6);
  });

  it('a letter jumps to the next name starting with it, wrapping and cycling, case-insensitive', () => {
    expect(checklistTarget(items, 0, 'i')).toBe(2); // industry
    expect(checklistTarget(items, 2, 'i')).toBe(6); // ind_year
    expect(checklistTarget(items, 6, 'I')).toBe(2); // wraps to industry
    expect(checklistTarget(items, 5, 'f')).toBe(0); // wraps to firm
    expect(checklistTarget(items, 0, 'c')).toBeNull(); // city is disabled
    expect(checklistTarget(items, 0, 'z')).toBeNull();
    expect(checklistTarget(items, 5, 's')).toBe(7); // soe after size
    expect(checklistTarget(items, 7, 's')).toBe(5); // and back
  });

  it('leaves Space, Tab, Enter and other keys to the browser', () => {
    for (const key of [' ', 'Tab', 'Enter', 'ArrowLeft', 'Escape', 'F2']) expect(checklistTarget(items, 1, key)).toBeNull();
  });

  it('an empty list has no target', () => {
    expect(checklistTarget([], -1, 'ArrowDown')).toBeNull();
    expect(checklistTarget([], -1, 'a')).toBeNull();
  });
});

describe('checklistStop', () => {
  it('keeps the last focused item, else the first chosen, else the first enabled', () => {
    expect(checklistStop(items, 'size', ['year'])).toBe('size');
    expect(checklistStop(items, 'gone', ['lnexport', 'year'])).toBe('year'); // first chosen in list order
    expect(checklistStop(items, 'city', [])).toBe('firm'); // a disabled item cannot hold the stop
    expect(checklistStop(items.map((it) => ({ ...it, disabled: it.name !== 'soe' })), null, [])).toBe('soe');
    expect(checklistStop([], 'firm', ['firm'])).toBeNull();
  });
});
