// The project as an R script: each dataset a data frame named after it, imports with the original
// file names, every variable tool and combine step in order (base R, with a few small helpers
// defined at the top only when used), then every model (fixest, plm, AER::ivreg, glm, MatchIt) into
// `models` with its covariance in `vcovs`, and one modelsummary table. Conventions and what is not
// translated: docs/code-export.md.
import type { ModelSpec } from '../spec.js';
import { type RExprContext, type RHelper, rExpr, rName, rNumber, rString, rValueExpr } from './expr.js';
import { measureBlock } from './measure-text.js';
import { gmmInstruments, gmmTimeDummies } from './model-defaults.js';
import type { CodeExprText, CodeRecodeRule, CombineStep, ImportStep, ModelCode, ModelCodeContext, ModelDescription, ProjectDescription, ToolStep } from './types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const num = (v: unknown, d: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : d);

type Helper = RHelper | 'ps_winsor' | 'ps_merge' | 'ps_append' | 'ps_collapse';

const HELPERS: Record<Helper, string[]> = {
  ps_lag: [
    '# x at (id, time - k) in the same unit (Stata L.; k < 0 is F.): missing when that period is absent',
    'ps_lag <- function(x, id, time, k = 1) {',
    '  out <- x[match(paste(id, time - k, sep = "\\r"), paste(id, time, sep = "\\r"))]',
    '  out[is.na(id) | is.na(time)] <- NA',
    '  out',
    '}',
  ],
  ps_diff: [
    '# Stata D.x (order 2 = D2.x, the difference of the difference)',
    'ps_diff <- function(x, id, time, order = 1) {',
    '  for (i in seq_len(order)) x <- x - ps_lag(x, id, time, 1)',
    '  x',
    '}',
  ],
  ps_round: ['# Stata round(): halves away from zero, to a multiple of y', 'ps_round <- function(x, y = 1) sign(x) * floor(abs(x) / y + 0.5) * y'],
  ps_winsor: [
    '# winsor2: cut at Stata\'s default percentiles (quantile type 2) of the non-missing values, per by() group',
    'ps_winsor <- function(x, lower = 1, upper = 99, by = NULL, trim = FALSE) {',
    '  cut <- function(v) {',
    '    q <- quantile(v, c(lower, upper) / 100, type = 2, na.rm = TRUE, names = FALSE)',
    '    lo <- lower > 0 & !is.na(v) & v < q[1]',
    '    hi <- upper < 100 & !is.na(v) & v > q[2]',
    '    v[lo] <- if (trim) NA else q[1]',
    '    v[hi] <- if (trim) NA else q[2]',
    '    v',
    '  }',
    '  if (is.null(by)) cut(x) else do.call(ave, c(list(x), by, FUN = cut))',
    '}',
  ],
  ps_merge: [
    '# Stata merge: keys and common variables from the master where it has the row, _merge = 1/2/3',
    'ps_merge <- function(master, using, by, keep = c("master", "using", "match")) {',
    '  common <- setdiff(intersect(names(master), names(using)), by)',
    '  names(using)[match(common, names(using))] <- paste0(common, ".ps_using")',
    '  master$.ps_m <- TRUE',
    '  using$.ps_u <- TRUE',
    '  out <- merge(master, using, by = by, all = TRUE, sort = FALSE)',
    '  for (v in common) out[[v]] <- ifelse(is.na(out$.ps_m), out[[paste0(v, ".ps_using")]], out[[v]])',
    '  out[["_merge"]] <- ifelse(is.na(out$.ps_u), 1, ifelse(is.na(out$.ps_m), 2, 3))',
    '  out <- out[out[["_merge"]] %in% match(keep, c("master", "using", "match")), setdiff(names(out), c(".ps_m", ".ps_u", paste0(common, ".ps_using"))), drop = FALSE]',
    '  rownames(out) <- NULL',
    '  out',
    '}',
  ],
  ps_append: [
    '# Stata append: rows of b under a; variables missing on one side are NA',
    'ps_append <- function(a, b) {',
    '  for (v in setdiff(names(b), names(a))) a[[v]] <- NA',
    '  for (v in setdiff(names(a), names(b))) b[[v]] <- NA',
    '  rbind(a, b[names(a)])',
    '}',
  ],
  ps_collapse: [
    '# Stata collapse (stat) vars [aw = w], by(keys)',
    'ps_collapse <- function(d, by, vars, stat = "mean", w = NULL) {',
    '  f <- switch(stat,',
    '    mean = function(v, wt) if (is.null(wt)) mean(v, na.rm = TRUE) else { ok <- !is.na(v) & !is.na(wt); sum(v[ok] * wt[ok]) / sum(wt[ok]) },',
    '    sum = function(v, wt) sum(v, na.rm = TRUE),',
    '    count = function(v, wt) sum(!is.na(v)),',
    '    min = function(v, wt) min(v, na.rm = TRUE),',
    '    max = function(v, wt) max(v, na.rm = TRUE))',
    '  groups <- split(seq_len(nrow(d)), d[by], drop = TRUE)',
    '  out <- do.call(rbind, lapply(groups, function(i) {',
    '    row <- d[i[1], by, drop = FALSE]',
    '    for (v in vars) row[[v]] <- f(d[[v]][i], if (is.null(w)) NULL else d[[w]][i])',
    '    row',
    '  }))',
    '  out <- out[do.call(order, unname(as.list(out[by]))), , drop = FALSE]',
    '  rownames(out) <- NULL',
    '  out',
    '}',
  ],
};
const HELPER_ORDER: Helper[] = ['ps_lag', 'ps_diff', 'ps_round', 'ps_winsor', 'ps_merge', 'ps_append', 'ps_collapse'];

