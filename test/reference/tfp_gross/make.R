# Gross-output production function (Levinsohn–Petrin and Ackerberg–Caves–Frazer with the intermediate
# input both proxy and input, Stata prodest's default without `valueadded`) on a simulated panel, by
# the independent R implementation in ../tfp_common.R. Not used at test time.
# DGP (set.seed(20240810), 300 firms, 10 observed years after 30 burn-in years, ~3% rows dropped at
# random to create gaps):
#   ω_t = 0.3 + 0.7 ω_{t−1} + ξ_t, ξ ~ N(0, 0.2²)  (Markov productivity, mean 1)
#   k_t = log(0.7 K_{t−1} + I_{t−1}),  log I_t = a_i + (ω_t − 1) + 0.6 k_t + v_t, a_i ~ N(0.5, 0.3²),
#         v ~ N(0, 1)  (capital, predetermined; investment itself is not in the data)
#   m_t = 0.2 + 0.5 k_t + 0.8 ω_t exp(k_t − 6)  (log materials: the proxy, increasing in ω_t)
#   l_t = 0.5 + 0.7 l_{t−1} + 0.4 k_t + 0.6 ω_t + w_t, w ~ N(0, 0.3²)   (free, chosen at t)
#   y_t = 1 + 0.3 l_t + 0.15 k_t + 0.5 m_t + ω_t + ε_t, ε ~ N(0, 0.1²)   (log gross output)
# Why this materials rule: with a Cobb–Douglas and a materials demand that is log-linear (or additively
# separable) in k and ω — the textbook first-order condition — β_m is not identified by the
# control-function moments (Gandhi, Navarro & Rivers 2020): a rescaled ω is again Markov and every
# point of a line of (β_k, β_m) solves them. Here the response of materials to ω depends on k, which
# identifies β_m through k_t and m_{t−1}; the firm-specific investment intercept and shock give k the
# spread that needs, and persistent labour makes l_{t−1} a usable instrument for ACF. Even so the
# moments have other roots away from the truth; the convention (the root nearest OLS) picks the one
# near it here — see docs/production.md (## TFP).
# Run from the repository root:  Rscript test/reference/tfp_gross/make.R
source("test/reference/common.R")
source("test/reference/tfp_common.R")
dir <- "test/reference/tfp_gross"
if (!file.exists(file.path(dir, "data.csv"))) {
  set.seed(20240810)
  N <- 300; Tobs <- 10; burn <- 30; TT <- Tobs + burn
  rows <- list()
  for (f in 1:N) {
    a <- rnorm(1, 0.5, 0.3)
    om <- 1 + rnorm(1, 0, 0.2 / sqrt(1 - 0.49)); K <- exp(rnorm(1, 6, 0.5)); l <- 3; i <- 0
    for (t in 1:TT) {
      if (t > 1) { om <- 0.3 + 0.7 * om + rnorm(1, 0, 0.2); K <- 0.7 * K + exp(i) }
      k <- log(K)
      i <- a + (om - 1) + 0.6 * k + rnorm(1, 0, 1)
      m <- 0.2 + 0.5 * k + 0.8 * om * exp(k - 6)
      l <- 0.5 + 0.7 * l + 0.4 * k + 0.6 * om + rnorm(1, 0, 0.3)
      y <- 1 + 0.3 * l + 0.15 * k + 0.5 * m + om + rnorm(1, 0, 0.1)
      if (t > burn) rows[[length(rows) + 1]] <- c(f, 2000 + t - burn, y, l, k, m)
    }
  }
  d <- as.data.frame(do.call(rbind, rows))
  names(d) <- c("firm", "year", "lgo", "ll", "lk", "lm")
  d <- d[runif(nrow(d)) > 0.03, ]
  write_csv_exact(d, file.path(dir, "data.csv"))
}
d <- read_csv_exact(file.path(dir, "data.csv"))
dd <- data.frame(firm = d$firm, year = d$year, y = d$lgo, l = d$ll, k = d$lk, px = d$lm)

ols <- coef(lm(lgo ~ ll + lk + lm, data = d))
fe <- coef(lm(lgo ~ ll + lk + lm + factor(firm), data = d))[c("ll", "lk", "lm")]
# the root nearest OLS among those reached from Nelder–Mead, FE and 40 random starts
fits <- list(lp = tfp_fit(dd, "lp", 3, "gross", scan = 40), lp4 = tfp_fit(dd, "lp", 4, "gross", scan = 40), acf = tfp_fit(dd, "acf", 3, "gross", scan = 40))
entry <- function(f) list(ll = unname(f$beta[1]), lk = unname(f$beta[2]), lm = unname(f$beta[3]), criterion = f$criterion,
                          n_stage2 = f$n_stage2, mean_ltfp = unname(f$mean_ltfp), jacobian_condition = f$jacobian_cond,
                          roots_found = lapply(f$roots, function(r) I(unname(r))))
for (m in names(fits)) {
  cat(m, ":", format(fits[[m]]$beta, digits = 10), " Q =", fits[[m]]$criterion, " cond(J) =", fits[[m]]$jacobian_cond, "\n")
  cat("   roots:", paste(vapply(fits[[m]]$roots, function(r) paste(format(r, digits = 4), collapse = " "), ""), collapse = " | "), "\n")
}
write_json_file(list(
  source = r_source_string(c("numDeriv")),
  data = "simulated (seed 20240810): 300 firms x 10 years, ~3% rows dropped (gaps); y = 1 + 0.3 l + 0.15 k + 0.5 m + omega + e (log gross output), omega AR(1) 0.7 with mean 1; m = 0.2 + 0.5 k + 0.8 omega exp(k - 6)",
  truth = list(ll = 0.3, lk = 0.15, lm = 0.5),
  ols = list(ll = unname(ols["ll"]), lk = unname(ols["lk"]), lm = unname(ols["lm"])),
  fe = list(ll = unname(fe["ll"]), lk = unname(fe["lk"]), lm = unname(fe["lm"])),
  lp = entry(fits$lp), lp_degree4 = entry(fits$lp4), acf = entry(fits$acf),
  n = nrow(d), firms = length(unique(d$firm))
), file.path(dir, "expected.json"))
