// Cluster-robust covariance with Stata's small-sample factor G/(G−1) · (N−1)/(N−K); t and F tests
// on G−1 degrees of freedom (Stata regress, vce(cluster); reghdfe).
// - One variable: Liang–Zeger CR1.
// - Several variables: Cameron, Gelbach & Miller (2011) inclusion–exclusion over the intersections
//   of the cluster variables, as reghdfe 6 (see multiway.ts): one factor with G = the smallest
//   cluster count, t on G−1 df, negative eigenvalues set to zero when the sum is not PSD.
import { AppError } from '../../shared/errors.js';
import type { LinearFit } from '../models/linear-fit.js';
import { MAX_CLUSTER_WAYS, clusterMeat, fixPsd, multiwayMeat } from './multiway.js';
import { sandwich } from './sandwich.js';
import type { ClusterIds, VcovEstimate, VcovEstimator } from './types.js';

export const FEW_CLUSTERS = 50;

function fewClustersWarning(variable: string, G: number): string {
  return `only ${G} clusters of "${variable}": cluster-robust standard errors can be unreliable with fewer than ${FEW_CLUSTERS} clusters (consider a wild cluster bootstrap)`;
}

function checkGroups(c: ClusterIds): void {
  if (c.groups < 2) throw new AppError('ESTIMATION', `cluster variable "${c.variable}" has only ${c.groups} cluster in the estimation sample; clustered standard errors need at least 2`);
}

export const cluster: VcovEstimator = (fit, ctx) => {
  if (ctx.clusters.length === 0) throw new AppError('ESTIMATION', 'clustered standard errors need a cluster variable');
  if (ctx.clusters.length > 1) return multiwayCluster(fit, ctx.clusters, ctx.meat);
  checkGroups(ctx.clusters[0]);
  const { variable, ids, groups: G } = ctx.clusters[0];
  const { n, k, basis, basisToQ, basisCondition, resid } = fit;
  const M = ctx.meat ?? clusterMeat(basis, resid, ids, G, n, k, basisToQ, basisCondition);
  const factor = (G / (G - 1)) * ((n - 1) / (n - k - fit.kAbsorbed));
  const warnings: string[] = [];
  if (G < FEW_CLUSTERS) warnings.push(fewClustersWarning(variable, G));
  return {
    type: 'cluster',
    V: sandwich(fit.Rinv, M, k, factor),
    dof: Math.min(G - 1, n - k - fit.kAbsorbed),
    factor,
    convention: 'CR1: G/(G−1)·(N−1)/(N−K) · (X\'X)⁻¹ Σ_g X_g\'e_g e_g\'X_g (X\'X)⁻¹, t on G−1 df; K counts absorbed FE except those nested in the cluster variable (reghdfe, Stata vce(cluster))',
    clusters: [{ variable, groups: G }],
    warnings,
  };
};

function multiwayCluster(fit: LinearFit, clusters: ClusterIds[], meat?: Float64Array): VcovEstimate {
  const Qw = clusters.length;
  if (Qw > MAX_CLUSTER_WAYS) throw new AppError('ESTIMATION', `multi-way clustering supports at most ${MAX_CLUSTER_WAYS} cluster variables (got ${Qw})`);
  for (const c of clusters) checkGroups(c);
  const { n, k, basis, basisToQ, basisCondition, resid } = fit;

  const M = meat ?? multiwayMeat(basis, resid, clusters, n, k, basisToQ, basisCondition);

  // One small-sample factor for the whole sum, with the smallest cluster count (reghdfe).
  let G = Infinity;
  let gVar = '';
  for (const c of clusters)
    if (c.groups < G) {
      G = c.groups;
      gVar = c.variable;
    }
  const dfResid = n - k - fit.kAbsorbed;
  const factor = (G / (G - 1)) * ((n - 1) / dfResid);
  const raw = sandwich(fit.Rinv, M, k, factor);
  const psd = fixPsd(raw, k, fit.hasIntercept ? fit.interceptIndex : -1);

  const warnings: string[] = [];
  for (const c of clusters) if (c.groups < FEW_CLUSTERS) warnings.push(fewClustersWarning(c.variable, c.groups));
  if (psd.fixed) {
    warnings.push(
      `the ${Qw}-way cluster-robust covariance was not positive semi-definite (smallest eigenvalue ${psd.minEigenvalue.toPrecision(3)}); ` +
        'its negative eigenvalues were set to zero (Cameron, Gelbach & Miller 2011 fix, as reghdfe)' +
        (fit.hasIntercept && k > 1 ? (psd.slopesFixed ? '; the slopes\' block, not positive semi-definite on its own either, was fixed the same way on its own' : '; the slopes\' block, which is positive semi-definite on its own, is kept unchanged') : ''),
    );
  }
  const names = clusters.map((c) => c.variable).join(', ');
  return {
    type: 'cluster',
    V: psd.V,
    dof: Math.min(G - 1, dfResid),
    factor,
    convention:
      `multi-way CR1 (${Qw}-way: ${names}; Cameron, Gelbach & Miller 2011): q · (X'X)⁻¹ [Σ over the ${2 ** Qw - 1} non-empty subsets S of the cluster variables of ` +
      `(−1)^(|S|+1) Σ_{g ∈ ∩S} X_g'e_g e_g'X_g] (X'X)⁻¹, ∩S = the joint levels of S; one factor q = G/(G−1)·(N−1)/(N−K) with ` +
      `G = ${G} = the smallest cluster count ("${gVar}"), t on G−1 df; K counts absorbed FE except those nested in a cluster variable; ` +
      'negative eigenvalues set to zero if the sum is not positive semi-definite (reghdfe, Stata vce(cluster a b ...))',
    clusters: clusters.map((c) => ({ variable: c.variable, groups: c.groups })),
    warnings,
  };
}
