# Shared code for the IV / 2SLS reference cases (test/reference/iv_*/make.R).
# Run from the repository root; sources common.R. CI never runs R.
#
# Everything below re-implements, in plain R, the formulas of
#   ivreg2 4.1.11 (Baum, Schaffer, Stillman; the Mata code embedded in ivreghdfe.ado 1.2.0,
#                  github sergiocorreia/ivreghdfe src/ivreghdfe.ado, which is ivreg2 4.1.11 + absorb())
#   ranktest 2.0.04 (Schaffer & Windmeijer; ranktest.ado, Mata s_jstat / m_svd)
#   livreg2 1.2.01 m_omega() (covariance of the moment conditions, shared by ivreg2 and ranktest)
# Line references below are to those files ("ivreg2:" = the ivreg211 program in ivreghdfe.ado).
#
# Notation (ivreg2's): y dependent; X1 endogenous (K1 cols); X2 included exogenous (incl. the constant
# as LAST column when there is one); Z1 excluded instruments (L1 cols). X = [X1 X2] (K cols),
# Z = [Z1 X2] (L cols). N observations. dofminus = large-sample adjustment (0 unless the user sets it),
# sdofminus = small-sample adjustment (ivreghdfe: the absorbed degrees of freedom df_a).
# Q.. = cross product / N. "small" = ivreg2's small option (ivreghdfe with absorb() forces it).
#
# m_omega (livreg2.mata), S = covariance of the moment conditions g_i = e_i (x) z_i:
#   iid:     S = [e'e/(N-dofminus)] (x) Z'Z / N
#   robust:  S = sum_i (e_i (x) z_i)(e_i (x) z_i)' / (N-dofminus)
#   cluster: S = sum_g (sum_{i in g} e_i (x) z_i)(...)' / N          (no G/(G-1), no dofminus)
source("test/reference/common.R")
suppressPackageStartupMessages({
  library(AER)
  library(sandwich)
  library(lmtest)
  library(estimatr)
})

# ------------------------------------------------------------------ small utilities
sym <- function(A) (A + t(A)) / 2
msqrt <- function(A) { e <- eigen(sym(A), symmetric = TRUE); ev <- pmax(e$values, 0); e$vectors %*% (sqrt(ev) * t(e$vectors)) }
minvsqrt <- function(A) { e <- eigen(sym(A), symmetric = TRUE); e$vectors %*% ((1 / sqrt(e$values)) * t(e$vectors)) }
resid_on <- function(A, B) {
  if (is.null(A) || ncol(A) == 0) return(as.matrix(B))
  out <- qr.resid(qr(A), as.matrix(B)); dimnames(out) <- dimnames(as.matrix(B)); out
}
# row-wise Kronecker product: row i = e_i (x) z_i  (e index slow, z index fast, as Mata's e#Z)
rowkron <- function(E, Z) { E <- as.matrix(E); do.call(cbind, lapply(seq_len(ncol(E)), function(k) Z * E[, k])) }
# quadratic form b' A^-1 b, NA when A is numerically singular (Mata's cholsolve returns missing then)
qform_inv <- function(A, b) { A <- as.matrix(A); if (rank_of(A) < nrow(A)) return(NA_real_); as.numeric(t(b) %*% solve(A, b)) }
pchisq_up <- function(x, df) if (is.na(x) || df <= 0) NA else pchisq(x, df, lower.tail = FALSE)
pf_up <- function(x, d1, d2) if (is.na(x) || d1 <= 0) NA else pf(x, d1, d2, lower.tail = FALSE)
# numerical rank of a covariance matrix, on the correlation scale (scale-free, like invsym's diag0cnt)
rank_of <- function(A, tol = 1e-11) {
  if (length(A) == 0) return(0)
  s <- sqrt(pmax(diag(A), 0)); s[s == 0] <- 1
  ev <- eigen(sym(A / outer(s, s)), symmetric = TRUE, only.values = TRUE)$values
  sum(ev > tol * max(abs(ev)))
}

# m_omega: see header. E is N x k (k >= 1), Z is N x L.
m_omega <- function(E, Z, type, cluster = NULL, dofminus = 0) {
  E <- as.matrix(E); N <- nrow(Z)
  if (type == "iid") return(kronecker(crossprod(E) / (N - dofminus), crossprod(Z)) / N)
  G <- rowkron(E, Z)
  if (type == "robust") return(crossprod(G) / (N - dofminus))
  if (type == "cluster") return(crossprod(rowsum(G, cluster, reorder = FALSE)) / N)
  stop("unknown vcov type ", type)
}

