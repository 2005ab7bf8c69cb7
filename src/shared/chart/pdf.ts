// Publication charts as PDF: the SVG document of svg.ts drawn again with PDF operators, so the PDF
// is a vector figure identical to the SVG (same layout, marks and text). renderSvg writes a small,
// fixed vocabulary — rect, line, polyline, circle, path (M/L/Z), text with text-anchor, font-size,
// font-weight and rotate() — and this module reads exactly that. Latin text is set in Times-Roman /
// Times-Bold (standard fonts, WinAnsi with "−" added), Chinese in Adobe's STSong-Light through the
// UniGB-UCS2-H CMap (the viewer supplies the Song face; every reader of Chinese PDFs has one), with a
// ToUnicode map so the text can be searched and copied. The output is 7-bit text and deterministic
// (no dates, no ids): the same chart gives the same bytes. Pure: no Node, no DOM.
import type { ChartModel } from './model.js';
import { type SvgOptions, renderSvg } from './svg.js';

// Advance widths (1/1000 em) of WinAnsi codes 32–255 from Adobe's Times-Roman / Times-Bold AFM files.
const TIMES = [
  250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469,
  500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541, 0, 500, 564, 333, 500, 444, 1000, 500, 500, 333, 1000, 556, 333, 889, 0, 611, 0, 0, 333, 333, 444, 444, 350, 500, 1000, 333, 980, 389, 333, 722, 0, 444, 722, 250, 333,
  500, 500, 500, 500, 200, 500, 333, 760, 276, 500, 564, 333, 760, 333, 400, 564, 300, 300, 333, 500, 453, 250, 333, 300, 310, 500, 750, 750, 750, 444, 722, 722, 722, 722, 722, 722, 889, 667, 611, 611, 611, 611, 333, 333, 333, 333, 722, 722, 722, 722, 722, 722, 722, 564, 722, 722, 722, 722, 722, 722, 556, 500, 444, 444, 444,
  444, 444, 444, 667, 444, 444, 444, 444, 444, 278, 278, 278, 278, 500, 500, 500, 500, 500, 500, 500, 564, 500, 500, 500, 500, 500, 500, 500, 500,
];
const TIMES_BOLD = [
  250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722, 722, 667, 333, 278, 333,
  581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520, 0, 500, 570, 333, 500, 500, 1000, 500, 500, 333, 1000, 556, 333, 1000, 0, 667, 0, 0, 333, 333, 500, 500, 350, 500, 1000, 333, 1000, 389, 333, 722, 0, 444, 722,
  250, 333, 500, 500, 500, 500, 220, 500, 333, 747, 300, 500, 570, 333, 747, 333, 400, 570, 300, 300, 333, 556, 540, 250, 333, 300, 330, 500, 750, 750, 750, 500, 722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 389, 389, 389, 389, 722, 722, 778, 778, 778, 778, 778, 570, 778, 722, 722, 722, 722, 722, 611, 556,
  500, 500, 500, 500, 500, 500, 722, 444, 444, 444, 444, 444, 278, 278, 278, 278, 500, 556, 500, 500, 500, 500, 500, 570, 500, 556, 556, 556, 556, 500, 556, 500,
];
/** WinAnsi code 0x81 is unused; the fonts' Differences put the minus sign (U+2212) there. */
const MINUS_CODE = 0x81;
const MACRON_CODE = 0xaf;
const WIN_ANSI_HIGH: Record<number, number> = {
  0x20ac: 0x80, 0x201a: 0x82, 0x0192: 0x83, 0x201e: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87, 0x02c6: 0x88, 0x2030: 0x89, 0x0160: 0x8a, 0x2039: 0x8b, 0x0152: 0x8c, 0x017d: 0x8e,
  0x2018: 0x91, 0x2019: 0x92, 0x201c: 0x93, 0x201d: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97, 0x02dc: 0x98, 0x2122: 0x99, 0x0161: 0x9a, 0x203a: 0x9b, 0x0153: 0x9c, 0x017e: 0x9e, 0x0178: 0x9f,
  0x2212: MINUS_CODE,
};

