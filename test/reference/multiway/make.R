# Reference values: multi-way cluster-robust covariance (Cameron, Gelbach & Miller 2011) with
# reghdfe's conventions, on Petersen's (2009) firm-year data (sandwich::PetersenCL).
# Run from the repo root:  Rscript test/reference/multiway/make.R
#
# reghdfe 6 (Regression.mata, reghdfe_vce_cluster):
#   M = sum over the non-empty subsets S of the cluster variables of (-1)^(|S|+1) M_S,
#       M_S = sum_g s_g s_g' over the clusters of the intersection (joint levels) of S;
#   V = q (X'X)^-1 M (X'X)^-1,  q = (N-1)/(N-K) * G/(G-1),  G = min(G_1, ..., G_Q)  (ONE factor);
#   t and F on G-1 df; if V has a negative eigenvalue: V <- U diag(max(lambda, 0)) U', and with a
#   constant the slopes' block is replaced by the same fix applied to the slopes' block alone
#   (reghdfe_fix_psd(V, report_constant)).
#
# R sandwich::vcovCL(type = "HC1", cadjust = TRUE, multi0 = FALSE) instead applies G_S/(G_S-1)
# to EVERY term, including the intersections:  V_sw = (N-1)/(N-K) sum_S sign_S G_S/(G_S-1) CR0_S.
# Conversion used here: vcovCL(..., cadjust = FALSE) = (N-1)/(N-K) sum_S sign_S CR0_S exactly, so
#   V_reghdfe = G/(G-1) * vcovCL(type = "HC1", cadjust = FALSE, multi0 = FALSE),  G = min G_j,
# which is asserted against a hand computation (QR basis), as is V_sw against its own formula.
#
# Published check: Petersen's web page reports, for OLS y ~ x clustered by firm and year, the
# x SE .0535580 (Stata cluster2 / cgmreg). That number is the per-term convention (= sandwich's
# default above = V_firm(CR1) + V_year(CR1) - V_firm#year(CR1), the last being HC1 here since
# every firm-year cell holds one observation); reghdfe's single min-G factor gives a larger SE.
source("test/reference/common.R")
dir <- "test/reference/multiway"

data("PetersenCL", package = "sandwich")
d0 <- PetersenCL[, c("firm", "year", "x", "y")]
# industry: 25 groups of 20 firms (firms nested in industries), for a three-way case
d0$industry <- (d0$firm - 1) %% 25 + 1
# y_cb: a firm x year checkerboard (+-3) plus a tenth of y. Its residual sums within every firm and
# within every year are nearly zero, so the firm + year - firm#year sum is not PSD (the constant's
# variance comes out negative): reghdfe's eigenvalue fix is needed.
d0$y_cb <- 3 * (-1)^(d0$firm + d0$year) + 0.1 * d0$y
write_csv_exact(d0[, c("firm", "year", "industry", "x", "y", "y_cb")], file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 5000, identical(d$x, PetersenCL$x), identical(d$y, PetersenCL$y),
          all(table(d$firm) == 10), all(table(d$year) == 500))
# same doubles as the one-way Petersen case
p1 <- read_csv_exact("test/reference/ols_petersen/data.csv")
stopifnot(identical(p1$x, d$x), identical(p1$y, d$y), identical(p1$firm, d$firm), identical(p1$year, d$year))

N <- nrow(d)
joint <- function(vars) as.integer(factor(do.call(paste, c(unname(as.list(d[, vars, drop = FALSE])), sep = "_"))))
subsets <- function(Q) unlist(lapply(seq_len(Q), function(s) combn(Q, s, simplify = FALSE)), recursive = FALSE)

# CR0 pieces in the QR basis of X (never forms X'X): list of (sign, G_S, CR0_S)
cgm_terms <- function(X, e, cvars) {
  lapply(subsets(length(cvars)), function(S) {
    g <- joint(cvars[S])
    list(sign = if (length(S) %% 2 == 1) 1 else -1, G = length(unique(g)), vars = cvars[S],
         V0 = sandwich_qr(X, e, g))
  })
}

# reghdfe_fix_psd(V, report_constant)
fix_psd <- function(V, const_name = NULL) {
  ev <- eigen(V, symmetric = TRUE)
  if (min(ev$values) >= 0) return(list(V = V, fixed = FALSE, min_eigenvalue = min(ev$values), slopes_fixed = FALSE))
  Vf <- ev$vectors %*% diag(pmax(ev$values, 0), nrow(V)) %*% t(ev$vectors)
  dimnames(Vf) <- dimnames(V)
  slopes_fixed <- FALSE
  if (!is.null(const_name) && nrow(V) > 1) {
    idx <- setdiff(rownames(V), const_name)
    sub <- fix_psd(V[idx, idx, drop = FALSE], NULL)
    Vf[idx, idx] <- sub$V
    slopes_fixed <- sub$fixed
  }
  list(V = Vf, fixed = TRUE, min_eigenvalue = min(ev$values), slopes_fixed = slopes_fixed)
}