# ------------------------------------------------------------------ ranktest (identification)
# ranktest (y)(z), partial(X2) [noconstant]: Kleibergen-Paap (2006) rk statistic of H0: rank(Pi) = K1-1
# (the `full` option ivreg2 uses), Pi = coefficients of the partialled X1 on the partialled Z1.
# ranktest.ado s_jstat: partial out X2 (with the constant unless noconstant), standardise each column by
# its sd (N-1 divisor; numerics only, the statistics are invariant), Qyy=y'y/N, Qzz=z'z/N, Qzy=z'y/N,
# pihat = Qzz^-1 Qzy (K2 x K1).
#   iid:  eval = squared canonical correlations (eigenvalues of Qyy^-1/2 Qzy' Qzz^-1 Qzy Qyy^-1/2);
#         LM (Anderson) chi2 = N * min(eval); Wald (Cragg-Donald) chi2 = N * min(eval/(1-eval)).
#   robust/cluster (kp + svd, the default): LM uses vhat = y (the partialled endogenous themselves),
#         Wald uses vhat = y - z pihat. shat0 = m_omega(vhat, z) (dofminus 0).
#         T = chol(Qzz)' pihat chol(Qyy)'^-1 (Mata: rQzz'*pihat*irQyy with rQ = lower Cholesky factor),
#         var(vec T) = (Ly^-1 (x) Lz^-1) shat0 (Ly^-1 (x) Lz^-1)'.  fullsvd(T) = U S V';
#         m_svd for kk = K1-1: u12=U[1:kk,kk+1:K2], u22=U[kk+1:K2,kk+1:K2], v12=V[1:kk,kk+1:K1],
#         v22=V[kk+1:K1,kk+1:K1]; aq=[u12;u22] u22^-1 (u22 u22')^1/2; bq=(v22 v22')^1/2 v22'^-1 [v12;v22]';
#         lab=(bq (x) aq') vec(T); vlab=(bq (x) aq') var(vec T) (bq (x) aq')'; chi2 = N lab' vlab^-1 lab,
#         df = (K2-kk)(K1-kk).  (ranktest.ado m_svd; Nminus = N since ivreg2 does not pass `small`.)
ranktest_ref <- function(Y, Zx, X2 = NULL, type = "iid", cluster = NULL, wald = FALSE) {
  y <- resid_on(X2, Y); z <- resid_on(X2, Zx)
  N <- nrow(y)
  sdv <- function(A) { s <- apply(A, 2, sd); s + (s == 0) }
  y <- sweep(y, 2, sdv(y), "/"); z <- sweep(z, 2, sdv(z), "/")
  K1 <- ncol(y); K2 <- ncol(z); stopifnot(K2 >= K1)
  Qyy <- crossprod(y) / N; Qzz <- crossprod(z) / N; Qzy <- crossprod(z, y) / N
  Mi <- minvsqrt(Qyy)
  eval <- sort(eigen(sym(Mi %*% t(Qzy) %*% solve(Qzz, Qzy) %*% Mi), symmetric = TRUE, only.values = TRUE)$values, decreasing = TRUE)
  kk <- K1 - 1
  df <- (K2 - kk) * (K1 - kk)
  if (type == "iid") {
    lam <- min(eval)
    chi2 <- if (wald) N * lam / (1 - lam) else N * lam
    return(list(chi2 = chi2, df = df, N = N, eval = eval, ccorr = sqrt(eval)))
  }
  pihat <- solve(Qzz, Qzy)
  vhat <- if (wald) y - z %*% pihat else y
  shat0 <- m_omega(vhat, z, type, cluster, 0)
  Rz <- chol(Qzz); Ry <- chol(Qyy)             # upper: Qzz = Rz'Rz, so Mata's lower factor is Rz'
  Tm <- Rz %*% pihat %*% solve(Ry)
  A <- kronecker(t(solve(Ry)), t(solve(Rz)))
  kpvar <- sym(A %*% shat0 %*% t(A))
  s <- svd(Tm, nu = K2, nv = K1)
  u <- s$u; v <- s$v
  idx_u <- (kk + 1):K2; idx_v <- (kk + 1):K1
  u12 <- u[seq_len(kk), idx_u, drop = FALSE]; u22 <- u[idx_u, idx_u, drop = FALSE]
  v12 <- v[seq_len(kk), idx_v, drop = FALSE]; v22 <- v[idx_v, idx_v, drop = FALSE]
  aq <- rbind(u12, u22) %*% solve(u22) %*% msqrt(u22 %*% t(u22))
  bq <- msqrt(v22 %*% t(v22)) %*% solve(t(v22)) %*% t(rbind(v12, v22))
  B <- kronecker(bq, t(aq))
  lab <- B %*% as.vector(Tm)
  vlab <- sym(B %*% kpvar %*% t(B))
  chi2 <- qform_inv(vlab, lab) * N
  list(chi2 = chi2, df = df, N = N, eval = s$d^2, ccorr = s$d)
}