/** `d$x`, or `d[["名"]]` when the name is not a plain R name. */
function col(d: string, name: string): string {
  return rName(name) === name ? `${d}$${name}` : `${d}[[${rString(name)}]]`;
}

function vec(names: string[]): string {
  return names.length === 1 ? rString(names[0]) : `c(${names.map(rString).join(', ')})`;
}

class RWriter {
  readonly lines: string[] = [];
  readonly helpers = new Set<Helper>();
  readonly packages = new Set<string>();
  /** Packages that must be attached (pgmm evaluates plm() by name). */
  readonly attach = new Set<string>();
  /** The dataset whose variables the last lines built (a header marks each change). */
  lastTools: string | null = null;

  constructor(readonly d: ProjectDescription) {}

  line(s = ''): void {
    this.lines.push(s);
  }

  comment(text: string): void {
    for (const l of text.split('\n')) this.line(`# ${l}`.trimEnd());
  }

  section(title: string): void {
    this.line();
    this.line(`# ${'-'.repeat(94)}`);
    this.line(`# ${title}`);
    this.line(`# ${'-'.repeat(94)}`);
  }

  ctx(dataset: string): RExprContext {
    const panel = this.d.datasets.find((x) => x.name === dataset)?.panel;
    return { ...(panel ? { panel } : {}), helpers: this.helpers as Set<RHelper> };
  }

  /** R text of a parsed expression inside with(D, ...), or null with a TODO written. */
  expr(dataset: string, e: CodeExprText | undefined, value: boolean): string | null {
    if (!e?.ast) {
      this.comment(`TODO: translate the expression ${e?.text ?? '(none)'} to R`);
      return null;
    }
    try {
      return value ? rValueExpr(e.ast, this.ctx(dataset)) : rExpr(e.ast, this.ctx(dataset));
    } catch (err) {
      this.comment(`TODO: ${e.text}: ${(err as Error).message}`);
      return null;
    }
  }
}

export function rScript(d: ProjectDescription): string {
  const w = new RWriter(d);
  for (const step of d.steps) {
    if (step.kind === 'import') importStep(w, step);
    else if (step.kind === 'tool') toolStep(w, step);
    else combineStep(w, step);
  }
  const stored: ModelDescription[] = [];
  if (d.models.length > 0) {
    w.section('Models');
    w.line('models <- list()');
    w.line('vcovs <- list()');
  }
  d.models.forEach((m, i) => {
    if (modelStep(w, m, i + 1)) stored.push(m);
  });
  if (stored.length > 0) {
    w.section('Tables (modelsummary)');
    w.line('if (requireNamespace("modelsummary", quietly = TRUE)) {');
    w.line('  print(modelsummary::modelsummary(models, vcov = vcovs, statistic = "statistic", fmt = 3, stars = c("*" = 0.1, "**" = 0.05, "***" = 0.01), output = "markdown"))');
    w.line('  modelsummary::modelsummary(models, vcov = vcovs, statistic = "statistic", fmt = 3, stars = c("*" = 0.1, "**" = 0.05, "***" = 0.01), output = "panel_studio_tables.docx")');
    w.line('} else {');
    w.line('  for (name in names(models)) { cat("\\n==", name, "==\\n"); print(lmtest::coeftest(models[[name]], vcov = vcovs[[name]])) }');
    w.line('}');
    w.packages.add('lmtest');
  }
  return [...header(w), ...w.lines, ''].join('\n');
}

function header(w: RWriter): string[] {
  const d = w.d;
  const out = [
    `# Project "${d.name}": replication script written by Panel Studio${d.generator ? ` ${d.generator}` : ''}`,
    '# Run it with the working directory set to the folder that holds the original data files.',
    '# Conventions and what is not translated: Panel Studio docs/code-export.md.',
  ];
  const pkgs = [...w.packages].sort();
  if (pkgs.length > 0) {
    out.push(`# Packages used: ${pkgs.join(', ')} (and modelsummary for the table, if installed).`);
    out.push(`for (p in ${vec(pkgs)}) if (!requireNamespace(p, quietly = TRUE)) stop("please install the R package ", p)`);
  }
  for (const p of [...w.attach].sort()) out.push(`suppressPackageStartupMessages(library(${p}))   # ${p === 'plm' ? 'pgmm() calls plm() by name' : 'attached'}`);
  if (w.helpers.has('ps_diff')) w.helpers.add('ps_lag');
  const helpers = HELPER_ORDER.filter((h) => w.helpers.has(h));
  if (helpers.length > 0) {
    out.push('');
    for (const h of helpers) out.push(...HELPERS[h]);
  }
  return out;
}

