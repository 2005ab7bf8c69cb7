# Project "replication": replication script written by Panel Studio
# Run it with the working directory set to the folder that holds the original data files.
# Conventions and what is not translated: Panel Studio docs/code-export.md.
# Packages used: AER, MatchIt, fixest, lmtest, plm, sandwich (and modelsummary for the table, if installed).
for (p in c("AER", "MatchIt", "fixest", "lmtest", "plm", "sandwich")) if (!requireNamespace(p, quietly = TRUE)) stop("please install the R package ", p)
suppressPackageStartupMessages(library(plm))   # pgmm() calls plm() by name

# x at (id, time - k) in the same unit (Stata L.; k < 0 is F.): missing when that period is absent
ps_lag <- function(x, id, time, k = 1) {
  out <- x[match(paste(id, time - k, sep = "\r"), paste(id, time, sep = "\r"))]
  out[is.na(id) | is.na(time)] <- NA
  out
}
# winsor2: cut at Stata's default percentiles (quantile type 2) of the non-missing values, per by() group
ps_winsor <- function(x, lower = 1, upper = 99, by = NULL, trim = FALSE) {
  cut <- function(v) {
    q <- quantile(v, c(lower, upper) / 100, type = 2, na.rm = TRUE, names = FALSE)
    lo <- lower > 0 & !is.na(v) & v < q[1]
    hi <- upper < 100 & !is.na(v) & v > q[2]
    v[lo] <- if (trim) NA else q[1]
    v[hi] <- if (trim) NA else q[2]
    v
  }
  if (is.null(by)) cut(x) else do.call(ave, c(list(x), by, FUN = cut))
}
# Stata merge: keys and common variables from the master where it has the row, _merge = 1/2/3
ps_merge <- function(master, using, by, keep = c("master", "using", "match")) {
  common <- setdiff(intersect(names(master), names(using)), by)
  names(using)[match(common, names(using))] <- paste0(common, ".ps_using")
  master$.ps_m <- TRUE
  using$.ps_u <- TRUE
  out <- merge(master, using, by = by, all = TRUE, sort = FALSE)
  for (v in common) out[[v]] <- ifelse(is.na(out$.ps_m), out[[paste0(v, ".ps_using")]], out[[v]])
  out[["_merge"]] <- ifelse(is.na(out$.ps_u), 1, ifelse(is.na(out$.ps_m), 2, 3))
  out <- out[out[["_merge"]] %in% match(keep, c("master", "using", "match")), setdiff(names(out), c(".ps_m", ".ps_u", paste0(common, ".ps_using"))), drop = FALSE]
  rownames(out) <- NULL
  out
}
# Stata collapse (stat) vars [aw = w], by(keys)
ps_collapse <- function(d, by, vars, stat = "mean", w = NULL) {
  f <- switch(stat,
    mean = function(v, wt) if (is.null(wt)) mean(v, na.rm = TRUE) else { ok <- !is.na(v) & !is.na(wt); sum(v[ok] * wt[ok]) / sum(wt[ok]) },
    sum = function(v, wt) sum(v, na.rm = TRUE),
    count = function(v, wt) sum(!is.na(v)),
    min = function(v, wt) min(v, na.rm = TRUE),
    max = function(v, wt) max(v, na.rm = TRUE))
  groups <- split(seq_len(nrow(d)), d[by], drop = TRUE)
  out <- do.call(rbind, lapply(groups, function(i) {
    row <- d[i[1], by, drop = FALSE]
    for (v in vars) row[[v]] <- f(d[[v]][i], if (is.null(w)) NULL else d[[w]][i])
    row
  }))
  out <- out[do.call(order, unname(as.list(out[by]))), , drop = FALSE]
  rownames(out) <- NULL
  out
}

# ----------------------------------------------------------------------------------------------
# Dataset firms: import firms.csv
# ----------------------------------------------------------------------------------------------
firms <- read.csv("firms.csv", check.names = FALSE, na.strings = c("", "NA", "."), colClasses = c("city" = "character"), encoding = "UTF-8")

# ----------------------------------------------------------------------------------------------
# Dataset region: import region.csv
# ----------------------------------------------------------------------------------------------
region <- read.csv("region.csv", check.names = FALSE, na.strings = c("", "NA", "."), colClasses = c("city" = "character"), encoding = "UTF-8")