# ------------------------------------------------------------------ the estimator
# iv_ref: one ivreg2 / ivreghdfe model.
#   y: numeric; X1: N x K1 endogenous; X2: N x K2 included exogenous (constant column named "(Intercept)",
#   last, when cons = TRUE; may have 0 columns); Z1: N x L1 excluded instruments.
#   vcov: "iid" | "robust" | "cluster"; small: ivreg2's small; estimator "2sls" | "liml";
#   endog_test: names of X1 columns for ivreg2's endog() C statistic (NULL = not computed).
iv_ref <- function(y, X1, X2, Z1, cons, vcov = "iid", cluster = NULL, small = FALSE,
                   dofminus = 0, sdofminus = 0, estimator = "2sls", endog_test = NULL) {
  X1 <- as.matrix(X1); Z1 <- as.matrix(Z1)
  X2 <- if (is.null(X2)) matrix(0, length(y), 0) else as.matrix(X2)
  X <- cbind(X1, X2); Z <- cbind(Z1, X2)
  N <- length(y); K <- ncol(X); L <- ncol(Z); K1 <- ncol(X1); L1 <- ncol(Z1)
  stopifnot(qr(X)$rank == K, qr(Z)$rank == L, L >= K)
  G <- if (vcov == "cluster") length(unique(cluster)) else NA
  d <- dofminus; sd <- sdofminus
  qz <- qr(Z)
  Xh <- qr.fitted(qz, X); colnames(Xh) <- colnames(X)
  ZZinv <- solve(crossprod(Z))
  XZ <- crossprod(X, Z)

  # ---- point estimates
  if (estimator == "2sls") {
    k <- 1; lambda <- NA
    A <- crossprod(Xh)                                   # X'PzX  (= N * QXhXh with k = 1)
    b <- qr.coef(qr(Xh), y)                              # (X'PzX)^-1 X'Pz y, via QR
  } else {
    # s_liml: QWW = Y'M_Z Y, QWW1 = Y'M_X2 Y, Y = [y X1]; lambda = min eig(QWW^-1/2 QWW1 QWW^-1/2);
    # lambda := 1 if exactly identified; k = lambda (no Fuller); beta = QXhXh^-1 [(1-k) QXy + k QXZ QZZ^-1 QZy]
    Y <- cbind(y, X1)
    QWW <- crossprod(qr.resid(qz, Y)); QWW1 <- if (ncol(X2)) crossprod(resid_on(X2, Y)) else crossprod(Y)
    M <- minvsqrt(QWW)
    lambda <- min(eigen(sym(M %*% QWW1 %*% M), symmetric = TRUE, only.values = TRUE)$values)
    if (L == K) lambda <- 1
    k <- lambda
    MX <- qr.resid(qz, X); My <- qr.resid(qz, y)
    A <- crossprod(X) - k * crossprod(MX)               # (1-k) X'X + k X'PzX
    b <- as.vector(solve(A, crossprod(X, y) - k * crossprod(MX, My)))
  }
  names(b) <- colnames(X)
  e <- as.vector(y - X %*% b)
  rss <- sum(e^2)
  sigmasq <- rss / (N - d)
  Ainv <- solve(A); dimnames(Ainv) <- list(colnames(X), colnames(X))

  # ---- VCV (s_gmm1s / s_iegmm / s_liml), then ivreg2's small factor
  omega <- m_omega(e, Z, vcov, cluster, d)
  if (vcov == "iid") {
    V0 <- sigmasq * Ainv                                  # IV: sigma^2 (X'PzX)^-1; LIML: sigma^2 QXhXh^-1 / N
  } else {
    Mm <- Ainv %*% XZ %*% ZZinv                           # (1/N) aux5 omega aux5', aux5 = QXhXh^-1 QXZ QZZ^-1
    V0 <- N * Mm %*% omega %*% t(Mm)
  }
  V0 <- sym(V0); dimnames(V0) <- list(colnames(X), colnames(X))
  small_factor <- if (!small) 1 else if (vcov != "cluster") (N - d) / (N - K - d - sd) else (N - 1) / (N - K - sd) * G / (G - 1)
  V <- V0 * small_factor
  if (small) { sigmasq <- rss / (N - K - d - sd) }
  df_r <- if (vcov == "cluster") G - 1 else N - K - d - sd
  t_df <- if (small) df_r else Inf

  # ---- fit statistics (ivreg2: "RSS, counts, dofs, F-stat, small-sample corrections")
  yy <- sum(y^2); yyc <- sum((y - mean(y))^2)
  r2u <- 1 - rss / yy; r2c <- 1 - rss / yyc
  r2 <- if (cons) r2c else r2u
  r2_a <- if (cons) 1 - (1 - r2) * (N - 1) / (N - K - d - sd) else 1 - (1 - r2) * N / (N - K - d - sd)
  slopes <- setdiff(colnames(X), "(Intercept)")
  Fdf1 <- K - as.integer(cons)
  rankVs <- rank_of(V[slopes, slopes, drop = FALSE])
  if (rankVs < length(slopes)) {
    # e.g. cluster with G-1 < #slopes: V is singular. Stata's -test- then silently drops constraints with its own
    # sweep order and ivreg2 still divides by K-cons; that number is not reproduced here (not a valid Wald F).
    chi2F <- NA; Fstat <- NA
  } else {
    chi2F <- as.numeric(t(b[slopes]) %*% solve(V[slopes, slopes], b[slopes]))
    Fstat <- if (small) chi2F / Fdf1 else if (vcov != "cluster") chi2F / Fdf1 * df_r / (N - d) else chi2F / Fdf1 * (G - 1) / G * (N - K - sd) / (N - 1)
  }
  fit <- list(rss = rss, r2 = r2, r2_centered = r2c, r2_uncentered = r2u, adj_r2 = r2_a,
              rmse = sqrt(sigmasq), sigma2 = sigmasq, mss = (if (cons) yyc else yy) - rss,
              loglik = -0.5 * (N * log(2 * pi) + N * log(rss / N) + N),
              f_stat = Fstat, f_df1 = Fdf1, f_df2 = df_r, f_p_value = pf_up(Fstat, Fdf1, df_r),
              tss_centered = yyc, tss_uncentered = yy)
  if (is.na(Fstat)) fit$f_stat_na <- sprintf("V of the %d slopes has rank %d (e.g. G-1 < number of slopes): the Wald F is undefined. Stata's -test- drops constraints in its own order and ivreg2 still reports a number; not reproduced.", length(slopes), rankVs)

  # ---- overidentification: Sargan (iid) / Hansen J (robust, cluster)
  jdf <- L - K
  rankS <- rank_of(omega)
  J <- if (jdf == 0) 0 else if (vcov == "iid") {
    Ze <- crossprod(Z, e); as.numeric(t(Ze) %*% ZZinv %*% Ze) / (rss / (N - d))     # N gbar' (sigma2 QZZ)^-1 gbar
  } else if (rankS < L) NA else {
    # s_iegmm / s_liml (inefficient): J at the 2-step efficient GMM estimate using omega from the first-step residuals
    W <- solve(omega)
    QXZ <- XZ / N; QZy <- crossprod(Z, y) / N
    b2s <- solve(QXZ %*% W %*% t(QXZ), QXZ %*% W %*% QZy)
    gbar <- crossprod(Z, y - X %*% b2s) / N
    as.numeric(N * t(gbar) %*% W %*% gbar)
  }

  # ---- identification (ivreg2 "Rank identification and redundancy block")
  rk_lm <- ranktest_ref(X1, Z1, X2, vcov, cluster, wald = FALSE)
  rk_iid_wald <- ranktest_ref(X1, Z1, X2, "iid", NULL, wald = TRUE)
  idstat <- if (vcov == "cluster") rk_lm$chi2 else rk_lm$chi2 / rk_lm$N * (N - d)
  iddf <- L - (K - 1)                                   # iv1_ct - (rhs1_ct - 1) = L1 - K1 + 1
  lam_min <- min(rk_iid_wald$eval)
  cd <- lam_min / (1 - lam_min)
  cdf <- cd * (N - sd - L - d) / L1
  if (vcov == "iid") { rkf <- cdf; rk_w <- NULL } else {
    rk_w <- ranktest_ref(X1, Z1, X2, vcov, cluster, wald = TRUE)
    rkf <- if (vcov != "cluster") rk_w$chi2 / rk_w$N * (N - L - sd - d) / L1 else
      rk_w$chi2 / (N - 1) * (N - L - sd) * (G - 1) / G / L1
  }

  # ---- first-stage, AR, Stock-Wright, SW/AP (s_ffirst)
  fs <- first_stage_ref(y, X1, X2, Z1, vcov, cluster, d, sd, G)

  # ---- endogeneity test (ivreg2 endog(): C statistic through a recursive call with orthog())
  endog <- if (!is.null(endog_test)) endog_c_ref(y, X1, X2, Z1, endog_test, vcov, cluster, d, estimator) else NULL

  list(b = b, V = V, V0 = V0, e = e, N = N, K = K, L = L, K1 = K1, L1 = L1, G = G, cons = cons,
       small_factor = small_factor, df_r = df_r, t_df = t_df, fit = fit, sigmasq = sigmasq,
       k = k, lambda = lambda, omega = omega, rankS = rankS,
       J = J, jdf = jdf, idstat = idstat, iddf = iddf, rk_lm_raw = rk_lm$chi2, cd = cd, cdf = cdf,
       rkf = rkf, rk_wald_raw = if (is.null(rk_w)) NA else rk_w$chi2, ccorr = rk_iid_wald$ccorr,
       fs = fs, endog = endog, d = d, sd = sd, vcov = vcov, small = small, estimator = estimator)
}

