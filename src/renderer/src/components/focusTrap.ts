// Keyboard helpers shared by the popups that are not native <dialog>s (the column menu, the Recent
// menu): Tab and Shift+Tab cycle inside the popup instead of leaving it.

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

/** The elements Tab can reach inside `root`, in DOM order (the visible ones). */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
}

/** Svelte action: Tab from the last focusable element goes to the first, Shift+Tab from the first
 *  (or from the popup itself) to the last. */
export function trapFocus(node: HTMLElement): { destroy: () => void } {
  function onKey(event: KeyboardEvent) {
    if (event.key !== 'Tab') return;
    const items = focusables(node);
    if (items.length === 0) {
      event.preventDefault();
      node.focus();
      return;
    }
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === node || !node.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !node.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  }
  node.addEventListener('keydown', onKey);
  return { destroy: () => node.removeEventListener('keydown', onKey) };
}
