# Propensity-score matching reference values on the LaLonde data (MatchIt::lalonde; the same
# data.csv as binary_lalonde). Run from the repository root:  Rscript test/reference/psm_lalonde/make.R
#
# Score: logit of treat on age educ black hispan married nodegree re74 re75 (glm, tight tolerance).
# Nearest-neighbour cases come from a brute-force implementation of MatchIt's documented algorithm
# (see `brute` below) because the installed MatchIt 4.5.1 has a distance-comparison bug (asserted
# below). For every case we store the matched sets (0-based row numbers), psmatch2-style weights
# (control weight = sum over its treated of 1/#matches), the ATT and psmatch2's approximate S.E.
# Kernel (Epanechnikov, bw 0.06) and radius matching, ATU/ATE and the pstest balance table are
# computed by hand here (psmatch2/pstest are Stata-only), following psmatch2.ado 4.0.12 / pstest.ado.
source("test/reference/common.R")
suppressPackageStartupMessages(library(MatchIt))
dir <- "test/reference/psm_lalonde"
if (!file.exists(file.path(dir, "data.csv"))) invisible(file.copy("test/reference/binary_lalonde/data.csv", file.path(dir, "data.csv")))
d <- read_csv_exact(file.path(dir, "data.csv"))
xs <- c("age", "educ", "black", "hispan", "married", "nodegree", "re74", "re75")
f <- reformulate(xs, "treat")
sfit <- glm(f, family = binomial, data = d, control = glm.control(epsilon = 1e-15, maxit = 200))
ps <- unname(fitted(sfit)); lp <- unname(predict(sfit))
y <- d$re78; t <- d$treat; n <- nrow(d)
rownames(d) <- as.character(seq_len(n))

psm_summary <- function(lists) {
  # lists: for each treated row (1-based, names), integer vector of matched control rows
  w <- rep(0, n)
  att_terms <- c()
  matched_t <- c()
  for (tr in names(lists)) {
    m <- lists[[tr]]
    if (length(m) == 0) next
    i <- as.integer(tr)
    w[i] <- 1
    w[m] <- w[m] + 1 / length(m)
    matched_t <- c(matched_t, i)
    att_terms <- c(att_terms, y[i] - mean(y[m]))
  }
  n1 <- length(matched_t)
  used <- which(t == 0 & w > 0)
  se <- sqrt(var(y[matched_t]) / n1 + var(y[used]) * sum(w[used]^2) / n1^2)
  list(w = w, att = mean(att_terms), se = se, n1 = n1, controls_used = length(used),
       pairs = sum(vapply(lists, length, 1L)))
}

# Brute-force nearest neighbour with MatchIt's conventions (units sorted by score, stable in data
# order; the nearest available control in that list, left first on equal distance; caliper <=;
# k > 1 in rounds; processing order for matching without replacement), our tie_rule = "matchit".
brute <- function(dist, k = 1, replace = TRUE, order = c("largest", "smallest", "data"), caliper = Inf, cell = rep(1, n)) {
  order <- match.arg(order)
  pos <- integer(n); pos[sort.list(dist)] <- seq_len(n)
  tr <- which(t == 1)
  ord <- switch(order, largest = tr[order(dist[tr], decreasing = TRUE)], smallest = tr[order(dist[tr])], data = tr)
  used <- rep(FALSE, n); lists <- setNames(vector("list", length(tr)), as.character(tr))
  for (r in seq_len(k)) for (i in ord) {
    if (r > 1 && length(lists[[as.character(i)]]) < r - 1) next
    cand <- which(t == 0 & cell == cell[i] & (replace | !used))
    cand <- setdiff(cand, lists[[as.character(i)]])
    dd <- abs(dist[cand] - dist[i]); ok <- dd <= caliper
    cand <- cand[ok]; dd <- dd[ok]
    if (length(cand) == 0) next
    j <- cand[order(dd, !(pos[cand] < pos[i]), abs(pos[cand] - pos[i]))[1]]
    lists[[as.character(i)]] <- c(lists[[as.character(i)]], j)
    used[j] <- TRUE
  }
  lists <- lapply(lists, function(v) if (is.null(v)) integer(0) else as.integer(v))
  s <- psm_summary(lists)
  matches <- lapply(lists, function(v) I(sort(v - 1L)))
  names(matches) <- as.character(as.integer(names(lists)) - 1L)
  list(att = s$att, att_se = s$se, n_treated_matched = s$n1, controls_matched = s$controls_used, pairs = s$pairs,
       weights = I(ifelse(s$w > 0, s$w, NA)), matches = matches)
}
# MatchIt 4.5.1 (the Debian package here) is NOT usable as a reference for nearest-neighbour
# matching: nn_matchC_vec compares distances with abs() on an int (C's abs), so any distance below
# 1 truncates to 0 and the left neighbour in the sorted list always wins (and a caliper on a
# distance < 1 never binds). Asserted here: its matches equal "nearest available control to the
# left, else to the right", which differs from true nearest-neighbour matching.
tr <- which(t == 1); ord <- tr[order(ps[tr], decreasing = TRUE)]
so <- sort.list(ps); posr <- integer(n); posr[so] <- seq_len(n)
m_bug <- matchit(f, data = d, method = "nearest", distance = ps, replace = FALSE, ratio = 1, m.order = "largest")
used <- rep(FALSE, n)
for (i in ord) {
  p <- posr[i]; l <- so[seq_len(p - 1)]; l <- l[t[l] == 0 & !used[l]]; r <- so[seq(p + 1, n)]; r <- r[t[r] == 0 & !used[r]]
  b <- if (length(l)) l[length(l)] else r[1]
  stopifnot(b == as.integer(m_bug$match.matrix[as.character(i), 1])); used[b] <- TRUE
}
bf <- brute(ps, 1, FALSE, "largest")
stopifnot(!identical(unname(sapply(bf$matches, function(v) v[1] + 1L)), as.integer(m_bug$match.matrix[, 1])))
m_cal <- matchit(f, data = d, method = "nearest", distance = lp, replace = FALSE, caliper = 0.2, std.caliper = TRUE)
stopifnot_close(unname(m_cal$caliper), 0.2 * sd(lp), 1e-12, "MatchIt caliper = 0.2 sd(lp)")