// ------------------------------------------------------------------------------------ imports

function importStep(w: RWriter, s: ImportStep): void {
  w.lastTools = s.dataset;
  const D = rName(s.dataset);
  w.section(`Dataset ${s.dataset}: import ${s.file}`);
  const text = s.variables.filter((v) => v.type === 'categorical').map((v) => v.name);
  const classes = text.length > 0 ? `, colClasses = c(${text.map((n) => `${rString(n)} = "character"`).join(', ')})` : '';
  switch (s.format) {
    case 'dta':
      w.packages.add('haven');
      w.line(`${D} <- as.data.frame(haven::zap_labels(haven::read_dta(${rString(s.file)})))`);
      break;
    case 'xlsx':
      w.packages.add('readxl');
      w.line(`${D} <- as.data.frame(readxl::read_excel(${rString(s.file)}${s.sheet !== undefined ? `, sheet = ${typeof s.sheet === 'number' ? s.sheet + 1 : rString(s.sheet)}` : ''}))`);
      break;
    default:
      w.line(`${D} <- ${s.format === 'tsv' ? 'read.delim' : 'read.csv'}(${rString(s.file)}, check.names = FALSE, na.strings = c("", "NA", ".")${classes}, encoding = "UTF-8")`);
  }
}

// ------------------------------------------------------------------------------------ tools

/** `ave(x, g1, g2, FUN = ...)` or the whole-sample version. */
function groupwise(D: string, x: string, by: string[], fun: string): string {
  return by.length > 0 ? `ave(${[x, ...by.map((b) => col(D, b))].join(', ')}, FUN = function(v) ${fun})` : `(function(v) ${fun})(${x})`;
}

const EGEN: Record<string, string> = {
  mean: 'mean(v, na.rm = TRUE)',
  sd: 'sd(v, na.rm = TRUE)',
  min: 'min(v, na.rm = TRUE)',
  max: 'max(v, na.rm = TRUE)',
  count: 'sum(!is.na(v))',
  total: 'sum(v, na.rm = TRUE)',
  median: 'median(v, na.rm = TRUE)',
  rank: 'rank(v, na.last = "keep")',
};

function recodeR(x: string, rules: CodeRecodeRule[]): string[] {
  const to = (v: number | null) => (v === null ? 'NA' : rNumber(v));
  const out = ['  out <- x', '  done <- rep(FALSE, length(x))'];
  for (const r of rules) {
    const hit =
      r.when === 'values' ? `x %in% c(${r.values.map(rNumber).join(', ')})`
      : r.when === 'range' ? ['!is.na(x)', ...(r.lo === -Infinity ? [] : [`x >= ${rNumber(r.lo)}`]), ...(r.hi === Infinity ? [] : [`x <= ${rNumber(r.hi)}`])].join(' & ')
      : r.when === 'missing' ? 'is.na(x)'
      : r.when === 'nonmissing' ? '!is.na(x)'
      : 'TRUE';
    out.push(`  hit <- !done & (${hit}); out[hit] <- ${to(r.to)}; done <- done | hit`);
  }
  return [`(function(x) {`, ...out, '  out', `})(${x})`];
}