# ----------------------------------------------------------------------------------------------
# Variables of firms
# ----------------------------------------------------------------------------------------------
firms$ln_sales <- ifelse(firms$sales > 0, log(firms$sales), NA)
firms$capital_w <- ps_winsor(firms$capital, 1, 99, by = list(firms$year))
firms$L_ln_sales <- ps_lag(firms$ln_sales, firms$firm, firms$year, 1)
firms$D_sales <- firms$sales - ps_lag(firms$sales, firms$firm, firms$year, 2)
firms$g_sales <- ifelse(firms$sales > 0 & ps_lag(firms$sales, firms$firm, firms$year, 1) > 0, log(firms$sales) - log(ps_lag(firms$sales, firms$firm, firms$year, 1)), NA)
firms$kl <- with(firms, log(capital_w / labor))
firms$kl_dev <- with(firms, kl - ave(kl, industry, year, FUN = function(v) mean(v, na.rm = TRUE)))
firms$kl_dev <- with(firms, ifelse((labor >= 49 & !is.na(kl)) %in% TRUE, 0, kl_dev))
firms$young <- with(firms, as.numeric(year <= 2003 | (industry %in% c(1, 2))))
firms$sales_p75 <- ave(firms$sales, firms$industry, FUN = function(v) quantile(v, 75 / 100, type = 2, na.rm = TRUE, names = FALSE))
firms$labor_std <- ave(firms$labor, firms$year, FUN = function(v) (v - mean(v, na.rm = TRUE)) / sd(v, na.rm = TRUE))
firms$c_centre <- ifelse(is.na(firms$city), NA, as.numeric(firms$city == "centre"))
firms$c_coast <- ifelse(is.na(firms$city), NA, as.numeric(firms$city == "coast"))
firms$c_east <- ifelse(is.na(firms$city), NA, as.numeric(firms$city == "east"))
firms$c_north <- ifelse(is.na(firms$city), NA, as.numeric(firms$city == "north"))
firms$c_south <- ifelse(is.na(firms$city), NA, as.numeric(firms$city == "south"))
firms$c_west <- ifelse(is.na(firms$city), NA, as.numeric(firms$city == "west"))
.m <- ave(firms$labor, firms$year, FUN = function(v) median(v, na.rm = TRUE))
firms$big <- ifelse(is.na(firms$labor) | is.na(.m), NA, as.numeric(firms$labor > .m))
firms$ln_sales_x_treat <- firms$ln_sales * firms$treat
firms$z_dev3 <- (firms$z - ave(firms$z, firms$year, FUN = function(v) mean(v, na.rm = TRUE)))^3
firms$size <- (function(x) {
  out <- x
  done <- rep(FALSE, length(x))
  hit <- !done & (!is.na(x) & x <= 29); out[hit] <- 1; done <- done | hit
  hit <- !done & (!is.na(x) & x >= 30 & x <= 39); out[hit] <- 2; done <- done | hit
  hit <- !done & (TRUE); out[hit] <- 3; done <- done | hit
  out
})(firms$labor)
firms$F2_labor <- ps_lag(firms$labor, firms$firm, firms$year, -2)

# ----------------------------------------------------------------------------------------------
# Dataset merged: merge (from firms and region)
# ----------------------------------------------------------------------------------------------
merged <- ps_merge(firms, region, by = c("city", "year"), keep = c("master", "match"))   # Stata: merge m:1

# ----------------------------------------------------------------------------------------------
# Dataset analysis: keep (from merged)
# ----------------------------------------------------------------------------------------------
analysis <- merged[(with(merged, year >= 2002 & !is.na(sales)) %in% TRUE), , drop = FALSE]
rownames(analysis) <- NULL

# ----------------------------------------------------------------------------------------------
# Dataset industry_year: collapse (from analysis)
# ----------------------------------------------------------------------------------------------
industry_year <- ps_collapse(analysis, by = c("industry", "year"), vars = c("y", "ln_sales"), stat = "mean")

# ----------------------------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------------------------
models <- list()
vcovs <- list()

# Model 1: OLS robust (ols on analysis)
models[["OLS robust"]] <- lm(y ~ ln_sales + capital_w + ecom, data = analysis)
vcovs[["OLS robust"]] <- sandwich::vcovHC(models[["OLS robust"]], type = "HC1")

# Model 2: FE firm (fe on analysis)
models[["FE firm"]] <- plm::plm(y ~ ln_sales + capital_w + L_ln_sales, data = analysis, index = c("firm", "year"), model = "within")
vcovs[["FE firm"]] <- plm::vcovHC(models[["FE firm"]], method = "arellano", type = "sss", cluster = "group")

