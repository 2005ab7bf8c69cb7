# Project "省级面板": replication script written by Panel Studio 0.1.0
# Run it with the working directory set to the folder that holds the original data files.
# Conventions and what is not translated: Panel Studio docs/code-export.md.
# Packages used: MatchIt, fixest, haven, lmtest, plm, readxl (and modelsummary for the table, if installed).
for (p in c("MatchIt", "fixest", "haven", "lmtest", "plm", "readxl")) if (!requireNamespace(p, quietly = TRUE)) stop("please install the R package ", p)
suppressPackageStartupMessages(library(plm))   # pgmm() calls plm() by name

# x at (id, time - k) in the same unit (Stata L.; k < 0 is F.): missing when that period is absent
ps_lag <- function(x, id, time, k = 1) {
  out <- x[match(paste(id, time - k, sep = "\r"), paste(id, time, sep = "\r"))]
  out[is.na(id) | is.na(time)] <- NA
  out
}
# Stata round(): halves away from zero, to a multiple of y
ps_round <- function(x, y = 1) sign(x) * floor(abs(x) / y + 0.5) * y
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
# Stata append: rows of b under a; variables missing on one side are NA
ps_append <- function(a, b) {
  for (v in setdiff(names(b), names(a))) a[[v]] <- NA
  for (v in setdiff(names(a), names(b))) b[[v]] <- NA
  rbind(a, b[names(a)])
}

# ----------------------------------------------------------------------------------------------
# Dataset 省份: import 省份.xlsx
# ----------------------------------------------------------------------------------------------
`省份` <- as.data.frame(readxl::read_excel("省份.xlsx", sheet = "data"))

# ----------------------------------------------------------------------------------------------
# Dataset extra: import extra.dta
# ----------------------------------------------------------------------------------------------
extra <- as.data.frame(haven::zap_labels(haven::read_dta("extra.dta")))

# ----------------------------------------------------------------------------------------------
# Variables of 省份
# ----------------------------------------------------------------------------------------------
`省份`$gdp_tr <- ps_winsor(`省份`$gdp, 5, 95, trim = TRUE)
`省份`$price_num <- suppressWarnings(as.numeric(gsub(",", "", trimws(`省份`$price), fixed = TRUE)))
.s <- unique(`省份`[!is.na(`省份`$year) & !is.na(`省份`$users), c("year", "users")])
`省份`$iv_dist <- `省份`$dist * .s[["users"]][match(`省份`$year - 1, .s[["year"]])]
`省份`$g2 <- with(`省份`, ifelse((!is.na(ps_lag(gdp, province, year, 1)) & province != "北京") %in% TRUE, ps_round(gdp, 0.5) + year %% 4, NA))
# TODO: foo(gdp): the function foo() has no R translation
# TODO: entropy step on 省份 writes ecom; no standard R command does this.
# Rebuild it as below, or merge the variable in from the data Panel Studio exports (File > Export).
# Panel Studio: entropy-weight index of 3 indicators within year
# Entropy-weight index ecom from positive indicators [网购 gdp] and negative indicators [price_num]
# within each year, rows with every indicator present, shift 0.0001:
#   z_ij = (x_ij - min_j)/(max_j - min_j)   positive indicators
#   z_ij = (max_j - x_ij)/(max_j - min_j)   negative indicators
#   z_ij = z_ij + shift
#   p_ij = z_ij / sum_i z_ij;  e_j = -(1/ln n) sum_i p_ij ln p_ij;  d_j = 1 - e_j;  w_j = d_j / sum_k d_k
#   ecom_i = sum_j w_j z_ij
# Sketch (pooled, no groups): z <- sapply(ind, function(x) (x - min(x)) / (max(x) - min(x))) + shift;
#   p <- sweep(z, 2, colSums(z), "/"); e <- -colSums(p * log(p)) / log(nrow(z)); w <- (1 - e) / sum(1 - e);
#   index <- as.vector(z %*% w)
# TODO: interaction province × gdp spelled out as gdp_x_province_北京 gdp_x_province_上海; in a formula write province:gdp (fixest: i(province, gdp))

# ----------------------------------------------------------------------------------------------
# Dataset all: append (from 省份 and extra)
# ----------------------------------------------------------------------------------------------
all <- ps_append(`省份`, extra)
rownames(all) <- NULL

