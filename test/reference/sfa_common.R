# Shared stochastic-frontier MLE for test/reference/sfa_*/make.R (sourced after common.R).
# Written from the textbook densities (Aigner–Lovell–Schmidt 1977; Meeusen–van den Broeck 1977;
# Stevenson 1980; Kumbhakar & Lovell 2000, ch. 3; Jondrow et al. 1982; Battese & Coelli 1988).
# Uses other parameterisations than the engine (the engine: β, ln σv², ln σu², μ): half-normal and
# truncated normal in (β, ln σ², ln λ[, μ]), exponential in (β, ln σv, ln σu), heteroskedastic
# half-normal in (β, ln σv², δ). optim (Nelder–Mead, then BFGS with optim's own finite-difference gradients) from
# corrected-OLS starting values, then Newton steps with numDeriv's Richardson-extrapolated gradient
# and Hessian until the step is < 1e-11. Standard errors: inverse of the numerical Hessian in the
# engine's parameterisation. The caller defines `ly` (log output or cost) and `n`.
suppressPackageStartupMessages(library(numDeriv))

# log-likelihood of one model in its own (R) parameterisation; S = 1 production, -1 cost
loglik <- function(theta, X, dist, S = 1, Z = NULL) {
  k <- ncol(X)
  e <- S * drop(ly - X %*% theta[1:k]) # production orientation: e = v - u
  if (dist == "hnormal") {
    s2 <- exp(theta[k + 1]); lam <- exp(theta[k + 2]); s <- sqrt(s2)
    sum(log(2) - log(s) + dnorm(e / s, log = TRUE) + pnorm(-e * lam / s, log.p = TRUE))
  } else if (dist == "exponential") {
    sv <- exp(theta[k + 1]); su <- exp(theta[k + 2])
    sum(-log(su) + pnorm(-e / sv - sv / su, log.p = TRUE) + e / su + sv^2 / (2 * su^2))
  } else if (dist == "tnormal") {
    s2 <- exp(theta[k + 1]); lam <- exp(theta[k + 2]); mu <- theta[k + 3]; s <- sqrt(s2)
    su <- s * lam / sqrt(1 + lam^2)
    sum(-log(s) + dnorm((e + mu) / s, log = TRUE) + pnorm(mu / (s * lam) - e * lam / s, log.p = TRUE) - pnorm(mu / su, log.p = TRUE))
  } else if (dist == "hnormal_het") {
    sv2 <- exp(theta[k + 1]); su2 <- exp(drop(Z %*% theta[(k + 2):length(theta)]))
    s <- sqrt(sv2 + su2); lam <- sqrt(su2 / sv2)
    sum(log(2) - log(s) + dnorm(e / s, log = TRUE) + pnorm(-e * lam / s, log.p = TRUE))
  }
}

# (σv², σu², μ) of a fit, per observation for the heteroskedastic model
variances <- function(theta, k, dist, Z = NULL) {
  if (dist %in% c("hnormal", "tnormal")) {
    s2 <- exp(theta[k + 1]); lam <- exp(theta[k + 2])
    list(sv2 = s2 / (1 + lam^2), su2 = s2 * lam^2 / (1 + lam^2), mu = if (dist == "tnormal") theta[k + 3] else 0)
  } else if (dist == "exponential") {
    list(sv2 = exp(2 * theta[k + 1]), su2 = exp(2 * theta[k + 2]), mu = 0)
  } else {
    list(sv2 = exp(theta[k + 1]), su2 = exp(drop(Z %*% theta[(k + 2):length(theta)])), mu = 0)
  }
}

# corrected OLS starting values (method of moments on the OLS residuals)
cols_start <- function(X, dist, S, Z) {
  b <- qr.solve(X, ly)
  e <- S * (ly - drop(X %*% b))
  m2 <- mean(e^2); m3 <- mean(e^3)
  if (dist == "exponential") {
    su <- if (m3 < 0) (-m3 / 2)^(1 / 3) else 0.1 * sqrt(m2)
    sv2 <- max(m2 - su^2, 0.1 * m2)
    b[1] <- b[1] + S * su
    return(c(b, log(sqrt(sv2)), log(su)))
  }
  su <- if (m3 < 0) (-m3 / (sqrt(2 / pi) * (4 / pi - 1)))^(1 / 3) else 0.1 * sqrt(m2)
  sv2 <- max(m2 - (1 - 2 / pi) * su^2, 0.1 * m2)
  b[1] <- b[1] + S * sqrt(2 / pi) * su
  if (dist == "hnormal_het") return(c(b, log(sv2), log(su^2), rep(0, ncol(Z) - 1)))
  th <- c(b, log(sv2 + su^2), log(su / sqrt(sv2)))
  if (dist == "tnormal") th <- c(th, 0)
  th
}

