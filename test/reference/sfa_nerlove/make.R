# Stochastic COST frontier reference values on Nerlove's (1963) US electricity generation data,
# 1955 (AER::Electricity1955, 159 rows as shipped by AER). Homogeneity in input prices imposed by
# dividing by the fuel price: cost frontier  ln(cost/fuel) = f(ln output, ln(labor/fuel),
# ln(capital/fuel)) + v + u.  OLS residuals are right-skewed (+1.25), as a cost frontier needs.
# The truncated-normal model has no interior maximum here (μ → −∞, σu → ∞: the exponential limit);
# it is checked on the simulated data in sfa_simulated.
# Run from the repository root:  Rscript test/reference/sfa_nerlove/make.R
# The independent MLE is test/reference/sfa_common.R (textbook densities, optim + numDeriv).
source("test/reference/common.R")
dir <- "test/reference/sfa_nerlove"

if (!file.exists(file.path(dir, "data.csv"))) {
  data("Electricity1955", package = "AER")
  e <- Electricity1955
  d <- data.frame(firm = seq_len(nrow(e)), cost = e$cost, output = e$output, labor = e$labor, capital = e$capital, fuel = e$fuel)
  d$c_f <- d$cost / d$fuel
  d$pl_f <- d$labor / d$fuel
  d$pk_f <- d$capital / d$fuel
  d$lq <- log(d$output)
  write_csv_exact(d, file.path(dir, "data.csv"))
}
d <- read_csv_exact(file.path(dir, "data.csv"))
n <- nrow(d)
ly <- log(d$c_f)
cen <- function(v) log(v) - mean(log(v))
lq <- cen(d$output); lpl <- cen(d$pl_f); lpk <- cen(d$pk_f)
X_cd <- cbind(1, lq, lpl, lpk)
colnames(X_cd) <- c("(Intercept)", "ln(output)", "ln(pl_f)", "ln(pk_f)")
X_tl <- cbind(X_cd, 0.5 * lq^2, 0.5 * lpl^2, 0.5 * lpk^2, lq * lpl, lq * lpk, lpl * lpk)
colnames(X_tl) <- c(colnames(X_cd), "ln(output)^2/2", "ln(pl_f)^2/2", "ln(pk_f)^2/2", "ln(output)*ln(pl_f)", "ln(output)*ln(pk_f)", "ln(pl_f)*ln(pk_f)")

source("test/reference/sfa_common.R")

ZZ <- cbind(1, d$lq)
cases <- list(
  hnormal_cd = fit_sfa(X_cd, "hnormal", -1),
  exponential_cd = fit_sfa(X_cd, "exponential", -1),
  hnormal_tl = fit_sfa(X_tl, "hnormal", -1),
  hnormal_cd_het = fit_sfa(X_cd, "hnormal_het", -1, ZZ)
)
cases$hnormal_tl$lr_cd_vs_translog <- 2 * (cases$hnormal_tl$loglik - cases$hnormal_cd$loglik)
e_ols <- ly - drop(X_cd %*% qr.solve(X_cd, ly))
skew <- mean((e_ols - mean(e_ols))^3) / mean((e_ols - mean(e_ols))^2)^1.5

write_json_file(list(
  source = r_source_string(c("numDeriv", "AER")),
  data = "Nerlove (1963) electricity 1955, AER::Electricity1955; c_f = cost/fuel, pl_f = labor/fuel, pk_f = capital/fuel",
  conventions = "cost frontier (e = v + u); logs of c_f, output, pl_f, pk_f; regressors mean-centred; translog squares carry 1/2; heteroskedastic model: ln sigma_u^2 = d0 + d1 * lq",
  ols_skewness = skew,
  cases = cases
), file.path(dir, "expected.json"))
for (nm in names(cases)) cat(sprintf("%-16s ll=%.10f sigma_u=%s lr=%.6f meanTE=%.8f grad=%.2g\n", nm, cases[[nm]]$loglik,
  format(cases[[nm]]$sigma_u), cases[[nm]]$lr_no_inefficiency, cases[[nm]]$mean_te_bc, cases[[nm]]$max_abs_gradient))