/** The WinAnsi code of a character, or null when it needs the Chinese font. */
function winAnsi(cp: number): number | null {
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  return WIN_ANSI_HIGH[cp] ?? null;
}

type Run = { font: 'latin' | 'cjk'; codes: number[]; kern?: number[] };

/**
 * Text as font runs. A combining macron (x̄ in the bias note) becomes the spacing macron set over
 * the previous Latin letter with two kerns; other combining marks are dropped.
 */
function runs(text: string, bold: boolean): Run[] {
  const widths = bold ? TIMES_BOLD : TIMES;
  const out: Run[] = [];
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0) ?? 0x3f;
    const last = out[out.length - 1];
    if (cp >= 0x300 && cp <= 0x36f) {
      if (cp === 0x304 && last?.font === 'latin' && last.codes.length > 0) {
        const base = widths[last.codes[last.codes.length - 1]! - 32] ?? 500;
        const m = widths[MACRON_CODE - 32]!;
        last.kern ??= last.codes.map(() => 0);
        // TJ numbers move left by n/1000 em: back to centre the macron, then on to the letter's end
        last.kern[last.kern.length - 1] = (base + m) / 2;
        last.codes.push(MACRON_CODE);
        last.kern.push(-(base - m) / 2);
      }
      continue;
    }
    const code = winAnsi(cp);
    const font = code === null ? 'cjk' : 'latin';
    const value = code ?? (cp > 0xffff ? 0x3f : cp);
    if (last && last.font === font) {
      last.codes.push(value);
      last.kern?.push(0);
    } else out.push({ font, codes: [value] });
  }
  return out;
}

/** Advance width of a text in font-size units (em). */
export function pdfTextWidth(text: string, bold = false): number {
  const widths = bold ? TIMES_BOLD : TIMES;
  let w = 0;
  for (const r of runs(text, bold)) {
    r.codes.forEach((c, i) => {
      w += r.font === 'cjk' ? 1 : (widths[c - 32] ?? 500) / 1000;
      w -= (r.kern?.[i] ?? 0) / 1000;
    });
  }
  return w;
}

const n = (v: number): string => {
  const s = (Math.round(v * 100) / 100).toFixed(2).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
};

function latinString(codes: number[]): string {
  let s = '(';
  for (const c of codes) {
    if (c === 0x28 || c === 0x29 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c >= 0x20 && c <= 0x7e) s += String.fromCharCode(c);
    else s += `\\${c.toString(8).padStart(3, '0')}`;
  }
  return `${s})`;
}

const hex4 = (c: number) => c.toString(16).toUpperCase().padStart(4, '0');

function textOps(r: Run[], size: number, bold: boolean): string {
  return r
    .map((run) => {
      const font = run.font === 'cjk' ? '/F3' : bold ? '/F2' : '/F1';
      if (run.font === 'cjk') return `${font} ${n(size)} Tf <${run.codes.map(hex4).join('')}> Tj`;
      if (!run.kern) return `${font} ${n(size)} Tf ${latinString(run.codes)} Tj`;
      const parts = run.codes.map((c, i) => `${latinString([c])}${run.kern![i] ? ` ${n(run.kern![i]!)}` : ''}`);
      return `${font} ${n(size)} Tf [${parts.join(' ')}] TJ`;
    })
    .join(' ');
}

const unescape = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

function attrsOf(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:-]+)="([^"]*)"/g)) out[m[1]!] = unescape(m[2]!);
  return out;
}

function color(c: string | undefined): [number, number, number] | null {
  if (!c || c === 'none') return null;
  const m = /^#([0-9a-f]{6})$/i.exec(c);
  if (!m) return [0, 0, 0];
  const v = Number.parseInt(m[1]!, 16);
  return [(v >> 16) / 255, ((v >> 8) & 255) / 255, (v & 255) / 255];
}
const rgb = (c: [number, number, number]) => c.map((x) => n(Math.round(x * 1000) / 1000)).join(' ');