# One model. m: lm on the (possibly demeaned, means added back) data whose design and residuals are
# those of the engine's final OLS step; dfa: absorbed df counted in K (reghdfe df_a + nested_adj - 1
# for the constant, which lm already has in its K).
mw_entry <- function(name, m, yname, cvars, estimator = "ols", absorb = NULL, dfa = 0, note = "") {
  b <- coef(m)
  X <- model.matrix(m)
  e <- residuals(m)
  K <- ncol(X) + dfa
  terms <- cgm_terms(X, e, cvars)
  Gs <- vapply(cvars, function(v) length(unique(d[[v]])), 0)
  G <- min(Gs)
  q <- (N - 1) / (N - K) * G / (G - 1)
  M0 <- Reduce(`+`, lapply(terms, function(t) t$sign * t$V0))
  V_raw <- q * M0
  # R sandwich, converted to the single factor (only valid when lm's K is the model's K)
  if (dfa == 0) {
    sw0 <- sandwich::vcovCL(m, cluster = d[, cvars], type = "HC1", cadjust = FALSE, multi0 = FALSE)
    stopifnot_close_scaled(sw0 * G / (G - 1), V_raw, 1e-9, paste(name, "reghdfe vs sandwich cadjust=FALSE * G/(G-1)"))
  }
  sw <- sandwich::vcovCL(m, cluster = d[, cvars], type = "HC1", cadjust = TRUE, multi0 = FALSE)
  V_sw_hand <- (N - 1) / (N - ncol(X)) *
    Reduce(`+`, lapply(terms, function(t) t$sign * t$G / (t$G - 1) * t$V0))
  stopifnot_close_scaled(sw, V_sw_hand, 1e-9, paste(name, "sandwich default = per-term G_S/(G_S-1)"))
  fx <- fix_psd(V_raw, if ("(Intercept)" %in% names(b)) "(Intercept)" else NULL)
  if (fx$fixed) {
    swfix <- sandwich::vcovCL(m, cluster = d[, cvars], type = "HC1", cadjust = FALSE, multi0 = FALSE, fix = TRUE) * G / (G - 1)
    ev <- eigen(V_raw, symmetric = TRUE)
    whole <- ev$vectors %*% diag(pmax(ev$values, 0), nrow(V_raw)) %*% t(ev$vectors)
    stopifnot_close_scaled(swfix, whole, 1e-9, paste(name, "whole-matrix fix vs sandwich fix=TRUE"))
  }
  V <- fx$V
  df <- min(G - 1, N - K)
  slopes <- setdiff(names(b), "(Intercept)")
  entry <- list(name = name, estimator = estimator, y = yname, x = I("x"), intercept = TRUE)
  if (!is.null(absorb)) entry$absorb <- I(absorb)
  entry$vcov <- "cluster"
  entry$cluster <- I(cvars)
  entry$n_clusters <- I(unname(Gs))
  entry$G_min <- G
  entry$nobs <- N
  entry$rank <- ncol(X)
  entry$df_absorbed <- dfa
  entry$t_df <- df
  entry$vcov_factor <- q
  entry$psd_fix_applied <- fx$fixed
  if (fx$fixed) {
    entry$min_eigenvalue_before_fix <- fx$min_eigenvalue
    entry$slopes_block_fixed <- fx$slopes_fixed
    entry$vcov_before_fix <- lapply(seq_len(nrow(V_raw)), function(i) I(unname(V_raw[i, ])))
  }
  entry$coefficients <- coef_table(b, V, df)
  entry$vcov_matrix <- lapply(seq_len(nrow(V)), function(i) I(unname(V[i, ])))
  entry$terms <- I(names(b))
  entry$fit <- wald_F(b, V, slopes, df)
  entry$sandwich_default <- list(
    convention = "sandwich::vcovCL(type='HC1', cadjust=TRUE, multi0=FALSE): (N-1)/(N-K) sum_S sign_S G_S/(G_S-1) CR0_S (per-term factors; Stata cluster2/cgmreg)",
    std_error = as.list(setNames(sqrt(pmax(diag(sw), 0)), names(b))))
  entry$meat_terms <- lapply(terms, function(t) list(vars = I(t$vars), sign = t$sign, groups = t$G))
  entry$convention <- paste0(
    "reghdfe multi-way CR1: V = q (X'X)^-1 [sum_S (-1)^(|S|+1) sum_{g in joint levels of S} X_g'e_g e_g'X_g] (X'X)^-1, ",
    "q = (N-1)/(N-K) * G/(G-1), G = min cluster count = ", G, ", K = ", K, "; t on min(G-1, N-K) df; ",
    "F = Wald(slopes)/q on (q, t_df); negative eigenvalues set to 0 (slopes' block fixed on its own when there is a constant).", note)
  entry$computed_by <- paste0(
    "by hand in the QR basis (sandwich_qr in test/reference/common.R); ",
    if (dfa == 0) "asserted equal to G/(G-1) * sandwich::vcovCL(type='HC1', cadjust=FALSE, multi0=FALSE) within 1e-9; " else "",
    "sandwich's default (cadjust=TRUE) asserted equal to the per-term formula within 1e-9",
    if (fx$fixed) "; the whole-matrix eigenvalue fix asserted equal to sandwich's fix=TRUE" else "", ".")
  entry
}

