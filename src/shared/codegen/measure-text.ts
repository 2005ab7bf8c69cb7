// Measurement tools with no standard Stata or R command (entropy-weight index, KSW export quality,
// HHR export sophistication, Bartik shift-share): a commented block that writes the computation
// out, step by step, with a TODO naming the step, so a replicator can rebuild the variable (or load
// it from the data Panel Studio exports). Formulas: docs/measurement.md, src/engine/measure/*.
import type { ToolStep } from './types.js';

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function measureBlock(s: ToolStep, lang: 'stata' | 'r'): string[] {
  const c = lang === 'stata' ? '*' : '#';
  const p = s.params;
  const lines: string[] = [];
  const say = (t = '') => lines.push(`${c} ${t}`.trimEnd());
  say(`TODO: ${s.tool} step on ${s.dataset} writes ${s.written.join(', ')}; no standard ${lang === 'stata' ? 'Stata' : 'R'} command does this.`);
  say('Rebuild it as below, or merge the variable in from the data Panel Studio exports (File > Export).');
  if (s.describe) say(`Panel Studio: ${s.describe}`);
  switch (s.tool) {
    case 'entropy': {
      const pos = list(p.positive);
      const neg = list(p.negative);
      const by = list(p.by);
      say(`Entropy-weight index ${str(p.name)} from positive indicators [${pos.join(' ')}] and negative indicators [${neg.join(' ')}]`);
      say(`${by.length ? `within each ${by.join(' × ')}` : 'pooled over all rows'}, rows with every indicator present, shift ${typeof p.shift === 'number' ? p.shift : 0.0001}:`);
      say('  z_ij = (x_ij - min_j)/(max_j - min_j)   positive indicators');
      say('  z_ij = (max_j - x_ij)/(max_j - min_j)   negative indicators');
      say('  z_ij = z_ij + shift');
      say('  p_ij = z_ij / sum_i z_ij;  e_j = -(1/ln n) sum_i p_ij ln p_ij;  d_j = 1 - e_j;  w_j = d_j / sum_k d_k');
      say(`  ${str(p.name)}_i = sum_j w_j z_ij`);
      if (str(p.groups)) say(`Sub-indices per indicator group (${str(p.groups)}): the same formula over each group's indicators.`);
      if (lang === 'stata') {
        say('Sketch (pooled, no groups):');
        say('  foreach v of varlist <positive> { ');
        say('      quietly summarize `v\'');
        say('      generate double z_`v\' = (`v\' - r(min)) / (r(max) - r(min)) + shift');
        say('  }   (negative: (r(max) - `v\') / (r(max) - r(min)) + shift), then p, e, d and w as above');
      } else {
        say('Sketch (pooled, no groups): z <- sapply(ind, function(x) (x - min(x)) / (max(x) - min(x))) + shift;');
        say('  p <- sweep(z, 2, colSums(z), "/"); e <- -colSums(p * log(p)) / log(nrow(z)); w <- (1 - e) / sum(1 - e);');
        say('  index <- as.vector(z %*% w)');
      }
      break;
    }
    case 'quality':
      say(`Export quality (Khandelwal, Schott & Wei 2013) of product ${str(p.product)}, destination ${str(p.destination)}, year ${str(p.year)}:`);
      say(`  p = ${str(p.value)} / ${str(p.quantity)};  fit  ln q + sigma ln p = a_product + a_destination#year + e  by OLS`);
      say(`  (${lang === 'stata' ? `reghdfe lnq_adj, absorb(${str(p.product)} ${str(p.destination)}#${str(p.year)}) residuals(e)` : `fixest::feols(lnq_adj ~ 1 | ${str(p.product)} + ${str(p.destination)}^${str(p.year)}); resid()`})`);
      say(`  sigma = ${str(p.sigmas) ? `per product from dataset ${str(p.sigmas)} (${str(p.sigmasValue)})` : String(typeof p.sigma === 'number' ? p.sigma : 5)}; singletons dropped iteratively`);
      say('  quality_raw = e / (sigma - 1); quality = (quality_raw - min) / (max - min) within product');
      if (list(p.by).length) say(`  separately within each ${list(p.by).join(' × ')}`);
      break;
    case 'sophistication':
      say(`Export sophistication (Hausmann, Hwang & Rodrik 2007) of ${str(p.unit)}${str(p.time) ? ` by ${str(p.time)}` : ''} from world table ${str(p.world)}:`);
      say(`  PRODY_k = sum_c [(x_ck / X_c) / sum_c' (x_c'k / X_c')] * Y_c   (x = ${str(p.worldValue)}, Y = ${str(p.worldGdp)}, X_c = sum_k x_ck)`);
      say(`  EXPY_f = sum_k (x_fk / X_f) * PRODY_k   (x_fk = ${str(p.value)} of unit ${str(p.unit)} in product ${str(p.product)})`);
      break;
    case 'bartik':
      say(`Shift-share (Bartik) instrument ${str(p.name)} for ${str(p.unit)} × ${str(p.time)}:`);
      say(`  shares s_us = ${str(p.shares)}.${str(p.share)} by (${str(p.sharesUnit)}, ${str(p.sharesSector)}) in the base period`);
      say(`  growth g_st of ${str(p.levels)}.${str(p.level)} by (${str(p.levelsSector)}, ${str(p.levelsTime)}), ${str(p.growthKind) === 'log' ? 'log growth' : 'growth rate'}${p.leaveOneOut !== false ? ', leaving the unit itself out' : ''}`);
      say(`  ${str(p.name)}_ut = sum_s s_us * g_st`);
      break;
    default:
      break;
  }
  return lines;
}