/** Stroke and fill state for one mark, then its path-painting operator. */
function paint(a: Record<string, string>, path: string, defaults: { fill?: string; stroke?: string } = {}): string {
  const fill = color(a.fill ?? defaults.fill);
  const stroke = color(a.stroke ?? defaults.stroke);
  if (!fill && !stroke) return '';
  const ops: string[] = ['q'];
  if (fill) ops.push(`${rgb(fill)} rg`);
  if (stroke) {
    ops.push(`${rgb(stroke)} RG`, `${n(Number(a['stroke-width'] ?? 1))} w`);
    const dash = a['stroke-dasharray'];
    ops.push(dash ? `[${dash.split(/[\s,]+/).map((x) => n(Number(x))).join(' ')}] 0 d` : '[] 0 d');
  }
  ops.push(path, fill && stroke ? 'B' : fill ? 'f' : 'S', 'Q');
  return ops.join('\n');
}

/** Four Bézier arcs (the usual 0.5523 constant). */
function circlePath(cx: number, cy: number, r: number): string {
  const k = 0.5523 * r;
  return [
    `${n(cx + r)} ${n(cy)} m`,
    `${n(cx + r)} ${n(cy + k)} ${n(cx + k)} ${n(cy + r)} ${n(cx)} ${n(cy + r)} c`,
    `${n(cx - k)} ${n(cy + r)} ${n(cx - r)} ${n(cy + k)} ${n(cx - r)} ${n(cy)} c`,
    `${n(cx - r)} ${n(cy - k)} ${n(cx - k)} ${n(cy - r)} ${n(cx)} ${n(cy - r)} c`,
    `${n(cx + k)} ${n(cy - r)} ${n(cx + r)} ${n(cy - k)} ${n(cx + r)} ${n(cy)} c`,
    'h',
  ].join(' ');
}

