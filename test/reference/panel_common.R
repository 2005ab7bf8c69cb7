# Shared code for the panel reference cases (panel_grunfeld, panel_fatalities, panel_wages).
# Sourced by test/reference/<case>/make.R, run from the repository root.
source("test/reference/common.R")
suppressPackageStartupMessages({
  library(plm)
  library(estimatr)
})

# Residualise the columns of M on the dummies of one or more factors (exact LSDV partialling,
# works for unbalanced panels too). Returns M - P_D M.
partial_out <- function(M, factors) {
  D <- model.matrix(as.formula(paste("~", paste(sprintf("factor(f%d)", seq_along(factors)), collapse = " + "))),
                    data = setNames(as.data.frame(factors), paste0("f", seq_along(factors))))
  q <- qr(D)
  M <- as.matrix(M)
  out <- qr.resid(q, M)
  dimnames(out) <- dimnames(M)
  attr(out, "fe_rank") <- q$rank
  out
}

gauss_ll <- function(rss, N) -0.5 * N * (1 + log(2 * pi) + log(rss / N))

fe_coef_entry <- function(name, estimator, effect, absorb, y, x, b, V, t_df, vcov, nobs, n_groups,
                          n_periods, df_resid, omitted, fit, convention, cluster = NULL, G = NULL,
                          vcov_factor = NULL, intercept = FALSE, extra = list()) {
  e <- list(name = name, estimator = estimator)
  if (!is.null(effect)) e$effect <- effect
  e$y <- y; e$x <- I(x); e$intercept <- intercept
  if (length(absorb)) e$absorb <- I(absorb)
  e$vcov <- vcov
  if (!is.null(cluster)) { e$cluster <- I(cluster); e$n_clusters <- G }
  e$nobs <- nobs; e$n_groups <- n_groups; e$n_periods <- n_periods
  e$rank <- length(b); e$df_resid <- df_resid
  e$t_df <- if (is.finite(t_df)) t_df else "normal"
  if (length(omitted)) e$omitted <- I(omitted)
  if (!is.null(vcov_factor)) e$vcov_factor <- vcov_factor
  e$coefficients <- coef_table(b, V, t_df)
  e$fit <- fit
  e$convention <- convention
  c(e, extra)
}

