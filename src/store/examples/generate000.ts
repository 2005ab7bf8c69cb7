// Deterministic synthetic data shaped like seed paper 000 (cross-border e-commerce development and
// firms' export product quality), with KNOWN effects so that the example project's tables can be
// checked. Four datasets (docs/examples.md, "paper000"):
//
//   (A) province: 30 provinces × 2010–2021, 10 indicators of cross-border e-commerce development in
//       two sub-levels, ecom (firms, staff, retail, online, cost — cost is a negative indicator)
//       and basic (domains, ports, cable, trains, zones). Each indicator = a province level + a
//       national trend + its own iid noise, so the province-year deviations of the two sub-indices
//       are independent and serially uncorrelated.
//   (B) firms: ~1,070 listed firms (8,000 firm-years by default), an unbalanced firm-year panel (no gaps) with province, region,
//       industry and the controls size, age, share, con, debt.
//   (C) transactions: each firm-year's exports by product (60 HS6 codes in 10 HS2 chapters, one
//       chapter per industry) and destination (40 countries), with value and quantity.
//   (D) world: 40 countries × the 60 HS6 products × 2010–2021, export value and the country's GDP
//       per capita — the table that export sophistication (PRODY/EXPY, Hausmann–Hwang–Rodrik)
//       needs. Rich countries export relatively more of the products with a higher sophistication
//       s_k (which rises with the HS6 code within a chapter), so PRODY rises with s_k.
//
// The provincial index ret_pt is the entropy-weight index of the 10 indicators computed exactly as
// the `entropy` tool computes it (pooled over all province-years, groups ecom and basic; the same
// function is called here), so ret = W_ecom·ecom + W_basic·basic. The firm-year quality (in logs)
//
//   Q_it = β·ret_pt + γ'x_it + τ_t + v_it,   v_it = ρ·v_i,t−1 + μ_i + e_it,   ρ = 0.3, β = 1.0
//
// (persistent quality: Q_it = ρ·Q_i,t−1 + β·ret_pt − ρβ·ret_p,t−1 + …; with serially uncorrelated
// province-year deviations of ret the system GMM of Q on L.Q and ret recovers ρ and β)
// and each transaction's quality ln λ_ikct = θ_k + Q_it + 0.2·u. Demand is CES with σ = 5:
// ln q = (σ−1) ln λ − σ ln p + α_ct + κ_k; the export value is drawn first (firm size, product and
// destination shares) and the price solves the demand equation, so ln q + σ ln p = (σ−1) ln λ +
// α_ct + κ_k holds exactly: the `quality` tool (σ = 5, product and destination×year effects)
// recovers ln λ up to those effects, and its value-weighted firm-year mean is Q_it up to firm
// and year constants and averaging noise.
//
// Export sophistication: EXPY_it = Σ_k (x_ik / X_i)·PRODY_kt over the firm's products. Firms in
// provinces with a higher ret shift their product mix toward their high-PRODY products: the
// generator computes PRODY_kt from (D) with the same formula as the `sophistication` tool and tilts
// each firm-year's export values across its products (keeping their total) so that exactly
//   ln EXPY_it = c_i + β_x·ret_pt + η_it,   β_x = 0.5,   η_it ~ N(0, 0.03²) clipped at ±3 SD,
// with c_i a firm constant and no year term (as world incomes raise PRODY, the mix moves toward the
// firm's lower-PRODY products), so firm FE alone and two-way FE both recover β_x. Every firm's
// products span enough PRODY in every year for this (a firm with one product, or too narrow a
// range, also exports its chapter's product that widens the feasible range most; each product is
// exported every year). The tilt moves only value weights: each transaction's price still solves
// the demand equation, so its KSW quality is as before (the firm-year means weight it anew).
//
// ret is exogenous here, so the two-way FE models, the IV (instrument: the cube of ret's deviation
// from the yearly mean across provinces, `devpower`) and the system GMM all target β. Two designed
// consequences: KSW quality is relative to destination × year effects, so the national trend of ret
// is not in the outcome and the firm-FE-only columns are attenuated (only two-way FE recovers β);
// and the lag of ret is a weak instrument here, so the seed paper's IV1 is not among the models.
import { mulberry32 as rng } from '../../engine/psm/random.js';
import { entropyIndex } from '../../engine/measure/entropy.js';