function toolStep(w: RWriter, s: ToolStep): void {
  if (w.lastTools !== s.dataset) {
    w.section(`Variables of ${s.dataset}`);
    w.lastTools = s.dataset;
  }
  const D = rName(s.dataset);
  const p = s.params;
  const ds = w.d.datasets.find((x) => x.name === s.dataset);
  const vars = list(p.vars);
  const by = list(p.by);
  const out = (i: number, fallback: string) => s.written[i] ?? fallback;
  const panel = ds?.panel;
  const panelArgs = panel ? `${col(D, panel.id)}, ${col(D, panel.time)}` : null;
  const needPanel = (): string | null => {
    if (!panelArgs) w.comment(`TODO: declare the panel (id, time) of ${s.dataset}: ${s.tool} needs it`);
    return panelArgs;
  };
  switch (s.tool) {
    case 'generate':
    case 'replace': {
      const e = w.expr(s.dataset, s.expr, true);
      if (e === null) return;
      const target = s.tool === 'generate' ? str(p.name) : str(p.target);
      if (s.condition) {
        const c = w.expr(s.dataset, s.condition, false);
        if (c === null) return;
        w.line(`${col(D, target)} <- with(${D}, ifelse((${c}) %in% TRUE, ${e}, ${s.tool === 'generate' ? 'NA' : rName(target)}))`);
      } else w.line(`${col(D, target)} <- with(${D}, ${e})`);
      return;
    }
    case 'winsorize':
    case 'trim':
      w.helpers.add('ps_winsor');
      vars.forEach((v, i) => {
        const target = p.replace === true ? v : out(i, `${v}${str(p.suffix)}`);
        const args = [col(D, v), String(num(p.lower, 1)), String(num(p.upper, 99))];
        if (by.length) args.push(`by = list(${by.map((b) => col(D, b)).join(', ')})`);
        if (s.tool === 'trim') args.push('trim = TRUE');
        w.line(`${col(D, target)} <- ps_winsor(${args.join(', ')})`);
      });
      return;
    case 'standardize':
      vars.forEach((v, i) => w.line(`${col(D, out(i, `${v}${str(p.suffix)}`))} <- ${groupwise(D, col(D, v), by, '(v - mean(v, na.rm = TRUE)) / sd(v, na.rm = TRUE)')}`));
      return;
    case 'log': {
      const shift = num(p.shift, 0);
      vars.forEach((v, i) => {
        const arg = shift === 0 ? col(D, v) : `${col(D, v)} + ${rNumber(shift)}`;
        w.line(`${col(D, out(i, `${str(p.prefix)}${v}`))} <- ifelse(${arg} > 0, log(${arg}), NA)`);
      });
      return;
    }
    case 'lag':
    case 'lead':
    case 'diff':
    case 'growth': {
      const pa = needPanel();
      if (pa === null) return;
      w.helpers.add('ps_lag');
      const k = num(p.k, 1);
      vars.forEach((v, i) => {
        const x = col(D, v);
        const L = `ps_lag(${x}, ${pa}, ${s.tool === 'lead' ? -k : k})`;
        const value =
          s.tool === 'lag' || s.tool === 'lead' ? L
          : s.tool === 'diff' ? `${x} - ${L}`
          : p.log === true ? `ifelse(${x} > 0 & ${L} > 0, log(${x}) - log(${L}), NA)`
          : `ifelse(${L} != 0, (${x} - ${L}) / ${L}, NA)`;
        w.line(`${col(D, out(i, v))} <- ${value}`);
      });
      return;
    }
    case 'egen': {
      const stat = str(p.stat) || 'mean';
      const fun = stat === 'pctile' ? `quantile(v, ${num(p.p, 50)} / 100, type = 2, na.rm = TRUE, names = FALSE)` : EGEN[stat];
      if (!fun) {
        w.comment(`TODO: egen ${stat}() has no R translation`);
        return;
      }
      const x = col(D, str(p.var));
      w.line(`${col(D, str(p.name))} <- ${by.length > 0 || stat === 'rank' ? `ave(${[x, ...by.map((b) => col(D, b))].join(', ')}, FUN = function(v) ${fun})` : `(function(v) ${fun})(${x})`}`);
      return;
    }
    case 'dummies': {
      const v = str(p.var);
      const isText = ds?.variables.find((x) => x.name === v)?.type === 'categorical';
      if (!s.levels || s.levels.some((l) => l === null)) {
        w.comment(`TODO: one dummy per level of ${v} (Panel Studio names: ${s.written.join(' ')})`);
        return;
      }
      s.written.forEach((name, i) => {
        const level = s.levels?.[i] ?? '';
        w.line(`${col(D, name)} <- ifelse(is.na(${col(D, v)}), NA, as.numeric(${col(D, v)} == ${isText ? rString(level) : level}))`);
      });
      return;
    }
    case 'split': {
      const stat = str(p.stat) === 'mean' ? 'mean(v, na.rm = TRUE)' : 'median(v, na.rm = TRUE)';
      const x = col(D, str(p.var));
      w.line(`.m <- ${groupwise(D, x, by, stat)}`);
      w.line(`${col(D, str(p.name))} <- ifelse(is.na(${x}) | is.na(.m), NA, as.numeric(${x} ${p.inclusive === true ? '>=' : '>'} .m))`);
      return;
    }
    case 'interact': {
      const a = str(p.a);
      const b = str(p.b);
      const textA = ds?.variables.find((x) => x.name === a)?.type === 'categorical';
      const textB = ds?.variables.find((x) => x.name === b)?.type === 'categorical';
      if (!textA && !textB && s.written.length === 1) w.line(`${col(D, s.written[0])} <- ${col(D, a)} * ${col(D, b)}`);
      else w.comment(`TODO: interaction ${a} × ${b} spelled out as ${s.written.join(' ')}; in a formula write ${rName(a)}:${rName(b)} (fixest: i(${rName(a)}, ${rName(b)}))`);
      return;
    }
    case 'devpower': {
      const x = col(D, str(p.var));
      w.line(`${col(D, str(p.name))} <- (${x} - ave(${x}, ${col(D, str(p.time))}, FUN = function(v) mean(v, na.rm = TRUE)))^${num(p.power, 3)}`);
      return;
    }
    case 'recode': {
      if (!s.rules) {
        w.comment(`TODO: recode ${str(p.var)} ${str(p.rules)} into ${str(p.name)}`);
        return;
      }
      const lines = recodeR(col(D, str(p.var)), s.rules);
      w.line(`${col(D, str(p.name))} <- ${lines[0]}`);
      for (const l of lines.slice(1)) w.line(l);
      return;
    }
    case 'destring':
      vars.forEach((v, i) => {
        const target = p.replace === true ? v : out(i, `${v}${str(p.suffix)}`);
        w.line(`${col(D, target)} <- suppressWarnings(as.numeric(gsub(",", "", trimws(${col(D, v)}), fixed = TRUE)))`);
      });
      return;
    case 'ivlagged': {
      if (needPanel() === null || !panel) return;
      const t = panel.time;
      const series = str(p.series);
      w.line(`.s <- unique(${D}[!is.na(${col(D, t)}) & !is.na(${col(D, series)}), ${vec([t, series])}])`);
      w.line(`${col(D, str(p.name))} <- ${col(D, str(p.z))} * .s[[${rString(series)}]][match(${col(D, t)} - ${num(p.k, 1)}, .s[[${rString(t)}]])]`);
      return;
    }
    case 'bartik':
    case 'entropy':
    case 'quality':
    case 'sophistication':
      for (const l of measureBlock(s, 'r')) w.line(l);
      return;
    default:
      w.comment(`TODO: ${String(s.tool)} (${s.written.join(' ')}) has no R translation`);
  }
}