# s_ffirst (ivreg2): first-stage regressions of every X1 on Z = [Z1 X2], the reduced form of y,
# the Anderson-Rubin test, the Stock-Wright S statistic, and the Angrist-Pischke / Sanderson-Windmeijer
# conditional first-stage statistics. Wald matrices: classical V = sigma2_j (Z'Z)^-1 with
# sigma2_j = e_j'e_j/(N-dofminus); non-iid: Vr = (I (x) QZZ^-1) m_omega(E) (I (x) QZZ^-1) / N (HC0 / CR0).
#   F (non-cluster) = Wald/(N-dofminus) * (N-dofminus-L-sdofminus)/L1,  df = (L1, N-dofminus-L-sdofminus)
#   F (cluster)     = Wald/(N-1) * (N-L-sdofminus) * (G-1)/G / L1,       df = (L1, G-1)
#   partial R2 = (W/(N-d))/(1+W/(N-d)) with the classical W; Shea = [(X'X)^-1]_jj / [(X'PzX)^-1]_jj.
#   SW/AP: Fdf1 = L1-K1+1, same scaling; SW/AP partial R2 from the classical Wald.
first_stage_ref <- function(y, X1, X2, Z1, vcov, cluster, d, sd, G) {
  X <- cbind(X1, X2); Z <- cbind(Z1, X2)
  N <- nrow(Z); L <- ncol(Z); L1 <- ncol(Z1); K1 <- ncol(X1); K <- ncol(X)
  qz <- qr(Z); ZZinv <- solve(crossprod(Z))
  Yall <- cbind(y, X1)
  bz <- qr.coef(qz, Yall)
  eall <- qr.resid(qz, Yall)
  ee <- crossprod(eall)
  sigmasqall <- ee / (N - d)
  rmseall <- sqrt(diag(ee) / (N - L - d - sd))
  Vr <- if (vcov == "iid") kronecker(sigmasqall, ZZinv) else {
    Qi <- ZZinv * N
    IQ <- kronecker(diag(K1 + 1), Qi)
    sym(IQ %*% m_omega(eall, Z, vcov, cluster, d) %*% IQ) / N
  }
  scaleF <- function(W, df1) if (vcov != "cluster") W / (N - d) * (N - d - L - sd) / df1 else W / (N - 1) * (N - L - sd) * (G - 1) / G / df1
  df2 <- if (vcov != "cluster") N - d - L - sd else G - 1
  # Anderson-Rubin from the reduced form (first column)
  Rb <- bz[seq_len(L1), 1]
  ARW <- qform_inv(Vr[seq_len(L1), seq_len(L1)], Rb)
  ARF <- scaleF(ARW, L1)
  ar <- list(f_stat = ARF, f_df1 = L1, f_df2 = df2, f_p_value = pf_up(ARF, L1, df2),
             chi2 = ARW, chi2_df = L1, chi2_p_value = pchisq_up(ARW, L1))
  # Stock-Wright S: J of the model with beta_endog = 0 (y on X2, moments Z)
  e0 <- as.vector(resid_on(X2, y))
  om0 <- m_omega(e0, Z, vcov, cluster, d)
  gbar <- crossprod(Z, e0) / N
  S <- N * qform_inv(om0, gbar)
  sw_s <- list(statistic = S, df = L1, p_value = pchisq_up(S, L1))
  # Shea
  XXinv <- solve(crossprod(X)); XPZXinv <- solve(crossprod(qr.fitted(qz, X)))
  shea <- diag(XXinv)[seq_len(K1)] / diag(XPZXinv)[seq_len(K1)]
  Xhat <- cbind(qr.fitted(qz, X1), X2)
  out <- list()
  for (i in seq_len(K1)) {
    bi <- bz[, i + 1]
    Rb <- bi[seq_len(L1)]
    idx <- i * L + seq_len(L1)
    Wc <- as.numeric(t(Rb) %*% solve(kronecker(sigmasqall, ZZinv)[idx, idx], Rb))
    pr2 <- (Wc / (N - d)) / (1 + Wc / (N - d))
    W <- if (vcov == "iid") Wc else qform_inv(Vr[idx, idx], Rb)
    Fi <- scaleF(W, L1)
    se_i <- sqrt(diag(Vr)[idx])
    ent <- list(coefficients = setNames(lapply(seq_len(L1), function(j) list(estimate = unname(Rb[j]), std_error = unname(se_i[j]))), colnames(Z1)),
                rmse = unname(rmseall[i + 1]), partial_r2 = pr2, shea_partial_r2 = unname(shea[i]),
                wald_chi2 = W, f_stat = Fi, f_df1 = L1, f_df2 = df2, f_p_value = pf_up(Fi, L1, df2))
    if (K1 == 1) {
      ent$sw <- list(f_stat = Fi, f_df1 = L1, f_df2 = df2, f_p_value = pf_up(Fi, L1, df2), chi2 = W, chi2_p_value = pchisq_up(W, L1), partial_r2 = pr2)
      ent$ap <- ent$sw
    } else {
      sel <- setdiff(seq_len(K), i)
      Xh_i <- Xhat[, sel, drop = FALSE]
      b1 <- solve(crossprod(Xh_i), crossprod(Xh_i, X1[, i]))          # 2SLS of X1_i on the other X1 (and X2)
      cond_stat <- function(e1) {
        e2 <- qr.resid(qz, e1); b2 <- qr.coef(qz, e1)
        Rb2 <- b2[seq_len(L1)]
        s2 <- sum(e2^2) / (N - d)
        Wcl <- as.numeric(t(Rb2) %*% solve((s2 * ZZinv)[seq_len(L1), seq_len(L1)], Rb2))
        Wr <- if (vcov == "iid") Wcl else {
          Qi <- ZZinv * N
          Vi <- sym(Qi %*% m_omega(e2, Z, vcov, cluster, d) %*% Qi) / N
          qform_inv(Vi[seq_len(L1), seq_len(L1)], Rb2)
        }
        df1 <- L1 - K1 + 1
        Fv <- scaleF(Wr, df1)
        list(f_stat = Fv, f_df1 = df1, f_df2 = df2, f_p_value = pf_up(Fv, df1, df2), chi2 = Wr,
             chi2_p_value = pchisq_up(Wr, df1), partial_r2 = (Wcl / (N - d)) / (1 + Wcl / (N - d)))
      }
      ent$ap <- cond_stat(as.vector(X1[, i] - Xh_i %*% b1))            # residual with FITTED other endogenous
      ent$sw <- cond_stat(as.vector(X1[, i] - X[, sel, drop = FALSE] %*% b1))  # residual with ACTUAL X (SW)
    }
    out[[colnames(X1)[i]]] <- ent
  }
  list(endog = out, ar = ar, sw_s = sw_s, bz = bz, Vr = Vr)
}

