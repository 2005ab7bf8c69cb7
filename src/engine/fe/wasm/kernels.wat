;; WebAssembly SIMD (f64x2) kernels of the demeaning iteration; compiled to bytes at build time
;; (config/wat-plugin.mjs) and driven by kernels.ts. Each does, lane by lane and in the same order,
;; the arithmetic of its twin in ../kernels-js.ts, so both give the same numbers to the last bit.
;;
;; Shapes (all addresses are byte offsets into the exported memory, 16-byte aligned):
;;   ids_f   i32[n]                      factor levels, in iteration order
;;   α_f     f64[G_f · S]                coefficients, level-major: α_f[g·S + p]; S even, S8 = 8·S
;;   sx_f    f64[G_f · S]                constant group sums of x (per level, per column)
;;   inv_f   f64[G_f]                    1 / rows in level g (0 for an empty level)
;;   desc    (i32 ids_h, i32 α_h)[m]     the other factors, for the kernels of any Q
;;   xi      f64[m · S]                  a chunk of rows of x, interleaved like α
;; The `_s8` kernels are the S = 8 (P = 5 … 8) cases unrolled into four f64x2 registers; `_s4` (P = 3,
;; 4) and `_s2` (P = 1, 2) the same with two and one (generated: scripts/gen-demean-kernels.py). A
;; row's cost is mostly its instructions — two f64x2 loads and adds per register — so narrow
;; problems run at their own width rather than padded to 8.
(module
  (memory (export "memory") 1)

  ;; ---------------------------------------------------------------------------------------------
  ;; Sweep pass for the factor whose rows are contiguous: per run of equal ids accumulate
  ;; Σ (α_a[ia] + α_b[ib]) in registers, then out[g] = (sx[g] − acc) · inv[g] (written out in the
  ;; loop: V8 does not inline wasm calls, and a call per level cost ~20% of the pass).

  (func $flush_s8 (param $g i32) (param $sx i32) (param $inv i32) (param $out i32)
                  (param $s0 v128) (param $s1 v128) (param $s2 v128) (param $s3 v128)
    (local $w v128) (local $o i32)
    (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $g) (i32.const 3))))))
    (local.set $o (i32.shl (local.get $g) (i32.const 6)))
    (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
      (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w)))
    (v128.store offset=16 (i32.add (local.get $out) (local.get $o))
      (f64x2.mul (f64x2.sub (v128.load offset=16 (i32.add (local.get $sx) (local.get $o))) (local.get $s1)) (local.get $w)))
    (v128.store offset=32 (i32.add (local.get $out) (local.get $o))
      (f64x2.mul (f64x2.sub (v128.load offset=32 (i32.add (local.get $sx) (local.get $o))) (local.get $s2)) (local.get $w)))
    (v128.store offset=48 (i32.add (local.get $out) (local.get $o))
      (f64x2.mul (f64x2.sub (v128.load offset=48 (i32.add (local.get $sx) (local.get $o))) (local.get $s3)) (local.get $w))))

  (func (export "run_s8_q3") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32)
                             (param $ib i32) (param $b i32) (param $sx i32) (param $inv i32) (param $out i32)
    (local $end i32) (local $g i32) (local $cur i32) (local $pa i32) (local $pb i32) (local $o i32) (local $w v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $cur (i32.load (local.get $idf)))
    (loop $rows
      (local.set $g (i32.load (local.get $idf)))
      (if (i32.ne (local.get $g) (local.get $cur))
        (then
          (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $cur) (i32.const 3))))))
          (local.set $o (i32.shl (local.get $cur) (i32.const 6)))
          (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w)))
          (v128.store offset=16 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=16 (i32.add (local.get $sx) (local.get $o))) (local.get $s1)) (local.get $w)))
          (v128.store offset=32 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=32 (i32.add (local.get $sx) (local.get $o))) (local.get $s2)) (local.get $w)))
          (v128.store offset=48 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=48 (i32.add (local.get $sx) (local.get $o))) (local.get $s3)) (local.get $w)))
          (local.set $cur (local.get $g))
          (local.set $s0 (v128.const i64x2 0 0))
          (local.set $s1 (v128.const i64x2 0 0))
          (local.set $s2 (v128.const i64x2 0 0))
          (local.set $s3 (v128.const i64x2 0 0))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 6))))
      (local.set $pb (i32.add (local.get $b) (i32.shl (i32.load (local.get $ib)) (i32.const 6))))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.add (v128.load offset=0 (local.get $pa)) (v128.load offset=0 (local.get $pb)))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.add (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))))
      (local.set $s2 (f64x2.add (local.get $s2) (f64x2.add (v128.load offset=32 (local.get $pa)) (v128.load offset=32 (local.get $pb)))))
      (local.set $s3 (f64x2.add (local.get $s3) (f64x2.add (v128.load offset=48 (local.get $pa)) (v128.load offset=48 (local.get $pb)))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (local.set $ib (i32.add (local.get $ib) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end))))
    (call $flush_s8 (local.get $cur) (local.get $sx) (local.get $inv) (local.get $out)
      (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3)))

  (func (export "run_s8_q2") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32)
                             (param $sx i32) (param $inv i32) (param $out i32)
    (local $end i32) (local $g i32) (local $cur i32) (local $pa i32) (local $o i32) (local $w v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $cur (i32.load (local.get $idf)))
    (loop $rows
      (local.set $g (i32.load (local.get $idf)))
      (if (i32.ne (local.get $g) (local.get $cur))
        (then
          (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $cur) (i32.const 3))))))
          (local.set $o (i32.shl (local.get $cur) (i32.const 6)))
          (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w)))
          (v128.store offset=16 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=16 (i32.add (local.get $sx) (local.get $o))) (local.get $s1)) (local.get $w)))
          (v128.store offset=32 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=32 (i32.add (local.get $sx) (local.get $o))) (local.get $s2)) (local.get $w)))
          (v128.store offset=48 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=48 (i32.add (local.get $sx) (local.get $o))) (local.get $s3)) (local.get $w)))
          (local.set $cur (local.get $g))
          (local.set $s0 (v128.const i64x2 0 0))
          (local.set $s1 (v128.const i64x2 0 0))
          (local.set $s2 (v128.const i64x2 0 0))
          (local.set $s3 (v128.const i64x2 0 0))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 6))))
      (local.set $s0 (f64x2.add (local.get $s0) (v128.load offset=0 (local.get $pa))))
      (local.set $s1 (f64x2.add (local.get $s1) (v128.load offset=16 (local.get $pa))))
      (local.set $s2 (f64x2.add (local.get $s2) (v128.load offset=32 (local.get $pa))))
      (local.set $s3 (f64x2.add (local.get $s3) (v128.load offset=48 (local.get $pa))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end))))
    (call $flush_s8 (local.get $cur) (local.get $sx) (local.get $inv) (local.get $out)
      (local.get $s0) (local.get $s1) (local.get $s2) (local.get $s3)))

  ;; Any S and any number m ≥ 1 of other factors: per row, rp[k] = α_k row address; the run's
  ;; accumulator lives in acc (S8 bytes).
  (func $rowptrs (param $i4 i32) (param $m i32) (param $desc i32) (param $rp i32) (param $S8 i32)
    (local $k i32)
    (loop $f
      (i32.store (i32.add (local.get $rp) (i32.shl (local.get $k) (i32.const 2)))
        (i32.add (i32.load offset=4 (i32.add (local.get $desc) (i32.shl (local.get $k) (i32.const 3))))
          (i32.mul (i32.load (i32.add (i32.load (i32.add (local.get $desc) (i32.shl (local.get $k) (i32.const 3)))) (local.get $i4)))
                   (local.get $S8))))
      (local.set $k (i32.add (local.get $k) (i32.const 1)))
      (br_if $f (i32.lt_u (local.get $k) (local.get $m)))))

  ;; v = α_1[row] + α_2[row] + … at byte j of the row (factors in desc order)
  (func $rowsum (param $j i32) (param $m i32) (param $rp i32) (result v128)
    (local $v v128) (local $k i32)
    (local.set $v (v128.load (i32.add (i32.load (local.get $rp)) (local.get $j))))
    (local.set $k (i32.const 1))
    (block $done
      (loop $f
        (br_if $done (i32.ge_u (local.get $k) (local.get $m)))
        (local.set $v (f64x2.add (local.get $v)
          (v128.load (i32.add (i32.load (i32.add (local.get $rp) (i32.shl (local.get $k) (i32.const 2)))) (local.get $j)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $f)))
    (local.get $v))

  (func $flush_gen (param $g i32) (param $S8 i32) (param $acc i32) (param $sx i32) (param $inv i32) (param $out i32)
    (local $w v128) (local $o i32) (local $j i32)
    (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $g) (i32.const 3))))))
    (local.set $o (i32.mul (local.get $g) (local.get $S8)))
    (loop $l
      (v128.store (i32.add (local.get $out) (i32.add (local.get $o) (local.get $j)))
        (f64x2.mul (f64x2.sub (v128.load (i32.add (local.get $sx) (i32.add (local.get $o) (local.get $j))))
                              (v128.load (i32.add (local.get $acc) (local.get $j))))
                   (local.get $w)))
      (v128.store (i32.add (local.get $acc) (local.get $j)) (v128.const i64x2 0 0))
      (local.set $j (i32.add (local.get $j) (i32.const 16)))
      (br_if $l (i32.lt_u (local.get $j) (local.get $S8)))))

  (func (export "run_gen") (param $n i32) (param $S8 i32) (param $idf i32) (param $m i32) (param $desc i32)
                           (param $rp i32) (param $acc i32) (param $sx i32) (param $inv i32) (param $out i32)
    (local $i4 i32) (local $end i32) (local $g i32) (local $cur i32) (local $j i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (memory.fill (local.get $acc) (i32.const 0) (local.get $S8))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $cur (i32.load (local.get $idf)))
    (loop $rows
      (local.set $g (i32.load (i32.add (local.get $idf) (local.get $i4))))
      (if (i32.ne (local.get $g) (local.get $cur))
        (then
          (call $flush_gen (local.get $cur) (local.get $S8) (local.get $acc) (local.get $sx) (local.get $inv) (local.get $out))
          (local.set $cur (local.get $g))))
      (call $rowptrs (local.get $i4) (local.get $m) (local.get $desc) (local.get $rp) (local.get $S8))
      (local.set $j (i32.const 0))
      (loop $l
        (v128.store (i32.add (local.get $acc) (local.get $j))
          (f64x2.add (v128.load (i32.add (local.get $acc) (local.get $j)))
                     (call $rowsum (local.get $j) (local.get $m) (local.get $rp))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $j) (local.get $S8))))
      (local.set $i4 (i32.add (local.get $i4) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $i4) (local.get $end))))
    (call $flush_gen (local.get $cur) (local.get $S8) (local.get $acc) (local.get $sx) (local.get $inv) (local.get $out)))

  ;; ---------------------------------------------------------------------------------------------
  ;; Sweep pass for any other factor: s[idf[i]] −= α_a[ia[i]] + α_b[ib[i]]; s starts as sx.

  (func (export "scatter_s8_q3") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32)
                                 (param $ib i32) (param $b i32) (param $s i32)
    (local $end i32) (local $ps i32) (local $pa i32) (local $pb i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $s) (i32.shl (i32.load (local.get $idf)) (i32.const 6))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 6))))
      (local.set $pb (i32.add (local.get $b) (i32.shl (i32.load (local.get $ib)) (i32.const 6))))
      (v128.store offset=0 (local.get $ps) (f64x2.sub (v128.load offset=0 (local.get $ps))
        (f64x2.add (v128.load offset=0 (local.get $pa)) (v128.load offset=0 (local.get $pb)))))
      (v128.store offset=16 (local.get $ps) (f64x2.sub (v128.load offset=16 (local.get $ps))
        (f64x2.add (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))))
      (v128.store offset=32 (local.get $ps) (f64x2.sub (v128.load offset=32 (local.get $ps))
        (f64x2.add (v128.load offset=32 (local.get $pa)) (v128.load offset=32 (local.get $pb)))))
      (v128.store offset=48 (local.get $ps) (f64x2.sub (v128.load offset=48 (local.get $ps))
        (f64x2.add (v128.load offset=48 (local.get $pa)) (v128.load offset=48 (local.get $pb)))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (local.set $ib (i32.add (local.get $ib) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end)))))

  (func (export "scatter_s8_q2") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32) (param $s i32)
    (local $end i32) (local $ps i32) (local $pa i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $s) (i32.shl (i32.load (local.get $idf)) (i32.const 6))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 6))))
      (v128.store offset=0 (local.get $ps) (f64x2.sub (v128.load offset=0 (local.get $ps)) (v128.load offset=0 (local.get $pa))))
      (v128.store offset=16 (local.get $ps) (f64x2.sub (v128.load offset=16 (local.get $ps)) (v128.load offset=16 (local.get $pa))))
      (v128.store offset=32 (local.get $ps) (f64x2.sub (v128.load offset=32 (local.get $ps)) (v128.load offset=32 (local.get $pa))))
      (v128.store offset=48 (local.get $ps) (f64x2.sub (v128.load offset=48 (local.get $ps)) (v128.load offset=48 (local.get $pa))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end)))))

  (func (export "scatter_gen") (param $n i32) (param $S8 i32) (param $idf i32) (param $m i32) (param $desc i32)
                               (param $rp i32) (param $s i32)
    (local $i4 i32) (local $end i32) (local $ps i32) (local $j i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (loop $rows
      (local.set $ps (i32.add (local.get $s) (i32.mul (i32.load (i32.add (local.get $idf) (local.get $i4))) (local.get $S8))))
      (call $rowptrs (local.get $i4) (local.get $m) (local.get $desc) (local.get $rp) (local.get $S8))
      (local.set $j (i32.const 0))
      (loop $l
        (v128.store (i32.add (local.get $ps) (local.get $j))
          (f64x2.sub (v128.load (i32.add (local.get $ps) (local.get $j)))
                     (call $rowsum (local.get $j) (local.get $m) (local.get $rp))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $j) (local.get $S8))))
      (local.set $i4 (i32.add (local.get $i4) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $i4) (local.get $end)))))

  ;; out[g] = s[g] · inv[g]
  (func (export "scale") (param $G i32) (param $S8 i32) (param $s i32) (param $inv i32) (param $out i32)
    (local $g i32) (local $w v128) (local $j i32) (local $end i32)
    (if (i32.eqz (local.get $G)) (then (return)))
    (loop $levels
      (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $g) (i32.const 3))))))
      (local.set $end (i32.add (local.get $s) (local.get $S8)))
      (loop $l
        (v128.store (local.get $out) (f64x2.mul (v128.load (local.get $s)) (local.get $w)))
        (local.set $s (i32.add (local.get $s) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $s) (local.get $end))))
      (local.set $g (i32.add (local.get $g) (i32.const 1)))
      (br_if $levels (i32.lt_u (local.get $g) (local.get $G)))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Irons–Tuck on the coefficient vectors x, gx, ggx (bytes bytes; lane p of each S-row is
  ;; column p). it_stats: nd[0..S) += Δ·Δ², nd[S..2S) += Δ²·Δ² per lane, with Δ = ggx − gx,
  ;; Δ² = Δ − (gx − x); returns 1 if some |Δ| > tol and |Δ| > tol · (0.1 + |gx|) (fixest).
  (func (export "it_stats") (param $bytes i32) (param $S8 i32) (param $x i32) (param $gx i32) (param $ggx i32)
                            (param $nd i32) (param $tol f64) (result i32)
    (local $k i32) (local $j i32) (local $g v128) (local $d1 v128) (local $d2 v128) (local $d v128)
    (local $tv v128) (local $mv v128) (local $pn i32)
    (local.set $tv (f64x2.splat (local.get $tol)))
    (if (i32.eqz (local.get $bytes)) (then (return (i32.const 0))))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $l
        (local.set $g (v128.load (i32.add (local.get $gx) (local.get $k))))
        (local.set $d1 (f64x2.sub (v128.load (i32.add (local.get $ggx) (local.get $k))) (local.get $g)))
        (local.set $d2 (f64x2.sub (local.get $d1) (f64x2.sub (local.get $g) (v128.load (i32.add (local.get $x) (local.get $k))))))
        (local.set $pn (i32.add (local.get $nd) (local.get $j)))
        (v128.store (local.get $pn) (f64x2.add (v128.load (local.get $pn)) (f64x2.mul (local.get $d1) (local.get $d2))))
        (local.set $pn (i32.add (local.get $pn) (local.get $S8)))
        (v128.store (local.get $pn) (f64x2.add (v128.load (local.get $pn)) (f64x2.mul (local.get $d2) (local.get $d2))))
        (local.set $d (f64x2.abs (local.get $d1)))
        (local.set $mv (v128.or (local.get $mv)
          (v128.and (f64x2.gt (local.get $d) (local.get $tv))
                    (f64x2.gt (local.get $d)
                              (f64x2.mul (local.get $tv) (f64x2.add (f64x2.splat (f64.const 0.1)) (f64x2.abs (local.get $g))))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $j) (local.get $S8))))
      (br_if $rows (i32.lt_u (local.get $k) (local.get $bytes))))
    (v128.any_true (local.get $mv)))

  ;; fixest's test alone, stopping at the first coefficient that moved: 1 if some |b − a| > tol
  ;; and > tol · (0.1 + |a|)
  (func (export "moved") (param $bytes i32) (param $a i32) (param $b i32) (param $tol f64) (result i32)
    (local $k i32) (local $g v128) (local $d v128) (local $tv v128)
    (local.set $tv (f64x2.splat (local.get $tol)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $k) (local.get $bytes)))
        (local.set $g (v128.load (i32.add (local.get $a) (local.get $k))))
        (local.set $d (f64x2.abs (f64x2.sub (v128.load (i32.add (local.get $b) (local.get $k))) (local.get $g))))
        (if (v128.any_true
              (v128.and (f64x2.gt (local.get $d) (local.get $tv))
                        (f64x2.gt (local.get $d)
                                  (f64x2.mul (local.get $tv) (f64x2.add (f64x2.splat (f64.const 0.1)) (f64x2.abs (local.get $g)))))))
          (then (return (i32.const 1))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $l)))
    (i32.const 0))

  ;; x ← ggx − c_p · (ggx − gx), c in c[0..S)
  (func (export "it_update") (param $bytes i32) (param $S8 i32) (param $x i32) (param $gx i32) (param $ggx i32) (param $c i32)
    (local $k i32) (local $j i32) (local $v v128)
    (if (i32.eqz (local.get $bytes)) (then (return)))
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $l
        (local.set $v (v128.load (i32.add (local.get $ggx) (local.get $k))))
        (v128.store (i32.add (local.get $x) (local.get $k))
          (f64x2.sub (local.get $v)
            (f64x2.mul (v128.load (i32.add (local.get $c) (local.get $j)))
                       (f64x2.sub (local.get $v) (v128.load (i32.add (local.get $gx) (local.get $k)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $j) (local.get $S8))))
      (br_if $rows (i32.lt_u (local.get $k) (local.get $bytes)))))

  ;; ---------------------------------------------------------------------------------------------
  ;; One-off passes over x, a chunk of m rows at a time, in the input's row order. The chunk
  ;; arrives column-major (xc[p·CH8 + 8i], copied by the host) and is interleaved into xi.

  ;; Rows two at a time, columns two at a time: a 2×2 transpose of f64 pairs. xc holds S columns
  ;; (the padding column of an odd P is zero) with a stride of CS8 bytes; m may be odd (the row
  ;; after the last is scratch space in both buffers).
  (func (export "interleave") (param $m i32) (param $S8 i32) (param $xc i32) (param $CS8 i32) (param $xi i32)
    (local $i i32) (local $j i32) (local $src i32) (local $dst i32) (local $a v128) (local $b v128)
    (if (i32.eqz (local.get $m)) (then (return)))
    (loop $rows
      (local.set $src (i32.add (local.get $xc) (i32.shl (local.get $i) (i32.const 3))))
      (local.set $dst (i32.add (local.get $xi) (i32.mul (local.get $i) (local.get $S8))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $a (v128.load (local.get $src)))
        (local.set $b (v128.load (i32.add (local.get $src) (local.get $CS8))))
        (v128.store (i32.add (local.get $dst) (local.get $j))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
        (v128.store (i32.add (i32.add (local.get $dst) (local.get $S8)) (local.get $j))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $src (i32.add (local.get $src) (i32.shl (local.get $CS8) (i32.const 1))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $S8))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $m)))))

  (func (export "deinterleave") (param $m i32) (param $S8 i32) (param $xi i32) (param $xc i32) (param $CS8 i32)
    (local $i i32) (local $j i32) (local $src i32) (local $dst i32) (local $a v128) (local $b v128)
    (if (i32.eqz (local.get $m)) (then (return)))
    (loop $rows
      (local.set $src (i32.add (local.get $xi) (i32.mul (local.get $i) (local.get $S8))))
      (local.set $dst (i32.add (local.get $xc) (i32.shl (local.get $i) (i32.const 3))))
      (local.set $j (i32.const 0))
      (loop $cols
        (local.set $a (v128.load (i32.add (local.get $src) (local.get $j))))
        (local.set $b (v128.load (i32.add (i32.add (local.get $src) (local.get $S8)) (local.get $j))))
        (v128.store (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
        (v128.store (i32.add (local.get $dst) (local.get $CS8))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $CS8) (i32.const 1))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $cols (i32.lt_u (local.get $j) (local.get $S8))))
      (local.set $i (i32.add (local.get $i) (i32.const 2)))
      (br_if $rows (i32.lt_u (local.get $i) (local.get $m)))))

  ;; sx[id[i]] += xi[i]
  (func (export "sums_s8") (param $m i32) (param $id i32) (param $xi i32) (param $sx i32)
    (local $end i32) (local $ps i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $m) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $sx) (i32.shl (i32.load (local.get $id)) (i32.const 6))))
      (v128.store offset=0 (local.get $ps) (f64x2.add (v128.load offset=0 (local.get $ps)) (v128.load offset=0 (local.get $xi))))
      (v128.store offset=16 (local.get $ps) (f64x2.add (v128.load offset=16 (local.get $ps)) (v128.load offset=16 (local.get $xi))))
      (v128.store offset=32 (local.get $ps) (f64x2.add (v128.load offset=32 (local.get $ps)) (v128.load offset=32 (local.get $xi))))
      (v128.store offset=48 (local.get $ps) (f64x2.add (v128.load offset=48 (local.get $ps)) (v128.load offset=48 (local.get $xi))))
      (local.set $xi (i32.add (local.get $xi) (i32.const 64)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))

  (func (export "sums_gen") (param $m i32) (param $S8 i32) (param $id i32) (param $xi i32) (param $sx i32)
    (local $end i32) (local $ps i32) (local $j i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $m) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $sx) (i32.mul (i32.load (local.get $id)) (local.get $S8))))
      (local.set $j (i32.const 0))
      (loop $l
        (v128.store (i32.add (local.get $ps) (local.get $j))
          (f64x2.add (v128.load (i32.add (local.get $ps) (local.get $j))) (v128.load (i32.add (local.get $xi) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $j) (local.get $S8))))
      (local.set $xi (i32.add (local.get $xi) (local.get $S8)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))

  ;; xi[i] −= α[id[i]] (called once per factor, in factor order)
  (func (export "sub_s8") (param $m i32) (param $id i32) (param $a i32) (param $xi i32)
    (local $end i32) (local $pa i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $m) (i32.const 2))))
    (loop $rows
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $id)) (i32.const 6))))
      (v128.store offset=0 (local.get $xi) (f64x2.sub (v128.load offset=0 (local.get $xi)) (v128.load offset=0 (local.get $pa))))
      (v128.store offset=16 (local.get $xi) (f64x2.sub (v128.load offset=16 (local.get $xi)) (v128.load offset=16 (local.get $pa))))
      (v128.store offset=32 (local.get $xi) (f64x2.sub (v128.load offset=32 (local.get $xi)) (v128.load offset=32 (local.get $pa))))
      (v128.store offset=48 (local.get $xi) (f64x2.sub (v128.load offset=48 (local.get $xi)) (v128.load offset=48 (local.get $pa))))
      (local.set $xi (i32.add (local.get $xi) (i32.const 64)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))

  (func (export "sub_gen") (param $m i32) (param $S8 i32) (param $id i32) (param $a i32) (param $xi i32)
    (local $end i32) (local $pa i32) (local $j i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $m) (i32.const 2))))
    (loop $rows
      (local.set $pa (i32.add (local.get $a) (i32.mul (i32.load (local.get $id)) (local.get $S8))))
      (local.set $j (i32.const 0))
      (loop $l
        (v128.store (i32.add (local.get $xi) (local.get $j))
          (f64x2.sub (v128.load (i32.add (local.get $xi) (local.get $j))) (v128.load (i32.add (local.get $pa) (local.get $j)))))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br_if $l (i32.lt_u (local.get $j) (local.get $S8))))
      (local.set $xi (i32.add (local.get $xi) (local.get $S8)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))

  ;; ---------------------------------------------------------------------------------------------
  ;; The S = 2 cases: the _s8 kernels with 1 f64x2 register and 16-byte rows.
  ;; Generated by scripts/gen-demean-kernels.py; lane by lane the same
  ;; arithmetic as the _s8 and JS kernels.

  (func $flush_s2 (param $g i32) (param $sx i32) (param $inv i32) (param $out i32)
                   (param $s0 v128)
    (local $w v128) (local $o i32)
    (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $g) (i32.const 3))))))
    (local.set $o (i32.shl (local.get $g) (i32.const 4)))
    (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
      (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w))))

  (func (export "run_s2_q3") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32) (param $ib i32) (param $b i32)
                              (param $sx i32) (param $inv i32) (param $out i32)
    (local $end i32) (local $g i32) (local $cur i32) (local $pa i32) (local $pb i32) (local $o i32) (local $w v128)
    (local $s0 v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $cur (i32.load (local.get $idf)))
    (loop $rows
      (local.set $g (i32.load (local.get $idf)))
      (if (i32.ne (local.get $g) (local.get $cur))
        (then
          (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $cur) (i32.const 3))))))
          (local.set $o (i32.shl (local.get $cur) (i32.const 4)))
          (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w)))
          (local.set $cur (local.get $g))
          (local.set $s0 (v128.const i64x2 0 0))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 4))))
      (local.set $pb (i32.add (local.get $b) (i32.shl (i32.load (local.get $ib)) (i32.const 4))))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.add (v128.load offset=0 (local.get $pa)) (v128.load offset=0 (local.get $pb)))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (local.set $ib (i32.add (local.get $ib) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end))))
    (call $flush_s2 (local.get $cur) (local.get $sx) (local.get $inv) (local.get $out)
      (local.get $s0)))

  (func (export "run_s2_q2") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32)
                              (param $sx i32) (param $inv i32) (param $out i32)
    (local $end i32) (local $g i32) (local $cur i32) (local $pa i32) (local $pb i32) (local $o i32) (local $w v128)
    (local $s0 v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $cur (i32.load (local.get $idf)))
    (loop $rows
      (local.set $g (i32.load (local.get $idf)))
      (if (i32.ne (local.get $g) (local.get $cur))
        (then
          (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $cur) (i32.const 3))))))
          (local.set $o (i32.shl (local.get $cur) (i32.const 4)))
          (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w)))
          (local.set $cur (local.get $g))
          (local.set $s0 (v128.const i64x2 0 0))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 4))))
      (local.set $s0 (f64x2.add (local.get $s0) (v128.load offset=0 (local.get $pa))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end))))
    (call $flush_s2 (local.get $cur) (local.get $sx) (local.get $inv) (local.get $out)
      (local.get $s0)))

  (func (export "scatter_s2_q3") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32) (param $ib i32) (param $b i32) (param $s i32)
    (local $end i32) (local $ps i32) (local $pa i32) (local $pb i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $s) (i32.shl (i32.load (local.get $idf)) (i32.const 4))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 4))))
      (local.set $pb (i32.add (local.get $b) (i32.shl (i32.load (local.get $ib)) (i32.const 4))))
      (v128.store offset=0 (local.get $ps) (f64x2.sub (v128.load offset=0 (local.get $ps))
        (f64x2.add (v128.load offset=0 (local.get $pa)) (v128.load offset=0 (local.get $pb)))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (local.set $ib (i32.add (local.get $ib) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end)))))

  (func (export "scatter_s2_q2") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32) (param $s i32)
    (local $end i32) (local $ps i32) (local $pa i32) (local $pb i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $s) (i32.shl (i32.load (local.get $idf)) (i32.const 4))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 4))))
      (v128.store offset=0 (local.get $ps) (f64x2.sub (v128.load offset=0 (local.get $ps)) (v128.load offset=0 (local.get $pa))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end)))))

  (func (export "sums_s2") (param $m i32) (param $id i32) (param $xi i32) (param $sx i32)
    (local $end i32) (local $ps i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $m) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $sx) (i32.shl (i32.load (local.get $id)) (i32.const 4))))
      (v128.store offset=0 (local.get $ps) (f64x2.add (v128.load offset=0 (local.get $ps)) (v128.load offset=0 (local.get $xi))))
      (local.set $xi (i32.add (local.get $xi) (i32.const 16)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))

  (func (export "sub_s2") (param $m i32) (param $id i32) (param $a i32) (param $xi i32)
    (local $end i32) (local $pa i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $m) (i32.const 2))))
    (loop $rows
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $id)) (i32.const 4))))
      (v128.store offset=0 (local.get $xi) (f64x2.sub (v128.load offset=0 (local.get $xi)) (v128.load offset=0 (local.get $pa))))
      (local.set $xi (i32.add (local.get $xi) (i32.const 16)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))


  ;; ---------------------------------------------------------------------------------------------
  ;; The S = 4 cases: the _s8 kernels with 2 f64x2 registers and 32-byte rows.
  ;; Generated by scripts/gen-demean-kernels.py; lane by lane the same
  ;; arithmetic as the _s8 and JS kernels.

  (func $flush_s4 (param $g i32) (param $sx i32) (param $inv i32) (param $out i32)
                   (param $s0 v128) (param $s1 v128)
    (local $w v128) (local $o i32)
    (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $g) (i32.const 3))))))
    (local.set $o (i32.shl (local.get $g) (i32.const 5)))
    (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
      (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w)))
    (v128.store offset=16 (i32.add (local.get $out) (local.get $o))
      (f64x2.mul (f64x2.sub (v128.load offset=16 (i32.add (local.get $sx) (local.get $o))) (local.get $s1)) (local.get $w))))

  (func (export "run_s4_q3") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32) (param $ib i32) (param $b i32)
                              (param $sx i32) (param $inv i32) (param $out i32)
    (local $end i32) (local $g i32) (local $cur i32) (local $pa i32) (local $pb i32) (local $o i32) (local $w v128)
    (local $s0 v128) (local $s1 v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $cur (i32.load (local.get $idf)))
    (loop $rows
      (local.set $g (i32.load (local.get $idf)))
      (if (i32.ne (local.get $g) (local.get $cur))
        (then
          (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $cur) (i32.const 3))))))
          (local.set $o (i32.shl (local.get $cur) (i32.const 5)))
          (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w)))
          (v128.store offset=16 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=16 (i32.add (local.get $sx) (local.get $o))) (local.get $s1)) (local.get $w)))
          (local.set $cur (local.get $g))
          (local.set $s0 (v128.const i64x2 0 0))
          (local.set $s1 (v128.const i64x2 0 0))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 5))))
      (local.set $pb (i32.add (local.get $b) (i32.shl (i32.load (local.get $ib)) (i32.const 5))))
      (local.set $s0 (f64x2.add (local.get $s0) (f64x2.add (v128.load offset=0 (local.get $pa)) (v128.load offset=0 (local.get $pb)))))
      (local.set $s1 (f64x2.add (local.get $s1) (f64x2.add (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (local.set $ib (i32.add (local.get $ib) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end))))
    (call $flush_s4 (local.get $cur) (local.get $sx) (local.get $inv) (local.get $out)
      (local.get $s0) (local.get $s1)))

  (func (export "run_s4_q2") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32)
                              (param $sx i32) (param $inv i32) (param $out i32)
    (local $end i32) (local $g i32) (local $cur i32) (local $pa i32) (local $pb i32) (local $o i32) (local $w v128)
    (local $s0 v128) (local $s1 v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $cur (i32.load (local.get $idf)))
    (loop $rows
      (local.set $g (i32.load (local.get $idf)))
      (if (i32.ne (local.get $g) (local.get $cur))
        (then
          (local.set $w (f64x2.splat (f64.load (i32.add (local.get $inv) (i32.shl (local.get $cur) (i32.const 3))))))
          (local.set $o (i32.shl (local.get $cur) (i32.const 5)))
          (v128.store offset=0 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=0 (i32.add (local.get $sx) (local.get $o))) (local.get $s0)) (local.get $w)))
          (v128.store offset=16 (i32.add (local.get $out) (local.get $o))
            (f64x2.mul (f64x2.sub (v128.load offset=16 (i32.add (local.get $sx) (local.get $o))) (local.get $s1)) (local.get $w)))
          (local.set $cur (local.get $g))
          (local.set $s0 (v128.const i64x2 0 0))
          (local.set $s1 (v128.const i64x2 0 0))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 5))))
      (local.set $s0 (f64x2.add (local.get $s0) (v128.load offset=0 (local.get $pa))))
      (local.set $s1 (f64x2.add (local.get $s1) (v128.load offset=16 (local.get $pa))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end))))
    (call $flush_s4 (local.get $cur) (local.get $sx) (local.get $inv) (local.get $out)
      (local.get $s0) (local.get $s1)))

  (func (export "scatter_s4_q3") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32) (param $ib i32) (param $b i32) (param $s i32)
    (local $end i32) (local $ps i32) (local $pa i32) (local $pb i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $s) (i32.shl (i32.load (local.get $idf)) (i32.const 5))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 5))))
      (local.set $pb (i32.add (local.get $b) (i32.shl (i32.load (local.get $ib)) (i32.const 5))))
      (v128.store offset=0 (local.get $ps) (f64x2.sub (v128.load offset=0 (local.get $ps))
        (f64x2.add (v128.load offset=0 (local.get $pa)) (v128.load offset=0 (local.get $pb)))))
      (v128.store offset=16 (local.get $ps) (f64x2.sub (v128.load offset=16 (local.get $ps))
        (f64x2.add (v128.load offset=16 (local.get $pa)) (v128.load offset=16 (local.get $pb)))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (local.set $ib (i32.add (local.get $ib) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end)))))

  (func (export "scatter_s4_q2") (param $n i32) (param $idf i32) (param $ia i32) (param $a i32) (param $s i32)
    (local $end i32) (local $ps i32) (local $pa i32) (local $pb i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $idf) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $s) (i32.shl (i32.load (local.get $idf)) (i32.const 5))))
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $ia)) (i32.const 5))))
      (v128.store offset=0 (local.get $ps) (f64x2.sub (v128.load offset=0 (local.get $ps)) (v128.load offset=0 (local.get $pa))))
      (v128.store offset=16 (local.get $ps) (f64x2.sub (v128.load offset=16 (local.get $ps)) (v128.load offset=16 (local.get $pa))))
      (local.set $idf (i32.add (local.get $idf) (i32.const 4)))
      (local.set $ia (i32.add (local.get $ia) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $idf) (local.get $end)))))

  (func (export "sums_s4") (param $m i32) (param $id i32) (param $xi i32) (param $sx i32)
    (local $end i32) (local $ps i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $m) (i32.const 2))))
    (loop $rows
      (local.set $ps (i32.add (local.get $sx) (i32.shl (i32.load (local.get $id)) (i32.const 5))))
      (v128.store offset=0 (local.get $ps) (f64x2.add (v128.load offset=0 (local.get $ps)) (v128.load offset=0 (local.get $xi))))
      (v128.store offset=16 (local.get $ps) (f64x2.add (v128.load offset=16 (local.get $ps)) (v128.load offset=16 (local.get $xi))))
      (local.set $xi (i32.add (local.get $xi) (i32.const 32)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))

  (func (export "sub_s4") (param $m i32) (param $id i32) (param $a i32) (param $xi i32)
    (local $end i32) (local $pa i32)
    (if (i32.eqz (local.get $m)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $m) (i32.const 2))))
    (loop $rows
      (local.set $pa (i32.add (local.get $a) (i32.shl (i32.load (local.get $id)) (i32.const 5))))
      (v128.store offset=0 (local.get $xi) (f64x2.sub (v128.load offset=0 (local.get $xi)) (v128.load offset=0 (local.get $pa))))
      (v128.store offset=16 (local.get $xi) (f64x2.sub (v128.load offset=16 (local.get $xi)) (v128.load offset=16 (local.get $pa))))
      (local.set $xi (i32.add (local.get $xi) (i32.const 32)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))


  ;; ---------------------------------------------------------------------------------------------
  ;; Level counts and layout checks (once per problem).

  ;; cnt[id[i]] += 1 (f64; cnt zeroed by the host)
  (func (export "count") (param $n i32) (param $id i32) (param $cnt i32)
    (local $end i32) (local $pc i32)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $n) (i32.const 2))))
    (loop $rows
      (local.set $pc (i32.add (local.get $cnt) (i32.shl (i32.load (local.get $id)) (i32.const 3))))
      (f64.store (local.get $pc) (f64.add (f64.load (local.get $pc)) (f64.const 1)))
      (local.set $id (i32.add (local.get $id) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $id) (local.get $end)))))

  ;; cnt[g] ← 1 / cnt[g] (0 for an empty level); returns the number of non-empty levels
  (func (export "invert") (param $G i32) (param $cnt i32) (result i32)
    (local $end i32) (local $c f64) (local $levels i32)
    (local.set $end (i32.add (local.get $cnt) (i32.shl (local.get $G) (i32.const 3))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $cnt) (local.get $end)))
        (local.set $c (f64.load (local.get $cnt)))
        (if (f64.gt (local.get $c) (f64.const 0))
          (then
            (f64.store (local.get $cnt) (f64.div (f64.const 1) (local.get $c)))
            (local.set $levels (i32.add (local.get $levels) (i32.const 1)))))
        (local.set $cnt (i32.add (local.get $cnt) (i32.const 8)))
        (br $l)))
    (local.get $levels))

  ;; number of runs of equal ids
  (func (export "runs") (param $n i32) (param $id i32) (result i32)
    (local $end i32) (local $prev i32) (local $r i32) (local $g i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $end (i32.add (local.get $id) (i32.shl (local.get $n) (i32.const 2))))
    (local.set $prev (i32.load (local.get $id)))
    (local.set $r (i32.const 1))
    (local.set $id (i32.add (local.get $id) (i32.const 4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $id) (local.get $end)))
        (local.set $g (i32.load (local.get $id)))
        (local.set $r (i32.add (local.get $r) (i32.ne (local.get $g) (local.get $prev))))
        (local.set $prev (local.get $g))
        (local.set $id (i32.add (local.get $id) (i32.const 4)))
        (br $rows)))
    (local.get $r)))