// ------------------------------------------------------------------------------------ combine

function combineStep(w: RWriter, s: CombineStep): void {
  const r = s.request;
  const N = rName(r.name);
  const M = rName(r.master);
  w.lastTools = r.name;
  w.section(`Dataset ${r.name}: ${r.kind} (from ${r.master}${r.kind === 'merge' || r.kind === 'append' ? ` and ${r.using}` : ''})`);
  switch (r.kind) {
    case 'merge': {
      w.helpers.add('ps_merge');
      const keep = r.keep && r.keep.length > 0 ? `, keep = ${vec(r.keep)}` : '';
      w.line(`${N} <- ps_merge(${M}, ${rName(r.using)}, by = ${vec(r.keys ?? [])}${keep})   # Stata: merge ${r.merge ?? '1:1'}`);
      break;
    }
    case 'append':
      w.helpers.add('ps_append');
      w.line(`${N} <- ps_append(${M}, ${rName(r.using)})`);
      break;
    case 'keep':
    case 'drop': {
      const c = w.expr(r.master, s.condition ?? (r.condition ? { text: r.condition } : undefined), false);
      if (c === null) {
        w.line(`${N} <- ${M}`);
        break;
      }
      w.line(`${N} <- ${M}[${r.kind === 'drop' ? '!' : ''}(with(${M}, ${c}) %in% TRUE), , drop = FALSE]`);
      break;
    }
    case 'sort': {
      const desc = new Set(r.descending ?? []);
      const keys = (r.keys ?? []).map((k) => (desc.has(k) ? `-xtfrm(${col(M, k)})` : col(M, k)));
      w.line(`${N} <- ${M}[order(${keys.join(', ')}), , drop = FALSE]`);
      break;
    }
    case 'collapse':
      w.helpers.add('ps_collapse');
      w.line(`${N} <- ps_collapse(${M}, by = ${vec(r.keys ?? [])}, vars = ${vec(r.vars ?? [])}, stat = ${rString(r.stat ?? 'mean')}${r.weight ? `, w = ${rString(r.weight)}` : ''})`);
      break;
  }
  if (r.kind !== 'merge' && r.kind !== 'collapse') w.line(`rownames(${N}) <- NULL`);
}

// ------------------------------------------------------------------------------------ models

function rhsTerms(terms: string[]): string {
  return terms.length > 0 ? terms.map(rName).join(' + ') : '1';
}

function fixestFe(absorb: string[]): string {
  return absorb.map((a) => a.split('#').map(rName).join('^')).join(' + ');
}

function clusterFormula(spec: ModelSpec): string {
  return `~${spec.cluster.map(rName).join(' + ')}`;
}

/** The data argument: the dataset, or its rows where the sample condition holds. */
function dataArg(w: RWriter, m: ModelDescription): string {
  const D = rName(m.dataset);
  if (!m.spec.sample?.if) return D;
  const c = w.expr(m.dataset, m.condition ?? { text: m.spec.sample.if }, false);
  return c === null ? D : `${D}[with(${D}, ${c}) %in% TRUE, , drop = FALSE]`;
}

/** The model's panel, or its dataset's declared one. */
function panelOf(w: RWriter, m: ModelDescription): { id: string; time: string } | undefined {
  return m.spec.panel ?? w.d.datasets.find((x) => x.name === m.dataset)?.panel;
}

function modelStep(w: RWriter, m: ModelDescription, index: number): boolean {
  const spec = m.spec;
  w.line();
  w.comment(`Model ${index}: ${m.name} (${spec.estimator} on ${m.dataset})`);
  if (!w.d.datasets.some((x) => x.name === m.dataset)) {
    w.comment(`TODO: dataset ${m.dataset} is not in the project any more`);
    return false;
  }
  return modelCommands(w, m, index, `models[[${rString(m.name)}]]`, `vcovs[[${rString(m.name)}]]`);
}

/**
 * One model: the fit into `key` and its covariance into `vkey`, as the script and the model form's
 * preview write it. True when the model goes into the table (psm, sfa and tfp print instead).
 */