# ivreg2 endog(vars): recursive call  ivreg2 y X2 vars (X1\vars = Z1), orthog(vars)  i.e. the C statistic
#   C = J(full) - J(sub),  full = the model with `vars` treated as exogenous (instruments Z+ = [Z1 X2 vars]),
#   sub = the original model estimated by efficient GMM with S_sub = the rows/cols of the FULL model's S
#   for the original instruments (smatrix()). iid: S = sigma2_full QZZ with sigma2_full = e_full'e_full/(N-d),
#   so C = [e_f'P_Z+ e_f - e_s'P_Z e_s] / sigma2_full (e_s = 2SLS residuals). robust/cluster: J(full) = Hansen J
#   of the full model (2-step GMM with S from its first-step residuals); J(sub) = N gbar(b_sub)' S_sub^-1 gbar(b_sub)
#   at the efficient-GMM b_sub with W = S_sub^-1. df = #vars. (For LIML models ivreg2 passes `liml` to the full
#   model; only 2SLS models use endog() here.)
endog_c_ref <- function(y, X1, X2, Z1, vars, vcov, cluster, d, estimator) {
  stopifnot(estimator == "2sls", all(vars %in% colnames(X1)))
  X1r <- X1[, setdiff(colnames(X1), vars), drop = FALSE]
  X2f <- cbind(X1[, vars, drop = FALSE], X2)
  Xf <- cbind(X1r, X2f); Zf <- cbind(Z1, X2f)
  N <- length(y); Lf <- ncol(Zf)
  # full model (2SLS / OLS if no endogenous left)
  qzf <- qr(Zf)
  bf <- qr.coef(qr(qr.fitted(qzf, Xf)), y)
  ef <- as.vector(y - Xf %*% bf)
  Sf <- m_omega(ef, Zf, vcov, cluster, d)
  if (rank_of(Sf) < Lf) return(list(variables = vars, statistic = NA_real_, df = length(vars), p_value = NA_real_, J_full = NA_real_, J_sub = NA_real_,
    na = "covariance of the moment conditions not of full rank (e.g. G < L): ivreg2 reports the endog() statistic as missing"))
  Wf <- solve(Sf)
  gmm_J <- function(Xm, Zm, W) {
    QXZ <- crossprod(Xm, Zm) / N; QZy <- crossprod(Zm, y) / N
    bb <- solve(QXZ %*% W %*% t(QXZ), QXZ %*% W %*% QZy)
    g <- crossprod(Zm, y - Xm %*% bb) / N
    as.numeric(N * t(g) %*% W %*% g)
  }
  Jf <- if (vcov == "iid") { g <- crossprod(Zf, ef) / N; as.numeric(N * t(g) %*% Wf %*% g) } else gmm_J(Xf, Zf, Wf)
  keep <- match(colnames(cbind(Z1, X2)), colnames(Zf))
  Ssub <- Sf[keep, keep, drop = FALSE]
  Js <- gmm_J(cbind(X1, X2), cbind(Z1, X2), solve(Ssub))
  C <- Jf - Js
  list(variables = vars, statistic = C, df = length(vars), p_value = pchisq_up(C, length(vars)), J_full = Jf, J_sub = Js)
}

# ------------------------------------------------------------------ JSON assembly
iv_coef_table <- function(fit) coef_table(fit$b, fit$V, fit$t_df)

vcov_convention <- function(fit) {
  N <- fit$N; K <- fit$K
  base <- switch(fit$vcov,
    iid = "iid: V = sigma2 * (X'PzX)^-1 (2SLS) or sigma2 * [(1-k)X'X + k X'PzX]^-1 (LIML), sigma2 = RSS/(N-dofminus)",
    robust = "robust: V = (X'PzX)^-1 Xhat' diag(e^2) Xhat (X'PzX)^-1 * N/(N-dofminus)  [HC0 sandwich on Xhat = PzX; LIML: bread [(1-k)X'X+kX'PzX]^-1 X'Z(Z'Z)^-1, meat sum e_i^2 z_i z_i']",
    cluster = "cluster: V = (X'PzX)^-1 (sum_g Xhat_g'e_g e_g'Xhat_g) (X'PzX)^-1  [CR0; no G/(G-1), no dofminus]")
  sm <- if (!fit$small) "no small-sample factor (ivreg2 default): z statistics, normal p-values" else if (fit$vcov != "cluster")
    sprintf("small: V *= (N-dofminus)/(N-K-dofminus-sdofminus) = %d/%d; t on N-K-dofminus-sdofminus = %d df", N - fit$d, N - K - fit$d - fit$sd, N - K - fit$d - fit$sd) else
    sprintf("small: V *= (N-1)/(N-K-sdofminus) * G/(G-1) = (%d/%d)*(%d/%d); t on G-1 = %d df", N - 1, N - K - fit$sd, fit$G, fit$G - 1, fit$G - 1)
  paste0(base, "; ", sm, sprintf(" (dofminus = %d, sdofminus = %d).", fit$d, fit$sd))
}