export const YEARS_000 = [2010, 2011, 2012, 2013, 2014, 2015, 2016, 2017, 2018, 2019, 2020, 2021];
export const PROVINCES_000 = 30;
export const SIGMA_000 = 5;

export const INDICATORS_000 = {
  ecom: ['firms', 'staff', 'retail', 'online', 'cost'],
  basic: ['domains', 'ports', 'cable', 'trains', 'zones'],
  negative: ['cost'],
} as const;

export const TRUTH_000 = {
  /** effect of the entropy index ret on firm-year export quality (log quality, KSW's ε/(σ−1)) */
  ret: 1.0,
  /** effect of ret on ln EXPY (export sophistication; with firm and year effects) */
  expy_ret: 0.5,
  /** SD of the firm-year noise η of ln EXPY (clipped at ±3 SD) */
  expy_noise: 0.03,
  /** persistence of quality (the L.y of the system GMM) */
  rho: 0.3,
  controls: { size: 0.05, share: 0.2, con: 0.3, debt: 0.02 },
  sigma: SIGMA_000,
};

export interface Generated000 {
  province: { rows: number; columns: Record<string, Float64Array> };
  firms: { rows: number; firms: number; columns: Record<string, Float64Array> };
  transactions: { rows: number; columns: Record<string, Float64Array> };
  world: { rows: number; columns: Record<string, Float64Array> };
  /** EXPY of each firm-year (aligned with `firms`) as the generator built it: the sophistication tool recovers it */
  expy: Float64Array;
  /** firm-years whose ln EXPY target lay outside their products' PRODY range and was clipped (0 by design) */
  expyClipped: number;
  /** the index and sub-index weights the entropy tool finds (pooled): ret = W.ecom·ecom + W.basic·basic */
  W: { ecom: number; basic: number };
  /** implied effects of the sub-indices alone: β·W_g (the other sub-index's deviations are independent) */
  truth: { ret: number; ecom: number; basic: number; rho: number; expy: { ret: number; ecom: number; basic: number } };
}


export const PROVINCE_COLUMNS_000 = ['province', 'year', 'region', ...INDICATORS_000.ecom, ...INDICATORS_000.basic] as const;
export const FIRM_COLUMNS_000 = ['firm', 'year', 'province', 'region', 'industry', 'size', 'age', 'share', 'soe', 'con', 'debt'] as const;
export const TRANSACTION_COLUMNS_000 = ['firm', 'year', 'province', 'hs2', 'hs6', 'dest', 'value', 'quantity'] as const;
export const WORLD_COLUMNS_000 = ['country', 'year', 'hs6', 'exports', 'gdppc'] as const;
export const PRODUCTS_000 = 60;
export const COUNTRIES_000 = 40;

/** The HS6 code of product k (0–59): chapter 84 + ⌊k/6⌋, six products per chapter. */
export function hs6Of(k: number): number {
  return (84 + Math.floor(k / 6)) * 10000 + 100 + (k % 6) * 10;
}

/**
 * (D) the world export table and PRODY_kt (index t·60 + k) by Hausmann–Hwang–Rodrik's formula, as
 * the `sophistication` tool computes it per year. Its own random stream: the other datasets do not
 * depend on it.
 */
