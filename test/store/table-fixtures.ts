// Shared by the Word / Excel / clipboard table tests: two table models (English with a repeated
// dependent variable, so a super-header; Chinese with distinct ones) and LibreOffice + poppler
// helpers that render a file to PDF, its words with positions and a grey-scale bitmap.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TableModel } from '../../src/shared/table.js';

export const EN: TableModel = {
  titles: ['(1)', '(2)', '(3)'],
  depvars: ['inv', 'inv', 'inv'],
  rows: [
    { label: 'value', cells: ['0.116***', '0.118***', '0.110**'], kind: 'coef' },
    { label: '', cells: ['(16.97)', '(10.88)', '(2.31)'], kind: 'paren' },
    { label: 'Constant', cells: ['-42.714***', '-80.164***', '3.000'], kind: 'coef' },
    { label: '', cells: ['(-3.69)', '(-3.61)', '(0.52)'], kind: 'paren' },
    { label: 'firm FE', cells: ['No', 'Yes', 'Yes'], kind: 'indicator' },
    { label: 'Observations', cells: ['200', '200', '1520'], kind: 'stat' },
    { label: 'R²', cells: ['0.812', '0.952', '0.401'], kind: 'stat' },
  ],
  notes: ['t statistics in parentheses.', '* p < 0.1, ** p < 0.05, *** p < 0.01.'],
};

export const ZH: TableModel = {
  titles: ['(1)', '(2)'],
  depvars: ['出口质量', '产能利用率'],
  rows: [
    { label: '跨境电商', cells: ['0.052***', '0.031*'], kind: 'coef' },
    { label: '', cells: ['(0.011)', '(0.017)'], kind: 'paren' },
    { label: '企业固定效应', cells: ['控制', '控制'], kind: 'indicator' },
    { label: '观测值', cells: ['233819', '233819'], kind: 'stat' },
  ],
  notes: ['括号内为标准误。', '* p < 0.1, ** p < 0.05, *** p < 0.01。'],
};

export interface Word {
  text: string;
  xMin: number;
  xMax: number;
  yMin: number;
}

/** LibreOffice (soffice) and poppler (pdftotext, pdftoppm), or why they cannot be used. */
export function renderTools(poppler = true): { soffice: string } | { missing: string } {
  const soffice = process.env.SOFFICE ?? 'soffice';
  const missing = (why: string) => {
    // .ci/run installs LibreOffice Writer and poppler: in CI a missing renderer is a failure
    if (process.env.CI === 'true') throw new Error(`CI=true but ${why}`);
    return { missing: why };
  };
  if (spawnSync(soffice, ['--version'], { encoding: 'utf8' }).status !== 0) return missing('LibreOffice is not installed (soffice not on PATH; Debian: libreoffice-writer-nogui)');
  for (const tool of poppler ? ['pdftotext', 'pdftoppm'] : []) {
    if (spawnSync(tool, ['-v'], { encoding: 'utf8' }).error) return missing(`${tool} is not installed (Debian: poppler-utils)`);
  }
  return { soffice };
}

/** Converts `file` to PDF next to it; null and the reason when LibreOffice cannot load it. */
export function toPdf(soffice: string, file: string, dir: string): { pdf: string } | { missing: string } {
  // A private profile: parallel test files (and a user's running LibreOffice) do not collide.
  const r = spawnSync(soffice, [`-env:UserInstallation=file://${join(dir, 'lo-profile')}`, '--headless', '--convert-to', 'pdf', '--outdir', dir, file], { encoding: 'utf8', timeout: 120_000 });
  const pdf = join(dir, basename(file).replace(/\.[^.]+$/, '.pdf'));
  if (existsSync(pdf)) return { pdf };
  if (/source file could not be loaded/.test(r.stderr + r.stdout)) {
    const why = 'LibreOffice cannot load Word/RTF files here: its Writer component is not installed (Debian: libreoffice-writer-nogui)';
    if (process.env.CI === 'true') throw new Error(`CI=true but ${why}`);
    return { missing: why };
  }
  throw new Error(`soffice failed (status ${r.status}): ${r.stderr}`);
}

/** The words of page 1 with their boxes in points (pdftotext -bbox). */
export function pdfWords(pdf: string): Word[] {
  const r = spawnSync('pdftotext', ['-f', '1', '-l', '1', '-bbox', pdf, '-'], { encoding: 'utf8' });
  const dec = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  return [...r.stdout.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g)].map((m) => ({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), text: dec(m[4]!) }));
}

export function pdfText(pdf: string): string {
  return spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }).stdout;
}

export interface Rule {
  /** First pixel row and thickness in pixels. */
  y: number;
  thickness: number;
  x0: number;
  x1: number;
}

/** Horizontal rules (dark runs longer than `minPx`) and the longest vertical dark run on page 1. */
export function pageLines(pdf: string, dir: string, dpi = 144, minPx = 100): { rules: Rule[]; longestVertical: number; width: number } {
  const stem = join(dir, 'page');
  spawnSync('pdftoppm', ['-r', String(dpi), '-gray', '-f', '1', '-l', '1', '-singlefile', pdf, stem]);
  const buf = readFileSync(`${stem}.pgm`);
  // Binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel.
  const head = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(buf.subarray(0, 40).toString('latin1'));
  if (!head) throw new Error('not a PGM file');
  const [w, h] = [Number(head[1]), Number(head[2])];
  const px = buf.subarray(head[0].length);
  const dark = (x: number, y: number) => px[y * w + x]! < 160;
  const rows: { y: number; x0: number; x1: number }[] = [];
  for (let y = 0; y < h; y++) {
    let best = { x0: 0, x1: -1 };
    let start = -1;
    for (let x = 0; x <= w; x++) {
      if (x < w && dark(x, y)) {
        if (start < 0) start = x;
      } else if (start >= 0) {
        if (x - start > best.x1 - best.x0 + 1) best = { x0: start, x1: x - 1 };
        start = -1;
      }
    }
    if (best.x1 - best.x0 + 1 >= minPx) rows.push({ y, ...best });
  }
  const rules: Rule[] = [];
  for (const r of rows) {
    const last = rules[rules.length - 1];
    if (last && r.y === last.y + last.thickness && Math.abs(r.x0 - last.x0) <= 2) last.thickness++;
    else rules.push({ y: r.y, thickness: 1, x0: r.x0, x1: r.x1 });
  }
  let longestVertical = 0;
  for (let x = 0; x < w; x++) {
    let run = 0;
    for (let y = 0; y < h; y++) {
      run = dark(x, y) ? run + 1 : 0;
      if (run > longestVertical) longestVertical = run;
    }
  }
  return { rules, longestVertical, width: w };
}
