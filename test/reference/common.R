# Shared helpers for the reference-value scripts in test/reference/<case>/make.R.
# Every make.R is run from the repository root:  Rscript test/reference/<case>/make.R
# and sources this file with  source("test/reference/common.R").
# Nothing here is used at test time; CI never runs R.

suppressPackageStartupMessages({
  library(sandwich)
})

options(digits = 17, warn = 1)

stopifnot_close <- function(a, b, rel = 1e-10, what = "") {
  a <- as.numeric(a); b <- as.numeric(b)
  scale <- pmax(abs(a), abs(b), 1e-300)
  d <- max(abs(a - b) / scale)
  if (!is.finite(d) || d > rel) {
    stop(sprintf("check failed (%s): max rel diff %.3g > %.3g", what, d, rel))
  }
  invisible(TRUE)
}

# Compare two vectors/matrices relative to their overall scale (max |a|), column by column.
stopifnot_close_scaled <- function(a, b, rel = 1e-10, what = "") {
  a <- as.matrix(a); b <- as.matrix(b)
  stopifnot(all(dim(a) == dim(b)))
  for (j in seq_len(ncol(a))) {
    sc <- max(abs(a[, j]), abs(b[, j]), 1e-300)
    d <- max(abs(a[, j] - b[, j])) / sc
    if (!is.finite(d) || d > rel) stop(sprintf("check failed (%s, column %d): max scaled diff %.3g > %.3g", what, j, d, rel))
  }
  invisible(TRUE)
}

# Compare two covariance matrices on the correlation scale: |A-B|_ij / sqrt(A_ii A_jj).
stopifnot_vcov <- function(A, B, rel = 1e-9, what = "") {
  A <- as.matrix(A); B <- as.matrix(B)
  s <- sqrt(outer(diag(A), diag(A)))
  d <- max(abs(A - B) / s)
  if (!is.finite(d) || d > rel) stop(sprintf("vcov check failed (%s): max scaled diff %.3g > %.3g", what, d, rel))
  invisible(TRUE)
}

# ---------------------------------------------------------------- number output
# Shortest decimal (15..17 significant digits) that reads back to the same double.
fmt_num <- function(x) {
  vapply(x, function(v) {
    if (is.na(v)) return("")
    for (d in 15:17) {
      s <- sprintf(paste0("%.", d, "g"), v)
      if (as.numeric(s) == v) return(s)
    }
    sprintf("%.17g", v)
  }, character(1))
}

csv_quote <- function(s) {
  out <- ifelse(is.na(s), "", s)
  need <- !is.na(s) & grepl('[",\n\r]', s)
  out[need] <- paste0('"', gsub('"', '""', s[need]), '"')
  out
}

# Header row, comma separated, numbers at full (round-trip) precision, missing = empty field.
write_csv_exact <- function(df, path) {
  cols <- lapply(df, function(col) {
    if (is.factor(col)) col <- as.character(col)
    if (is.logical(col)) col <- ifelse(is.na(col), NA, ifelse(col, "1", "0"))
    if (is.numeric(col)) fmt_num(col) else csv_quote(as.character(col))
  })
  lines <- do.call(paste, c(cols, sep = ","))
  con <- file(path, open = "wb")
  writeLines(c(paste(csv_quote(names(df)), collapse = ","), lines), con, sep = "\n")
  close(con)
}

# Read back exactly what the app will read: empty field = missing (numeric and text).
read_csv_exact <- function(path) {
  read.csv(path, stringsAsFactors = FALSE, na.strings = "", check.names = FALSE)
}

