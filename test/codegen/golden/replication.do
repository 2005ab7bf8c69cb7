* Project "replication": replication do-file written by Panel Studio
* Run it in the folder that holds the original data files (cd there first).
* Conventions and what is not translated: Panel Studio docs/code-export.md.
* Community commands used (install once): ssc install estout; ssc install ftools; ssc install ivreg2; ssc install ivreghdfe; ssc install psmatch2; ssc install ranktest; ssc install reghdfe; ssc install winsor2; ssc install xtabond2

version 16
clear all
set more off
capture mkdir "ps_work"

* ----------------------------------------------------------------------------------------------
* Dataset firms: import firms.csv
* ----------------------------------------------------------------------------------------------
import delimited using "firms.csv", clear varnames(1) case(preserve) encoding("utf-8") stringcols(4)
xtset firm year
save "ps_work/firms.dta", replace

* ----------------------------------------------------------------------------------------------
* Dataset region: import region.csv
* ----------------------------------------------------------------------------------------------
import delimited using "region.csv", clear varnames(1) case(preserve) encoding("utf-8") stringcols(1)
save "ps_work/region.dta", replace

* ----------------------------------------------------------------------------------------------
* Variables of firms
* ----------------------------------------------------------------------------------------------
use "ps_work/firms.dta", clear
generate double ln_sales = ln(sales)
winsor2 capital, cuts(1 99) by(year) suffix(_w)
generate double L_ln_sales = L.ln_sales
generate double D_sales = sales - L2.sales
generate double g_sales = ln(sales) - ln(L.sales)
generate double kl = ln(capital_w / labor)
label variable kl "capital per worker (log)"
egen double _ps1 = mean(kl), by(industry year)
generate double kl_dev = kl - _ps1
drop _ps1
replace kl_dev = 0 if labor >= 49 & !missing(kl)
generate double young = year <= 2003 | inlist(industry, 1, 2)
egen double sales_p75 = pctile(sales), p(75) by(industry)
egen double labor_std = std(labor), by(year)
* tabulate city, generate() with Panel Studio's names (one dummy per level)
generate byte c_centre = (city == "centre") if !missing(city)
generate byte c_coast = (city == "coast") if !missing(city)
generate byte c_east = (city == "east") if !missing(city)
generate byte c_north = (city == "north") if !missing(city)
generate byte c_south = (city == "south") if !missing(city)
generate byte c_west = (city == "west") if !missing(city)
egen double _ps_m = median(labor), by(year)
generate byte big = (labor > _ps_m) if !missing(labor, _ps_m)
drop _ps_m
generate double ln_sales_x_treat = ln_sales * treat
egen double _ps_m = mean(z), by(year)
generate double z_dev3 = (z - _ps_m)^3
drop _ps_m
recode labor (min/29 = 1) (30/39 = 2) (else = 3), generate(size)
generate double F2_labor = F2.labor
save "ps_work/firms.dta", replace

* ----------------------------------------------------------------------------------------------
* Dataset merged: merge (from firms and region)
* ----------------------------------------------------------------------------------------------
merge m:1 city year using "ps_work/region.dta", keep(master match)
save "ps_work/merged.dta", replace

* ----------------------------------------------------------------------------------------------
* Dataset analysis: keep (from merged)
* ----------------------------------------------------------------------------------------------
keep if year >= 2002 & sales < .
save "ps_work/analysis.dta", replace

* ----------------------------------------------------------------------------------------------
* Dataset industry_year: collapse (from analysis)
* ----------------------------------------------------------------------------------------------
collapse (mean) y ln_sales, by(industry year)
save "ps_work/industry_year.dta", replace

* ----------------------------------------------------------------------------------------------
* Models
* ----------------------------------------------------------------------------------------------

* Model 1: OLS robust (ols on analysis)
use "ps_work/analysis.dta", clear
regress y ln_sales capital_w ecom, vce(robust)
estimates store m1

* Model 2: FE firm (fe on analysis)
xtset firm year
xtreg y ln_sales capital_w L_ln_sales, fe vce(cluster firm)
estimates store m2

* Model 3: HDFE two-way (hdfe on analysis)
reghdfe y ln_sales capital_w kl_dev, absorb(firm industry#year) vce(cluster firm)
estimates store m3

* Model 4: IV 2SLS (iv on analysis)
ivreg2 y capital_w ecom (ln_sales = z z_dev3) if year >= 2003 & labor < ., robust first
estimates store m4

* Model 5: IV with FE (iv on analysis)
capture drop _ps_city
egen long _ps_city = group(city)   // numeric id for the text variable city
ivreghdfe y capital_w (ln_sales = z), absorb(firm year) cluster(_ps_city) first
estimates store m5

* Model 6: RE (re on analysis)
quietly xtreg y ln_sales capital_w, fe
estimates store m6_fe
xtreg y ln_sales capital_w, re
estimates store m6
hausman m6_fe m6, sigmamore

* Model 7: System GMM (gmm on analysis)
capture drop _yr*
quietly tabulate year, generate(_yr)
xtabond2 y L.y ln_sales _yr*, gmm(y, lag(2 4) collapse) gmm(ln_sales, lag(1 .) collapse eq(diff)) iv(capital_w) iv(_yr*) twostep robust
estimates store m7

* Model 8: Logit big (logit on analysis)
logit big ln_sales capital_w, vce(cluster firm)
estimates store m8

* Model 9: Probit (probit on analysis)
probit treat ln_sales capital_w, vce(robust)
estimates store m9

* Model 10: PSM 1:3 (psm on analysis)
set seed 12345
capture drop _ps_u
generate double _ps_u = runiform()
sort _ps_u
psmatch2 treat ln_sales capital_w labor, outcome(y) neighbor(3) caliper(0.05) ties common
pstest ln_sales capital_w labor, both

* ----------------------------------------------------------------------------------------------
* Tables (esttab)
* ----------------------------------------------------------------------------------------------
esttab m1 m2 m3 m4 m5 m6 m7 m8 m9, b(3) t(2) star(* 0.10 ** 0.05 *** 0.01) r2 ar2 mtitles("OLS robust" "FE firm" "HDFE two-way" "IV 2SLS" "IV with FE" "RE" "System GMM" "Logit big" "Probit")
esttab m1 m2 m3 m4 m5 m6 m7 m8 m9 using "panel_studio_tables.rtf", replace b(3) t(2) star(* 0.10 ** 0.05 *** 0.01) r2 ar2 mtitles("OLS robust" "FE firm" "HDFE two-way" "IV 2SLS" "IV with FE" "RE" "System GMM" "Logit big" "Probit")
