;; WebAssembly SIMD (f64x2) kernel for summarize's second pass (../moments.ts): centred power sums
;; and the percentile brackets (../brackets.ts) over one dense segment, driven by moments-wasm.ts.
;; Why wasm: a bracket's counts are comparisons turned into integers; here f64x2.lt gives lane masks
;; (−1 = true) that i64x2.sub accumulates, two values per instruction and without branches, where
;; the JS code spends most of its time converting booleans.
;;
;; Memory layout (byte offsets): parameters and results in the first page,
;;   0   f64 s1 s2 s3 s4        Σd, Σd², Σd³, Σd⁴ with d = x − c (written by $pass)
;;   64  f64 lo[32]             bracket t is [lo_t, hi_t]; values inside are copied while k < cap_t
;;   320 f64 hi[32]
;;   576 f64 copyHi[32]         hi_t, or −∞ for brackets that are only counted
;;   832 i64 below[32]          values < lo_t (added to)
;;   1088 i64 notAbove[32]      values ≤ hi_t (added to)
;;   1344 i32 copied[32]        values inside bracket t (for copied brackets; added to)
;;   1472 i32 cap[32]
;;   1600 i32 off[32]           byte offset of bracket t's copy area (cap_t + 1 slots)
;; then the copy areas and the data (16-byte aligned), wherever the driver puts them.
(module
  (memory (export "memory") 1)

  ;; Σd … Σd⁴ of one block x[0..m) (m even), into the SIMD accumulators passed in and out via memory
  ;; at 1728 (four v128: a1 a2 a3 a4).
  (func $block_moments (param $x i32) (param $m i32) (param $c f64) (param $higher i32)
    (local $i i32) (local $end i32) (local $cc v128) (local $d v128) (local $d2 v128)
    (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128)
    (local.set $cc (f64x2.splat (local.get $c)))
    (local.set $a1 (v128.load (i32.const 1728)))
    (local.set $a2 (v128.load (i32.const 1744)))
    (local.set $a3 (v128.load (i32.const 1760)))
    (local.set $a4 (v128.load (i32.const 1776)))
    (local.set $end (i32.shl (local.get $m) (i32.const 3)))
    (if (local.get $higher)
      (then
        (block $done
          (loop $pair
            (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $d (f64x2.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $cc)))
            (local.set $d2 (f64x2.mul (local.get $d) (local.get $d)))
            (local.set $a1 (f64x2.add (local.get $a1) (local.get $d)))
            (local.set $a2 (f64x2.add (local.get $a2) (local.get $d2)))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $d2) (local.get $d))))
            (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $d2) (local.get $d2))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $pair))))
      (else
        (block $done2
          (loop $pair2
            (br_if $done2 (i32.ge_u (local.get $i) (local.get $end)))
            (local.set $d (f64x2.sub (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $cc)))
            (local.set $a1 (f64x2.add (local.get $a1) (local.get $d)))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $d) (local.get $d))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $pair2)))))
    (v128.store (i32.const 1728) (local.get $a1))
    (v128.store (i32.const 1744) (local.get $a2))
    (v128.store (i32.const 1760) (local.get $a3))
    (v128.store (i32.const 1776) (local.get $a4)))

