# Stochastic frontier reference values on the Zellner–Revankar (1969) transportation-equipment data
# (Greene, Econometric Analysis, Table F9.1 = gretl's greene9_1.gdt; 25 US states, 1957):
# value added, capital and labour by state (levels, as Zellner–Revankar's production function).
# Per-firm ratios (valadd/nfirm, ...) give OLS residuals with the wrong skewness (+0.05 in m3 terms,
# λ → 0): the engine's wrong-skewness test uses them; the reference models use the levels.
# Run from the repository root:  Rscript test/reference/sfa_zellner/make.R
#
# The independent MLE is test/reference/sfa_common.R (textbook densities, optim + numDeriv).
# The frontier/sfaR packages are not installable here (no Debian package, no network).
# Truncated-normal and translog half-normal fits are not well identified on 25 observations
# (μ → −∞, σv → 0); those are in sfa_nerlove.
source("test/reference/common.R")
dir <- "test/reference/sfa_zellner"

if (!file.exists(file.path(dir, "data.csv"))) {
  raw <- read.csv("/tmp/greene9_1.csv", stringsAsFactors = FALSE) # gretlcli: open greene9_1.gdt; store
  d <- data.frame(state = raw$obs, valadd = raw$valadd, capital = raw$capital, labor = raw$labor, nfirm = raw$nfirm)
  d$lnfirm <- log(d$nfirm)
  write_csv_exact(d, file.path(dir, "data.csv"))
}
d <- read_csv_exact(file.path(dir, "data.csv"))
n <- nrow(d)
ly <- log(d$valadd)
lk <- log(d$capital) - mean(log(d$capital))
ll_ <- log(d$labor) - mean(log(d$labor))
X_cd <- cbind(1, lk, ll_)
colnames(X_cd) <- c("(Intercept)", "ln(capital)", "ln(labor)")
X_tl <- cbind(X_cd, 0.5 * lk^2, 0.5 * ll_^2, lk * ll_)
colnames(X_tl) <- c(colnames(X_cd), "ln(capital)^2/2", "ln(labor)^2/2", "ln(capital)*ln(labor)")

source("test/reference/sfa_common.R")

ZZ <- cbind(1, d$lnfirm)
cases <- list(
  hnormal_cd = fit_sfa(X_cd, "hnormal"),
  exponential_cd = fit_sfa(X_cd, "exponential"),
  exponential_tl = fit_sfa(X_tl, "exponential"),
  hnormal_cd_het = fit_sfa(X_cd, "hnormal_het", 1, ZZ)
)
cases$exponential_tl$lr_cd_vs_translog <- 2 * (cases$exponential_tl$loglik - cases$exponential_cd$loglik)

# OLS residual skewness (production frontier: negative is the right sign), levels and per firm
skewness <- function(yy, XX) {
  e <- yy - drop(XX %*% qr.solve(XX, yy))
  mean((e - mean(e))^3) / mean((e - mean(e))^2)^1.5
}
skew <- skewness(ly, X_cd)
skew_pf <- skewness(log(d$valadd / d$nfirm), cbind(1, log(d$capital / d$nfirm), log(d$labor / d$nfirm)))

write_json_file(list(
  source = r_source_string(c("numDeriv")),
  data = "Zellner-Revankar transport equipment (Greene Table F9.1, gretl greene9_1.gdt): valadd, capital, labor by state (levels)",
  conventions = "logs of q, k, l; inputs mean-centred over the sample; translog squares carry 1/2; production frontier",
  ols_skewness = skew,
  ols_skewness_per_firm = skew_pf,
  cases = cases
), file.path(dir, "expected.json"))
for (nm in names(cases)) cat(sprintf("%-16s ll=%.10f sigma_u=%s lr=%.6f meanTE=%.8f grad=%.2g\n", nm, cases[[nm]]$loglik,
  format(cases[[nm]]$sigma_u), cases[[nm]]$lr_no_inefficiency, cases[[nm]]$mean_te_bc, cases[[nm]]$max_abs_gradient))