# One-call driver. d: data frame sorted by (id, time), complete cases, all model columns present.
panel_reference <- function(d, y, x, id, time) {
  stopifnot(!anyNA(d[c(y, x, id, time)]))
  stopifnot(all(order(d[[id]], d[[time]]) == seq_len(nrow(d))))
  N <- nrow(d)
  ids <- d[[id]]; tms <- d[[time]]
  n <- length(unique(ids)); Tn <- length(unique(tms)); G <- n
  fml <- as.formula(paste(y, "~", paste(x, collapse = " + ")))
  pd <- pdata.frame(d, index = c(id, time), drop.index = FALSE, row.names = FALSE)
  Y <- d[[y]]
  Xall <- as.matrix(d[x])
  models <- list()
  counts <- list(nobs = N, n_groups = n, n_periods = Tn, balanced = all(table(ids) == Tn))

  # ------------------------------------------------------------ pooled OLS
  m <- lm(fml, data = d)
  pooled <- plm(fml, pd, model = "pooling")
  stopifnot_close(coef(pooled), coef(m)[names(coef(pooled))], 1e-10, "pooling vs lm")
  e1 <- ols_entry("pooled_iid", m, y, x, "iid")
  e2 <- ols_entry("pooled_cluster", m, y, x, "cluster", cluster = ids, cluster_name = id)
  models[[length(models) + 1]] <- c(list(estimator = "pooled_ols"), e1)
  models[[length(models) + 1]] <- c(list(estimator = "pooled_ols"), e2)

  # ------------------------------------------------------------ one-way within (individual)
  fe <- plm(fml, pd, model = "within", effect = "individual")
  b <- coef(fe)
  kept <- names(b); omitted <- setdiff(x, kept)
  K <- length(b)
  # Hand demeaning: x_it - mean_i(x). Design = plm's model.matrix (asserted).
  Xd <- partial_out(Xall, list(ids))
  stopifnot(attr(Xd, "fe_rank") == n)
  Xd <- Xd[, kept, drop = FALSE]
  stopifnot_close_scaled(model.matrix(fe)[, kept], Xd, 1e-8, "plm within design vs hand demeaning")
  yd <- as.numeric(partial_out(Y, list(ids)))
  stopifnot_close(qr.coef(qr(Xd), yd), b, 1e-10, "hand within b")
  u <- as.numeric(yd - Xd %*% b)
  stopifnot_close_scaled(u, as.numeric(residuals(fe)), 1e-8, "within residuals")
  dfr <- N - n - K
  rss <- sum(u^2); s2 <- rss / dfr
  A_inv <- xtx_inv(Xd)
  V_iid <- s2 * A_inv
  stopifnot_vcov(vcov(fe), V_iid, 1e-9, "within iid vcov vs plm")
  V0 <- sandwich_qr(Xd, u, ids)                      # CR0: (X~'X~)^-1 sum_g X~_g'u_g u_g'X~_g (X~'X~)^-1
  c_stata <- G / (G - 1) * (N - 1) / (N - K - 1)
  c_slopes <- G / (G - 1) * (N - 1) / (N - K)
  V_stata <- c_stata * V0; V_slopes <- c_slopes * V0
  V_plm_hc1 <- vcovHC(fe, method = "arellano", type = "HC1")
  V_plm_sss <- vcovHC(fe, method = "arellano", type = "sss")
  f_plm_hc1 <- V_plm_hc1[1, 1] / V0[1, 1]; f_plm_sss <- V_plm_sss[1, 1] / V0[1, 1]
  stopifnot_vcov(V_plm_hc1, f_plm_hc1 * V0, 1e-9, "plm HC1 is a scalar multiple of CR0")
  stopifnot_vcov(V_plm_sss, f_plm_sss * V0, 1e-9, "plm sss is a scalar multiple of CR0")
  stopifnot_close(f_plm_hc1, N / (N - K), 1e-12, "plm arellano HC1 factor = N/(N-K)")
  stopifnot_close(f_plm_sss, c_slopes, 1e-12, "plm arellano sss factor = G/(G-1)(N-1)/(N-K)")
  f_plm_hc1 <- N / (N - K); f_plm_sss <- c_slopes
  dd <- d; dd$cl__ <- ids
  lr <- lm_robust(fml, data = dd, fixed_effects = ~cl__, clusters = cl__, se_type = "stata")
  V_lr <- lr$vcov[kept, kept]
  stopifnot_close(lr$coefficients[kept], b, 1e-9, "estimatr FE b")
  f_lr <- V_lr[1, 1] / V0[1, 1]
  stopifnot_vcov(V_lr, f_lr * V0, 1e-8, "estimatr is a scalar multiple of CR0")
  stopifnot_close(f_lr, G / (G - 1) * (N - 1) / (N - K - n), 1e-10, "estimatr stata factor counts FE")
  f_lr <- G / (G - 1) * (N - 1) / (N - K - n)

  # Stata xtreg, fe statistics
  cnt <- as.numeric(table(ids)[as.character(unique(ids))])
  ybar_i <- as.numeric(rowsum(Y, ids, reorder = FALSE)) / cnt
  xbar_i <- rowsum(Xall[, kept, drop = FALSE], ids, reorder = FALSE) / cnt
  tss_w <- sum(yd^2)
  r2_within <- 1 - rss / tss_w
  stopifnot_close(r2_within, cor(yd, Xd %*% b)^2, 1e-10, "within R2 two ways")
  stopifnot_close(r2_within, summary(fe)$r.squared[["rsq"]], 1e-10, "within R2 vs plm")
  r2_between <- cor(ybar_i, xbar_i %*% b)[1]^2
  r2_overall <- cor(Y, Xall[, kept, drop = FALSE] %*% b)[1]^2
  xbar <- colMeans(Xall[, kept, drop = FALSE])
  cons <- mean(Y) - sum(xbar * b)
  u_i <- ybar_i - as.numeric(xbar_i %*% b) - cons
  stopifnot_close_scaled(u_i + cons, as.numeric(fixef(fe)[as.character(unique(ids))]), 1e-8, "fixef")
  sigma_u <- sd(u_i); sigma_e <- sqrt(s2)
  rss_pool <- sum(lm.fit(cbind(1, Xall[, kept, drop = FALSE]), Y)$residuals^2)
  F_u <- ((rss_pool - rss) / (n - 1)) / s2
  common_fit <- list(r2_within = r2_within, r2_between = r2_between, r2_overall = r2_overall,
                     rss = rss, tss_within = tss_w, rmse = sigma_e, loglik = gauss_ll(rss, N),
                     sigma_u = sigma_u, sigma_e = sigma_e,
                     rho = sigma_u^2 / (sigma_u^2 + sigma_e^2),
                     f_all_u_zero = F_u, f_all_u_zero_df1 = n - 1, f_all_u_zero_df2 = dfr,
                     f_all_u_zero_p_value = pf(F_u, n - 1, dfr, lower.tail = FALSE))
  lsdv1 <- lm(as.formula(paste(y, "~ factor(", id, ") +", paste(x, collapse = " + "))), data = d)
  stopifnot_close(coef(lsdv1)[kept], b, 1e-8, "one-way LSDV b")
  stopifnot_close(common_fit$loglik, as.numeric(logLik(lsdv1)), 1e-10, "one-way loglik vs LSDV")
  stopifnot(lsdv1$df.residual == dfr)
  fit_note <- paste("Stata xtreg, fe conventions: r2_within = 1 - RSS/TSS_within = corr(y~, X~b)^2; r2_between = corr(ybar_i, xbar_i'b)^2;",
                    "r2_overall = corr(y_it, x_it'b)^2; sigma_e = rmse = sqrt(RSS/(N-n-K)); loglik = -N/2 (1 + ln(2 pi) + ln(RSS/N)) (reghdfe e(ll), = logLik of the LSDV lm); u_i = ybar_i - xbar_i'b - _cons with _cons = ybar - xbar'b;",
                    "sigma_u = sd(u_i) across the n panels (denominator n-1); rho = sigma_u^2/(sigma_u^2+sigma_e^2);",
                    "f_all_u_zero = ((RSS_pooled - RSS)/(n-1)) / (RSS/(N-n-K)) with RSS_pooled from OLS of y on a constant and the kept regressors.")
  cons_se_iid <- sqrt(s2 * (1 / N + as.numeric(t(xbar) %*% A_inv %*% xbar)))
  cons_se_cl <- sqrt(as.numeric(t(xbar) %*% V_stata %*% xbar))
  stata_const <- function(se, df) list(estimate = cons, std_error = se, statistic = cons / se,
                                       p_value = 2 * pt(-abs(cons / se), df),
                                       note = "Stata xtreg, fe / reghdfe _cons = ybar - xbar'b; SE from the regression of (y_it - ybar_i + ybar) on (x_it - xbar_i + xbar) and a constant: iid s^2(1/N + xbar'(X~'X~)^-1 xbar); cluster xbar' V_slopes xbar (cluster scores of the constant are zero because within residuals sum to zero per panel).")
  mk_fit <- function(V, df2) c(common_fit, wald_F(b, V, kept, df2), list(note = fit_note))
  ft_iid <- mk_fit(V_iid, dfr)
  stopifnot_close(ft_iid$f_stat, ((tss_w - rss) / K) / s2, 1e-9, "within classical F")
  base <- list(estimator = "within", effect = "individual", absorb = id, y = y, x = x, nobs = N,
               n_groups = n, n_periods = Tn, omitted = omitted)
  add_fe <- function(name, V, t_df, vcov, df_resid, conv, cluster = NULL, vf = NULL, extra = list())
    fe_coef_entry(name, "within", "individual", id, y, x, b, V, t_df, vcov, N, n, Tn, df_resid, omitted,
                  mk_fit(V, t_df), conv, cluster = cluster, G = if (is.null(cluster)) NULL else G,
                  vcov_factor = vf, extra = extra)
  models[[length(models) + 1]] <- add_fe("fe_oneway_iid", V_iid, dfr, "iid", dfr,
    "iid, Stata xtreg fe: V = s^2 (X~'X~)^-1, X~ = x_it - xbar_i, s^2 = RSS/(N-n-K); t and F on N-n-K df. Equals vcov(plm within).",
    extra = list(stata_constant = stata_const(cons_se_iid, dfr)))
  models[[length(models) + 1]] <- add_fe("fe_oneway_cluster", V_stata, G - 1, "cluster", dfr,
    paste0("cluster by ", id, ", Stata xtreg fe vce(cluster) = reghdfe absorb(", id, ") vce(cluster ", id, "): V = G/(G-1) * (N-1)/(N-K-1) * CR0, ",
           "CR0 = (X~'X~)^-1 (sum_g X~_g'u_g u_g'X~_g) (X~'X~)^-1 on plm's demeaned design X~ and within residuals u; K = number of slopes, the extra 1 is the constant ",
           "(the absorbed panel effects are nested in the clusters and not counted; reghdfe's nested_adj). t and F on G-1 df. Reproduces Stata's published Grunfeld xtreg fe vce(robust) SEs (.0151945, .0527518)."),
    cluster = id, vf = c_stata, extra = list(stata_constant = stata_const(cons_se_cl, G - 1)))
  models[[length(models) + 1]] <- add_fe("fe_oneway_cluster_slopes_only", V_slopes, G - 1, "cluster", dfr,
    "cluster by id, small-sample factor G/(G-1) * (N-1)/(N-K) with K = number of slopes only (no constant). This equals plm vcovHC(method='arellano', type='sss'); it is NOT Stata's (Stata uses N-K-1, see fe_oneway_cluster): ratio of variances (N-K)/(N-K-1).",
    cluster = id, vf = c_slopes)
  models[[length(models) + 1]] <- add_fe("fe_oneway_plm_arellano_hc1", V_plm_hc1, G - 1, "cluster", dfr,
    "plm::vcovHC(within, method='arellano', type='HC1'): factor N/(N-K) (K = slopes) times CR0; no G/(G-1). t/F here put on G-1 df for comparability (plm's own summary would use N-n-K).",
    cluster = id, vf = f_plm_hc1)
  models[[length(models) + 1]] <- add_fe("fe_oneway_estimatr_stata", V_lr, G - 1, "cluster", dfr,
    "estimatr::lm_robust(fixed_effects = ~id, clusters = id, se_type = 'stata'): factor G/(G-1) * (N-1)/(N-K-n), i.e. the n absorbed effects ARE counted (Stata areg-style, not xtreg/reghdfe). t on G-1 df (estimatr's own df).",
    cluster = id, vf = f_lr)

  # ------------------------------------------------------------ two-way within (individual + time)
  fe2 <- plm(fml, pd, model = "within", effect = "twoways")
  b2 <- coef(fe2); kept2 <- names(b2); omitted2 <- setdiff(x, kept2); K2 <- length(b2)
  Xd2 <- partial_out(Xall, list(ids, tms))
  fe_rank2 <- attr(Xd2, "fe_rank")            # rank of [1, id dummies, time dummies] = n + T - 1 (connected)
  stopifnot(fe_rank2 == n + Tn - 1)
  Xd2 <- Xd2[, kept2, drop = FALSE]
  yd2 <- as.numeric(partial_out(Y, list(ids, tms)))
  stopifnot_close(qr.coef(qr(Xd2), yd2), b2, 1e-9, "hand twoway b")
  lsdv <- lm(as.formula(paste(y, "~ factor(", id, ") + factor(", time, ") +", paste(x, collapse = " + "))), data = d)
  stopifnot_close(coef(lsdv)[kept2], b2, 1e-8, "LSDV twoway b")
  stopifnot(all(is.na(coef(lsdv)[omitted2])), lsdv$rank == fe_rank2 + K2)
  u2 <- as.numeric(yd2 - Xd2 %*% b2)
  stopifnot_close_scaled(u2, as.numeric(residuals(lsdv)), 1e-7, "twoway residuals")
  dfr2 <- N - fe_rank2 - K2
  stopifnot(dfr2 == lsdv$df.residual)
  rss2 <- sum(u2^2); s22 <- rss2 / dfr2
  V2_iid <- s22 * xtx_inv(Xd2)
  stopifnot_vcov(vcov(fe2), V2_iid, 1e-8, "twoway iid vcov vs plm")
  stopifnot_vcov(vcov(lsdv)[kept2, kept2], V2_iid, 1e-7, "twoway iid vcov vs LSDV lm")
  V20 <- sandwich_qr(Xd2, u2, ids)
  # slope block of the LSDV cluster sandwich (HC0) equals the partialled one (FWL)
  stopifnot_vcov(sandwich::vcovCL(lsdv, cluster = ids, type = "HC0", cadjust = FALSE)[kept2, kept2], V20, 1e-6, "LSDV CR0 slope block")
  c2_stata <- G / (G - 1) * (N - 1) / (N - K2 - (Tn - 1) - 1)
  c2_nocons <- G / (G - 1) * (N - 1) / (N - K2 - (Tn - 1))
  V2_plm_hc1 <- vcovHC(fe2, method = "arellano", type = "HC1"); f2_plm_hc1 <- V2_plm_hc1[1, 1] / V20[1, 1]
  V2_plm_sss <- vcovHC(fe2, method = "arellano", type = "sss"); f2_plm_sss <- V2_plm_sss[1, 1] / V20[1, 1]
  stopifnot_vcov(V2_plm_hc1, f2_plm_hc1 * V20, 1e-8, "plm twoway HC1 scalar")
  stopifnot_vcov(V2_plm_sss, f2_plm_sss * V20, 1e-8, "plm twoway sss scalar")
  dd$tm__ <- tms
  lr2 <- lm_robust(fml, data = dd, fixed_effects = ~cl__ + tm__, clusters = cl__, se_type = "stata")
  V2_lr <- lr2$vcov[kept2, kept2]; f2_lr <- V2_lr[1, 1] / V20[1, 1]
  stopifnot_close(lr2$coefficients[kept2], b2, 1e-8, "estimatr twoway b")
  stopifnot_vcov(V2_lr, f2_lr * V20, 1e-7, "estimatr twoway scalar")
  stopifnot_close(f2_plm_hc1, N / (N - K2), 1e-10, "plm twoway HC1 factor")
  stopifnot_close(f2_plm_sss, G / (G - 1) * (N - 1) / (N - K2), 1e-10, "plm twoway sss factor")
  stopifnot_close(f2_lr, G / (G - 1) * (N - 1) / (N - K2 - fe_rank2), 1e-9, "estimatr twoway factor")
  f2_plm_hc1 <- N / (N - K2); f2_plm_sss <- G / (G - 1) * (N - 1) / (N - K2)
  f2_lr <- G / (G - 1) * (N - 1) / (N - K2 - fe_rank2)
  tss_w2 <- sum(yd2^2)
  common_fit2 <- list(r2_within = 1 - rss2 / tss_w2, r2 = summary(lsdv)$r.squared, rss = rss2,
                      tss_within = tss_w2, rmse = sqrt(s22), loglik = gauss_ll(rss2, N))
  stopifnot_close(common_fit2$loglik, as.numeric(logLik(lsdv)), 1e-10, "twoway loglik vs LSDV")
  stopifnot_close(common_fit2$r2_within, summary(fe2)$r.squared[["rsq"]], 1e-9, "twoway R2 vs plm")
  fit2_note <- "r2_within = 1 - RSS/TSS of y after partialling out both sets of effects (reghdfe 'Within R-sq.', plm's R2); r2 = R2 of the LSDV regression (reghdfe 'R-squared'); rmse = sqrt(RSS/(N-n-T+1-K)); loglik = -N/2 (1 + ln(2 pi) + ln(RSS/N)) (reghdfe e(ll), = logLik of the LSDV lm)."
  mk_fit2 <- function(V, df2) c(common_fit2, wald_F(b2, V, kept2, df2), list(note = fit2_note))
  add_fe2 <- function(name, V, t_df, vcov, conv, cluster = NULL, vf = NULL)
    fe_coef_entry(name, "within", "twoways", c(id, time), y, x, b2, V, t_df, vcov, N, n, Tn, dfr2, omitted2,
                  mk_fit2(V, t_df), conv, cluster = cluster, G = if (is.null(cluster)) NULL else G, vcov_factor = vf,
                  extra = list(absorbed_rank = fe_rank2))
  models[[length(models) + 1]] <- add_fe2("fe_twoway_iid", V2_iid, dfr2, "iid",
    "iid: V = s^2 (X~'X~)^-1 with X~ = x partialled on individual and time dummies, s^2 = RSS/(N-n-T+1-K); t and F on N-n-T+1-K df. Equals vcov(plm twoways) and the slope block of lm with explicit dummies.")
  models[[length(models) + 1]] <- add_fe2("fe_twoway_cluster", c2_stata * V20, G - 1, "cluster",
    paste0("cluster by ", id, ", reghdfe absorb(", id, " ", time, ") vce(cluster ", id, ") = xtreg fe + i.", time, " vce(cluster): V = G/(G-1) * (N-1)/(N-K-(T-1)-1) * CR0. ",
           "The id effects are nested in the clusters and not counted; the T-1 non-redundant time effects ARE counted, plus 1 for the constant. t and F on G-1 df."),
    cluster = id, vf = c2_stata)
  models[[length(models) + 1]] <- add_fe2("fe_twoway_cluster_no_constant", c2_nocons * V20, G - 1, "cluster",
    "cluster by id, factor G/(G-1) * (N-1)/(N-K-(T-1)): slopes + non-redundant time effects, constant not counted (the brief's 'slopes only' reading). Not what Stata reports; ratio of variances to fe_twoway_cluster = (N-K-T)/(N-K-T+1).",
    cluster = id, vf = c2_nocons)
  models[[length(models) + 1]] <- add_fe2("fe_twoway_plm_arellano_hc1", V2_plm_hc1, G - 1, "cluster",
    "plm::vcovHC(twoways within, method='arellano', type='HC1'): factor N/(N-K) (K = slopes) times CR0. t/F on G-1 df here.",
    cluster = id, vf = f2_plm_hc1)
  models[[length(models) + 1]] <- add_fe2("fe_twoway_plm_arellano_sss", V2_plm_sss, G - 1, "cluster",
    "plm::vcovHC(twoways within, method='arellano', type='sss'): factor G/(G-1) (N-1)/(N-K) (K = slopes; time effects not counted) times CR0. t/F on G-1 df here.",
    cluster = id, vf = f2_plm_sss)
  models[[length(models) + 1]] <- add_fe2("fe_twoway_estimatr_stata", V2_lr, G - 1, "cluster",
    "estimatr::lm_robust(fixed_effects = ~id + time, clusters = id, se_type = 'stata'): factor G/(G-1) (N-1)/(N-K-(n+T-1)), i.e. all n+T-1 absorbed effects counted (areg-style). t on G-1 df.",
    cluster = id, vf = f2_lr)

  # ------------------------------------------------------------ random effects (Swamy-Arora)
  re <- plm(fml, pd, model = "random", effect = "individual", random.method = "swar")
  b_re <- coef(re); V_re <- vcov(re)
  kept_re <- setdiff(names(b_re), "(Intercept)")
  sig2 <- re$ercomp$sigma2
  theta <- re$ercomp$theta
  Xk <- Xall[, kept_re, drop = FALSE]
  xbar_i_re <- rowsum(Xk, ids, reorder = FALSE) / cnt
  Xw <- partial_out(Xk, list(ids))
  fit_re <- c(list(
    r2_within = cor(yd, Xw %*% b_re[kept_re])[1]^2,
    r2_between = cor(ybar_i, xbar_i_re %*% b_re[kept_re])[1]^2,
    r2_overall = cor(Y, Xk %*% b_re[kept_re])[1]^2,
    sigma_u = sqrt(sig2[["id"]]), sigma_e = sqrt(sig2[["idios"]]),
    rho = sig2[["id"]] / (sig2[["id"]] + sig2[["idios"]]),
    theta = if (length(unique(theta)) == 1) unique(theta)[1] else NA),
    { w <- wald_F(b_re, V_re, kept_re, Inf); list(wald_chi2 = w$f_stat * w$f_df1, wald_df = w$f_df1, wald_p_value = w$f_p_value) },
    list(note = "Stata xtreg, re conventions: R2s are squared correlations computed with the RE slopes (within: demeaned y vs demeaned x'b; between: panel means; overall: raw); sigma_u, sigma_e from the Swamy-Arora variance components (plm ercomp); theta = 1 - sqrt(sigma_e^2/(T sigma_u^2 + sigma_e^2)); Wald chi2 on the slopes with the RE vcov."))
  models[[length(models) + 1]] <- fe_coef_entry("re_swar_iid", "random_swar", "individual", character(0), y, x, b_re, V_re, Inf, "iid",
    N, n, Tn, N - length(b_re), setdiff(x, kept_re), fit_re,
    "plm(model='random', random.method='swar') = Stata xtreg, re (balanced panel): GLS on quasi-demeaned data; V = vcov(plm); z statistics with normal p-values (Stata reports z for xtreg re).",
    intercept = TRUE)

  # ------------------------------------------------------------ Hausman
  ht <- phtest(fe, re)
  cn <- intersect(names(b), kept_re)
  dv <- b[cn] - b_re[cn]
  H <- as.numeric(t(dv) %*% solve(vcov(fe)[cn, cn] - V_re[cn, cn], dv))
  stopifnot_close(H, ht$statistic, 1e-8, "hausman by hand")
  hausman <- list(statistic = H, df = length(cn), p_value = pchisq(H, length(cn), lower.tail = FALSE),
                  coefficients = I(cn),
                  convention = "plm::phtest(within, random) default (method 'chisq'): (b_FE - b_RE)'(V_FE - V_RE)^-1 (b_FE - b_RE) on the slopes common to both, each V from its own model (iid FE vcov, Swamy-Arora RE vcov) = Stata 'hausman fe re'.")
  list(models = models, hausman = hausman, counts = counts)
}