;; Bracket t over one block x[0..m) (m even). The copy is branch-free: each value is stored at
  ;; position min(k, cap) of the bracket's area (cap + 1 slots: the last one takes the values that
  ;; do not fit) and k advances only for values inside; a data-dependent branch here cost 4× more.
  (func $block_bracket (param $x i32) (param $m i32) (param $t i32)
    (local $i i32) (local $end i32) (local $lo v128) (local $hi v128) (local $ch v128)
    (local $v v128) (local $in v128) (local $bl v128) (local $na v128) (local $p8 i32) (local $p4 i32)
    (local $k i32) (local $cap i32) (local $off i32)
    (local.set $p8 (i32.shl (local.get $t) (i32.const 3)))
    (local.set $p4 (i32.shl (local.get $t) (i32.const 2)))
    (local.set $lo (f64x2.splat (f64.load offset=64 (local.get $p8))))
    (local.set $hi (f64x2.splat (f64.load offset=320 (local.get $p8))))
    (local.set $ch (f64x2.splat (f64.load offset=576 (local.get $p8))))
    (local.set $k (i32.load offset=1344 (local.get $p4)))
    (local.set $cap (i32.load offset=1472 (local.get $p4)))
    (local.set $off (i32.load offset=1600 (local.get $p4)))
    (local.set $end (i32.shl (local.get $m) (i32.const 3)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (i32.add (local.get $x) (local.get $i))))
        (local.set $bl (i64x2.sub (local.get $bl) (f64x2.lt (local.get $v) (local.get $lo))))
        (local.set $na (i64x2.sub (local.get $na) (f64x2.le (local.get $v) (local.get $hi))))
        (local.set $in (v128.and (f64x2.ge (local.get $v) (local.get $lo)) (f64x2.le (local.get $v) (local.get $ch))))
        (if (i64x2.bitmask (local.get $in))
          (then
            (f64.store
              (i32.add (local.get $off) (i32.shl (select (local.get $k) (local.get $cap) (i32.lt_u (local.get $k) (local.get $cap))) (i32.const 3)))
              (f64x2.extract_lane 0 (local.get $v)))
            (local.set $k (i32.sub (local.get $k) (i32x4.extract_lane 0 (local.get $in))))
            (f64.store
              (i32.add (local.get $off) (i32.shl (select (local.get $k) (local.get $cap) (i32.lt_u (local.get $k) (local.get $cap))) (i32.const 3)))
              (f64x2.extract_lane 1 (local.get $v)))
            (local.set $k (i32.sub (local.get $k) (i32x4.extract_lane 2 (local.get $in))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $pair)))
    (i32.store offset=1344 (local.get $p4) (local.get $k))
    (i64.store offset=832 (local.get $p8)
      (i64.add (i64.load offset=832 (local.get $p8))
        (i64.add (i64x2.extract_lane 0 (local.get $bl)) (i64x2.extract_lane 1 (local.get $bl)))))
    (i64.store offset=1088 (local.get $p8)
      (i64.add (i64.load offset=1088 (local.get $p8))
        (i64.add (i64x2.extract_lane 0 (local.get $na)) (i64x2.extract_lane 1 (local.get $na))))))

;; First pass, in place: keeps the finite values of x[0..n) whose mask byte is set (mask = 0: no
  ;; mask), moving them to the front in order, and writes Σx, min, max of them to 0, 8, 16 and
  ;; their count to 24 (as f64). Branch-free: every value is stored at j, and j advances only for
  ;; kept ones; two interleaved accumulators shorten the add chains.
  (func (export "compact") (param $x i32) (param $n i32) (param $mask i32)
    (local $i i32) (local $j i32) (local $v f64) (local $ok i32)
    (local $s0 f64) (local $s1 f64) (local $lo0 f64) (local $lo1 f64) (local $hi0 f64) (local $hi1 f64)
    (local.set $lo0 (f64.const inf)) (local.set $lo1 (f64.const inf))
    (local.set $hi0 (f64.const -inf)) (local.set $hi1 (f64.const -inf))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; even i
        (local.set $v (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $ok (f64.eq (f64.sub (local.get $v) (local.get $v)) (f64.const 0)))
        (if (local.get $mask) (then (local.set $ok (i32.and (local.get $ok) (i32.load8_u (i32.add (local.get $mask) (local.get $i)))))))
        (f64.store (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))) (local.get $v))
        (local.set $j (i32.add (local.get $j) (local.get $ok)))
        (local.set $s0 (f64.add (local.get $s0) (select (local.get $v) (f64.const 0) (local.get $ok))))
        (local.set $lo0 (select (local.get $v) (local.get $lo0) (i32.and (local.get $ok) (f64.lt (local.get $v) (local.get $lo0)))))
        (local.set $hi0 (select (local.get $v) (local.get $hi0) (i32.and (local.get $ok) (f64.gt (local.get $v) (local.get $hi0)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        ;; odd i
        (local.set $v (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $ok (f64.eq (f64.sub (local.get $v) (local.get $v)) (f64.const 0)))
        (if (local.get $mask) (then (local.set $ok (i32.and (local.get $ok) (i32.load8_u (i32.add (local.get $mask) (local.get $i)))))))
        (f64.store (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))) (local.get $v))
        (local.set $j (i32.add (local.get $j) (local.get $ok)))
        (local.set $s1 (f64.add (local.get $s1) (select (local.get $v) (f64.const 0) (local.get $ok))))
        (local.set $lo1 (select (local.get $v) (local.get $lo1) (i32.and (local.get $ok) (f64.lt (local.get $v) (local.get $lo1)))))
        (local.set $hi1 (select (local.get $v) (local.get $hi1) (i32.and (local.get $ok) (f64.gt (local.get $v) (local.get $hi1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (f64.store (i32.const 0) (f64.add (local.get $s0) (local.get $s1)))
    (f64.store (i32.const 8) (select (local.get $lo1) (local.get $lo0) (f64.lt (local.get $lo1) (local.get $lo0))))
    (f64.store (i32.const 16) (select (local.get $hi1) (local.get $hi0) (f64.gt (local.get $hi1) (local.get $hi0))))
    (f64.store (i32.const 24) (f64.convert_i32_u (local.get $j))))

  ;; The whole pass over x[0..n) (x 16-byte aligned, n even: the driver pads an odd segment and
  ;; corrects for the pad), in blocks of 2048 values that stay in L1 for the T bracket loops.
  (func (export "pass") (param $x i32) (param $n i32) (param $c f64) (param $higher i32) (param $T i32)
    (local $b i32) (local $m i32) (local $t i32) (local $a v128)
    (v128.store (i32.const 1728) (v128.const i64x2 0 0))
    (v128.store (i32.const 1744) (v128.const i64x2 0 0))
    (v128.store (i32.const 1760) (v128.const i64x2 0 0))
    (v128.store (i32.const 1776) (v128.const i64x2 0 0))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $b) (local.get $n)))
        (local.set $m (i32.sub (local.get $n) (local.get $b)))
        (if (i32.gt_u (local.get $m) (i32.const 2048)) (then (local.set $m (i32.const 2048))))
        (call $block_moments (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 3))) (local.get $m) (local.get $c) (local.get $higher))
        (local.set $t (i32.const 0))
        (block $tdone
          (loop $brackets
            (br_if $tdone (i32.ge_u (local.get $t) (local.get $T)))
            (call $block_bracket (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 3))) (local.get $m) (local.get $t))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $brackets)))
        (local.set $b (i32.add (local.get $b) (local.get $m)))
        (br $blocks)))
    (local.set $a (v128.load (i32.const 1728)))
    (f64.store (i32.const 0) (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a))))
    (local.set $a (v128.load (i32.const 1744)))
    (f64.store (i32.const 8) (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a))))
    (local.set $a (v128.load (i32.const 1760)))
    (f64.store (i32.const 16) (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a))))
    (local.set $a (v128.load (i32.const 1776)))
    (f64.store (i32.const 24) (f64.add (f64x2.extract_lane 0 (local.get $a)) (f64x2.extract_lane 1 (local.get $a))))))
