;; WebAssembly SIMD (f64x2) kernels for the cross-products and residuals of a least-squares fit;
;; compiled to bytes at build time (config/wat-plugin.mjs) and driven by gram-wasm.ts. Each does,
;; lane by lane and in the same order, the arithmetic of its twin in ../gram.ts and ../vector.ts
;; (dotRange's four partial sums are the two lanes of two accumulators), so both give the same
;; numbers to the last bit.
;;
;; Shapes (byte offsets into the exported memory, 16-byte aligned): a block of m rows of p columns,
;; column a at base + a·stride (f64[m] each); out f64[p·p] row-major; b, g f64[p].
(module
  (memory (export "memory") 8)

  ;; Σ_{i<m} x_i y_i with partial sums s_r over i ≡ r (mod 4), then s0 + s1 + (s2 + s3); the
  ;; rows past the last multiple of 4 go into s0 in order.
  (func $dot (param $x i32) (param $y i32) (param $m i32) (result f64)
    (local $i i32) (local $end i32) (local $a v128) (local $b v128) (local $s0 f64)
    (local.set $end (i32.shl (i32.and (local.get $m) (i32.const -4)) (i32.const 3)))
    (local.set $a (v128.const i64x2 0 0))
    (local.set $b (v128.const i64x2 0 0))
    (block $done
      (loop $quad
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $a (f64x2.add (local.get $a)
          (f64x2.mul (v128.load (i32.add (local.get $x) (local.get $i))) (v128.load (i32.add (local.get $y) (local.get $i))))))
        (local.set $b (f64x2.add (local.get $b)
          (f64x2.mul (v128.load offset=16 (i32.add (local.get $x) (local.get $i))) (v128.load offset=16 (i32.add (local.get $y) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $quad)))
    (local.set $s0 (f64x2.extract_lane 0 (local.get $a)))
    (local.set $end (i32.shl (local.get $m) (i32.const 3)))
    (block $tdone
      (loop $tail
        (br_if $tdone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $s0 (f64.add (local.get $s0)
          (f64.mul (f64.load (i32.add (local.get $x) (local.get $i))) (f64.load (i32.add (local.get $y) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $tail)))
    (f64.add
      (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $a)))
      (f64.add (f64x2.extract_lane 0 (local.get $b)) (f64x2.extract_lane 1 (local.get $b)))))

  ;; x_i += c for i < m (a column of the block shifted by a constant)
  (func (export "addc") (param $x i32) (param $m i32) (param $c f64)
    (local $i i32) (local $end i32) (local $end2 i32) (local $cc v128)
    (local.set $cc (f64x2.splat (local.get $c)))
    (local.set $end (i32.shl (local.get $m) (i32.const 3)))
    (local.set $end2 (i32.shl (i32.and (local.get $m) (i32.const -2)) (i32.const 3)))
    (block $done
      (loop $pair
        (br_if $done (i32.ge_u (local.get $i) (local.get $end2)))
        (v128.store (i32.add (local.get $x) (local.get $i))
          (f64x2.add (v128.load (i32.add (local.get $x) (local.get $i))) (local.get $cc)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $pair)))
    (if (i32.lt_u (local.get $i) (local.get $end))
      (then
        (f64.store (i32.add (local.get $x) (local.get $i))
          (f64.add (f64.load (i32.add (local.get $x) (local.get $i))) (local.get $c))))))

  ;; out[a·p + b] += Σ_i c_a[i] c_b[i] for a ≤ b
  (func (export "gram") (param $base i32) (param $stride i32) (param $p i32) (param $m i32) (param $out i32)
    (local $a i32) (local $b i32) (local $xa i32) (local $o i32)
    (block $adone
      (loop $arow
        (br_if $adone (i32.ge_u (local.get $a) (local.get $p)))
        (local.set $xa (i32.add (local.get $base) (i32.mul (local.get $a) (local.get $stride))))
        (local.set $b (local.get $a))
        (block $bdone
          (loop $bcol
            (br_if $bdone (i32.ge_u (local.get $b) (local.get $p)))
            (local.set $o (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $a) (local.get $p)) (local.get $b)) (i32.const 3))))
            (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
              (call $dot (local.get $xa) (i32.add (local.get $base) (i32.mul (local.get $b) (local.get $stride))) (local.get $m))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br $bcol)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $arow))))

  ;; g_a += c_a'y for every column a (the cross-products of the columns with one vector)
  (func (export "xty") (param $base i32) (param $stride i32) (param $p i32) (param $m i32) (param $y i32) (param $g i32)
    (local $a i32) (local $o i32)
    (block $done
      (loop $col
        (br_if $done (i32.ge_u (local.get $a) (local.get $p)))
        (local.set $o (i32.add (local.get $g) (i32.shl (local.get $a) (i32.const 3))))
        (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
          (call $dot (i32.add (local.get $base) (i32.mul (local.get $a) (local.get $stride))) (local.get $y) (local.get $m))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $col))))

  ;; e = y − Σ_a b_a c_a (a in order, each a multiply then a subtract), then g_a += c_a'e when
  ;; $g ≠ 0; returns e'e. y at $y, e written at $e (both f64[m]).
  (func (export "resid") (param $base i32) (param $stride i32) (param $p i32) (param $m i32)
                         (param $y i32) (param $bv i32) (param $e i32) (param $g i32) (result f64)
    (local $a i32) (local $i i32) (local $end i32) (local $end2 i32) (local $xa i32) (local $ba f64) (local $bb v128) (local $o i32)
    (local.set $end (i32.shl (local.get $m) (i32.const 3)))
    (local.set $end2 (i32.shl (i32.and (local.get $m) (i32.const -2)) (i32.const 3)))
    (memory.copy (local.get $e) (local.get $y) (local.get $end))
    (block $adone
      (loop $acol
        (br_if $adone (i32.ge_u (local.get $a) (local.get $p)))
        (local.set $xa (i32.add (local.get $base) (i32.mul (local.get $a) (local.get $stride))))
        (local.set $ba (f64.load (i32.add (local.get $bv) (i32.shl (local.get $a) (i32.const 3)))))
        (local.set $bb (f64x2.splat (local.get $ba)))
        (local.set $i (i32.const 0))
        (block $pdone
          (loop $pair
            (br_if $pdone (i32.ge_u (local.get $i) (local.get $end2)))
            (local.set $o (i32.add (local.get $e) (local.get $i)))
            (v128.store (local.get $o) (f64x2.sub (v128.load (local.get $o))
              (f64x2.mul (local.get $bb) (v128.load (i32.add (local.get $xa) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $pair)))
        (if (i32.lt_u (local.get $i) (local.get $end))
          (then
            (local.set $o (i32.add (local.get $e) (local.get $i)))
            (f64.store (local.get $o) (f64.sub (f64.load (local.get $o))
              (f64.mul (local.get $ba) (f64.load (i32.add (local.get $xa) (local.get $i))))))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br $acol)))
    (if (local.get $g)
      (then
        (local.set $a (i32.const 0))
        (block $gdone
          (loop $gcol
            (br_if $gdone (i32.ge_u (local.get $a) (local.get $p)))
            (local.set $o (i32.add (local.get $g) (i32.shl (local.get $a) (i32.const 3))))
            (f64.store (local.get $o) (f64.add (f64.load (local.get $o))
              (call $dot (i32.add (local.get $base) (i32.mul (local.get $a) (local.get $stride))) (local.get $e) (local.get $m))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $gcol)))))
    (call $dot (local.get $e) (local.get $e) (local.get $m))))
