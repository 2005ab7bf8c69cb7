# Reference values: random effects (Stata xtreg, re conventions) on an UNBALANCED panel, plus the
# Mundlak (cluster-robust) FE-vs-RE test. Data: plm::Grunfeld with rows dropped deterministically.
# Run from the repository root: Rscript test/reference/re_unbalanced/make.R
#
# Why by hand: plm's random.method = "swar" uses the Baltagi-Chang (1994) unbalanced formula for
# sigma_u^2 (= Stata's `xtreg, re sa`), not Stata's default. Stata's default (xtreg, re; [XT] xtreg
# Methods and formulas; reproduced against Stata by Python linearmodels' RandomEffects) is:
#   sigma_e^2 = SSR_within / (N - n - K_w)           K_w = slopes kept in the within regression
#   sigma_u^2 = max(0, SSR_between/(n - K_b) - sigma_e^2 / Tbar)
#               K_b = coefficients of the between regression (constant included),
#               Tbar = n / sum(1/T_i) (harmonic mean)
#   theta_i   = 1 - sqrt(sigma_e^2 / (T_i sigma_u^2 + sigma_e^2))
#   GLS       = OLS of y - theta_i ybar_i on (1 - theta_i, x - theta_i xbar_i)
# The hand function is first asserted equal to plm swar on the balanced Grunfeld panel (where the
# two conventions coincide), then applied to the unbalanced one.
source("test/reference/common.R")
suppressPackageStartupMessages(library(plm))
dir <- "test/reference/re_unbalanced"