cases <- list()
cases$nn1_nr_largest <- brute(ps, 1, FALSE, "largest")
cases$nn1_nr_smallest <- brute(ps, 1, FALSE, "smallest")
cases$nn2_nr_largest <- brute(ps, 2, FALSE, "largest")
cases$nn1_nr_caliper <- brute(lp, 1, FALSE, "largest", caliper = 0.2 * sd(lp))
cases$nn1_nr_caliper$caliper <- 0.2 * sd(lp)
cases$nn1_nr_exact <- brute(ps, 1, FALSE, "largest", cell = d$married)
cases$nn1_rep <- brute(ps, 1, TRUE)
cases$nn3_rep <- brute(ps, 3, TRUE)
cases$nn1_rep_exact <- brute(ps, 1, TRUE, cell = d$married)

# ATU (psmatch2 ate): every control matched to its nearest treated unit, with replacement
pos <- integer(n); pos[sort.list(ps)] <- seq_len(n)
atu_terms <- sapply(which(t == 0), function(j) {
  cand <- which(t == 1); dd <- abs(ps[cand] - ps[j])
  i <- cand[order(dd, !(pos[cand] < pos[j]), abs(pos[cand] - pos[j]))[1]]
  y[i] - y[j]
})
atu <- mean(atu_terms); n0 <- length(atu_terms)
c1 <- cases$nn1_rep
cases$nn1_rep$atu <- atu
cases$nn1_rep$ate <- (c1$att * c1$n_treated_matched + atu * n0) / (c1$n_treated_matched + n0)

# kernel (Epanechnikov, psmatch2: 1 - (d/h)^2 on |d| <= h, normalised) and radius (uniform) by hand
kernel_case <- function(h, kern) {
  w <- rep(0, n); terms <- c(); mt <- c()
  for (i in which(t == 1)) {
    dd <- ps[t == 0] - ps[i]
    k <- ifelse(abs(dd) <= h, if (kern == "epan") 1 - (dd / h)^2 else 1, 0)
    if (sum(k) <= 0) next
    k <- k / sum(k)
    w[which(t == 0)] <- w[which(t == 0)] + k
    w[i] <- 1; mt <- c(mt, i)
    terms <- c(terms, y[i] - sum(k * y[t == 0]))
  }
  used <- which(t == 0 & w > 0); n1 <- length(mt)
  list(att = mean(terms), att_se = sqrt(var(y[mt]) / n1 + var(y[used]) * sum(w[used]^2) / n1^2),
       n_treated_matched = n1, controls_matched = length(used), weights = I(ifelse(w > 0, w, NA)))
}
cases$kernel_epan <- kernel_case(0.06, "epan")
cases$radius_001 <- kernel_case(0.01, "uniform")