# ----------------------------------------------------------------------------------------------
# Dataset all: sort (from all)
# ----------------------------------------------------------------------------------------------
all <- all[order(all$province, -xtfrm(all$year)), , drop = FALSE]
rownames(all) <- NULL

# ----------------------------------------------------------------------------------------------
# Models
# ----------------------------------------------------------------------------------------------
models <- list()
vcovs <- list()

# Model 1: OLS no constant (ols on all)
models[["OLS no constant"]] <- lm(gdp ~ `网购` - 1, data = all)
vcovs[["OLS no constant"]] <- vcov(models[["OLS no constant"]])

# Model 2: HDFE robust (hdfe on all)
models[["HDFE robust"]] <- fixest::feols(gdp ~ `网购` | province + year, data = all, vcov = "hetero")
vcovs[["HDFE robust"]] <- vcov(models[["HDFE robust"]])

# Model 3: LIML (iv on all)
# TODO: LIML: fixest::feols fits 2SLS; use ivmodel or Stata for LIML
models[["LIML"]] <- fixest::feols(gdp ~ 1 | `网购` ~ iv_dist, data = all, cluster = ~province)
vcovs[["LIML"]] <- vcov(models[["LIML"]])
print(fixest::fitstat(models[["LIML"]], ~ ivf + ivwald))   # first-stage F

# Model 4: Difference GMM (gmm on all)
# TODO: equation-specific instruments (eq(), passthru) have no pgmm equivalent
# TODO: forward orthogonal deviations (orthogonal) have no pgmm equivalent
models[["Difference GMM"]] <- plm::pgmm(gdp ~ lag(gdp, 1) + lag(gdp, 2) | lag(gdp, 2:99) | `网购`, data = all, index = c("province", "year"), effect = "twoways", model = "onestep", transformation = "d")
vcovs[["Difference GMM"]] <- plm::vcovHC(models[["Difference GMM"]])
print(summary(models[["Difference GMM"]], robust = TRUE))   # AR(1), AR(2), Sargan/Hansen

# Model 5: RE robust (re on all)
models[["RE robust"]] <- plm::plm(gdp ~ `网购`, data = all, index = c("province", "year"), model = "random")
vcovs[["RE robust"]] <- plm::vcovHC(models[["RE robust"]], method = "arellano", type = "sss", cluster = "group")
print(plm::phtest(plm::plm(gdp ~ `网购`, data = all, index = c("province", "year"), model = "within"), models[["RE robust"]]))   # Hausman test

# Model 6: Kernel PSM (psm on all)
# TODO: kernel matching: MatchIt has no kernel matching (psmatch2 kernel); nearest-neighbour below
# TODO: matching within each year is not written out
# note: std.caliper = TRUE reads the caliper in standard deviations of the score; Panel Studio uses the logit of the score (MatchIt: link = "linear.logit")
psm_6 <- MatchIt::matchit(treated ~ `网购`, data = all, method = "nearest", distance = "glm", link = "logit", ratio = 1, replace = TRUE, caliper = 0.2, std.caliper = TRUE, exact = ~province)
print(summary(psm_6))   # balance (as pstest)
psm_6_data <- MatchIt::match.data(psm_6)
all[["_pscore"]] <- psm_6$distance
all[["_weight"]] <- ifelse(psm_6$weights > 0, psm_6$weights, NA)
print(summary(lm(gdp ~ treated, data = psm_6_data, weights = weights)))   # ATT on the matched sample

# Model 7: Gone (ols on deleted)
# TODO: dataset deleted is not in the project any more

# ----------------------------------------------------------------------------------------------
# Tables (modelsummary)
# ----------------------------------------------------------------------------------------------
if (requireNamespace("modelsummary", quietly = TRUE)) {
  print(modelsummary::modelsummary(models, vcov = vcovs, statistic = "statistic", fmt = 3, stars = c("*" = 0.1, "**" = 0.05, "***" = 0.01), output = "markdown"))
  modelsummary::modelsummary(models, vcov = vcovs, statistic = "statistic", fmt = 3, stars = c("*" = 0.1, "**" = 0.05, "***" = 0.01), output = "panel_studio_tables.docx")
} else {
  for (name in names(models)) { cat("\n==", name, "==\n"); print(lmtest::coeftest(models[[name]], vcov = vcovs[[name]])) }
}
