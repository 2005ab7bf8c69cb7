# Reference values: NIST StRD "Longley" linear regression (higher difficulty).
# Data derived from R's datasets::longley, rescaled/rounded to the NIST units, and
# asserted equal to the NIST data table. Run: Rscript test/reference/ols_longley/make.R
source("test/reference/common.R")
dir <- "test/reference/ols_longley"

L <- datasets::longley
d0 <- data.frame(
  y  = round(L$Employed * 1000),      # total employment, persons (thousands -> persons)
  x1 = round(L$GNP.deflator, 1),      # GNP implicit price deflator (1954 = 100)
  x2 = round(L$GNP * 1000),           # GNP
  x3 = round(L$Unemployed * 10),      # unemployed
  x4 = round(L$Armed.Forces * 10),    # size of armed forces
  x5 = round(L$Population * 1000),    # non-institutional population >= 14 years
  x6 = round(L$Year)                  # year
)
# NIST StRD Longley.dat data block (y x1 ... x6), for an independent check of the derivation.
nist <- matrix(c(
  60323, 83.0, 234289, 2356, 1590, 107608, 1947,
  61122, 88.5, 259426, 2325, 1456, 108632, 1948,
  60171, 88.2, 258054, 3682, 1616, 109773, 1949,
  61187, 89.5, 284599, 3351, 1650, 110929, 1950,
  63221, 96.2, 328975, 2099, 3099, 112075, 1951,
  63639, 98.1, 346999, 1932, 3594, 113270, 1952,
  64989, 99.0, 365385, 1870, 3547, 115094, 1953,
  63761, 100.0, 363112, 3578, 3350, 116219, 1954,
  66019, 101.2, 397469, 2904, 3048, 117388, 1955,
  67857, 104.6, 419180, 2822, 2857, 118734, 1956,
  68169, 108.4, 442769, 2936, 2798, 120445, 1957,
  66513, 110.8, 444546, 4681, 2637, 121950, 1958,
  68655, 112.6, 482704, 3813, 2552, 123366, 1959,
  69564, 114.2, 502601, 3931, 2514, 125368, 1960,
  69331, 115.7, 518173, 4806, 2572, 127852, 1961,
  70551, 116.9, 554894, 4007, 2827, 130081, 1962), ncol = 7, byrow = TRUE)
stopifnot(all(as.matrix(d0) == nist))

write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(all(as.matrix(d) == nist))

m <- lm(y ~ x1 + x2 + x3 + x4 + x5 + x6, data = d)
xs <- paste0("x", 1:6)
# Longley is ill-conditioned: sandwich::vcovHC (forms X'X) agrees with the QR computation
# only to ~3e-8 relative; the QR values agree with exact rational arithmetic to ~1e-15.
models <- list(ols_entry("ols_iid", m, "y", xs, "iid", check_tol = 1e-7),
               ols_entry("ols_robust", m, "y", xs, "robust", check_tol = 1e-7))

# Exact OLS in rational arithmetic on the exact decimal data (gmp).
X <- model.matrix(m)
Xq <- gmp::as.bigq(X)
Xq[, "x1"] <- gmp::as.bigq(round(d$x1 * 10), 10)   # x1 has one decimal: exact value k/10
exact <- exact_ols(Xq, gmp::as.bigq(d$y), colnames(X))
for (k in colnames(X)) {
  stopifnot_close(models[[1]]$coefficients[[k]]$estimate, exact$coefficients[[k]]$estimate, 1e-11, "b vs exact")
  stopifnot_close(models[[1]]$coefficients[[k]]$std_error, exact$coefficients[[k]]$std_error_iid, 1e-11, "se vs exact")
  stopifnot_close(models[[2]]$coefficients[[k]]$std_error, exact$coefficients[[k]]$std_error_robust_hc1, 1e-11, "hc1 se vs exact")
}

cert_b  <- c(-3482258.63459582, 15.0618722713733, -0.358191792925910E-01, -2.02022980381683,
             -1.03322686717359, -0.511041056535807E-01, 1829.15146461355)
cert_se <- c(890420.383607373, 84.9149257747669, 0.334910077722432E-01, 0.488399681651699,
             0.214274163161675, 0.226073200069370, 455.478499142212)
nm <- c("(Intercept)", xs)
names(cert_b) <- names(cert_se) <- nm
certified <- list(
  coefficients = setNames(lapply(nm, function(k) list(estimate = unname(cert_b[k]), std_error = unname(cert_se[k]))), nm),
  residual_sd = 304.854073561965,
  r2 = 0.995479004577296,
  # Also certified by NIST (ANOVA table):
  rss = 836424.055505915,
  regression_ss = 184172401.944494,
  f_stat = 330.285339234588,
  df_regression = 6,
  df_resid = 9
)
b <- coef(m); se <- sqrt(diag(vcov(m)))
lre_b <- -log10(abs(b - cert_b) / abs(cert_b)); lre_se <- -log10(abs(se - cert_se) / abs(cert_se))
cat("R lm log relative error vs certified (coef):", sprintf("%.1f", lre_b), "\n")
cat("R lm log relative error vs certified (se):  ", sprintf("%.1f", lre_se), "\n")
stopifnot(all(lre_b > 9), all(lre_se > 9))
stopifnot_close(summary(m)$sigma, certified$residual_sd, 1e-9, "residual sd")
stopifnot_close(summary(m)$r.squared, certified$r2, 1e-9, "R2")
stopifnot_close(sum(residuals(m)^2), certified$rss, 1e-9, "RSS")

write_json_file(list(
  source = paste0(r_source_string(c("sandwich")),
                  ". Data: NIST StRD Longley (derived from datasets::longley by rescaling to NIST units, asserted equal to the NIST table). 'certified' = NIST certified values (15 significant digits as published); 'models' = R lm values."),
  script = "make.R",
  data = "data.csv",
  certified = certified,
  exact = c(list(note = "Exact least squares in rational arithmetic (R package gmp) on the exact NIST decimal data; each number is the exact rational rounded once to double (SEs: sqrt of that double). iid and HC1 conventions as in 'models'."), exact),
  models = models
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