# pstest (both) for the 1:3 case, by hand: probit unmatched and [iw] matched, bias, t, V ratios
pstest <- function(w_ctrl) {
  mw <- ifelse(t == 1, 1, ifelse(is.na(w_ctrl), 0, w_ctrl))
  in_m <- mw > 0
  wmom <- function(x, g, w) { s <- t == g & w > 0; W <- sum(w[s]); m <- sum(w[s] * x[s]) / W; list(W = W, m = m, v = sum(w[s] * (x[s] - m)^2) / (W - 1)) }
  ttest <- function(a, b) { rss <- a$v * (a$W - 1) + b$v * (b$W - 1); df <- a$W + b$W - 2; tt <- (a$m - b$m) / sqrt(rss / df * (1 / a$W + 1 / b$W)); c(t = tt, p = 2 * pt(-abs(tt), df)) }
  n_t <- sum(t == 1)
  Fu <- qf(c(0.025, 0.975), n_t - 1, n_t - 1)
  rows <- list(); absu <- c(); absm <- c(); cont <- 0; outu <- 0; outm <- 0
  one <- rep(1, n)
  for (v in xs) {
    x <- d[[v]]
    u1 <- wmom(x, 1, one); u0 <- wmom(x, 0, one); m1 <- wmom(x, 1, mw); m0 <- wmom(x, 0, mw)
    den <- sqrt((u1$v + u0$v) / 2)
    bu <- 100 * (u1$m - u0$m) / den; bm <- 100 * (m1$m - m0$m) / den
    tu <- ttest(u1, u0); tm <- ttest(m1, m0)
    binary <- all(x %in% c(0, 1))
    vru <- if (binary) NA else u1$v / u0$v; vrm <- if (binary) NA else m1$v / m0$v
    if (!binary) { cont <- cont + 1; outu <- outu + (vru < Fu[1] | vru > Fu[2]); outm <- outm + (vrm < Fu[1] | vrm > Fu[2]) }
    absu <- c(absu, abs(bu)); absm <- c(absm, abs(bm))
    rows[[v]] <- list(mean_treated_unmatched = u1$m, mean_control_unmatched = u0$m, mean_treated_matched = m1$m,
      mean_control_matched = m0$m, bias_unmatched = bu, bias_matched = bm, bias_reduction = -100 * (abs(bm) - abs(bu)) / abs(bu),
      t_unmatched = unname(tu["t"]), p_unmatched = unname(tu["p"]), t_matched = unname(tm["t"]), p_matched = unname(tm["p"]),
      var_ratio_unmatched = vru, var_ratio_matched = vrm)
  }
  probit_sum <- function(w) {
    s <- w > 0
    dd <- d[s, ]; ww <- w[s]; dd$.ww <- ww
    g <- suppressWarnings(glm(f, family = binomial(link = "probit"), data = dd, weights = .ww, control = glm.control(epsilon = 1e-15, maxit = 200)))
    xb <- predict(g); tt <- dd$treat
    ll <- sum(ww * ifelse(tt == 1, pnorm(xb, log.p = TRUE), pnorm(-xb, log.p = TRUE)))
    W1 <- sum(ww[tt == 1]); W <- sum(ww); ll0 <- W1 * log(W1 / W) + (W - W1) * log(1 - W1 / W)
    m1 <- sum(ww[tt == 1] * xb[tt == 1]) / W1; m0 <- sum(ww[tt == 0] * xb[tt == 0]) / (W - W1)
    v1 <- sum(ww[tt == 1] * (xb[tt == 1] - m1)^2) / (W1 - 1); v0 <- sum(ww[tt == 0] * (xb[tt == 0] - m0)^2) / (W - W1 - 1)
    list(pseudo_r2 = 1 - ll / ll0, lr_chi2 = 2 * (ll - ll0), lr_p = pchisq(2 * (ll - ll0), length(xs), lower.tail = FALSE),
         rubin_b = 100 * (m1 - m0) / sqrt((v1 + v0) / 2), rubin_r = v1 / v0)
  }
  su <- c(probit_sum(one), list(mean_bias = mean(absu), median_bias = median(absu), pct_var_outside = 100 * outu / cont))
  sm <- c(probit_sum(mw), list(mean_bias = mean(absm), median_bias = median(absm), pct_var_outside = 100 * outm / cont))
  list(rows = rows, unmatched = su, matched = sm)
}
w3 <- unlist(cases$nn3_rep$weights); w3[t == 1] <- NA
balance_nn3 <- pstest(w3)

out <- list(
  source = r_source_string(c("MatchIt")),
  x = I(xs),
  score = list(coefficients = as.list(coef(sfit)), loglik = as.numeric(logLik(sfit)), ps_first = I(ps[1:5]), sd_lp = sd(lp)),
  cases = cases,
  balance_nn3_rep = balance_nn3
)
write_json_file(out, file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