models <- list()

# 1. OLS, two-way (firm, year)
m1 <- lm(y ~ x, data = d)
models[[1]] <- mw_entry("ols_twoway_firm_year", m1, "y", c("firm", "year"))

# Published Petersen two-way value (per-term convention), and what reghdfe's convention gives
sw1 <- models[[1]]$sandwich_default$std_error
cat(sprintf("Petersen two-way: per-term (cluster2/cgmreg/sandwich) x SE %.7f _cons SE %.7f; reghdfe x SE %.7f _cons SE %.7f\n",
            sw1$x, sw1$`(Intercept)`, models[[1]]$coefficients$x$std_error, models[[1]]$coefficients$`(Intercept)`$std_error))
stopifnot(abs(sw1$x - .0535580) <= 6e-7)            # published value, 7 decimals
stopifnot(abs(models[[1]]$coefficients$x$std_error - .0535580) > 1e-3)  # reghdfe's is a different number

# 2. OLS, three-way (firm, year, industry; firms nested in industries)
models[[2]] <- mw_entry("ols_threeway_firm_year_industry", m1, "y", c("firm", "year", "industry"))

# 3. HDFE absorb(firm), cluster firm + year. firm is a cluster variable, so its levels are not
#    counted (df_a = 0) but the constant is (nested_adj = 1): N - 1 - 1 = N - K with lm's K = 2.
dm <- function(v, g) v - ave(v, g)
d3 <- data.frame(y = dm(d$y, d$firm) + mean(d$y), x = dm(d$x, d$firm) + mean(d$x))
m3 <- lm(y ~ x, data = d3)
stopifnot(all.equal(unname(coef(m3)["x"]), unname(coef(lm(y ~ x + factor(firm), data = d))["x"]), tolerance = 1e-12))
models[[3]] <- mw_entry("hdfe_firm_twoway_firm_year", m3, "y", c("firm", "year"), estimator = "hdfe", absorb = "firm",
                        note = " absorb(firm) nested in the firm clusters: df_a = 0, constant counted (nested_adj).")

# 4. HDFE absorb(firm year), cluster firm + year: both FE are cluster variables, df_a = 0.
dm2 <- function(v) v - ave(v, d$firm) - ave(v, d$year) + mean(v)
d4 <- data.frame(y = dm2(d$y) + mean(d$y), x = dm2(d$x) + mean(d$x))
m4 <- lm(y ~ x, data = d4)
stopifnot(all.equal(unname(coef(m4)["x"]), unname(coef(lm(y ~ x + factor(firm) + factor(year), data = d))["x"]), tolerance = 1e-12))
models[[4]] <- mw_entry("hdfe_firm_year_twoway_firm_year", m4, "y", c("firm", "year"), estimator = "hdfe", absorb = c("firm", "year"),
                        note = " absorb(firm year), both cluster variables: df_a = 0, constant counted (nested_adj).")

# 5. Not PSD: y_cb ~ x, cluster firm + year
m5 <- lm(y_cb ~ x, data = d)
models[[5]] <- mw_entry("ols_twoway_not_psd", m5, "y_cb", c("firm", "year"))
stopifnot(isTRUE(models[[5]]$psd_fix_applied))
cat(sprintf("not-PSD case: min eigenvalue %.4g, slopes block fixed: %s\n", models[[5]]$min_eigenvalue_before_fix, models[[5]]$slopes_block_fixed))

write_json_file(list(
  source = paste0(r_source_string(c("sandwich")),
                  ". Data: sandwich::PetersenCL (Petersen 2009 simulated firm-year data, 500 firms x 10 years) + industry = (firm-1) %% 25 + 1 + y_cb = 3*(-1)^(firm+year) + 0.1*y."),
  script = "make.R",
  data = "data.csv",
  published_check = paste0("Petersen's published two-way (firm and year) x SE .0535580 (Stata cluster2/cgmreg) is the per-term convention: ",
                           "it equals sandwich::vcovCL(cluster = ~firm + year, type = 'HC1', cadjust = TRUE, multi0 = FALSE) (",
                           sprintf("%.7f", sw1$x), ", asserted to 7 decimals). reghdfe applies ONE factor G/(G-1) with G = min(500, 10) = 10 ",
                           "to the whole inclusion-exclusion sum, giving x SE ", sprintf("%.7f", models[[1]]$coefficients$x$std_error), "."),
  conversion = "V_reghdfe = G_min/(G_min-1) * sandwich::vcovCL(type='HC1', cadjust=FALSE, multi0=FALSE); sandwich's default multiplies each term S by its own G_S/(G_S-1) instead.",
  models = models
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
