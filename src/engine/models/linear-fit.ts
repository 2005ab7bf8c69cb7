// What a linear model hands to the covariance registry: everything needed to recompute any SE type
// without refitting (fixest keeps "bread and scores"; we keep the design columns and residuals).

export interface LinearFit {
  /** Names of the estimated coefficients, in output order. */
  terms: string[];
  beta: Float64Array;
  /** (X'X)^{-1} = R⁻¹R⁻ᵀ, row-major k×k. */
  bread: Float64Array;
  /**
   * Scores basis: k columns (length n each) W with Q = W · basisToQ the thin Q of X = QR. Every
   * sandwich is A (Σ scores on Q) Aᵀ with A = Rinv, so robust and cluster covariances never form
   * (X'X)⁻¹ X'ΩX (X'X)⁻¹ in raw units. The QR path stores Q itself (basisToQ = null); the Cholesky
   * path (well-conditioned designs, linalg/cholesky.ts) stores the design columns and
   * basisToQ = R⁻¹, and the covariance maps the scores to Q without ever forming Q: each score sum
   * (per cluster, or per observation) before its outer product, or the k×k meat once when
   * basisCondition is small (covariance/meat.ts).
   */
  basis: Float64Array[];
  /** Upper triangular, row-major k×k, or null when `basis` is Q. */
  basisToQ: Float64Array | null;
  /** Condition estimate of the column-scaled basis'basis (1 for Q): how the meat may be mapped. */
  basisCondition: number;
  /** R⁻¹, upper triangular, row-major k×k. */
  Rinv: Float64Array;
  resid: Float64Array;
  n: number;
  /** Number of estimated coefficients. */
  k: number;
  /** Parameters absorbed outside X (fixed effects); 0 for OLS. */
  kAbsorbed: number;
  rss: number;
  /** Total sum of squares: centered when the model has an intercept, else uncentered. */
  tss: number;
  hasIntercept: boolean;
  interceptIndex: number;
  /**
   * Residual df for RMSE and adjusted R² when it differs from n − k − kAbsorbed (reghdfe counts the
   * levels of FE nested in the cluster variable here, so these statistics do not depend on the SE).
   */
  dfStats?: number;
  /** FE models: sum of squares of the demeaned y (for the within R²). */
  tssWithin?: number;
  /** FE models: the absorbed fixed effects contain the constant. */
  absorbsConstant?: boolean;
  demeanIterations?: number;
}
