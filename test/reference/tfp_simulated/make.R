# Control-function production function (Olley–Pakes, Levinsohn–Petrin, Ackerberg–Caves–Frazer) on
# a simulated value-added panel, by the independent R implementation in ../tfp_common.R (written from
# the papers and the documentation of prodest). Not used at test time.
# DGP (set.seed(20240809), 200 firms, 10 observed years after 30 burn-in years, ~3% rows dropped at
# random to create gaps):
#   ω_t = 0.7 ω_{t−1} + ξ_t, ξ ~ N(0, 0.2²);   k_t = log(0.85 K_{t−1} + I_{t−1})
#   i_t = 0.5 + ω_t + 0.6 k_t  (log investment, the OP proxy)
#   m_t = 0.2 + 0.8 ω_t + 0.5 k_t + 0.05 ω_t²  (log materials, the LP/ACF proxy)
#   l_t = 0.5 + 0.3 l_{t−1} + 0.4 k_t + 0.6 ω_t + w_t, w ~ N(0, 0.3²)   (free, chosen at t)
#   y_t = 1 + 0.6 l_t + 0.35 k_t + ω_t + ε_t, ε ~ N(0, 0.1²)   (log value added)
# Run from the repository root:  Rscript test/reference/tfp_simulated/make.R
source("test/reference/common.R")
source("test/reference/tfp_common.R")
dir <- "test/reference/tfp_simulated"
if (!file.exists(file.path(dir, "data.csv"))) {
  set.seed(20240809)
  N <- 200; Tobs <- 10; burn <- 30; TT <- Tobs + burn
  rows <- list()
  for (f in 1:N) {
    om <- rnorm(1, 0, 0.2 / sqrt(1 - 0.49)); K <- exp(rnorm(1, 6, 0.5)); l <- 3
    for (t in 1:TT) {
      if (t > 1) { om <- 0.7 * om + rnorm(1, 0, 0.2); K <- 0.85 * K + exp(i) }
      k <- log(K)
      i <- 0.5 + om + 0.6 * k
      m <- 0.2 + 0.8 * om + 0.5 * k + 0.05 * om^2
      l <- 0.5 + 0.3 * l + 0.4 * k + 0.6 * om + rnorm(1, 0, 0.3)
      y <- 1 + 0.6 * l + 0.35 * k + om + rnorm(1, 0, 0.1)
      if (t > burn) rows[[length(rows) + 1]] <- c(f, 2000 + t - burn, y, l, k, i, m)
    }
  }
  d <- as.data.frame(do.call(rbind, rows))
  names(d) <- c("firm", "year", "lva", "ll", "lk", "linv", "lmat")
  d <- d[runif(nrow(d)) > 0.03, ]
  write_csv_exact(d, file.path(dir, "data.csv"))
}
d <- read_csv_exact(file.path(dir, "data.csv"))

tfp_on <- function(method) {
  dd <- data.frame(firm = d$firm, year = d$year, y = d$lva, l = d$ll, k = d$lk, px = if (method == "op") d$linv else d$lmat)
  tfp_fit(dd, method, degree = 3, output = "va")
}

ols <- coef(lm(lva ~ ll + lk, data = d))
fe <- coef(lm(lva ~ ll + lk + factor(firm), data = d))[c("ll", "lk")]
out <- lapply(c(op = "op", lp = "lp", acf = "acf"), tfp_on)
for (m in names(out)) cat(m, ":", format(out[[m]]$beta, digits = 10), " Q =", out[[m]]$criterion, "\n")
write_json_file(list(
  source = r_source_string(c("numDeriv")),
  data = "simulated (seed 20240809): 200 firms x 10 years, ~3% rows dropped (gaps); y = 1 + 0.6 l + 0.35 k + omega + e, omega AR(1) 0.7",
  truth = list(ll = 0.6, lk = 0.35),
  ols = list(ll = unname(ols["ll"]), lk = unname(ols["lk"])),
  fe = list(ll = unname(fe["ll"]), lk = unname(fe["lk"])),
  op = list(ll = unname(out$op$beta[1]), lk = unname(out$op$beta[2]), criterion = out$op$criterion, n_stage2 = out$op$n_stage2, mean_ltfp = unname(out$op$mean_ltfp)),
  lp = list(ll = unname(out$lp$beta[1]), lk = unname(out$lp$beta[2]), criterion = out$lp$criterion, n_stage2 = out$lp$n_stage2, mean_ltfp = unname(out$lp$mean_ltfp)),
  acf = list(ll = unname(out$acf$beta[1]), lk = unname(out$acf$beta[2]), criterion = out$acf$criterion, n_stage2 = out$acf$n_stage2, mean_ltfp = unname(out$acf$mean_ltfp)),
  n = nrow(d), firms = length(unique(d$firm))
), file.path(dir, "expected.json"))
