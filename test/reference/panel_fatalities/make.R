# Reference values: panel estimators on AER::Fatalities (48 US states x 7 years, 1982-1988),
# frate = fatal/pop*10000 on beertax, drinkage, unrate (= unemp), lincome (= log(income)),
# plus a three-way fixed-effects model (state + year + census region x year) via lm with dummies.
# Run: Rscript test/reference/panel_fatalities/make.R
source("test/reference/panel_common.R")
dir <- "test/reference/panel_fatalities"

data("Fatalities", package = "AER")
F0 <- Fatalities
# US Census regions of the 48 contiguous states (AK, HI and DC are not in the data).
region_of <- c(
  ct = "northeast", me = "northeast", ma = "northeast", nh = "northeast", ri = "northeast", vt = "northeast",
  nj = "northeast", ny = "northeast", pa = "northeast",
  il = "midwest", "in" = "midwest", mi = "midwest", oh = "midwest", wi = "midwest", ia = "midwest",
  ks = "midwest", mn = "midwest", mo = "midwest", ne = "midwest", nd = "midwest", sd = "midwest",
  de = "south", fl = "south", ga = "south", md = "south", nc = "south", sc = "south", va = "south",
  wv = "south", al = "south", ky = "south", ms = "south", tn = "south", ar = "south", la = "south",
  ok = "south", tx = "south",
  az = "west", co = "west", id = "west", mt = "west", nv = "west", nm = "west", ut = "west", wy = "west",
  ca = "west", or = "west", wa = "west")
st <- as.character(F0$state)
stopifnot(length(region_of) == 48, setequal(names(region_of), unique(st)))
d0 <- data.frame(
  state = st,
  year = as.integer(as.character(F0$year)),
  fatal = F0$fatal,
  pop = F0$pop,
  frate = F0$fatal / F0$pop * 10000,
  beertax = F0$beertax,
  drinkage = F0$drinkage,
  unrate = F0$unemp,
  income = F0$income,
  lincome = log(F0$income),
  region = unname(region_of[st]),
  stringsAsFactors = FALSE)
d0$region_year <- paste(d0$region, d0$year, sep = "_")
d0 <- d0[order(d0$state, d0$year), ]
rownames(d0) <- NULL
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 336, all.equal(d$frate, d0$frate, tolerance = 0), identical(d$lincome, d0$lincome))

y <- "frate"; x <- c("beertax", "drinkage", "unrate", "lincome")
res <- panel_reference(d, y, x, "state", "year")

# Sanity check against the well-known Stock & Watson result (frate ~ beertax, state FE: -0.6559, SE 0.2888 iid).
sw <- plm(frate ~ beertax, pdata.frame(d, index = c("state", "year")), model = "within")
stopifnot(abs(coef(sw)[["beertax"]] - (-0.6558737)) < 5e-7)

# ------------------------------------------------------------ three-way FE: state + year + region x year
N <- nrow(d); G <- length(unique(d$state))
lsdv3 <- lm(as.formula(paste(y, "~ factor(state) + factor(year) + factor(region_year) +", paste(x, collapse = " + "))), data = d)
b3 <- coef(lsdv3)[x]
stopifnot(!anyNA(b3))
K3 <- length(b3)
Xall <- as.matrix(d[x])
Xd3 <- partial_out(Xall, list(d$state, d$year, d$region_year))
fe_rank3 <- attr(Xd3, "fe_rank")          # rank of [1, state, year, region_year dummies]
yd3 <- as.numeric(partial_out(d[[y]], list(d$state, d$year, d$region_year)))
stopifnot_close(qr.coef(qr(Xd3), yd3), b3, 1e-9, "three-way FWL b")
rank_state <- attr(partial_out(Xall, list(d$state)), "fe_rank")          # 48
rank_state_year <- attr(partial_out(Xall, list(d$state, d$year)), "fe_rank")  # 54
rank_state_ry <- attr(partial_out(Xall, list(d$state, d$region_year)), "fe_rank")
stopifnot(rank_state == 48, lsdv3$rank == fe_rank3 + K3)
stopifnot(fe_rank3 == 48 + 28 - 4, rank_state_ry == fe_rank3)   # year dummies fully redundant given region x year
u3 <- as.numeric(residuals(lsdv3))
stopifnot_close_scaled(u3, yd3 - as.numeric(Xd3 %*% b3), 1e-7, "three-way residuals")
dfr3 <- N - fe_rank3 - K3
stopifnot(dfr3 == lsdv3$df.residual)
s23 <- sum(u3^2) / dfr3
V3_iid <- s23 * xtx_inv(Xd3)
stopifnot_vcov(vcov(lsdv3)[x, x], V3_iid, 1e-7, "three-way iid vs lm")
V30 <- sandwich_qr(Xd3, u3, d$state)
stopifnot_vcov(sandwich::vcovCL(lsdv3, cluster = d$state, type = "HC0", cadjust = FALSE)[x, x], V30, 1e-6, "three-way CR0 slope block")
df_a_nonnested <- fe_rank3 - rank_state   # absorbed df not nested in the state clusters (= 24)
c3_reghdfe <- G / (G - 1) * (N - 1) / (N - K3 - df_a_nonnested - 1)
c3_lsdv <- G / (G - 1) * (N - 1) / (N - K3 - fe_rank3)
V3_lsdv_cr1 <- sandwich::vcovCL(lsdv3, cluster = d$state, type = "HC1", cadjust = TRUE)[x, x]
stopifnot_vcov(V3_lsdv_cr1, c3_lsdv * V30, 1e-6, "lm dummies CR1 = areg-style factor")
tssw3 <- sum(yd3^2)
fit3 <- list(r2_within = 1 - sum(u3^2) / tssw3, r2 = summary(lsdv3)$r.squared, rss = sum(u3^2),
             tss_within = tssw3, rmse = sqrt(s23), loglik = gauss_ll(sum(u3^2), N),
             note = "r2_within = 1 - RSS/TSS of y partialled on all three sets of dummies; r2 = R2 of the LSDV lm; rmse = sqrt(RSS/(N-72-K)); loglik = Gaussian logLik of the LSDV lm.")