iv_entry <- function(name, fit, y_name, exog_names, absorb = character(0), cluster_name = NULL,
                     computed_by = "", checks = character(0), extra = list()) {
  X1n <- names(fit$fs$endog)
  Z1n <- names(fit$fs$endog[[1]]$coefficients)
  N <- fit$N; L <- fit$L; L1 <- fit$L1; d <- fit$d; sd <- fit$sd; G <- fit$G
  e <- list(name = name, estimator = if (fit$estimator == "2sls") "iv_2sls" else "iv_liml",
            y = y_name, endog = I(X1n), exog = I(exog_names), instruments = I(Z1n), intercept = fit$cons)
  if (length(absorb)) e$absorb <- I(absorb)
  e$vcov <- fit$vcov; e$small <- fit$small
  if (fit$vcov == "cluster") { e$cluster <- I(cluster_name); e$n_clusters <- G }
  e$nobs <- N; e$rank <- fit$K; e$n_instruments <- L; e$n_excluded_instruments <- L1
  e$dofminus <- d; e$sdofminus <- sd
  e$df_resid <- N - fit$K - d - sd
  e$t_df <- if (is.finite(fit$t_df)) fit$t_df else "normal"
  e$vcov_factor <- fit$small_factor
  e$coefficients <- iv_coef_table(fit)
  if (fit$estimator == "liml") e$liml <- list(lambda = fit$lambda, kappa = fit$k,
    anderson_rubin_overid_lr = if (fit$jdf > 0) list(statistic = (N - d) * log(fit$lambda), df = fit$jdf, p_value = pchisq_up((N - d) * log(fit$lambda), fit$jdf)) else list(na = "exactly identified"),
    anderson_rubin_overid_linear = if (fit$jdf > 0) list(statistic = (N - d) * (fit$lambda - 1), df = fit$jdf, p_value = pchisq_up((N - d) * (fit$lambda - 1), fit$jdf)) else list(na = "exactly identified"),
    convention = "s_liml: lambda = smallest eigenvalue of (Y'M_Z Y)^-1/2 (Y'M_X2 Y) (Y'M_Z Y)^-1/2, Y = [y X1] (lambda := 1 when exactly identified); kappa = lambda; b = [(1-k)X'X + kX'PzX]^-1 [(1-k)X'y + kX'Pz y]. ivreg2 e(arubin) = (N-dofminus) ln(lambda), e(arubin_lin) = (N-dofminus)(lambda-1), df = L-K.")
  e$fit <- fit$fit
  # first stage
  e$first_stage <- lapply(fit$fs$endog, function(f) f)
  # diagnostics
  dg <- list()
  nonid <- fit$vcov == "iid"
  dg$underidentification <- list(
    name = if (nonid) "Anderson canonical correlations LM" else "Kleibergen-Paap rk LM",
    statistic = fit$idstat, df = fit$iddf, p_value = pchisq_up(fit$idstat, fit$iddf),
    convention = if (nonid) sprintf("ranktest iid LM: N * (smallest squared canonical correlation of partialled X1 and Z1), rescaled by ivreg2 as chi2/N*(N-dofminus); df = L1-K1+1 = %d.", fit$iddf) else
      if (fit$vcov == "robust") sprintf("ranktest KP rk LM (kp+svd, vhat = partialled X1, robust shat0 /N): ivreg2 idstat = r(chi2)/r(N)*(N-dofminus); df = L1-K1+1 = %d.", fit$iddf) else
        sprintf("ranktest KP rk LM (kp+svd, vhat = partialled X1, cluster shat0 = sum_g/N): ivreg2 idstat = r(chi2) (no rescaling with cluster); df = L1-K1+1 = %d.", fit$iddf))
  dg$cragg_donald_f <- list(name = "Cragg-Donald Wald F", statistic = fit$cdf, min_eigenvalue_cd = fit$cd,
    convention = sprintf("cd = lambda_min/(1-lambda_min), lambda_min = smallest squared canonical correlation (iid, always); cdf = cd*(N-sdofminus-L-dofminus)/L1 = cd*%d/%d. Reported for every vcov (ivreg2 e(cdf)).", N - sd - L - d, L1))
  dg$weak_identification_f <- list(
    name = if (nonid) "Cragg-Donald Wald F" else "Kleibergen-Paap rk Wald F",
    statistic = fit$rkf,
    convention = if (nonid) "ivreg2 e(widstat) = e(cdf) under iid." else if (fit$vcov == "robust")
      sprintf("ranktest ..., full wald robust: rkf = r(chi2)/r(N)*(N-L-sdofminus-dofminus)/L1 = chi2/%d*%d/%d (r(chi2) = KP rk Wald chi2 = %.17g).", N, N - L - sd - d, L1, fit$rk_wald_raw) else
      sprintf("ranktest ..., full wald cluster: rkf = r(chi2)/(N-1)*(N-L-sdofminus)*(G-1)/G/L1 = chi2/%d*%d*%d/%d/%d (r(chi2) = %.17g).", N - 1, N - L - sd, G - 1, G, L1, fit$rk_wald_raw))
  if (!nonid) dg$weak_identification_f$kp_rk_wald_chi2 <- fit$rk_wald_raw
  dg$overidentification <- if (fit$jdf == 0) list(name = if (nonid) "Sargan" else "Hansen J", na = "exactly identified (L = K): ivreg2 sets J = 0, df = 0; not applicable") else
    if (is.na(fit$J)) list(name = "Hansen J", na = sprintf("covariance of moment conditions not of full rank (rank %d < L = %d, e.g. G < L): ivreg2 reports J as missing", fit$rankS, L), df = fit$jdf) else
    list(name = if (nonid) "Sargan" else "Hansen J", statistic = fit$J, df = fit$jdf, p_value = pchisq_up(fit$J, fit$jdf),
         convention = if (nonid) "Sargan = e'Pz e / (e'e/(N-dofminus)) with the model's residuals (2SLS or LIML)." else
           "Hansen J = N gbar' S^-1 gbar at the 2-step efficient GMM estimate, S = m_omega of the first-step (2SLS/LIML) residuals (robust: /(N-dofminus); cluster: sum_g/N); gbar = Z'e_2s/N.")
  if (!is.null(fit$endog) && is.na(fit$endog$statistic)) dg$endogeneity <- list(name = "Endogeneity C test, ivreg2 endog()", variables = I(fit$endog$variables), df = fit$endog$df, na = fit$endog$na) else
  if (!is.null(fit$endog)) dg$endogeneity <- c(list(name = "Endogeneity C (difference-in-Sargan/Hansen) test, ivreg2 endog()"), list(variables = I(fit$endog$variables)), fit$endog[c("statistic", "df", "p_value")],
    list(j_full = fit$endog$J_full, j_restricted = fit$endog$J_sub,
         convention = "C = J(model with the tested regressors moved to the exogenous/instrument list) - J(original model by efficient GMM with the FULL model's S restricted to the original instruments); iid: both divided by sigma2 of the full model."))
  dg$anderson_rubin <- c(list(name = "Anderson-Rubin Wald test (H0: coefficients on X1 = 0)"), fit$fs$ar,
    list(convention = if (fit$vcov != "cluster") "Reduced form y on Z; Wald of Z1 coefficients with V = sigma2 (Z'Z)^-1, sigma2 = RSS/(N-dofminus) (iid) or HC0 sandwich (robust); chi2 = Wald; F = Wald/(N-dofminus)*(N-dofminus-L-sdofminus)/L1 on (L1, N-dofminus-L-sdofminus)." else
      "Reduced form y on Z; Wald of Z1 coefficients with the CR0 sandwich; chi2 = Wald; F = Wald/(N-1)*(N-L-sdofminus)/G*(G-1)/L1 on (L1, G-1)."))
  dg$stock_wright_s <- c(list(name = "Stock-Wright LM S statistic"), fit$fs$sw_s,
    list(convention = "J of the model with the X1 coefficients fixed at 0: e0 = y - X2 b_ols(X2); S = N gbar' m_omega(e0, Z)^-1 gbar, gbar = Z'e0/N; df = L1."))
  singular_na <- "not computable: the covariance matrix it needs is singular (e.g. fewer clusters than moment conditions); ivreg2 reports it as missing"
  for (nm in names(dg)) {
    x <- dg[[nm]]
    if ((!is.null(x$statistic) && is.na(x$statistic)) || (!is.null(x$chi2) && is.na(x$chi2)))
      dg[[nm]] <- list(name = x$name, na = singular_na, df = if (!is.null(x$df)) x$df else x$chi2_df)
  }
  e$diagnostics <- dg
  e$conventions <- list(
    vcov = vcov_convention(fit),
    t_stats = if (fit$small) sprintf("t statistics, p from t(%d)", fit$df_r) else "z statistics, p from N(0,1) (ivreg2 without small)",
    fit = sprintf("r2 = %s; r2_centered = 1-RSS/sum((y-ybar)^2); r2_uncentered = 1-RSS/sum(y^2); adj_r2 = 1-(1-r2)*%s/(N-K-dofminus-sdofminus); rmse = sqrt(sigma2), sigma2 = RSS/%s; loglik = -N/2 (ln 2pi + ln(RSS/N) + 1).",
                  if (fit$cons) "r2_centered" else "r2_uncentered (no constant / absorbed FE: y is the demeaned y)", if (fit$cons) "(N-1)" else "N",
                  if (fit$small) "(N-K-dofminus-sdofminus)" else "(N-dofminus)"),
    model_f = if (fit$small) sprintf("Wald(all coefficients but the constant, with the reported V)/(K-cons) on (K-cons, %s).", if (fit$vcov == "cluster") "G-1" else "N-K-dofminus-sdofminus") else if (fit$vcov != "cluster")
      "F = Wald/(K-cons) * (N-K-dofminus-sdofminus)/(N-dofminus) on (K-cons, N-K-dofminus-sdofminus) (Wald with the non-small V)." else
      "F = Wald/(K-cons) * (G-1)/G * (N-K-sdofminus)/(N-1) on (K-cons, G-1) (Wald with the non-small CR0 V).",
    first_stage = "s_ffirst: coefficients/std_error of the excluded instruments in the first-stage regression of each X1 on Z = [Z1 X2] (std_error from the first-stage VCE without small factor: classical sigma2 (Z'Z)^-1 with sigma2 = RSS/(N-dofminus), or HC0 / CR0); f_stat = Wald/(N-dofminus)*(N-dofminus-L-sdofminus)/L1 (non-cluster) or Wald/(N-1)*(N-L-sdofminus)*(G-1)/G/L1 (cluster) with the model's VCE type; partial_r2 from the classical Wald; Shea = [(X'X)^-1]_jj/[(X'PzX)^-1]_jj; sw/ap: Sanderson-Windmeijer / Angrist-Pischke conditional F on (L1-K1+1) df (equal to the plain F when K1 = 1)."
  )
  e$computed_by <- computed_by
  if (length(checks)) e$checks <- I(checks)
  c(e, extra)
}

