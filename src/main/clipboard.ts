// "Copy for Word" in Electron: the renderer builds the flavours (src/shared/table-clipboard.ts) and
// main puts them on the system clipboard as one clipboard item — HTML and RTF for Word/WPS, text for
// everything else. The page's clipboard API cannot carry RTF, and Electron's `clipboard` lives in
// main only, so index.ts passes a writer in (one `clipboard.write([new ClipboardItem(items)])`, the
// entries committed atomically); this module is testable without Electron.
import { AppError } from '../shared/errors.js';

export interface ClipboardFlavours {
  html: string;
  rtf: string;
  text: string;
}

/** The MIME type each flavour goes under (Chromium's names, which Electron's ClipboardItem takes). */
export const CLIPBOARD_MIME: Record<keyof ClipboardFlavours, string> = { html: 'text/html', rtf: 'text/rtf', text: 'text/plain' };

/** Writes one clipboard item (MIME type → content); Electron's clipboard in the app, absent in browser mode. */
export type ClipboardWriter = (items: Record<string, string>) => void | Promise<void>;

/**
 * Checks the flavours and writes the non-empty ones together. RTF must be an RTF document, HTML
 * must hold a table or paragraph, and the text flavour must not be empty. Returns the flavours written.
 */
export async function writeClipboard(write: ClipboardWriter | undefined, data: ClipboardFlavours): Promise<{ formats: string[] }> {
  if (!write) throw new AppError('INVALID_ARGUMENT', 'in browser mode the page copies to the clipboard itself (HTML and text; RTF needs the desktop app)');
  if (data.text.trim() === '') throw new AppError('INVALID_ARGUMENT', 'nothing to copy: the text flavour is empty');
  if (data.rtf !== '' && !/^\{\\rtf1[\\\s{]/.test(data.rtf)) throw new AppError('INVALID_ARGUMENT', 'the rtf flavour is not an RTF document (it must start with {\\rtf1)');
  if (data.html !== '' && !/<(table|p)[\s>]/i.test(data.html)) throw new AppError('INVALID_ARGUMENT', 'the html flavour holds no table or paragraph');
  const items: Record<string, string> = {};
  const formats: string[] = [];
  for (const k of ['html', 'rtf', 'text'] as const) {
    if (data[k] === '') continue;
    items[CLIPBOARD_MIME[k]] = data[k];
    formats.push(k);
  }
  try {
    await write(items);
  } catch (err) {
    throw new AppError('INTERNAL', `the system clipboard refused the table: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { formats };
}