# ---------------------------------------------------------------- JSON output
# Minimal JSON writer: numbers with 17 significant digits (integers as integers),
# NA/NaN/Inf -> null. Length-1 atomic vectors become scalars unless wrapped in I().
json_str <- function(s) {
  s <- gsub("\\\\", "\\\\\\\\", s)
  s <- gsub('"', '\\\\"', s)
  s <- gsub("\n", "\\\\n", s)
  paste0('"', s, '"')
}
json_scalar <- function(v) {
  if (is.null(v) || length(v) == 0) return("null")
  if (is.factor(v)) v <- as.character(v)
  if (is.character(v)) return(if (is.na(v)) "null" else json_str(v))
  if (is.logical(v)) return(if (is.na(v)) "null" else if (v) "true" else "false")
  if (is.na(v) || !is.finite(v)) return("null")
  if (v == round(v) && abs(v) < 1e15) return(sprintf("%.0f", v))
  sprintf("%.17g", v)
}
to_json <- function(x, indent = 0) {
  pad <- strrep("  ", indent + 1); pad0 <- strrep("  ", indent)
  if (is.null(x)) return("null")
  if (is.list(x)) {
    if (length(x) == 0) return(if (is.null(names(x))) "[]" else "{}")
    items <- vapply(x, to_json, character(1), indent = indent + 1)
    if (!is.null(names(x)) && all(names(x) != "")) {
      body <- paste0(pad, json_str(names(x)), ": ", items)
      return(paste0("{\n", paste(body, collapse = ",\n"), "\n", pad0, "}"))
    }
    return(paste0("[\n", paste(paste0(pad, items), collapse = ",\n"), "\n", pad0, "]"))
  }
  if (inherits(x, "AsIs") || length(x) != 1) {
    x <- unclass(x)
    if (length(x) == 0) return("[]")
    return(paste0("[", paste(vapply(seq_along(x), function(i) json_scalar(x[[i]]), character(1)), collapse = ", "), "]"))
  }
  json_scalar(x)
}
write_json_file <- function(x, path) {
  con <- file(path, open = "wb")
  writeLines(to_json(x), con, sep = "\n")
  close(con)
}

r_source_string <- function(pkgs) {
  paste0(R.version.string, "; ",
         paste(vapply(pkgs, function(p) paste0(p, " ", as.character(packageVersion(p))), ""), collapse = ", "))
}

# ---------------------------------------------------------------- coefficient tables
coef_table <- function(b, V, df) {
  se <- sqrt(diag(V))
  stat <- b / se
  p <- if (is.finite(df)) 2 * pt(-abs(stat), df) else 2 * pnorm(-abs(stat))
  out <- list()
  for (i in seq_along(b)) {
    out[[names(b)[i]]] <- list(estimate = unname(b[i]), std_error = unname(se[i]),
                               statistic = unname(stat[i]), p_value = unname(p[i]))
  }
  out
}

# Wald test of the coefficients named `which` all = 0, divided by q.
wald_F <- function(b, V, which, df2) {
  q <- length(which)
  if (q == 0) return(list(f_stat = NA, f_df1 = 0, f_df2 = df2, f_p_value = NA))
  bs <- b[which]; Vs <- V[which, which, drop = FALSE]
  W <- as.numeric(t(bs) %*% solve(Vs, bs))
  F <- W / q
  list(f_stat = F, f_df1 = q, f_df2 = df2,
       f_p_value = if (is.finite(df2)) pf(F, q, df2, lower.tail = FALSE) else pchisq(W, q, lower.tail = FALSE))
}

# (X'X)^-1 via QR (stable for ill-conditioned designs such as Longley/Wampler).
xtx_inv <- function(X) {
  q <- qr(X)
  stopifnot(q$rank == ncol(X))
  Ri <- backsolve(qr.R(q), diag(ncol(X)))
  o <- order(q$pivot)
  out <- (Ri %*% t(Ri))[o, o, drop = FALSE]
  dimnames(out) <- list(colnames(X), colnames(X))
  out
}

# Un-scaled sandwich (X'X)^-1 (sum_g s_g s_g') (X'X)^-1 with s_g = sum_{i in g} x_i e_i,
# computed in the orthonormal Q basis of X = QR (never forms X'X): V = R^-1 (Q'..Q) R^-T.
# cluster = NULL means one observation per cluster (HC0 meat).
sandwich_qr <- function(X, e, cluster = NULL) {
  q <- qr(X)
  stopifnot(q$rank == ncol(X))
  Q <- qr.Q(q)
  Ri <- backsolve(qr.R(q), diag(ncol(X)))
  S <- if (is.null(cluster)) Q * e else rowsum(Q * e, cluster)
  o <- order(q$pivot)
  out <- (Ri %*% crossprod(S) %*% t(Ri))[o, o, drop = FALSE]
  dimnames(out) <- list(colnames(X), colnames(X))
  out
}

