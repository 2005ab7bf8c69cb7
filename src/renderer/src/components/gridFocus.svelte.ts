// "Show this variable in the grid": the sidebar's variable list asks, the data grid (once it is on
// screen) scrolls the column into view and moves keyboard focus to its header button.

export const columnRequest = $state<{ name: string | null }>({ name: null });

export function revealColumn(name: string): void {
  columnRequest.name = name;
}
