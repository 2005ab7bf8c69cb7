* Project "省级面板": replication do-file written by Panel Studio 0.1.0
* Run it in the folder that holds the original data files (cd there first).
* Conventions and what is not translated: Panel Studio docs/code-export.md.
* Community commands used (install once): ssc install estout; ssc install ftools; ssc install ivreg2; ssc install psmatch2; ssc install ranktest; ssc install reghdfe; ssc install winsor2; ssc install xtabond2

version 16
clear all
set more off
capture mkdir "ps_work"

* ----------------------------------------------------------------------------------------------
* Dataset 省份: import 省份.xlsx
* ----------------------------------------------------------------------------------------------
import excel using "省份.xlsx", sheet("data") firstrow clear
capture drop _ps_province
egen long _ps_province = group(province)   // numeric id for the text variable province
xtset _ps_province year
save "ps_work/省份.dta", replace

* ----------------------------------------------------------------------------------------------
* Dataset extra: import extra.dta
* ----------------------------------------------------------------------------------------------
use "extra.dta", clear
save "ps_work/extra.dta", replace

* ----------------------------------------------------------------------------------------------
* Variables of 省份
* ----------------------------------------------------------------------------------------------
use "ps_work/省份.dta", clear
winsor2 gdp, cuts(5 95) trim suffix(_tr)
destring price, generate(price_num) ignore(",") force
* dist × users in year − 1: the series is one value per year
preserve
    keep year users
    drop if missing(year, users)
    duplicates drop year, force
    replace year = year + 1
    rename users _ps_s
    tempfile ps_series
    save `ps_series'
restore
merge m:1 year using `ps_series', keep(master match) nogenerate
generate double iv_dist = dist * _ps_s
drop _ps_s
sort province year
generate double g2 = round(gdp, 0.5) + mod(year, 4) if L.gdp < . & province != "北京"
generate double bad = foo(gdp)
* TODO: entropy step on 省份 writes ecom; no standard Stata command does this.
* Rebuild it as below, or merge the variable in from the data Panel Studio exports (File > Export).
* Panel Studio: entropy-weight index of 3 indicators within year
* Entropy-weight index ecom from positive indicators [网购 gdp] and negative indicators [price_num]
* within each year, rows with every indicator present, shift 0.0001:
*   z_ij = (x_ij - min_j)/(max_j - min_j)   positive indicators
*   z_ij = (max_j - x_ij)/(max_j - min_j)   negative indicators
*   z_ij = z_ij + shift
*   p_ij = z_ij / sum_i z_ij;  e_j = -(1/ln n) sum_i p_ij ln p_ij;  d_j = 1 - e_j;  w_j = d_j / sum_k d_k
*   ecom_i = sum_j w_j z_ij
* Sketch (pooled, no groups):
*   foreach v of varlist <positive> {
*       quietly summarize `v'
*       generate double z_`v' = (`v' - r(min)) / (r(max) - r(min)) + shift
*   }   (negative: (r(max) - `v') / (r(max) - r(min)) + shift), then p, e, d and w as above
* TODO: interaction province × gdp spelled out as gdp_x_province_北京 gdp_x_province_上海; in a model write i.province#c.gdp
save "ps_work/省份.dta", replace

* ----------------------------------------------------------------------------------------------
* Dataset all: append (from 省份 and extra)
* ----------------------------------------------------------------------------------------------
append using "ps_work/extra.dta"
save "ps_work/all.dta", replace

* ----------------------------------------------------------------------------------------------
* Dataset all: sort (from all)
* ----------------------------------------------------------------------------------------------
gsort province -year
save "ps_work/all.dta", replace

* ----------------------------------------------------------------------------------------------
* Models
* ----------------------------------------------------------------------------------------------

* Model 1: OLS no constant (ols on all)
regress gdp 网购, noconstant
estimates store m1

* Model 2: HDFE robust (hdfe on all)
capture drop _ps_province
egen long _ps_province = group(province)   // numeric id for the text variable province
reghdfe gdp 网购, absorb(_ps_province year) vce(robust) keepsingletons
estimates store m2

* Model 3: LIML (iv on all)
ivreg2 gdp (网购 = iv_dist), cluster(_ps_province) liml small first
estimates store m3

* Model 4: Difference GMM (gmm on all)
xtset _ps_province year
capture drop _yr*
quietly tabulate year, generate(_yr)
xtabond2 gdp L.gdp L2.gdp _yr*, gmm(gdp, lag(2 .)) iv(网购, eq(level) passthru) iv(_yr*) robust noleveleq orthogonal h(2) artests(3)
estimates store m4

* Model 5: RE robust (re on all)
* Hausman test: Stata's hausman needs the default (iid) standard errors; see xtoverid for a robust version
xtreg gdp 网购, re vce(robust)
estimates store m5

* Model 6: Kernel PSM (psm on all)
* TODO: exact matching within province cells (Panel Studio option exact): psmatch2 has no exact option; match within each cell (e.g. a loop over egen group(province))
* TODO: matching within each year (Panel Studio option match_by) is not written out
* TODO: the caliper is in standard deviations of the logit of the score in Panel Studio; psmatch2 reads it in score units
psmatch2 treated 网购, outcome(gdp) kernel kerneltype(epan) bwidth(0.06) logit
pstest 网购, both

* Model 7: Gone (ols on deleted)
* TODO: dataset deleted is not in the project any more

* ----------------------------------------------------------------------------------------------
* Tables (esttab)
* ----------------------------------------------------------------------------------------------
esttab m1 m2 m3 m4 m5, b(3) t(2) star(* 0.10 ** 0.05 *** 0.01) r2 ar2 mtitles("OLS no constant" "HDFE robust" "LIML" "Difference GMM" "RE robust")
esttab m1 m2 m3 m4 m5 using "panel_studio_tables.rtf", replace b(3) t(2) star(* 0.10 ** 0.05 *** 0.01) r2 ar2 mtitles("OLS no constant" "HDFE robust" "LIML" "Difference GMM" "RE robust")
