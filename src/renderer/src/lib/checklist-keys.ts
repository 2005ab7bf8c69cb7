// The keys of a checklist that is one Tab stop (a roving tabindex over its checkboxes: the variable
// pickers of the model form, the absorb builder). Up / Down move one item, Home / End to the first /
// last, a printable character to the next item whose name starts with it (wrapping, so pressing the
// same letter again cycles through them); Space is left to the checkbox itself. Disabled items are
// skipped (a disabled checkbox cannot take focus). Pure: names in, the index to focus out.

export interface ChecklistItem {
  name: string;
  disabled: boolean;
}

/** The index to move focus to for `key` pressed on item `from`, or null when the key is not ours
 *  (let the browser handle it) or nothing matches. `from` -1 means no item has focus yet. */
export function checklistTarget(items: readonly ChecklistItem[], from: number, key: string): number | null {
  const enabled = (i: number) => i >= 0 && i < items.length && !items[i].disabled;
  const scan = (start: number, step: 1 | -1): number | null => {
    for (let i = start; i >= 0 && i < items.length; i += step) if (enabled(i)) return i;
    return null;
  };
  switch (key) {
    case 'ArrowDown':
      return scan(from + 1, 1);
    case 'ArrowUp':
      return from < 0 ? scan(0, 1) : scan(from - 1, -1);
    case 'Home':
      return scan(0, 1);
    case 'End':
      return scan(items.length - 1, -1);
  }
  if ([...key].length !== 1 || key.trim() === '') return null;
  const letter = key.toLowerCase();
  for (let k = 1; k <= items.length; k++) {
    const i = (((from + k) % items.length) + items.length) % items.length;
    if (enabled(i) && items[i].name.toLowerCase().startsWith(letter)) return i;
  }
  return null;
}

/** The item that holds the list's one Tab stop: the last one focused while it is still offered and
 *  enabled, else the first chosen one, else the first enabled one (null: nothing to focus). */
export function checklistStop(items: readonly ChecklistItem[], last: string | null, chosen: readonly string[]): string | null {
  const ok = (n: string | null) => n !== null && items.some((it) => it.name === n && !it.disabled);
  if (ok(last)) return last;
  const first = items.find((it) => !it.disabled && chosen.includes(it.name)) ?? items.find((it) => !it.disabled);
  return first?.name ?? null;
}

/**
 * A key pressed on checkbox `index` of the list element `list`: moves focus as checklistTarget
 * says (and keeps the key from the browser) and returns the name now focused, or null when the key
 * is not the list's (modifiers included).
 */
export function moveChecklistFocus(event: KeyboardEvent, items: readonly ChecklistItem[], index: number, list: HTMLElement | undefined): string | null {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  const to = checklistTarget(items, index, event.key);
  if (to === null) return null;
  event.preventDefault();
  list?.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')[to]?.focus();
  return items[to].name;
}
