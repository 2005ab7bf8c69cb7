#!/usr/bin/env python3
"""Export gretl's abdata.gdt (n, w, k, ys) to data.csv and data_gaps.csv.

Values are parsed from the decimal text in the .gdt (as gretl does, via
correctly-rounded strtod) and written with %.17g, so every tool that
re-reads the CSV sees exactly the same doubles.  Rows whose n/w/k/ys are
all NA (the padding rows of gretl's balanced layout) are dropped; the
result is the 1031-row unbalanced panel (= plm::EmplUK).
"""
import re, sys, json

GDT = "/usr/share/gretl/data/misc/abdata.gdt"
txt = open(GDT).read()
names = re.findall(r'<variable name="([^"]+)"', txt)
rows = re.findall(r"<obs>(.*?)</obs>", txt)
cols = {nm: i for i, nm in enumerate(names)}
out = []
for r in rows:
    f = r.split()
    rec = {nm: f[i] for nm, i in cols.items()}
    vals = [rec[v] for v in ("n", "w", "k", "ys")]
    if all(v == "NA" for v in vals):
        continue
    assert not any(v == "NA" for v in vals), r
    out.append((int(rec["unit"]), int(rec["YEAR"]), *[float(v) for v in vals]))
out.sort(key=lambda t: (t[0], t[1]))

# interior gaps in the original data?
by = {}
for t in out:
    by.setdefault(t[0], []).append(t[1])
gaps = [i for i, ys in by.items() if ys != list(range(ys[0], ys[-1] + 1))]
print("rows", len(out), "firms", len(by), "firms with interior gaps", gaps)

def write(path, data):
    with open(path, "w") as fh:
        fh.write("id,year,n,w,k,ys\n")
        for t in data:
            fh.write("%d,%d,%s\n" % (t[0], t[1], ",".join("%.17g" % v for v in t[2:])))

write("data.csv", out)

# gaps: delete the 1980 row of firms 1, 2, 3, 50, 100 (all have 1977..1983 or more)
GAP_IDS = [1, 2, 3, 50, 100]
GAP_YEAR = 1980
for i in GAP_IDS:
    assert GAP_YEAR in by[i] and by[i][0] < GAP_YEAR < by[i][-1]
gapped = [t for t in out if not (t[0] in GAP_IDS and t[1] == GAP_YEAR)]
write("data_gaps.csv", gapped)
json.dump({"ids": GAP_IDS, "year": GAP_YEAR}, open("gaps.json", "w"))
print("data_gaps rows", len(gapped))
