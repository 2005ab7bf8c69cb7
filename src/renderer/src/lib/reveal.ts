// After a batch run the pipeline view opens on its new table: once the view has rendered it, the
// table's card is scrolled into view and focused (tabindex -1), so keyboard and screen-reader users
// land on it too. Gives up quietly after a few frames when the card never appears.
export function revealTable(tableId: number, tries = 60): void {
  const el = document.querySelector<HTMLElement>(`[data-testid="pipeline-table-${tableId}"]`);
  if (el) {
    if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
    el.scrollIntoView({ block: 'start' });
    el.focus({ preventScroll: true });
    return;
  }
  if (tries > 0) requestAnimationFrame(() => revealTable(tableId, tries - 1));
}