function modelCommands(w: RWriter, m: ModelDescription, index: number, key: string, vkey: string): boolean {
  const spec = m.spec;
  const data = dataArg(w, m);
  const noInt = spec.options.intercept === false;
  const y = rName(spec.y);
  const x = rhsTerms(spec.x);
  const sandwichVcov = (hc: 'HC0' | 'HC1') =>
    spec.vcov === 'cluster' ? `sandwich::vcovCL(${key}, cluster = ${clusterFormula(spec)}, type = "${hc}")` : spec.vcov === 'robust' ? `sandwich::vcovHC(${key}, type = "${hc}")` : `vcov(${key})`;
  switch (spec.estimator) {
    case 'ols':
      w.line(`${key} <- lm(${y} ~ ${x}${noInt ? ' - 1' : ''}, data = ${data})`);
      if (spec.vcov !== 'iid') w.packages.add('sandwich');
      w.line(`${vkey} <- ${sandwichVcov('HC1')}`);
      return true;
    case 'fe':
    case 're': {
      w.packages.add('plm');
      const panel = panelOf(w, m);
      const index = panel ? `, index = ${vec([panel.id, panel.time])}` : '';
      const fit = (model: string) => `plm::plm(${y} ~ ${x}, data = ${data}${index}, model = "${model}")`;
      w.line(`${key} <- ${fit(spec.estimator === 'fe' ? 'within' : 'random')}`);
      if (spec.vcov !== 'iid') {
        if (spec.vcov === 'cluster' && panel && spec.cluster.some((c) => c !== panel.id)) w.comment(`TODO: clustered by ${spec.cluster.join(', ')}, not the panel unit: use fixest::feols(..., cluster = ${clusterFormula(spec)})`);
        w.line(`${vkey} <- plm::vcovHC(${key}, method = "arellano", type = "sss", cluster = "group")`);
      } else w.line(`${vkey} <- vcov(${key})`);
      if (spec.estimator === 're' && spec.options.hausman !== false) w.line(`print(plm::phtest(${fit('within')}, ${key}))   # Hausman test`);
      return true;
    }
    case 'hdfe': {
      w.packages.add('fixest');
      const fe = spec.absorb.length > 0 ? ` | ${fixestFe(spec.absorb)}` : '';
      const vc = spec.vcov === 'cluster' ? `cluster = ${clusterFormula(spec)}` : `vcov = "${spec.vcov === 'robust' ? 'hetero' : 'iid'}"`;
      w.line(`${key} <- fixest::feols(${y} ~ ${x}${fe}, data = ${data}, ${vc})`);
      w.line(`${vkey} <- vcov(${key})`);
      return true;
    }
    case 'iv': {
      if (spec.absorb.length > 0 || spec.options.method === 'liml') {
        w.packages.add('fixest');
        if (spec.options.method === 'liml') w.comment('TODO: LIML: fixest::feols fits 2SLS; use ivmodel or Stata for LIML');
        const vc = spec.vcov === 'cluster' ? `cluster = ${clusterFormula(spec)}` : `vcov = "${spec.vcov === 'robust' ? 'hetero' : 'iid'}"`;
        const fe = spec.absorb.length > 0 ? ` | ${fixestFe(spec.absorb)}` : '';
        w.line(`${key} <- fixest::feols(${y} ~ ${x}${fe} | ${rhsTerms(spec.endog)} ~ ${rhsTerms(spec.instruments)}, data = ${data}, ${vc})`);
        w.line(`${vkey} <- vcov(${key})`);
        w.line(`print(fixest::fitstat(${key}, ~ ivf + ivwald))   # first-stage F`);
        return true;
      }
      w.packages.add('AER');
      if (spec.vcov !== 'iid') w.packages.add('sandwich');
      const exog = spec.x.map(rName);
      w.line(`${key} <- AER::ivreg(${y} ~ ${[...exog, ...spec.endog.map(rName)].join(' + ')}${noInt ? ' - 1' : ''} | ${[...exog, ...spec.instruments.map(rName)].join(' + ')}${noInt ? ' - 1' : ''}, data = ${data})`);
      w.line(`${vkey} <- ${sandwichVcov(spec.options.small === 'on' ? 'HC1' : 'HC0')}`);
      return true;
    }
    case 'gmm':
      return gmmR(w, m, key, vkey, data);
    case 'logit':
    case 'probit': {
      w.line(`${key} <- glm(${y} ~ ${x}${noInt ? ' - 1' : ''}, family = binomial(link = "${spec.estimator}"), data = ${data})`);
      if (spec.vcov !== 'iid') w.packages.add('sandwich');
      w.line(
        `${vkey} <- ${spec.vcov === 'cluster' ? `sandwich::vcovCL(${key}, cluster = ${clusterFormula(spec)}, type = "HC0")` : spec.vcov === 'robust' ? `sandwich::vcovHC(${key}, type = "HC0") * nobs(${key}) / (nobs(${key}) - 1)` : `vcov(${key})`}`,
      );
      return true;
    }
    case 'psm':
      psmR(w, m, index, data);
      return false;
    case 'sfa':
      sfaR(w, m, index, data);
      return false;
    case 'tfp':
      tfpR(w, m, index, data);
      return false;
    default:
      w.comment(`TODO: estimator ${String(spec.estimator)} has no R translation`);
      return false;
  }
}

/** `L2.x` → `lag(x, 2)` in plm's formula language. */
function plmTerm(term: string): string {
  const m = /^L(\d*)\.(.+)$/.exec(term);
  return m ? `lag(${rName(m[2])}, ${m[1] === '' ? 1 : Number(m[1])})` : rName(term);
}