# Model 3: HDFE two-way (hdfe on analysis)
models[["HDFE two-way"]] <- fixest::feols(y ~ ln_sales + capital_w + kl_dev | firm + industry^year, data = analysis, cluster = ~firm)
vcovs[["HDFE two-way"]] <- vcov(models[["HDFE two-way"]])

# Model 4: IV 2SLS (iv on analysis)
models[["IV 2SLS"]] <- AER::ivreg(y ~ capital_w + ecom + ln_sales | capital_w + ecom + z + z_dev3, data = analysis[with(analysis, year >= 2003 & !is.na(labor)) %in% TRUE, , drop = FALSE])
vcovs[["IV 2SLS"]] <- sandwich::vcovHC(models[["IV 2SLS"]], type = "HC0")

# Model 5: IV with FE (iv on analysis)
models[["IV with FE"]] <- fixest::feols(y ~ capital_w | firm + year | ln_sales ~ z, data = analysis, cluster = ~city)
vcovs[["IV with FE"]] <- vcov(models[["IV with FE"]])
print(fixest::fitstat(models[["IV with FE"]], ~ ivf + ivwald))   # first-stage F

# Model 6: RE (re on analysis)
models[["RE"]] <- plm::plm(y ~ ln_sales + capital_w, data = analysis, index = c("firm", "year"), model = "random")
vcovs[["RE"]] <- vcov(models[["RE"]])
print(plm::phtest(plm::plm(y ~ ln_sales + capital_w, data = analysis, index = c("firm", "year"), model = "within"), models[["RE"]]))   # Hausman test

# Model 7: System GMM (gmm on analysis)
# TODO: equation-specific instruments (eq(), passthru) have no pgmm equivalent
models[["System GMM"]] <- plm::pgmm(y ~ lag(y, 1) + ln_sales | lag(y, 2:4) + lag(ln_sales, 1:99) | capital_w, data = analysis, index = c("firm", "year"), effect = "twoways", model = "twosteps", transformation = "ld", collapse = TRUE)
vcovs[["System GMM"]] <- plm::vcovHC(models[["System GMM"]])
print(summary(models[["System GMM"]], robust = TRUE))   # AR(1), AR(2), Sargan/Hansen

# Model 8: Logit big (logit on analysis)
models[["Logit big"]] <- glm(big ~ ln_sales + capital_w, family = binomial(link = "logit"), data = analysis)
vcovs[["Logit big"]] <- sandwich::vcovCL(models[["Logit big"]], cluster = ~firm, type = "HC0")

# Model 9: Probit (probit on analysis)
models[["Probit"]] <- glm(treat ~ ln_sales + capital_w, family = binomial(link = "probit"), data = analysis)
vcovs[["Probit"]] <- sandwich::vcovHC(models[["Probit"]], type = "HC0") * nobs(models[["Probit"]]) / (nobs(models[["Probit"]]) - 1)

# Model 10: PSM 1:3 (psm on analysis)
# note: MatchIt does not keep tied controls (psmatch2 ties)
set.seed(12345)
psm_10 <- MatchIt::matchit(treat ~ ln_sales + capital_w + labor, data = analysis, method = "nearest", distance = "glm", link = "probit", ratio = 3, replace = TRUE, caliper = 0.05, std.caliper = FALSE, discard = "treated")
print(summary(psm_10))   # balance (as pstest)
psm_10_data <- MatchIt::match.data(psm_10)
analysis[["_pscore"]] <- psm_10$distance
analysis[["_weight"]] <- ifelse(psm_10$weights > 0, psm_10$weights, NA)
print(summary(lm(y ~ treat, data = psm_10_data, weights = weights)))   # ATT on the matched sample

# ----------------------------------------------------------------------------------------------
# Tables (modelsummary)
# ----------------------------------------------------------------------------------------------
if (requireNamespace("modelsummary", quietly = TRUE)) {
  print(modelsummary::modelsummary(models, vcov = vcovs, statistic = "statistic", fmt = 3, stars = c("*" = 0.1, "**" = 0.05, "***" = 0.01), output = "markdown"))
  modelsummary::modelsummary(models, vcov = vcovs, statistic = "statistic", fmt = 3, stars = c("*" = 0.1, "**" = 0.05, "***" = 0.01), output = "panel_studio_tables.docx")
} else {
  for (name in names(models)) { cat("\n==", name, "==\n"); print(lmtest::coeftest(models[[name]], vcov = vcovs[[name]])) }
}
