// Deterministic synthetic data shaped like seed paper 003 (cross-border e-commerce platforms and
// capacity utilisation), with KNOWN effects so that the example project's tables can be checked:
// ~40,000 firms over 2001–2007 and 2011–2015 (233,819 firm-years by default, unbalanced with gaps),
// 30 industries, 300 cities in 3 regions. Everything below is documented in docs/examples.md.
//
//   platform_it = 1 from a firm's (staggered) adoption year; each year a non-adopter adopts with a
//                 logistic hazard rising with size, infrastructure, the instrument z_iv and an
//                 unobserved persistent shock s_it (the confounder that biases OLS with FE upward)
//   cu_it       = α_i + δ_jt + γ_ct + (0.05 + 0.03·infra_high_c)·platform_it + controls·β
//                 + 0.15·s_it + ε_it                   (capacity utilisation, in logs)
//   tfp_it      = ω_i + 0.04·platform_it + …            (the productivity mechanism)
//   lnexport_it = … + 0.10·platform_it                  (the export mechanism)
//   lny_it      = tfp_it + 0.3·lnk + 0.4·lnl + 0.3·lnm − u_it,  u_it ~ |N(0, σ_it²)|,
//                 σ_it = 0.3·exp(−0.6·platform_it)     (output below the frontier; the platform
//                 reduces inefficiency: E[exp(−u)] = 2·exp(σ²/2)·Φ(−σ) is 0.7993 without and 0.8811
//                 with it, a true effect of 0.0817 on technical efficiency — the seed paper's Table 3
//                 measures capacity utilisation as SFA technical efficiency)
//   platform_mic_it = membership of a second platform (Made-in-China.com): 60% of the adopters join
//                 it one year before to two years after their adoption, 4% of the non-adopters at a
//                 random year — a mismeasured platform (Table 3 (1): an attenuated positive effect)
// z_iv = city internet penetration × national trend (+ noise) moves adoption and is unrelated to
// ε and s; instrumenting platform and platform×infra_high with z_iv and z_iv×infra_high recovers
// 0.05 and 0.03 (absorbing firm and industry×year: city×year effects would absorb z_iv).
import { mulberry32 as rng } from '../../engine/psm/random.js';
import { normCdf } from '../../engine/stats/normal-log.js';

export const YEARS_003 = [2001, 2002, 2003, 2004, 2005, 2006, 2007, 2011, 2012, 2013, 2014, 2015];
export const TRUTH_003 = {
  platform: 0.05,
  platform_x_infra: 0.03,
  controls: { size: 0.08, age: -0.004, klratio: 0.05, fc: -0.1, soe: -0.06 },
  tfp_platform: 0.04,
  export_platform: 0.1,
  /** inefficiency u ~ |N(0, σ²)| with σ = sigma_u·exp(platform_u·platform) */
  sigma_u: 0.3,
  platform_u: -0.6,
  /** the true effect of the platform on technical efficiency exp(−u): E[exp(−u)] with − without */
  te_platform: meanTE(0.3 * Math.exp(-0.6)) - meanTE(0.3),
};

/** E[exp(−u)] for u ~ |N(0, σ²)|: 2·exp(σ²/2)·Φ(−σ). */
export function meanTE(sigma: number): number {
  return 2 * Math.exp((sigma * sigma) / 2) * normCdf(-sigma);
}

export interface Generated {
  rows: number;
  firms: number;
  columns: Record<string, Float64Array>;
  /** the true technical efficiency exp(−u_it) of each row (not a column of the example's data) */
  te: Float64Array;
}


export const COLUMNS_003 = [
  'firm',
  'year',
  'industry',
  'city',
  'region',
  'soe',
  'age',
  'size',
  'klratio',
  'fc',
  'platform',
  'platform_mic',
  'infra_high',
  'reputation_high',
  'tenure',
  'z_iv',
  'lnk',
  'lnl',
  'lnm',
  'lny',
  'tfp',
  'lnexport',
  'cu',
] as const;

