// "Copy for Word": the desktop app puts HTML, RTF and text on the clipboard at once through main
// (clipboard:write — the page's clipboard API cannot carry RTF, and Word pastes RTF most faithfully);
// browser mode writes HTML and text with the Clipboard API (plain text where that is all it allows).
import type { TableClipboard } from '../../../shared/table-clipboard.js';
import { host } from '../host.js';

/** The flavours that went onto the clipboard. */
export async function copyTable(clip: TableClipboard): Promise<string[]> {
  if (host.mode === 'electron') return (await host.invoke('clipboard:write', clip)).formats;
  if (typeof ClipboardItem !== 'undefined' && navigator.clipboard?.write) {
    const blob = (s: string, type: string) => new Blob([s], { type });
    await navigator.clipboard.write([new ClipboardItem({ 'text/html': blob(clip.html, 'text/html'), 'text/plain': blob(clip.text, 'text/plain') })]);
    return ['html', 'text'];
  }
  await navigator.clipboard.writeText(clip.text);
  return ['text'];
}
