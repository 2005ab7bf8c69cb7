// Deterministic synthetic data shaped like seed paper 000 (cross-border e-commerce development and
// firms' export product quality), with KNOWN effects so that the example project's tables can be
// checked. Three datasets (docs/examples.md, "paper000"):
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
  /** persistence of quality (the L.y of the system GMM) */
  rho: 0.3,
  controls: { size: 0.05, share: 0.2, con: 0.3, debt: 0.02 },
  sigma: SIGMA_000,
};

export interface Generated000 {
  province: { rows: number; columns: Record<string, Float64Array> };
  firms: { rows: number; firms: number; columns: Record<string, Float64Array> };
  transactions: { rows: number; columns: Record<string, Float64Array> };
  /** the index and sub-index weights the entropy tool finds (pooled): ret = W.ecom·ecom + W.basic·basic */
  W: { ecom: number; basic: number };
  /** implied effects of the sub-indices alone: β·W_g (the other sub-index's deviations are independent) */
  truth: { ret: number; ecom: number; basic: number; rho: number };
}


export const PROVINCE_COLUMNS_000 = ['province', 'year', 'region', ...INDICATORS_000.ecom, ...INDICATORS_000.basic] as const;
export const FIRM_COLUMNS_000 = ['firm', 'year', 'province', 'region', 'industry', 'size', 'age', 'share', 'soe', 'con', 'debt'] as const;
export const TRANSACTION_COLUMNS_000 = ['firm', 'year', 'province', 'hs2', 'hs6', 'dest', 'value', 'quantity'] as const;

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

/** All three datasets; `rows` is the target number of firm-years (default ≈ 1,070 firms). */
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
      for (const k of ks)
        for (const d of ds) {
          if (ds.size > 1 && u() < 0.25) continue; // not every destination every year
          const lnv = 2 + 0.9 * size + (kShare.get(k) ?? 0) + 0.5 * z(); // export value in thousand USD
          const lnLambda = theta[k] + Q + 0.2 * z();
          const a = alpha[d * T + t];
          const lnp = priceLevel[k] + lnLambda + (a + kappa[k] - lnv) / (sigma - 1);
          X.firm.push(firm);
          X.year.push(year);
          X.province.push(p + 1);
          X.hs2.push(83 + industry); // chapters 84–93
          X.hs6.push((83 + industry) * 10000 + 100 + (k % 6) * 10);
          X.dest.push(d + 1);
          X.value.push(Math.exp(lnv));
          X.quantity.push(Math.exp(lnv - lnp));
        }
    }
  }
  const f64 = (o: Record<string, number[]>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Float64Array.from(v)]));
  return {
    province: { rows: prov.rows, columns: prov.columns },
    firms: { rows: r, firms: firm, columns: f64(F) },
    transactions: { rows: X.firm.length, columns: f64(X) },
    W: prov.W,
    truth: { ret: beta, ecom: beta * prov.W.ecom, basic: beta * prov.W.basic, rho },
  };
}