data("Grunfeld", package = "plm")
g <- Grunfeld[order(Grunfeld$firm, Grunfeld$year), c("firm", "year", "inv", "value", "capital")]
# Drop rows deterministically: every row with (7 firm + year) divisible by 9, and firm 10 keeps only
# 1935 (a panel with T_i = 1, which xtreg, re keeps).
drop <- (7 * g$firm + g$year) %% 9 == 0 | (g$firm == 10 & g$year > 1935)
write_csv_exact(g[!drop, ], file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
gb <- read_csv_exact("test/reference/panel_grunfeld/data.csv")

stata_re <- function(d, y, x, id) {
  Y <- d[[y]]; X <- as.matrix(d[x]); ids <- d[[id]]
  N <- length(Y); Ti <- as.numeric(table(ids)[as.character(unique(ids))]); n <- length(Ti)
  Tobs <- ave(rep(1, N), ids, FUN = length)
  mean_by <- function(v) ave(v, ids)
  yd <- Y - mean_by(Y); Xd <- apply(X, 2, function(v) v - mean_by(v))
  tv <- colSums(Xd^2) > 1e-9 * colSums(X^2)
  w <- lm.fit(Xd[, tv, drop = FALSE], yd)
  Kw <- w$rank
  s2e <- sum(w$residuals^2) / (N - n - Kw)
  ybar <- as.numeric(rowsum(Y, ids, reorder = FALSE)) / Ti
  Xbar <- rowsum(X, ids, reorder = FALSE) / Ti
  bt <- lm.fit(cbind(1, Xbar), ybar)
  Kb <- bt$rank
  Tbar <- n / sum(1 / Ti)
  s2u <- max(0, sum(bt$residuals^2) / (n - Kb) - s2e / Tbar)
  theta_i <- 1 - sqrt(s2e / (Ti * s2u + s2e))
  theta <- 1 - sqrt(s2e / (Tobs * s2u + s2e))
  ys <- Y - theta * mean_by(Y)
  Xs <- cbind(`(Intercept)` = 1 - theta, X - theta * apply(X, 2, mean_by))
  m <- lm.fit(Xs, ys)
  stopifnot(m$rank == ncol(Xs))
  b <- m$coefficients; e <- m$residuals; K <- ncol(Xs)
  rmse <- sqrt(sum(e^2) / (N - K))
  V_iid <- rmse^2 * xtx_inv(Xs)
  V_cl <- length(Ti) / (length(Ti) - 1) * (N - 1) / (N - K) * sandwich_qr(Xs, e, ids)
  sl <- x
  fit <- list(
    r2_within = cor(yd, Xd %*% b[sl])[1]^2,
    r2_between = cor(ybar, Xbar %*% b[sl])[1]^2,
    r2_overall = cor(Y, X %*% b[sl])[1]^2,
    sigma_u = sqrt(s2u), sigma_e = sqrt(s2e), rho = s2u / (s2u + s2e),
    theta = if (length(unique(Ti)) == 1) theta_i[1] else NA,
    theta_min = min(theta_i), theta_max = max(theta_i), theta_p50 = median(theta_i),
    t_bar = Tbar, rmse = rmse)
  # Mundlak: add (1 - theta_i) xbar_i of the time-varying regressors; CR1 Wald on those.
  M <- (1 - theta) * apply(X[, tv, drop = FALSE], 2, mean_by)
  colnames(M) <- paste0("mean_", colnames(M))
  Xa <- cbind(Xs, M)
  ma <- lm.fit(Xa, ys)
  Ka <- ncol(Xa)
  Va <- n / (n - 1) * (N - 1) / (N - Ka) * sandwich_qr(Xa, ma$residuals, ids)
  mi <- colnames(M)
  Wm <- as.numeric(t(ma$coefficients[mi]) %*% solve(Va[mi, mi], ma$coefficients[mi]))
  list(b = b, V_iid = V_iid, V_cl = V_cl, fit = fit, N = N, n = n, K = K, rmse = rmse,
       mundlak = list(statistic = Wm, df = length(mi), p_value = pchisq(Wm, length(mi), lower.tail = FALSE)),
       aug = list(b = ma$coefficients, V = Va, names = mi))
}

within_fe <- function(d, y, x, id) {
  Y <- d[[y]]; X <- as.matrix(d[x]); ids <- d[[id]]
  N <- length(Y); n <- length(unique(ids))
  yd <- Y - ave(Y, ids); Xd <- apply(X, 2, function(v) v - ave(v, ids))
  m <- lm.fit(Xd, yd)
  s2 <- sum(m$residuals^2) / (N - n - ncol(Xd))
  list(b = m$coefficients, V = s2 * xtx_inv(Xd), sigma_e = sqrt(s2))
}

haus <- function(fe, re, x, scale = 1) {
  dv <- fe$b[x] - re$b[x]
  H <- as.numeric(t(dv) %*% solve(scale * fe$V[x, x] - re$V_iid[x, x], dv))
  list(statistic = H, df = length(x), p_value = pchisq(H, length(x), lower.tail = FALSE))
}

entry <- function(name, r, V, vcov, convention) {
  w <- wald_F(r$b, V, c("value", "capital"), Inf)
  list(name = name, estimator = "random_stata", y = "inv", x = I(c("value", "capital")), vcov = vcov,
       nobs = r$N, n_groups = r$n, rank = r$K, t_df = "normal",
       coefficients = coef_table(r$b, V, Inf),
       fit = c(r$fit, list(wald_chi2 = w$f_stat * w$f_df1, wald_df = w$f_df1, wald_p_value = w$f_p_value)),
       convention = convention)
}

x <- c("value", "capital")

# ---- 1. the hand function equals plm swar on the balanced panel (validates the hand code)
rb <- stata_re(gb, "inv", x, "firm")
pb <- pdata.frame(gb, index = c("firm", "year"))
pre <- plm(inv ~ value + capital, pb, model = "random", random.method = "swar")
stopifnot_close(rb$b, coef(pre)[names(rb$b)], 1e-10, "balanced: hand b = plm swar")
stopifnot_vcov(rb$V_iid, vcov(pre)[names(rb$b), names(rb$b)], 1e-9, "balanced: hand V = plm vcov")
stopifnot_close(rb$fit$sigma_u^2, pre$ercomp$sigma2[["id"]], 1e-10, "balanced: sigma_u")
# ... and the cluster-robust CR1 equals plm's vcovHC(arellano, sss) on the random-effects model
stopifnot_vcov(rb$V_cl, vcovHC(pre, method = "arellano", type = "sss")[names(rb$b), names(rb$b)], 1e-8, "balanced: CR1 = plm arellano sss")
# ... and the Mundlak regression equals plm random on the augmented model (same variance components)
pb$mean_value <- ave(gb$value, gb$firm); pb$mean_capital <- ave(gb$capital, gb$firm)
pm <- plm(inv ~ value + capital + mean_value + mean_capital, pb, model = "random", random.method = "swar")
stopifnot_close(pm$ercomp$sigma2, pre$ercomp$sigma2, 1e-10, "augmented model keeps the variance components")
stopifnot_close(coef(pm)[rb$aug$names], rb$aug$b[rb$aug$names], 1e-9, "mundlak coefficients vs plm")
Vpm <- vcovHC(pm, method = "arellano", type = "sss")
Wpm <- as.numeric(t(coef(pm)[rb$aug$names]) %*% solve(Vpm[rb$aug$names, rb$aug$names], coef(pm)[rb$aug$names]))
stopifnot_close(Wpm, rb$mundlak$statistic, 1e-8, "mundlak Wald vs plm")
cat("balanced Grunfeld: hand Stata formulas = plm swar; CR1 = plm arellano sss; Mundlak Wald =", rb$mundlak$statistic, "\n")

# ---- 2. unbalanced panel
ru <- stata_re(d, "inv", x, "firm")
fu <- within_fe(d, "inv", x, "firm")
stopifnot(any(table(d$firm) == 1))
pu <- plm(inv ~ value + capital, pdata.frame(d, index = c("firm", "year")), model = "random", random.method = "swar")
plm_note <- sprintf("For information: plm swar (Baltagi-Chang unbalanced sigma_u^2 = Stata's xtreg, re sa) gives sigma_u = %.10g (Stata default: %.10g), value = %.10g (%.10g), capital = %.10g (%.10g).",
  sqrt(pu$ercomp$sigma2[["id"]]), ru$fit$sigma_u, coef(pu)[["value"]], ru$b[["value"]], coef(pu)[["capital"]], ru$b[["capital"]])
cat(plm_note, "\n")
Tu <- table(d$firm)

write_json_file(list(
  source = paste0(r_source_string(c("plm", "sandwich")), ". Data: plm::Grunfeld without the rows where (7 firm + year) mod 9 = 0 and without firm 10 after 1935."),
  script = "make.R",
  data = "data.csv",
  panel = list(id = "firm", time = "year", nobs = nrow(d), n_groups = length(Tu), t_min = min(Tu), t_max = max(Tu), balanced = FALSE),
  method = "Stata xtreg, re default (Swamy-Arora with Tbar = harmonic mean of T_i), computed by hand in R; the hand code is asserted equal to plm swar on the balanced Grunfeld panel. Cluster: CR1 G/(G-1)(N-1)/(N-K) on the quasi-demeaned data, K including the constant (Stata xtreg, re vce(cluster); asserted = plm vcovHC(arellano, sss) on balanced Grunfeld). z statistics, normal p-values.",
  plm_swar_differs = plm_note,
  models = list(
    entry("re_stata_iid", ru, ru$V_iid, "iid", "V = s^2 (X*'X*)^-1, s^2 = RSS*/(N-K) of the GLS regression"),
    c(entry("re_stata_cluster", ru, ru$V_cl, "cluster", "CR1 = G/(G-1)(N-1)/(N-K) (X*'X*)^-1 sum_g X*_g'e_g e_g'X*_g (X*'X*)^-1"), list(cluster = I("firm"), n_clusters = ru$n))),
  hausman = c(haus(fu, ru, x), list(convention = "(b_FE - b_RE)'(V_FE - V_RE)^-1(b_FE - b_RE), V_FE = xtreg fe iid, V_RE = xtreg re iid")),
  hausman_sigmamore = c(haus(fu, ru, x, (ru$rmse / fu$sigma_e)^2), list(convention = "sigmamore: V_FE scaled by (rmse_RE / sigma_e_FE)^2, rmse_RE = sqrt(RSS*/(N-K)) of the GLS regression (Stata e(rmse) after xtreg, re)")),
  mundlak = c(ru$mundlak, list(convention = "GLS (same theta_i) of y on (1-theta_i, x*, (1-theta_i) xbar_i); Wald on the xbar_i coefficients with CR1 clustered by firm")),
  grunfeld_balanced_mundlak = c(rb$mundlak, list(convention = "as mundlak, on test/reference/panel_grunfeld/data.csv; asserted = plm random on y ~ x + xbar with vcovHC(arellano, sss)"))
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
