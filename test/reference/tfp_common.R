# Control-function production function (Olley–Pakes, Levinsohn–Petrin, Ackerberg–Caves–Frazer) on
# value added or gross output: an independent implementation written from the papers and the
# documentation of Stata's and R's prodest (stage 1 by lm on a raw polynomial; stage 2 with lm.fit
# for the law of motion, numDeriv Jacobians and Newton steps on the just-identified moments).
# Used by tfp_simulated/make.R (value added) and tfp_gross/make.R (gross output); not used at test
# time. Data frame columns: firm, year, y (output), l (free input), k (state), px (proxy).
#
# Value added: y = β_l l + β_k k + ω + ε.  Gross output (prodest's default, `va` off): the
# intermediate input (the LP/ACF proxy) is an input too, y = β_l l + β_k k + β_m m + ω + ε; stage 1
# is unchanged (m is inside the polynomial), stage 2 adds β_m to the parameters and m_{t−1} to the
# instruments (Levinsohn–Petrin 2003 §2; prodest's proxyGO / l_gen`proxy').
suppressPackageStartupMessages(library(numDeriv))

# the value of v at (firm, year − 1), NA when that row is absent
lag_of <- function(d, v) {
  key <- paste(d$firm, d$year)
  v[match(paste(d$firm, d$year - 1), key)]
}

# scan > 0: also polish Newton from the FE values and from `scan` random starts within ±1 of OLS,
# and report the root nearest OLS among all exact roots found (Panel Studio's convention when the
# just-identified moments have several roots, as they often do in gross output).
tfp_fit <- function(d, method, degree = 3, output = "va", scan = 0) {
  gross <- output == "gross"
  stopifnot(!(gross && method == "op"))
  y <- d$y; l <- d$l; k <- d$k; px <- d$px
  lag <- function(v) lag_of(d, v)
  if (method == "acf") {
    P <- poly(cbind(l, k, px), degree = degree, raw = TRUE)
    s1 <- lm(y ~ P)
    phi <- fitted(s1)
    bfree <- numeric(0)
    X <- if (gross) cbind(l, k, px) else cbind(l, k)
    Z <- if (gross) cbind(lag(l), k, lag(px)) else cbind(lag(l), k)
  } else {
    P <- poly(cbind(k, px), degree = degree, raw = TRUE)
    s1 <- lm(y ~ l + P)
    bfree <- unname(coef(s1)["l"])
    phi <- fitted(s1) - bfree * l
    X <- if (gross) cbind(k, px) else cbind(k)
    Z <- if (gross) cbind(k, lag(px)) else cbind(k)
  }
  phil <- lag(phi)
  Xl <- apply(X, 2, lag)
  ok <- !is.na(phil) & complete.cases(Xl) & complete.cases(Z)
  phi2 <- phi[ok]; phil2 <- phil[ok]; X2 <- X[ok, , drop = FALSE]; Xl2 <- Xl[ok, , drop = FALSE]; Z2 <- Z[ok, , drop = FALSE]
  n2 <- sum(ok)
  W <- solve(crossprod(Z2) / n2)
  mom <- function(b) {
    w <- phi2 - X2 %*% b
    wl <- phil2 - Xl2 %*% b
    H <- cbind(1, wl, wl^2, wl^3)
    xi <- lm.fit(H, w)$residuals
    as.numeric(crossprod(Z2, xi)) / n2
  }
  Q <- function(b) { m <- mom(b); as.numeric(t(m) %*% W %*% m) }
  newton <- function(b) {
    for (it in 1:100) {
      m <- mom(b)
      J <- jacobian(mom, b)
      step <- -solve(J, m)
      b <- b + step
      if (max(abs(step)) < 1e-13) break
    }
    b
  }
  # OLS start; a root from optimize / Nelder–Mead, polished by Newton steps
  ols <- if (gross) coef(lm(y ~ l + k + px))[c("l", "k", "px")] else coef(lm(y ~ l + k))[c("l", "k")]
  start <- unname(if (method == "acf") ols else ols[-1])
  if (length(start) == 1) {
    b0 <- optimize(Q, c(start - 1, start + 1), tol = 1e-10)$minimum
  } else {
    b0 <- optim(start, Q, method = "Nelder-Mead", control = list(reltol = 1e-14, maxit = 20000))$par
  }
  b <- newton(b0)
  roots <- list(b)
  if (scan > 0) {
    fe <- coef(lm(if (gross) y ~ l + k + px + factor(d$firm) else y ~ l + k + factor(d$firm)))[if (gross) c("l", "k", "px") else c("l", "k")]
    fe_start <- unname(if (method == "acf") fe else fe[-1])
    set.seed(7)
    starts <- c(list(fe_start), lapply(seq_len(scan), function(i) start + runif(length(start), -1, 1)))
    for (s0 in starts) {
      r <- tryCatch({
        bb <- s0
        for (it in 1:100) {
          st <- -solve(jacobian(mom, bb), mom(bb))
          if (max(abs(st)) > 0.5) st <- st * 0.5 / max(abs(st))  # damped far from a root
          bb <- bb + st
          if (max(abs(st)) < 1e-13) break
        }
        if (Q(bb) < 1e-20) bb else NULL
      }, error = function(e) NULL)
      if (!is.null(r) && !any(vapply(roots, function(q) max(abs(q - r)) < 1e-6, TRUE))) roots[[length(roots) + 1]] <- r
    }
    b <- roots[[which.min(vapply(roots, function(r) sum((r - start)^2), 0))]]
  }
  # a scan for other roots within ±1 of OLS (1 or 2 parameters)
  grid <- if (length(start) == 1) as.matrix(seq(start - 1, start + 1, by = 0.05)) else if (length(start) == 2) as.matrix(expand.grid(seq(start[1] - 1, start[1] + 1, by = 0.1), seq(start[2] - 1, start[2] + 1, by = 0.1))) else NULL
  grid_argmin <- if (is.null(grid)) NULL else { qs <- apply(grid, 1, Q); as.numeric(grid[which.min(qs), ]) }
  beta <- c(bfree, b)
  names(beta) <- if (gross) c("l", "k", "m") else c("l", "k")
  Xall <- if (gross) cbind(l, k, px) else cbind(l, k)
  list(beta = beta, criterion = Q(b), n_stage1 = nrow(d), n_stage2 = n2, grid_argmin = grid_argmin, roots = roots,
       jacobian_cond = kappa(jacobian(mom, b), exact = TRUE),
       mean_ltfp = mean(y - Xall %*% beta))
}