# Correctly rounded conversion of a bigq scalar to double (gmp's as.double truncates).
bigq_to_double <- function(z) {
  t <- as.double(z)
  if (t == 0) return(t)
  u <- 2^(floor(log2(abs(t))) - 52)
  cand <- unique(c(t, t + u, t - u, t + u / 2, t - u / 2, t + 2 * u, t - 2 * u))
  err <- vapply(cand, function(c) as.double(abs(gmp::as.bigq(c) - z) / abs(z)), 0)
  cand[which.min(err)]
}

# Exact OLS in rational arithmetic (package gmp). X, y: bigq matrix / vector (exact data).
# Returns doubles (each rounded once from the exact rational; SEs = sqrt of that double).
exact_ols <- function(X, y, names) {
  `%m%` <- gmp::`%*%`
  N <- nrow(X); K <- ncol(X)
  A <- gmp::crossprod(X)
  Ai <- solve(A)
  b <- Ai %m% (gmp::crossprod(X, y))
  e <- y - X %m% b
  rss <- sum(e * e)
  ybar <- sum(y) / N
  tss <- sum((y - ybar) * (y - ybar))
  s2 <- rss / (N - K)
  V_iid <- Ai * s2
  e <- gmp::as.bigq(as.vector(e))
  Xe <- X
  for (j in seq_len(K)) Xe[, j] <- X[, j] * e
  meat <- gmp::crossprod(Xe)
  V_hc1 <- (Ai %m% meat %m% Ai) * gmp::as.bigq(N, N - K)
  d <- bigq_to_double
  dg <- function(M) vapply(seq_len(K), function(i) d(M[i, i]), 0)  # diag() is unreliable on bigq
  se_iid <- sqrt(pmax(dg(V_iid), 0))
  se_hc1 <- sqrt(pmax(dg(V_hc1), 0))
  r2 <- 1 - rss / tss
  # Wald F (HC1) for all slopes (all columns but the first, which must be the intercept)
  f_hc1 <- NA
  if (rss != 0 && K > 1) {
    bs <- b[2:K, , drop = FALSE]
    Vs <- V_hc1[2:K, 2:K]
    f_hc1 <- d((gmp::crossprod(bs, solve(Vs, bs)))[1, 1] / (K - 1))
  }
  list(coefficients = setNames(lapply(seq_len(K), function(i)
         list(estimate = d(b[i]), std_error_iid = se_iid[i], std_error_robust_hc1 = se_hc1[i])), names),
       rss = d(rss), residual_sd = sqrt(d(s2)), r2 = d(r2),
       adj_r2 = d(1 - (rss / (N - K)) / (tss / (N - 1))),
       f_stat_iid = if (rss == 0) NA else d(((tss - rss) / (K - 1)) / s2),
       f_stat_robust_hc1 = f_hc1)
}