newton_polish <- function(f, theta) {
  for (it in 1:100) {
    g <- grad(f, theta)
    H <- hessian(f, theta)
    step <- tryCatch(-solve(H, g), error = function(err) stop(sprintf("singular Hessian at %s", paste(format(theta), collapse = " "))))
    t <- 1
    f0 <- f(theta)
    while (!isTRUE(f(theta + t * step) >= f0 - 1e-12) && t > 1e-8) t <- t / 2
    theta <- theta + t * step
    if (max(abs(t * step)) < 1e-11) break
  }
  list(theta = theta, iterations = it, gradient = grad(f, theta))
}

fit_sfa <- function(X, dist, S = 1, Z = NULL) {
  k <- ncol(X)
  f <- function(th) loglik(th, X, dist, S, Z)
  th0 <- cols_start(X, dist, S, Z)
  # Nelder–Mead first: BFGS with finite differences can jump into the region where the exponential
  # density under- and overflows (σv → 0) and report a meaningless +1e56
  o <- optim(th0, f, method = "Nelder-Mead", control = list(fnscale = -1, maxit = 50000, reltol = 1e-14))
  o <- optim(o$par, f, method = "BFGS", control = list(fnscale = -1, maxit = 10000, reltol = 1e-15))
  p <- newton_polish(f, o$par)
  th <- p$theta
  v <- variances(th, k, dist, Z)
  # engine parameterisation for the covariance: (β, ln σv², ln σu² or δ, μ)
  eng <- c(th[1:k], log(v$sv2), if (dist == "hnormal_het") th[(k + 2):length(th)] else log(v$su2), if (dist == "tnormal") v$mu)
  f_eng <- function(q) {
    sv2 <- exp(q[k + 1])
    if (dist == "hnormal_het") return(loglik(c(q[1:k], q[(k + 1):length(q)]), X, dist, S, Z))
    su2 <- exp(q[k + 2])
    if (dist == "exponential") return(loglik(c(q[1:k], 0.5 * log(sv2), 0.5 * log(su2)), X, dist, S))
    r <- c(q[1:k], log(sv2 + su2), 0.5 * log(su2 / sv2))
    if (dist == "tnormal") r <- c(r, q[k + 3])
    loglik(r, X, dist, S)
  }
  stopifnot_close(f_eng(eng), f(th), 1e-13, "reparameterisation")
  # small Richardson start step: numDeriv's default d = 0.1 (10% of each parameter) is too coarse
  # for the flat directions of these likelihoods (1–2% error in some SEs)
  V <- solve(-hessian(f_eng, eng, method.args = list(d = 1e-3, eps = 1e-6, r = 6)))
  # efficiency: JLMS E[u|e] and Battese–Coelli E[exp(-u)|e]
  e <- S * drop(ly - X %*% th[1:k])
  if (dist == "exponential") {
    mus <- -e - v$sv2 / sqrt(v$su2); ss <- rep(sqrt(v$sv2), n)
  } else {
    mus <- (v$mu * v$sv2 - e * v$su2) / (v$sv2 + v$su2); ss <- sqrt(v$sv2 * v$su2 / (v$sv2 + v$su2))
  }
  jlms <- mus + ss * dnorm(mus / ss) / pnorm(mus / ss)
  bc <- exp(-mus + 0.5 * ss^2) * pnorm(mus / ss - ss) / pnorm(mus / ss)
  # OLS log-likelihood (the model without u) for the LR test
  b_ols <- qr.solve(X, ly)
  rss <- sum((ly - drop(X %*% b_ols))^2)
  ll_ols <- -0.5 * n * (1 + log(2 * pi) + log(rss / n))
  ll <- f(th)
  su2 <- v$su2; sv2 <- v$sv2
  out <- list(
    coefficients = as.list(setNames(th[1:k], colnames(X))),
    std_errors = as.list(setNames(sqrt(diag(V))[1:k], colnames(X))),
    engine_theta = I(eng),
    engine_se = I(sqrt(diag(V))),
    loglik = ll,
    ll_ols = ll_ols,
    lr_no_inefficiency = 2 * (ll - ll_ols),
    mean_te_bc = mean(bc),
    mean_u_jlms = mean(jlms),
    te_bc = I(bc),
    u_jlms = I(jlms),
    optim_convergence = o$convergence,
    newton_iterations = p$iterations,
    max_abs_gradient = max(abs(p$gradient))
  )
  if (dist != "hnormal_het") {
    out$sigma_v <- sqrt(sv2); out$sigma_u <- sqrt(su2)
    out$sigma2 <- sv2 + su2; out$lambda <- sqrt(su2 / sv2); out$gamma <- su2 / (sv2 + su2)
  }
  if (dist == "tnormal") out$mu <- v$mu
  out
}