# ------------------------------------------------------------------ cross-check helpers
check_close <- function(a, b, rel, what, log) {
  stopifnot_close(a, b, rel, what)
  assign("check_log", c(get("check_log", envir = log), sprintf("%s (rel %.0e)", what, rel)), envir = log)
}

# AER::ivreg (+ sandwich) cross-checks of a 2SLS fit: coefficients; small iid = vcov(ivreg);
# robust small = vcovHC(HC1); robust = vcovHC(HC0); cluster small = vcovCL(HC1, cadjust) ; cluster = vcovCL(HC0, cadjust=FALSE)
check_against_aer <- function(fit, formula, data, log, cluster = NULL, rel = 1e-8) {
  m <- AER::ivreg(formula, data = data)
  cf <- coef(m); names(cf)[names(cf) == "(Intercept)"] <- "(Intercept)"
  check_close(fit$b[names(cf)], cf, rel, "2SLS coefficients = AER::ivreg", log)
  Vr <- switch(paste(fit$vcov, fit$small),
    "iid TRUE" = vcov(m),
    "iid FALSE" = vcov(m) * (fit$N - fit$K) / fit$N,
    "robust TRUE" = sandwich::vcovHC(m, type = "HC1"),
    "robust FALSE" = sandwich::vcovHC(m, type = "HC0"),
    "cluster TRUE" = sandwich::vcovCL(m, cluster = cluster, type = "HC1", cadjust = TRUE),
    "cluster FALSE" = sandwich::vcovCL(m, cluster = cluster, type = "HC0", cadjust = FALSE))
  stopifnot_vcov(Vr[names(cf), names(cf)], fit$V[names(cf), names(cf)], rel, paste("vcov vs AER/sandwich", fit$vcov, fit$small))
  assign("check_log", c(get("check_log", envir = log), sprintf("vcov = %s (rel %.0e)", switch(paste(fit$vcov, fit$small),
    "iid TRUE" = "vcov(AER::ivreg)", "iid FALSE" = "vcov(AER::ivreg)*(N-K)/N", "robust TRUE" = "sandwich::vcovHC(ivreg, 'HC1')",
    "robust FALSE" = "sandwich::vcovHC(ivreg, 'HC0')", "cluster TRUE" = "sandwich::vcovCL(ivreg, type='HC1', cadjust=TRUE)",
    "cluster FALSE" = "sandwich::vcovCL(ivreg, type='HC0', cadjust=FALSE)"), rel)), envir = log)
  invisible(m)
}

