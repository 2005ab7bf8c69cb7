# Truncated-normal stochastic frontier reference on simulated data (the truncated-normal model has
# no interior maximum on the real datasets sfa_zellner and sfa_nerlove: μ → −∞). Deterministic:
# set.seed(20240808); n = 1000; ln q = 1 + 0.4 ln k + 0.5 ln l + v − u, v ~ N(0, 0.15²),
# u ~ N⁺(0.5, 0.3²) (inverse-CDF draw). data.csv holds the drawn levels q, k, l.
# Run from the repository root:  Rscript test/reference/sfa_simulated/make.R
source("test/reference/common.R")
dir <- "test/reference/sfa_simulated"
if (!file.exists(file.path(dir, "data.csv"))) {
  set.seed(20240808)
  n <- 1000
  lk <- rnorm(n, 2, 1); ll <- 0.5 * lk + rnorm(n, 1, 0.8)
  mu <- 0.5; su <- 0.3
  p0 <- pnorm(-mu / su)
  u <- mu + su * qnorm(p0 + runif(n) * (1 - p0))
  v <- rnorm(n, 0, 0.15)
  d <- data.frame(q = exp(1 + 0.4 * lk + 0.5 * ll + v - u), k = exp(lk), l = exp(ll))
  write_csv_exact(d, file.path(dir, "data.csv"))
}
d <- read_csv_exact(file.path(dir, "data.csv"))
n <- nrow(d)
ly <- log(d$q)
X_cd <- cbind(1, log(d$k) - mean(log(d$k)), log(d$l) - mean(log(d$l)))
colnames(X_cd) <- c("(Intercept)", "ln(k)", "ln(l)")
source("test/reference/sfa_common.R")
cases <- list(tnormal_cd = fit_sfa(X_cd, "tnormal", 1), hnormal_cd = fit_sfa(X_cd, "hnormal", 1))
write_json_file(list(
  source = r_source_string(c("numDeriv")),
  data = "simulated (seed 20240808): ln q = 1 + 0.4 ln k + 0.5 ln l + v - u, v ~ N(0, 0.15^2), u ~ N+(0.5, 0.3^2), n = 1000",
  conventions = "production frontier; logs mean-centred",
  cases = cases
), file.path(dir, "expected.json"))
for (nm in names(cases)) cat(sprintf("%-16s ll=%.10f sigma_u=%s mu=%s lr=%.6f meanTE=%.8f grad=%.2g\n", nm, cases[[nm]]$loglik,
  format(cases[[nm]]$sigma_u), format(cases[[nm]]$mu), cases[[nm]]$lr_no_inefficiency, cases[[nm]]$mean_te_bc, cases[[nm]]$max_abs_gradient))
