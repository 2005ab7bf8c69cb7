// The recent-projects list, a small JSON file in the app's home folder (Electron's userData, or
// PANEL_STUDIO_HOME for browser mode and tests).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { RecentEntry } from '../shared/types.js';

const MAX = 12;

export class RecentList {
  private readonly file: string;
  constructor(home: string) {
    mkdirSync(home, { recursive: true });
    this.file = join(home, 'recent.json');
  }

  list(): RecentEntry[] {
    let entries: { path: string; openedAt: string }[] = [];
    try {
      const parsed: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (Array.isArray(parsed)) entries = parsed.filter((e): e is { path: string; openedAt: string } => typeof e?.path === 'string' && typeof e?.openedAt === 'string');
    } catch {
      // missing or unreadable list: start empty (the list is a convenience, never user data)
    }
    return entries.map((e) => ({ path: e.path, openedAt: e.openedAt, name: basename(e.path, extname(e.path)), exists: existsSync(e.path) }));
  }

  touch(path: string): void {
    const rest = this.list().filter((e) => e.path !== path).map(({ path: p, openedAt }) => ({ path: p, openedAt }));
    const next = [{ path, openedAt: new Date().toISOString() }, ...rest].slice(0, MAX);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(next, null, 2));
    renameSync(tmp, this.file);
  }
}