export function generateWorld000(seed = 0): { rows: number; columns: Record<string, Float64Array>; prody: Float64Array } {
  const u = rng(3000 + seed);
  const z = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const T = YEARS_000.length;
  const C = COUNTRIES_000;
  const K = PRODUCTS_000;
  // GDP per capita (USD): 1,500–60,000 in 2010, growing about 3% a year
  const lnY0 = Float64Array.from({ length: C }, () => Math.log(1500) + u() * Math.log(40));
  const growth = Float64Array.from({ length: C }, () => 0.03 + 0.015 * z());
  const meanLnY = lnY0.reduce((a, b) => a + b, 0) / C;
  const scale = Float64Array.from({ length: C }, () => z()); // country size
  // sophistication: rises with the code within each chapter (−1 … 1)
  const soph = Float64Array.from({ length: K }, (_, k) => ((k % 6) - 2.5) / 2.5 + 0.15 * z());
  const demand = Float64Array.from({ length: K }, () => 0.5 * z());
  const pair = Float64Array.from({ length: C * K }, () => 0.6 * z()); // persistent country-product advantage
  const rows = C * K * T;
  const columns: Record<string, Float64Array> = {};
  for (const n of WORLD_COLUMNS_000) columns[n] = new Float64Array(rows);
  const prody = new Float64Array(T * K);
  const share = new Float64Array(C * K);
  let r = 0;
  for (let t = 0; t < T; t++) {
    const gdp = Float64Array.from({ length: C }, (_, c) => Math.round(Math.exp(lnY0[c] + growth[c] * t)));
    for (let c = 0; c < C; c++) {
      let total = 0;
      for (let k = 0; k < K; k++) {
        const x = Math.round(100 * Math.exp(8 + scale[c] + demand[k] + 1.6 * soph[k] * (lnY0[c] - meanLnY) + pair[c * K + k] + 0.15 * z())) / 100; // thousand USD
        columns.country[r] = c + 1;
        columns.year[r] = YEARS_000[t];
        columns.hs6[r] = hs6Of(k);
        columns.exports[r] = x;
        columns.gdppc[r] = gdp[c];
        share[c * K + k] = x;
        total += x;
        r++;
      }
      for (let k = 0; k < K; k++) share[c * K + k] /= total;
    }
    // PRODY_kt = Σ_c (s_ck / Σ_c' s_c'k)·Y_ct, s_ck = x_ck / X_c
    for (let k = 0; k < K; k++) {
      let num = 0;
      let den = 0;
      for (let c = 0; c < C; c++) {
        num += share[c * K + k] * gdp[c];
        den += share[c * K + k];
      }
      prody[t * K + k] = num / den;
    }
  }
  return { rows, columns, prody };
}

/** (A) the province panel and its entropy index (the same function as the `entropy` tool, pooled). */
export function generateProvinces000(seed = 0): { rows: number; columns: Record<string, Float64Array>; ret: Float64Array; ecom: Float64Array; basic: Float64Array; W: { ecom: number; basic: number } } {
  const u = rng(1000 + seed);
  const z = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const T = YEARS_000.length;
  const rows = PROVINCES_000 * T;
  const columns: Record<string, Float64Array> = {};
  for (const n of PROVINCE_COLUMNS_000) columns[n] = new Float64Array(rows);
  const all = [...INDICATORS_000.ecom, ...INDICATORS_000.basic];
  // scale and growth of each indicator (levels in their natural units)
  const scale: Record<string, number> = { firms: 800, staff: 20, retail: 300, online: 150, cost: 40, domains: 60, ports: 900, cable: 30, trains: 200, zones: 6 };
  const region = Int32Array.from({ length: PROVINCES_000 }, (_, p) => (p < 11 ? 1 : p < 19 ? 2 : 3)); // east 11, central 8, west 11
  // province levels: e-commerce follows the east–west gradient, basic services are independent of it
  // (so that a sub-index's level does not stand in for the other's in the levels equation of system GMM)
  const levelE = Float64Array.from({ length: PROVINCES_000 }, (_, p) => (region[p] === 1 ? 1.6 : region[p] === 2 ? 1.0 : 0.6) + 0.25 * z());
  const levelB = Float64Array.from({ length: PROVINCES_000 }, () => 1.1 + 0.4 * z());
  for (let p = 0; p < PROVINCES_000; p++)
    for (let t = 0; t < T; t++) {
      const r = p * T + t;
      columns.province[r] = p + 1;
      columns.year[r] = YEARS_000[t];
      columns.region[r] = region[p];
      const g = 0.15 * t; // national growth
      for (const n of all) {
        const noise = 0.5 * z();
        const level = (INDICATORS_000.ecom as readonly string[]).includes(n) ? levelE[p] : levelB[p];
        // a negative indicator (cost) falls with development
        const x = n === 'cost' ? 3.2 - 0.5 * level - 0.6 * g + noise : level + g + noise;
        columns[n][r] = Math.max(0.01, scale[n] * (2 + x));
      }
    }
  const v = (n: string) => ({ name: n, column: { kind: 'numeric' as const, values: columns[n] } });
  const e = entropyIndex(
    all.map((n) => ({ v: v(n), negative: (INDICATORS_000.negative as readonly string[]).includes(n) })),
    { groups: [{ name: 'ecom', members: [...INDICATORS_000.ecom] }, { name: 'basic', members: [...INDICATORS_000.basic] }] },
  );
  const gw = (g: string) => e.groupWeights.find((w) => w.group === g && w.by === undefined)?.weight ?? Number.NaN;
  const sub = (g: string) => e.subIndices.find((s) => s.name === g)?.values ?? new Float64Array(rows);
  return { rows, columns, ret: e.index, ecom: sub('ecom'), basic: sub('basic'), W: { ecom: gw('ecom'), basic: gw('basic') } };
}