/** The content stream of an SVG written by renderSvg, in its own pixel coordinates (y down). */
function contentOf(svg: string, baseSize: number): string {
  const ops: string[] = [];
  for (const m of svg.matchAll(/<(rect|line|polyline|circle|path|text)\b([^>]*?)(\/>|>([^<]*)<\/text>)/g)) {
    const tag = m[1]!;
    const a = attrsOf(m[2]!);
    const num = (k: string) => Number(a[k] ?? 0);
    switch (tag) {
      case 'rect':
        ops.push(paint(a, `${n(num('x'))} ${n(num('y'))} ${n(num('width'))} ${n(num('height'))} re`, { fill: '#000000' }));
        break;
      case 'line':
        ops.push(paint({ ...a, fill: 'none' }, `${n(num('x1'))} ${n(num('y1'))} m ${n(num('x2'))} ${n(num('y2'))} l`));
        break;
      case 'polyline': {
        const pts = (a.points ?? '').trim().split(/\s+/).map((p) => p.split(',').map(Number) as [number, number]);
        if (pts.length > 1) ops.push(paint({ ...a, fill: 'none' }, pts.map(([x, y], i) => `${n(x)} ${n(y)} ${i === 0 ? 'm' : 'l'}`).join(' ')));
        break;
      }
      case 'circle':
        ops.push(paint(a, circlePath(num('cx'), num('cy'), num('r')), { fill: '#000000' }));
        break;
      case 'path': {
        const d = (a.d ?? '').replace(/([MLZ])/g, ' $1 ').trim().split(/\s+/);
        const out: string[] = [];
        for (let i = 0; i < d.length; i++) {
          const t = d[i]!;
          if (t === 'Z') out.push('h');
          else if (t === 'M' || t === 'L') {
            const [x, y] = (d[++i] ?? '0,0').split(',').map(Number) as [number, number];
            out.push(`${n(x)} ${n(y)} ${t === 'M' ? 'm' : 'l'}`);
          }
        }
        ops.push(paint(a, out.join(' '), { fill: '#000000' }));
        break;
      }
      case 'text': {
        const text = unescape(m[4] ?? '');
        if (text === '') break;
        const size = Number(a['font-size'] ?? baseSize);
        const bold = a['font-weight'] === 'bold';
        const w = pdfTextWidth(text, bold) * size;
        const shift = a['text-anchor'] === 'middle' ? -w / 2 : a['text-anchor'] === 'end' ? -w : 0;
        const x = num('x');
        const y = num('y');
        // glyph space → page: flip y back (the page is y-down here); rotate(θ cx cy) turns it
        let tm = `1 0 0 -1 ${n(x + shift)} ${n(y)}`;
        const rot = /rotate\(\s*(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s*\)/.exec(a.transform ?? '');
        if (rot) {
          const t = (Number(rot[1]) * Math.PI) / 180;
          const [cx, cy] = [Number(rot[2]), Number(rot[3])];
          const [c, s] = [Math.round(Math.cos(t) * 1e6) / 1e6, Math.round(Math.sin(t) * 1e6) / 1e6];
          // the anchor (x + shift along the text, y) rotated about (cx, cy)
          const px = x - cx;
          const py = y - cy;
          const ex = cx + c * px - s * py + c * shift;
          const ey = cy + s * px + c * py + s * shift;
          tm = `${n(c)} ${n(s)} ${n(s)} ${n(-c)} ${n(ex)} ${n(ey)}`;
        }
        ops.push(`BT 0 0 0 rg ${tm} Tm ${textOps(runs(text, bold), size, bold)} ET`);
        break;
      }
    }
  }
  return ops.filter((o) => o !== '').join('\n');
}

const TO_UNICODE = [
  '/CIDInit /ProcSet findresource begin',
  '12 dict begin',
  'begincmap',
  '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
  '/CMapName /Adobe-Identity-UCS def',
  '/CMapType 2 def',
  '1 begincodespacerange',
  '<0000> <FFFF>',
  'endcodespacerange',
  // codes are UCS-2 already: each range maps onto itself (a range may not cross a high byte)
  '100 beginbfrange',
  ...Array.from({ length: 100 }, (_, i) => `<${hex4(i * 256)}> <${hex4(i * 256 + 255)}> <${hex4(i * 256)}>`),
  'endbfrange',
  '100 beginbfrange',
  ...Array.from({ length: 100 }, (_, i) => `<${hex4((i + 100) * 256)}> <${hex4((i + 100) * 256 + 255)}> <${hex4((i + 100) * 256)}>`),
  'endbfrange',
  '56 beginbfrange',
  ...Array.from({ length: 56 }, (_, i) => `<${hex4((i + 200) * 256)}> <${hex4((i + 200) * 256 + 255)}> <${hex4((i + 200) * 256)}>`),
  'endbfrange',
  'endcmap',
  'CMapName currentdict /CMap defineresource pop',
  'end',
  'end',
].join('\n');

/** A PDF document (as 7-bit text) from an SVG written by renderSvg. */
export function svgToPdf(svg: string): string {
  const head = /<svg\b[^>]*\bwidth="([\d.]+)"[^>]*\bheight="([\d.]+)"[^>]*>/.exec(svg);
  if (!head) throw new Error('not an SVG written by renderSvg');
  const fs = Number(/<svg\b[^>]*\bfont-size="([\d.]+)"/.exec(svg)?.[1] ?? 13);
  // CSS pixels at 96 per inch → points
  const [w, h] = [Number(head[1]) * 0.75, Number(head[2]) * 0.75];
  const content = `0.75 0 0 -0.75 0 ${n(h)} cm\n${contentOf(svg, fs)}\n`;
  const latin = (base: string) => `<< /Type /Font /Subtype /Type1 /BaseFont /${base} /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [${MINUS_CODE} /minus] >> >>`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${n(w)} ${n(h)}] /Resources << /Font << /F1 5 0 R /F2 6 0 R /F3 7 0 R >> >> /Contents 4 0 R >>`,
    `<< /Length ${content.length} >>\nstream\n${content}endstream`,
    latin('Times-Roman'),
    latin('Times-Bold'),
    '<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [8 0 R] /ToUnicode 10 0 R >>',
    '<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 9 0 R /DW 1000 >>',
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
    `<< /Length ${TO_UNICODE.length} >>\nstream\n${TO_UNICODE}\nendstream`,
    '<< /Producer (Panel Studio) >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info ${objects.length} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return out;
}

/** The chart as a one-page vector PDF (7-bit text; write it as Latin-1 bytes). */
export function renderPdf(model: ChartModel, options: SvgOptions = {}): string {
  return svgToPdf(renderSvg(model, options));
}