# First stage vs lm(): coefficients, partial R2 (RSS-based), and the F statistics recomputed with
# lmtest::waldtest + sandwich: iid F = classical F; robust F = Wald(HC1)/L1; cluster F = Wald(CR1)/L1.
check_first_stage_lm <- function(fit, data, endog, exog_terms, instruments, log, cluster = NULL, rel = 1e-8) {
  for (x in endog) {
    rhs_full <- c(instruments, exog_terms)
    f_full <- as.formula(paste(x, "~", paste(rhs_full, collapse = " + "), if (!fit$cons) "- 1" else ""))
    f_rest <- as.formula(paste(x, "~", if (length(exog_terms)) paste(exog_terms, collapse = " + ") else "1", if (!fit$cons) "- 1" else ""))
    mu <- lm(f_full, data = data); mr <- lm(f_rest, data = data)
    fsx <- fit$fs$endog[[x]]
    bz <- coef(mu)[instruments]
    check_close(vapply(fsx$coefficients, function(z) z$estimate, 0), bz, rel, paste("first-stage coefficients of", x, "= lm()"), log)
    pr2 <- 1 - sum(residuals(mu)^2) / sum(residuals(mr)^2)
    check_close(fsx$partial_r2, pr2, rel, paste("first-stage partial R2 of", x, "= 1-RSS_u/RSS_r from lm()"), log)
    if (fit$d == 0 && fit$sd == 0) {
      Fr <- switch(fit$vcov,
        iid = anova(mr, mu)$F[2],
        robust = lmtest::waldtest(mr, mu, vcov = sandwich::vcovHC(mu, type = "HC1"), test = "F")$F[2],
        cluster = lmtest::waldtest(mr, mu, vcov = sandwich::vcovCL(mu, cluster = cluster, type = "HC1", cadjust = TRUE), test = "F")$F[2])
      check_close(fsx$f_stat, Fr, rel, paste("first-stage F of", x, "=", switch(fit$vcov, iid = "anova(lm) F", robust = "lmtest::waldtest(vcovHC HC1) F", cluster = "lmtest::waldtest(vcovCL HC1 cadjust) F")), log)
    }
  }
}

# ------------------------------------------------------------------ gretl (optional second check)
gretl_available <- function() nzchar(Sys.which("gretlcli"))
# Runs a gretl script; returns named numeric values printed as "KEY value" lines.
run_gretl <- function(script) {
  f <- tempfile(fileext = ".inp"); writeLines(script, f)
  out <- suppressWarnings(system2("gretlcli", c("-b", f), stdout = TRUE, stderr = TRUE))
  ln <- grep("^@@ ", out, value = TRUE)
  kv <- strsplit(sub("^@@ ", "", ln), " +")
  vals <- setNames(as.numeric(vapply(kv, `[`, "", 2)), vapply(kv, `[`, "", 1))
  attr(vals, "output") <- out
  vals
}
gretl_version <- function() { v <- suppressWarnings(system2("gretlcli", "--version", stdout = TRUE)); sub("^gretl version ", "", v[1]) }

# ------------------------------------------------------------------ gretl data files (*.gdt, XML, maybe gzipped)
# Values are read from their decimal text; gretl stores Stata-float data as the exact decimal of the double,
# e.g. lw = 5.9000000953674316 = float(5.9), so these are the very doubles Stata computes with.
read_gdt <- function(path) {
  con <- gzcon(file(path, "rb")); ln <- readLines(con, warn = FALSE); close(con)
  txt <- paste(ln, collapse = "\n")
  vars <- regmatches(txt, gregexpr('<variable name="[^"]+"', txt))[[1]]
  vars <- sub('^<variable name="', "", sub('"$', "", vars))
  obs <- regmatches(txt, gregexpr("<obs[^>]*>[^<]*</obs>", txt))[[1]]
  vals <- lapply(strsplit(trimws(gsub("<obs[^>]*>|</obs>", "", obs)), "[[:space:]]+"), function(v) {
    v[v == "NA"] <- NA_character_; as.numeric(v) })
  M <- do.call(rbind, vals)
  stopifnot(ncol(M) == length(vars))
  colnames(M) <- vars
  as.data.frame(M)
}