/** The tilt τ that makes ln Σ_k V_k e^{τ c_k} P_k − ln Σ_k V_k e^{τ c_k} = target (increasing in τ; bisection). */
function tiltFor(lnV: number[], c: number[], lnP: number[], target: number): number {
  const f = (tau: number) => {
    let m = -Infinity;
    for (let j = 0; j < lnV.length; j++) m = Math.max(m, lnV[j] + tau * c[j]);
    let num = 0;
    let den = 0;
    for (let j = 0; j < lnV.length; j++) {
      const e = Math.exp(lnV[j] + tau * c[j] - m);
      num += e * Math.exp(lnP[j]);
      den += e;
    }
    return Math.log(num / den) - target;
  };
  let lo = -1;
  let hi = 1;
  for (let i = 0; i < 60 && f(lo) > 0; i++) lo *= 2;
  for (let i = 0; i < 60 && f(hi) < 0; i++) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-14 * Math.max(1, Math.abs(lo)); i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < 0) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** All four datasets; `rows` is the target number of firm-years (default ≈ 1,070 firms). */
export function generate000(rows = 8_000, seed = 0): Generated000 {
  const prov = generateProvinces000(seed);
  const u = rng(2000 + seed);
  const z = () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
  const T = YEARS_000.length;
  const P = PROVINCES_000;
  const { rho, ret: beta } = TRUTH_000;
  const g = TRUTH_000.controls;
  const products = 60;
  const dests = 40;
  const sigma = SIGMA_000;
  const theta = Float64Array.from({ length: products }, () => 0.3 * z()); // product quality levels
  const kappa = Float64Array.from({ length: products }, () => 0.5 * z()); // product demand
  const priceLevel = Float64Array.from({ length: products }, () => 2 + z()); // units differ by product
  const alpha = Float64Array.from({ length: dests * T }, () => 0.4 * z()); // destination-year demand
  const tau = Float64Array.from({ length: T }, (_, t) => 0.02 * t);
  // provinces: east provinces host more listed firms
  const provWeight = Float64Array.from({ length: P }, (_, p) => (p < 11 ? 3 : 1));
  const provTotal = provWeight.reduce((a, b) => a + b, 0);
  const pickProvince = () => {
    let x = u() * provTotal;
    for (let p = 0; p < P; p++) if ((x -= provWeight[p]) < 0) return p;
    return P - 1;
  };
  const F: Record<string, number[]> = Object.fromEntries(FIRM_COLUMNS_000.map((n) => [n, []]));
  const X: Record<string, number[]> = Object.fromEntries(TRANSACTION_COLUMNS_000.map((n) => [n, []]));
  // export sophistication: PRODY from the world table; its own stream for everything EXPY adds (extra
  // products and their transactions, η), so the quality data are the draws they were before
  const world = generateWorld000(seed);
  const lnPrody = world.prody.map(Math.log);
  const w = rng(4000 + seed);
  const wz = () => Math.sqrt(-2 * Math.log(1 - w())) * Math.cos(2 * Math.PI * w());
  const { expy_ret: bx, expy_noise: sEta } = TRUTH_000;
  const expy: number[] = [];
  let clipped = 0;
  let firm = 0;
  let r = 0;
  while (r < rows) {
    firm++;
    const p = pickProvince();
    const industry = 1 + Math.floor(u() * 10);
    const founded = 1985 + Math.floor(u() * 25);
    const len = 3 + Math.floor(u() * 10); // 3–12 years
    const start = Math.floor(u() * (T - Math.min(len, T) + 1));
    const mu = 0.3 * z();
    const sizeBase = 7 + 1.2 * z();
    const shareBase = u() < 0.3 ? 0.2 + 0.5 * u() : 0.05 * u();
    const conBase = 0.2 + 0.4 * u();
    const debtBase = 1.5 + 0.5 * z();
    // its products (1–4 of its industry's chapter) and destinations (1–5)
    const nk = 1 + Math.floor(u() * 4);
    const ks = new Set<number>();
    while (ks.size < nk) ks.add((industry - 1) * 6 + Math.floor(u() * 6));
    const nd = 1 + Math.floor(u() * 5);
    const ds = new Set<number>();
    while (ds.size < nd) ds.add(Math.floor(u() * dests));
    const kShare = new Map([...ks].map((k) => [k, z()]));
    // EXPY: the firm's products must span enough ln PRODY in every year for ln EXPY = c + β_x·ret + η
    // (the firm's centre c stays inside every year's range, which moves with the world's growth)
    const end = Math.min(T, start + len);
    let retLo = Infinity;
    let retHi = -Infinity;
    for (let t = start; t < end; t++) {
      retLo = Math.min(retLo, prov.ret[p * T + t]);
      retHi = Math.max(retHi, prov.ret[p * T + t]);
    }
    const retMid = (retLo + retHi) / 2;
    const swing = (bx * (retHi - retLo)) / 2 + 3 * sEta; // the largest |β_x·(ret − retMid) + η|
    // the centres c that keep c ± swing within 70% of every year's half-range: [lo, hi] (empty if lo > hi)
    const centres = (set: number[]) => {
      let lo = -Infinity;
      let hi = Infinity;
      for (let t = start; t < end; t++) {
        let a = Infinity;
        let b = -Infinity;
        for (const k of set) {
          a = Math.min(a, lnPrody[t * products + k]);
          b = Math.max(b, lnPrody[t * products + k]);
        }
        const room = 0.7 * ((b - a) / 2) - swing;
        lo = Math.max(lo, (a + b) / 2 - room);
        hi = Math.min(hi, (a + b) / 2 + room);
      }
      return { lo, hi };
    };
    const mine = [...ks];
    const extra: number[] = [];
    let span = centres(mine);
    while (span.lo > span.hi) {
      let best = -1;
      let bestSpan = span;
      for (let j = 0; j < 6; j++) {
        const k = (industry - 1) * 6 + j;
        if (mine.includes(k)) continue;
        const sp = centres([...mine, k]);
        if (best < 0 || sp.hi - sp.lo > bestSpan.hi - bestSpan.lo) [best, bestSpan] = [k, sp];
      }
      if (best < 0) break; // the whole chapter (does not happen with this world table: the target is then clipped)
      mine.push(best);
      extra.push(best);
      kShare.set(best, wz());
      span = bestSpan;
    }
    const centre = (span.lo + span.hi) / 2;
    const dFirst = [...ds][0];
    // quality dynamics over all years, started near its stationary distribution
    let v = 0;
    for (let t = 0; t < T; t++) {
      const i = p * T + t;
      const size = sizeBase + 0.04 * (t - start) + 0.15 * z();
      const share = Math.min(1, Math.max(0, shareBase + 0.02 * z()));
      const con = Math.min(0.9, Math.max(0.05, conBase + 0.03 * z()));
      const debt = debtBase + 0.3 * z();
      const xb = g.size * size + g.share * share + g.con * con + g.debt * debt;
      // the persistent part v: AR(1) around the firm's level; quality = β·ret + γ'x + τ + v
      v = t === 0 ? mu / (1 - rho) + (0.2 / Math.sqrt(1 - rho * rho)) * z() : rho * v + mu + 0.2 * z();
      const Q = beta * prov.ret[i] + xb + tau[t] + v;
      if (t < start || t >= start + len || r >= rows) continue;
      const year = YEARS_000[t];
      F.firm.push(firm);
      F.year.push(year);
      F.province.push(p + 1);
      F.region.push(p < 11 ? 1 : p < 19 ? 2 : 3);
      F.industry.push(industry);
      F.size.push(size);
      F.age.push(year - founded);
      F.share.push(share);
      F.soe.push(shareBase >= 0.2 ? 1 : 0);
      F.con.push(con);
      F.debt.push(debt);
      r++;
      // the year's transactions: value drawn first (size, product mix, destination), then quality
      const tx: { k: number; d: number; lnv: number; lnLambda: number }[] = [];
      for (const k of ks)
        for (const d of ds) {
          if (ds.size > 1 && u() < 0.25) continue; // not every destination every year
          const lnv = 2 + 0.9 * size + (kShare.get(k) ?? 0) + 0.5 * z(); // export value in thousand USD
          tx.push({ k, d, lnv, lnLambda: theta[k] + Q + 0.2 * z() });
        }
      for (const k of extra)
        for (const d of ds) {
          if (ds.size > 1 && w() < 0.25) continue;
          tx.push({ k, d, lnv: 2 + 0.9 * size + (kShare.get(k) ?? 0) + 0.5 * wz(), lnLambda: theta[k] + Q + 0.2 * wz() });
        }
      // every product of the firm is exported every year (the range of PRODY it spans)
      for (const k of mine) if (!tx.some((x) => x.k === k)) tx.push({ k, d: dFirst, lnv: 2 + 0.9 * size + (kShare.get(k) ?? 0) + 0.5 * wz(), lnLambda: theta[k] + Q + 0.2 * wz() });
      // the mix: tilt the values toward high-PRODY products until ln EXPY hits its target, keeping the total
      const lnP = mine.map((k) => lnPrody[t * products + k]);
      const mid = (Math.min(...lnP) + Math.max(...lnP)) / 2;
      const eta = sEta * Math.max(-3, Math.min(3, wz()));
      const room = 0.9 * (Math.max(...lnP) - mid);
      const wanted = centre + bx * (prov.ret[i] - retMid) + eta;
      const target = Math.max(mid - room, Math.min(mid + room, wanted));
      if (target !== wanted) clipped++;
      const lnV = mine.map((k) => Math.log(tx.reduce((a, x) => a + (x.k === k ? Math.exp(x.lnv) : 0), 0)));
      const c = lnP.map((l) => l - mid);
      const tilt = tiltFor(lnV, c, lnP, target);
      let before = 0;
      let after = 0;
      for (let j = 0; j < mine.length; j++) {
        before += Math.exp(lnV[j]);
        after += Math.exp(lnV[j] + tilt * c[j]);
      }
      const keep = Math.log(after / before);
      let num = 0;
      let den = 0;
      for (const x of tx) {
        const j = mine.indexOf(x.k);
        const lnv = x.lnv + tilt * c[j] - keep;
        const a = alpha[x.d * T + t];
        const lnp = priceLevel[x.k] + x.lnLambda + (a + kappa[x.k] - lnv) / (sigma - 1);
        X.firm.push(firm);
        X.year.push(year);
        X.province.push(p + 1);
        X.hs2.push(83 + industry); // chapters 84–93
        X.hs6.push(hs6Of(x.k));
        X.dest.push(x.d + 1);
        X.value.push(Math.exp(lnv));
        X.quantity.push(Math.exp(lnv - lnp));
        num += Math.exp(lnv) * Math.exp(lnP[j]);
        den += Math.exp(lnv);
      }
      expy.push(num / den);
    }
  }
  const f64 = (o: Record<string, number[]>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Float64Array.from(v)]));
  return {
    province: { rows: prov.rows, columns: prov.columns },
    firms: { rows: r, firms: firm, columns: f64(F) },
    transactions: { rows: X.firm.length, columns: f64(X) },
    world: { rows: world.rows, columns: world.columns },
    expy: Float64Array.from(expy),
    expyClipped: clipped,
    W: prov.W,
    truth: { ret: beta, ecom: beta * prov.W.ecom, basic: beta * prov.W.basic, rho, expy: { ret: bx, ecom: bx * prov.W.ecom, basic: bx * prov.W.basic } },
  };
}