function gmmR(w: RWriter, m: ModelDescription, key: string, vkey: string, data: string): boolean {
  const spec = m.spec;
  const o = spec.options;
  w.packages.add('plm');
  w.attach.add('plm');
  const blocks = gmmInstruments(spec);
  const gmm = blocks.gmm.map((g) => `lag(${plmTerm(g.var)}, ${g.lag_min}:${g.lag_max ?? 99})`);
  const iv = blocks.iv.map((v) => plmTerm(v.var));
  const notes: string[] = [];
  const collapse = blocks.gmm.some((g) => g.collapse);
  if (collapse && blocks.gmm.some((g) => !g.collapse)) notes.push('pgmm collapses all GMM-style blocks or none');
  if (blocks.gmm.some((g) => g.eq && g.eq !== 'both') || blocks.iv.some((v) => (v.eq && v.eq !== 'both') || v.passthru)) notes.push('equation-specific instruments (eq(), passthru) have no pgmm equivalent');
  if (o.transform === 'fod') notes.push('forward orthogonal deviations (orthogonal) have no pgmm equivalent');
  for (const n of notes) w.comment(`TODO: ${n}`);
  const parts = [`${rName(spec.y)} ~ ${spec.x.length > 0 ? spec.x.map(plmTerm).join(' + ') : '1'}`, gmm.join(' + ') || '1', ...(iv.length > 0 ? [iv.join(' + ')] : [])];
  const args = [
    parts.join(' | '),
    `data = ${data}`,
    ...(panelOf(w, m) ? [`index = ${vec([panelOf(w, m)?.id ?? '', panelOf(w, m)?.time ?? ''])}`] : []),
    `effect = "${gmmTimeDummies(spec) ? 'twoways' : 'individual'}"`,
    `model = "${o.twostep === false ? 'onestep' : 'twosteps'}"`,
    `transformation = "${o.system === false ? 'd' : 'ld'}"`,
    ...(collapse ? ['collapse = TRUE'] : []),
  ];
  w.line(`${key} <- plm::pgmm(${args.join(', ')})`);
  w.line(`${vkey} <- ${spec.vcov === 'iid' ? `vcov(${key})` : `plm::vcovHC(${key})`}`);
  w.line(`print(summary(${key}, robust = ${spec.vcov === 'iid' ? 'FALSE' : 'TRUE'}))   # AR(1), AR(2), Sargan/Hansen`);
  return true;
}

function psmR(w: RWriter, m: ModelDescription, index: number, data: string): void {
  const spec = m.spec;
  const o = spec.options;
  w.packages.add('MatchIt');
  const name = `psm_${index}`;
  const method = o.match_method ?? 'nearest';
  if (method !== 'nearest') w.comment(`TODO: ${method} matching: MatchIt has no ${method} matching (psmatch2 ${method}); nearest-neighbour below`);
  if (o.ties) w.comment('note: MatchIt does not keep tied controls (psmatch2 ties)');
  if (o.match_by && o.match_by !== 'pooled') w.comment(`TODO: matching ${o.match_by === 'year' ? 'within each year' : 'on pre-treatment means'} is not written out`);
  if (o.caliper && o.caliper > 0 && o.caliper_unit === 'sd_logit') w.comment('note: std.caliper = TRUE reads the caliper in standard deviations of the score; Panel Studio uses the logit of the score (MatchIt: link = "linear.logit")');
  if (o.seed !== undefined) w.line(`set.seed(${o.seed})`);
  const args = [
    `${rName(spec.treatment ?? 'TREATMENT')} ~ ${rhsTerms(spec.x)}`,
    `data = ${data}`,
    'method = "nearest"',
    'distance = "glm"',
    `link = "${o.score === 'logit' ? 'logit' : 'probit'}"`,
    `ratio = ${o.neighbors ?? 1}`,
    `replace = ${o.replacement === false ? 'FALSE' : 'TRUE'}`,
    // psmatch2 (and Panel Studio) match without replacement from the smallest score up; MatchIt's default is largest
    ...(o.replacement === false ? [`m.order = "${o.match_order ?? 'smallest'}"`] : []),
    ...(o.caliper && o.caliper > 0 ? [`caliper = ${o.caliper}`, `std.caliper = ${o.caliper_unit === 'sd_logit' ? 'TRUE' : 'FALSE'}`] : []),
    ...(o.common_support ? ['discard = "treated"'] : []),
    ...(o.exact && o.exact.length > 0 ? [`exact = ~${o.exact.map(rName).join(' + ')}`] : []),
  ];
  w.line(`${name} <- MatchIt::matchit(${args.join(', ')})`);
  w.line(`print(summary(${name}))   # balance (as pstest)`);
  w.line(`${name}_data <- MatchIt::match.data(${name})`);
  if (data === rName(m.dataset)) {
    // psmatch2 leaves _pscore and _weight in the data; later models may use them (if _weight < .)
    w.line(`${col(data, '_pscore')} <- ${name}$distance`);
    w.line(`${col(data, '_weight')} <- ifelse(${name}$weights > 0, ${name}$weights, NA)`);
  }
  w.line(`print(summary(lm(${rName(spec.y)} ~ ${rName(spec.treatment ?? 'TREATMENT')}, data = ${name}_data, weights = weights)))   # ATT on the matched sample`);
}

