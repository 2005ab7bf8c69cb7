# Logit / probit reference values on the LaLonde data (MatchIt::lalonde, 614 men, NSW treated +
# PSID controls): treat ~ age + educ + black + hispan + married + nodegree + re74 + re75.
# Run from the repository root:  Rscript test/reference/binary_lalonde/make.R
#
# Stata conventions reproduced by hand and checked against R packages:
#  - iid: inverse of the OBSERVED information (Stata oim). For the logit it equals glm's vcov; for
#    the probit glm reports the expected information, stored separately as `glm_expected`.
#  - robust: N/(N-1) * H^-1 (sum s_i s_i') H^-1  (logit: = sandwich::vcovHC(type = "HC0") * N/(N-1)).
#  - cluster: G/(G-1) * H^-1 (sum_g s_g s_g') H^-1 (logit: = sandwich::vcovCL(type = "HC0",
#    cadjust = TRUE)); cluster variable `educ` (years of schooling, 15 groups).
#  - margins: AME and MEM (dydx(*), dydx(*) atmeans) with analytic delta-method SEs, checked against
#    a central finite-difference Jacobian (the `margins` package is not installed here).
source("test/reference/common.R")
suppressPackageStartupMessages(library(MatchIt))
dir <- "test/reference/binary_lalonde"

if (!file.exists(file.path(dir, "data.csv"))) {
  data("lalonde", package = "MatchIt")
  d <- data.frame(treat = lalonde$treat, age = lalonde$age, educ = lalonde$educ,
                  black = as.integer(lalonde$race == "black"), hispan = as.integer(lalonde$race == "hispan"),
                  married = lalonde$married, nodegree = lalonde$nodegree,
                  re74 = lalonde$re74, re75 = lalonde$re75, re78 = lalonde$re78)
  write_csv_exact(d, file.path(dir, "data.csv"))
}
d <- read_csv_exact(file.path(dir, "data.csv"))
xs <- c("age", "educ", "black", "hispan", "married", "nodegree", "re74", "re75")
f <- reformulate(xs, "treat")
X <- model.matrix(f, d)
y <- d$treat
n <- nrow(X); k <- ncol(X)

fit_model <- function(link) {
  m <- glm(f, family = binomial(link = link), data = d, control = glm.control(epsilon = 1e-15, maxit = 200))
  b <- coef(m)
  xb <- drop(X %*% b)
  if (link == "logit") {
    p <- plogis(xb); g <- y - p; h <- p * (1 - p)
    dens <- function(z) dlogis(z); ddens <- function(z) { p <- plogis(z); p * (1 - p) * (1 - 2 * p) }
    ll <- sum(y * xb - log1p(exp(xb)))
  } else {
    q <- 2 * y - 1; z <- q * xb
    lam <- exp(dnorm(z, log = TRUE) - pnorm(z, log.p = TRUE))
    g <- q * lam; h <- lam * (lam + z)
    dens <- function(z) dnorm(z); ddens <- function(z) -z * dnorm(z)
    ll <- sum(pnorm(z, log.p = TRUE))
  }
  stopifnot_close(ll, logLik(m), 1e-12, "loglik")
  H <- crossprod(X * sqrt(h))
  A <- solve(H)
  S <- X * g
  V_iid <- A
  V_rob <- n / (n - 1) * A %*% crossprod(S) %*% A
  cl <- d$educ
  Sg <- rowsum(S, cl)
  G <- nrow(Sg)
  V_cl <- G / (G - 1) * A %*% crossprod(Sg) %*% A
  if (link == "logit") {
    stopifnot_vcov(V_iid, vcov(m), 1e-8, "logit iid")
    stopifnot_vcov(V_rob, sandwich::vcovHC(m, type = "HC0") * n / (n - 1), 1e-8, "logit robust")
    stopifnot_vcov(V_cl, sandwich::vcovCL(m, cluster = ~educ, type = "HC0", cadjust = TRUE), 1e-8, "logit cluster")
  }
  ll0 <- { p1 <- mean(y); n * (p1 * log(p1) + (1 - p1) * log(1 - p1)) }
  m0 <- glm(treat ~ 1, family = binomial(link = link), data = d)
  stopifnot_close(ll0, logLik(m0), 1e-12, "ll0")
  slopes <- 2:k
  wald <- function(V) drop(t(b[slopes]) %*% solve(V[slopes, slopes]) %*% b[slopes])
  # margins
  margin_fun <- function(beta) {
    xbv <- drop(X %*% beta)
    xbar <- colMeans(X)
    c(ame = mean(dens(xbv)) * beta[slopes], mem = dens(sum(xbar * beta)) * beta[slopes])
  }
  Jam <- matrix(0, k - 1, k); Jmm <- matrix(0, k - 1, k)
  fb <- mean(dens(xb)); xbar <- colMeans(X); fm <- dens(sum(xbar * b)); dfm <- ddens(sum(xbar * b))
  dfx <- colMeans(ddens(xb) * X)
  for (jj in seq_along(slopes)) {
    j <- slopes[jj]
    Jam[jj, ] <- b[j] * dfx; Jam[jj, j] <- Jam[jj, j] + fb
    Jmm[jj, ] <- b[j] * dfm * xbar; Jmm[jj, j] <- Jmm[jj, j] + fm
  }
  # finite-difference check of the analytic Jacobian
  Jfd <- sapply(seq_len(k), function(m_) {
    hstep <- 1e-4 / max(abs(X[, m_])); e <- rep(0, k); e[m_] <- hstep
    (margin_fun(b + e) - margin_fun(b - e)) / (2 * hstep)
  })
  stopifnot_close_scaled(rbind(Jam, Jmm), Jfd, 1e-6, "margins jacobian")
  margins_for <- function(V) {
    ame <- fb * b[slopes]; mem <- fm * b[slopes]
    ase <- sqrt(diag(Jam %*% V %*% t(Jam))); mse <- sqrt(diag(Jmm %*% V %*% t(Jmm)))
    out <- list()
    for (jj in seq_along(slopes)) out[[colnames(X)[slopes[jj]]]] <- list(ame = unname(ame[jj]), ame_se = unname(ase[jj]), mem = unname(mem[jj]), mem_se = unname(mse[jj]))
    out
  }
  res <- list(
    loglik = ll, ll_0 = ll0, r2_p = 1 - ll / ll0, lr_chi2 = 2 * (ll - ll0),
    coefficients = as.list(b),
    iid = coef_table(b, V_iid, Inf), robust = coef_table(b, V_rob, Inf), cluster = coef_table(b, V_cl, Inf),
    cluster_groups = G,
    wald_robust = wald(V_rob), wald_cluster = wald(V_cl),
    margins_iid = margins_for(V_iid), margins_robust = margins_for(V_rob), margins_cluster = margins_for(V_cl),
    at_means = as.list(colMeans(X)[slopes])
  )
  if (link == "probit") res$glm_expected <- coef_table(b, vcov(m), Inf)
  res
}

out <- list(
  source = r_source_string(c("MatchIt", "sandwich")),
  n = n,
  x = I(xs),
  logit = fit_model("logit"),
  probit = fit_model("probit")
)
write_json_file(out, file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
