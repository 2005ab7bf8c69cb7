# Reference values: panel estimators on plm::Wages (Cornwell & Rupert 1988 PSID wage panel:
# 595 individuals x 7 years, 1976-1982). plm's own convention (pdata.frame(Wages, index = 595)):
# the rows are ordered by individual, so id = rep(1:595, each = 7), year = rep(1976:1982, 595).
# Model: lwage ~ exp + exp2 + wks + ed, exp2 = exp^2.
#   - ed (years of education) is constant within individual -> omitted in the within models.
#   - exp rises by exactly 1 per year for every individual -> exp is collinear with
#     individual + year effects and is omitted in the two-way model too.
# Run: Rscript test/reference/panel_wages/make.R
source("test/reference/panel_common.R")
dir <- "test/reference/panel_wages"

data("Wages", package = "plm")
stopifnot(nrow(Wages) == 4165)
d0 <- data.frame(id = rep(1:595, each = 7), year = rep(1976:1982, 595), Wages, stringsAsFactors = FALSE)
d0$exp2 <- d0$exp^2
for (v in names(d0)) if (is.factor(d0[[v]])) d0[[v]] <- as.character(d0[[v]])
d0 <- d0[, c("id", "year", "lwage", "exp", "exp2", "wks", "ed", "bluecol", "ind", "south", "smsa",
             "married", "sex", "union", "black")]
# check the id construction is plm's
pw <- pdata.frame(Wages, index = 595)
stopifnot(all(as.integer(as.character(index(pw)[[1]])) == d0$id), all(as.integer(as.character(index(pw)[[2]])) == d0$year - 1975))
stopifnot(all(tapply(d0$exp, d0$id, function(e) all(diff(e) == 1))), all(tapply(d0$ed, d0$id, function(e) length(unique(e)) == 1)))
write_csv_exact(d0, file.path(dir, "data.csv"))
d <- read_csv_exact(file.path(dir, "data.csv"))
stopifnot(nrow(d) == 4165, identical(d$lwage, Wages$lwage))

res <- panel_reference(d, "lwage", c("exp", "exp2", "wks", "ed"), "id", "year")
M <- setNames(res$models, vapply(res$models, `[[`, "", "name"))
stopifnot(identical(as.character(M$fe_oneway_iid$omitted), "ed"),
          identical(sort(as.character(M$fe_twoway_iid$omitted)), c("ed", "exp")))

write_json_file(list(
  source = paste0(r_source_string(c("plm", "sandwich", "estimatr")),
                  ". Data: plm::Wages (Cornwell & Rupert 1988, PSID 1976-1982), id/year constructed as plm does for index = 595; exp2 = exp^2; yes/no factors kept as text."),
  script = "make.R",
  data = "data.csv",
  panel = list(id = "id", time = "year", nobs = res$counts$nobs, n_groups = res$counts$n_groups,
               n_periods = res$counts$n_periods, balanced = res$counts$balanced),
  notes = I(c("Within (one-way): ed is time-invariant and is omitted (listed in 'omitted'; no entry in 'coefficients'); K = 3.",
              "Within (two-way): ed and exp are omitted (exp_it = exp_i1 + (t-1) is spanned by individual + year effects); K = 2.",
              "Hausman: only exp, exp2, wks are common to FE and RE (df = 3).")),
  models = res$models,
  hausman = res$hausman
), file.path(dir, "expected.json"))
cat("wrote", file.path(dir, "expected.json"), "\n")