/**
 * sfaR::sfacross on the logs, centred at the estimation-sample means as Panel Studio does; the
 * translog's squares carry the ½ (ln(x)^2/2). sfaR prints its own table, so the model is not in
 * the modelsummary table.
 */
function sfaR(w: RWriter, m: ModelDescription, index: number, data: string): void {
  const spec = m.spec;
  const o = spec.options;
  w.packages.add('sfaR');
  const logs = o.logs !== false;
  const center = o.center !== false;
  const uhet = o.uhet ?? [];
  const D = `sfa_${index}_data`;
  const used = [...new Set([spec.y, ...spec.x, ...uhet])];
  w.line(`${D} <- ${data}`);
  w.line(`${D} <- ${D}[stats::complete.cases(${D}[, ${vec(used)}, drop = FALSE]), , drop = FALSE]`);
  // new columns get dotted names (ln.x), which no imported variable has
  const base = (v: string) => (logs ? `ln.${v}` : center ? `c.${v}` : v);
  if (logs) w.line(`${col(D, base(spec.y))} <- log(${col(D, spec.y)})`);
  for (const v of spec.x) {
    if (!logs && !center) continue;
    const value = logs ? `log(${col(D, v)})` : col(D, v);
    w.line(`${col(D, base(v))} <- ${center ? `${value} - mean(${value})` : value}`);
  }
  const terms = spec.x.map((v) => rName(base(v)));
  if (o.form === 'translog') {
    for (const v of spec.x) terms.push(`I(${rName(base(v))}^2 / 2)`);
    for (let j = 0; j < spec.x.length; j++) for (let k = j + 1; k < spec.x.length; k++) terms.push(`${rName(base(spec.x[j]))}:${rName(base(spec.x[k]))}`);
  }
  const name = `sfa_${index}`;
  const args = [
    `${rName(logs ? base(spec.y) : spec.y)} ~ ${terms.length > 0 ? terms.join(' + ') : '1'}`,
    ...(uhet.length > 0 ? [`uhet = ~${uhet.map(rName).join(' + ')}`] : []),
    `data = ${D}`,
    `S = ${o.frontier === 'cost' ? '-1' : '1'}`,
    `udist = "${o.distribution ?? 'hnormal'}"`,
  ];
  w.line(`${name} <- sfaR::sfacross(${args.join(', ')})`);
  w.line(`print(summary(${name}))`);
  w.line(`${name}_eff <- sfaR::efficiencies(${name})   # u: JLMS E[u|e] (_u_jlms), teBC: Battese–Coelli (_te_bc)`);
}

/** R prodest: the same methods on vectors (value added); its polynomial and stage-2 objective differ slightly (docs/production.md). */
function tfpR(w: RWriter, m: ModelDescription, index: number, data: string): void {
  const spec = m.spec;
  const o = spec.options;
  w.packages.add('prodest');
  const panel = panelOf(w, m);
  let D = data;
  if (data !== rName(m.dataset)) {
    D = `tfp_${index}_data`;
    w.line(`${D} <- ${data}`);
  }
  const fn = o.method === 'op' ? 'prodestOP' : o.method === 'acf' ? 'prodestACF' : 'prodestLP';
  const cols = (names: string[]) => (names.length === 1 ? col(D, names[0]) : `${D}[, ${vec(names)}]`);
  const args = [
    `Y = ${col(D, spec.y)}`,
    `fX = ${cols(spec.x)}`,
    `sX = ${col(D, o.state ?? '')}`,
    `pX = ${col(D, o.proxy ?? '')}`,
    `idvar = ${panel ? col(D, panel.id) : 'NULL'}`,
    `timevar = ${panel ? col(D, panel.time) : 'NULL'}`,
    `R = ${o.reps ?? 50}`,
  ];
  if (!panel) w.comment('TODO: choose the panel id and time variables (idvar, timevar)');
  if (o.output === 'gross') w.comment('TODO: gross output (the proxy is also an input): R prodest estimates value added only');
  w.comment(`note: prodest fixes its own first-stage polynomial (Panel Studio: degree ${o.degree ?? 3})`);
  w.line(`set.seed(${o.seed ?? 12345})`);
  w.line(`tfp_${index} <- prodest::${fn}(${args.join(', ')})`);
  w.line(`print(tfp_${index})`);
}

/** One model as R code on its data frame: the model form's live preview. */
export function rModelCode(spec: ModelSpec, ctx: ModelCodeContext = {}): ModelCode {
  const dataset = ctx.dataset ?? 'data';
  const d: ProjectDescription = {
    name: dataset,
    datasets: [{ name: dataset, nrows: 0, variables: (ctx.variables ?? []).map((v) => ({ name: v.name, type: v.type })), ...(ctx.panel ? { panel: ctx.panel } : {}) }],
    steps: [],
    models: [],
  };
  const w = new RWriter(d);
  modelCommands(w, { name: '', dataset, spec, ...(ctx.condition ? { condition: ctx.condition } : {}) }, 1, 'fit', 'vc');
  return { lang: 'r', lines: [...w.lines], packages: [...w.packages].sort(), attach: [...w.attach].sort() };
}