# ---------------------------------------------------------------- OLS with Stata conventions
# m: an lm fit (possibly with aliased/NA coefficients). cluster: vector aligned with the
# estimation sample (after listwise deletion) or NULL.
# Returns the model entry in the expected.json format, after asserting R's sandwich
# numbers against a hand-computed formula.
ols_entry <- function(name, m, yname, xnames, vcov = c("iid", "robust", "cluster"),
                      cluster = NULL, cluster_name = NULL, cluster_formula = NULL,
                      check_tol = 1e-9) {
  vcov <- match.arg(vcov)
  cf <- coef(m)
  omitted <- names(cf)[is.na(cf)]
  b <- cf[!is.na(cf)]
  X <- model.matrix(m)[, names(b), drop = FALSE]
  e <- residuals(m)
  N <- nrow(X); K <- ncol(X)
  stopifnot(N == nobs(m), K == m$rank)
  XtXi <- xtx_inv(X)
  rss <- sum(e^2)
  s2 <- rss / (N - K)
  slopes <- setdiff(names(b), "(Intercept)")
  if (vcov == "iid") {
    V <- s2 * XtXi
    stopifnot_vcov(vcov(m)[names(b), names(b)], V, check_tol, "iid vcov")
    df <- N - K
    conv <- "iid: V = s^2 (X'X)^-1, s^2 = RSS/(N-K); t on N-K df; F = Wald(slopes)/q on (q, N-K) df (= classical F)."
  } else if (vcov == "robust") {
    V <- N / (N - K) * sandwich_qr(X, e)
    stopifnot_vcov(sandwich::vcovHC(m, type = "HC1")[names(b), names(b)], V, check_tol, "HC1 vcov")
    df <- N - K
    conv <- "robust: HC1 = N/(N-K) (X'X)^-1 X' diag(e^2) X (X'X)^-1 (Stata vce(robust)); t on N-K df; F = Wald(slopes)/q on (q, N-K) df."
  } else {
    stopifnot(length(cluster) == N)
    G <- length(unique(cluster))
    cl_arg <- if (is.null(cluster_formula)) cluster else cluster_formula
    V <- G / (G - 1) * (N - 1) / (N - K) * sandwich_qr(X, e, cluster)
    stopifnot_vcov(sandwich::vcovCL(m, cluster = cl_arg, type = "HC1", cadjust = TRUE)[names(b), names(b)],
                   V, check_tol, "CR1 vcov")
    df <- G - 1
    conv <- "cluster: Stata CR1 = G/(G-1) * (N-1)/(N-K) * (X'X)^-1 (sum_g X_g'e_g e_g'X_g) (X'X)^-1; t on G-1 df; F = Wald(slopes)/q on (q, G-1) df. Checked: sandwich::vcovCL(type='HC1', cadjust=TRUE) equals this."
  }
  ft <- wald_F(b, V, slopes, df)
  if (vcov == "iid" && length(slopes) > 0 && "(Intercept)" %in% names(b)) {
    # classical F from sums of squares (numerically more accurate than the Wald form)
    tss <- sum((model.response(model.frame(m)) - mean(model.response(model.frame(m))))^2)
    Fc <- ((tss - rss) / length(slopes)) / s2
    stopifnot_close(ft$f_stat, Fc, check_tol, "Wald F vs classical F")
    stopifnot_close(summary(m)$fstatistic[["value"]], Fc, check_tol, "lm F vs classical F")
    ft$f_stat <- Fc
    ft$f_p_value <- pf(Fc, ft$f_df1, ft$f_df2, lower.tail = FALSE)
  }
  sm <- summary(m)
  entry <- list(name = name, y = yname, x = I(xnames), intercept = "(Intercept)" %in% names(cf),
                vcov = vcov)
  if (vcov == "cluster") { entry$cluster <- I(cluster_name); entry$n_clusters <- G }
  entry$nobs <- N
  entry$rank <- K
  entry$df_resid <- N - K
  if (length(omitted)) entry$omitted <- I(omitted)
  entry$coefficients <- coef_table(b, V, df)
  entry$fit <- c(list(r2 = sm$r.squared, adj_r2 = sm$adj.r.squared, rmse = sqrt(s2), rss = rss,
                      loglik = as.numeric(logLik(m))), ft)
  entry$convention <- conv
  entry$computed_by <- sprintf(paste0("coefficients: stats::lm (QR); vcov: by hand in the QR basis (see sandwich_qr in test/reference/common.R), ",
                               "asserted equal to %s within %.0e (scaled by sqrt(V_ii V_jj))."),
                               switch(vcov, iid = "vcov(lm)", robust = "sandwich::vcovHC(type='HC1')",
                                      cluster = "sandwich::vcovCL(type='HC1', cadjust=TRUE)"), check_tol)
  entry
}