export function generate003(rows = 233_819, seed = 3): Generated {
  const u = rng(seed);
  // a second stream for the inefficiency and the second platform, so that every other column is
  // the same draw as before they were added (the documented numbers of T2, T4–T7 stay)
  const u2 = rng(1_000_003 + seed);
  const z2 = () => Math.sqrt(-2 * Math.log(1 - u2())) * Math.cos(2 * Math.PI * u2());
  const te = new Float64Array(rows);
  const z = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const columns: Record<string, Float64Array> = {};
  for (const n of COLUMNS_003) columns[n] = new Float64Array(rows);
  const T = YEARS_003.length;
  const cities = 300;
  const infra = Float64Array.from({ length: cities }, () => (u() < 0.45 ? 1 : 0));
  const internet = Float64Array.from({ length: cities }, (_, c) => 0.5 * infra[c] + 0.5 * z());
  const trend = Float64Array.from({ length: T }, (_, t) => t / (T - 1));
  const indYear = Float64Array.from({ length: 30 * T }, () => 0.15 * z());
  const cityYear = Float64Array.from({ length: cities * T }, () => 0.05 * z());
  const b = TRUTH_003.controls;
  let r = 0;
  let firm = 0;
  while (r < rows) {
    firm++;
    const len = 1 + Math.floor(u() * 10.7);
    const start = Math.floor(u() * (T - Math.min(len, T) + 1));
    const industry = 1 + Math.floor(u() * 30);
    const city = 1 + Math.floor(u() * cities);
    const region = 1 + (city % 3);
    const soe = u() < 0.15 ? 1 : 0;
    const founded = 1980 + Math.floor(u() * 25);
    const alpha = 0.3 * z();
    const omega = 0.3 * z();
    const sizeBase = 5 + z();
    const kl = 4 + 0.5 * z();
    const fcBase = 0.5 * z();
    const reputation = u() < 0.5 ? 1 : 0;
    // adoption: a yearly hazard (over all years, observed or not), with the persistent shock s
    let shock = z();
    const shocks = new Float64Array(T);
    let adoptT = Infinity;
    for (let t = 0; t < T; t++) {
      shock = 0.7 * shock + 0.7 * z();
      shocks[t] = shock;
      const zi = internet[city - 1] * trend[t];
      const index = -3.2 + 0.4 * (sizeBase - 5) - 0.5 * soe + 0.4 * infra[city - 1] + 3 * zi + 0.6 * shock;
      if (adoptT === Infinity && u() < 1 / (1 + Math.exp(-index))) adoptT = t;
    }
    const adopts = adoptT < Infinity;
    // Made-in-China.com: most adopters join it around their adoption year, a few others at random
    let micT = Infinity;
    if (adopts) {
      if (u2() < 0.6) micT = Math.max(0, adoptT - 1 + Math.floor(u2() * 4));
    } else if (u2() < 0.04) micT = Math.floor(u2() * T);
    for (let t = start; t < Math.min(T, start + len) && r < rows; t++) {
      if (t > start && u() < 0.05) continue; // a gap year
      const year = YEARS_003[t];
      const platform = t >= adoptT ? 1 : 0;
      const age = Math.max(0, year - founded);
      const size = sizeBase + 0.03 * (t - start) + 0.2 * z();
      const klratio = kl + 0.2 * z();
      const fc = fcBase + 0.3 * z();
      const lnl = size;
      const lnk = lnl + klratio;
      const lnm = 0.8 * lnl + 0.5 * z();
      const tfp = omega + TRUTH_003.tfp_platform * platform + 0.1 * z();
      const ineff = TRUTH_003.sigma_u * Math.exp(TRUTH_003.platform_u * platform) * Math.abs(z2());
      const lny = tfp + 0.3 * lnk + 0.4 * lnl + 0.3 * lnm - ineff;
      const lnexport = 2 + 0.8 * size + TRUTH_003.export_platform * platform + 0.5 * alpha + 0.3 * z();
      const effect = TRUTH_003.platform + TRUTH_003.platform_x_infra * infra[city - 1];
      const cu =
        alpha +
        indYear[(industry - 1) * T + t] +
        cityYear[(city - 1) * T + t] +
        effect * platform +
        b.size * size +
        b.age * age +
        b.klratio * klratio +
        b.fc * fc +
        b.soe * soe +
        0.1 * z();
      const c = columns;
      c.firm[r] = firm;
      c.year[r] = year;
      c.industry[r] = industry;
      c.city[r] = city;
      c.region[r] = region;
      c.soe[r] = soe;
      c.age[r] = age;
      c.size[r] = size;
      c.klratio[r] = klratio;
      c.fc[r] = fc;
      c.platform[r] = platform;
      c.platform_mic[r] = t >= micT ? 1 : 0;
      c.infra_high[r] = infra[city - 1];
      c.reputation_high[r] = adopts ? reputation : 0;
      c.tenure[r] = platform ? t - adoptT + 1 : 0;
      c.z_iv[r] = internet[city - 1] * trend[t] + 0.05 * z();
      c.lnk[r] = lnk;
      c.lnl[r] = lnl;
      c.lnm[r] = lnm;
      c.lny[r] = lny;
      c.tfp[r] = tfp;
      c.lnexport[r] = lnexport;
      c.cu[r] = cu;
      te[r] = Math.exp(-ineff);
      r++;
    }
  }
  return { rows, firms: firm, columns, te };
}