stopifnot_close(fit3$loglik, as.numeric(logLik(lsdv3)), 1e-10, "three-way loglik")
fe_info <- list(absorb_levels = list(state = 48, year = 7, region_year = 28),
                absorbed_rank = fe_rank3,
                absorbed_rank_note = "rank of [constant, state, year, region_year dummies] = 48 + 28 - 4 = 72: the 7 year dummies are completely redundant (each year is the sum of its 4 region_year cells) and region_year loses 4 df to state (each region is a union of states). iid df = N - 72 - K = 260.",
                absorbed_df_not_nested_in_state = df_a_nonnested)
mk3 <- function(name, V, t_df, vcov, conv, vf = NULL)
  fe_coef_entry(name, "within", "threeway", c("state", "year", "region_year"), y, x, b3, V, t_df, vcov, N, G, 7, dfr3,
                character(0), c(fit3, wald_F(b3, V, x, t_df)), conv,
                cluster = if (vcov == "cluster") "state" else NULL, G = if (vcov == "cluster") G else NULL,
                vcov_factor = vf, extra = fe_info)
three <- list(
  mk3("fe_threeway_iid", V3_iid, dfr3, "iid",
      "lm with explicit state, year and region_year dummies (redundant dummies dropped by lm's pivoted QR). iid: V = s^2 (X~'X~)^-1, s^2 = RSS/(N - 72 - K); t and F on N-72-K = 260 df."),
  mk3("fe_threeway_cluster", c3_reghdfe * V30, G - 1, "cluster",
      paste("cluster by state, reghdfe convention with EXACT absorbed rank: V = G/(G-1) (N-1)/(N-K-24-1) CR0, where 24 = 72 - 48 is the absorbed df not nested in",
            "the state clusters (state effects nested -> not counted; +1 for the constant, reghdfe's nested_adj). CR0 = slope block of the LSDV cluster sandwich = sandwich on the partialled design.",
            "t and F on G-1 = 47 df. Caveat: reghdfe's default 'pairwise' redundancy detection is exact only for the first two absorbed factors, so reghdfe itself may count more absorbed df (e.g. not discover that the year effects are fully redundant) and report slightly larger SEs."),
      vf = c3_reghdfe),
  mk3("fe_threeway_cluster_lsdv_cr1", V3_lsdv_cr1, G - 1, "cluster",
      "cluster by state, sandwich::vcovCL(lm with dummies, type='HC1', cadjust=TRUE) = G/(G-1) (N-1)/(N-72-K) CR0: all absorbed df counted (Stata areg / regress-with-dummies style). t and F on G-1 df.",
      vf = c3_lsdv)
)

write_json_file(list(
  source = paste0(r_source_string(c("AER", "plm", "sandwich", "estimatr")),
                  ". Data: AER::Fatalities (US traffic fatalities, 48 states x 1982-1988); frate = fatal/pop*10000, unrate = unemp, lincome = log(income); region = US Census region of the state; region_year = region x year cell."),
  script = "make.R",
  data = "data.csv",
  panel = list(id = "state", time = "year", nobs = res$counts$nobs, n_groups = res$counts$n_groups,
               n_periods = res$counts$n_periods, balanced = res$counts$balanced),
  published_check = "Asserted: frate ~ beertax with state FE gives beertax = -0.6559 (Stock & Watson, Introduction to Econometrics, ch. 10).",
  models = c(res$models, three),
  hausman = res$hausman
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
