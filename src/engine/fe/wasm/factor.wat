;; Fixed-effect factors of integer-valued keys, singleton removal and the subset after it, as plain
;; (scalar) WebAssembly; driven by factor.ts. Each kernel does what its JS twin does (data.ts
;; factorizeKeys, singletons.ts dropPass, factors.ts subsetFactor), so both give the same ids, counts
;; and kept rows. In JS these loops cost 3–6 ns per row and factor (a double used as an index, a
;; typed-array access per step); here 1–2 ns.
;;
;; Shapes (byte offsets into the exported memory):
;;   keys    f64[m]        a chunk of a key column (integer values in [min, min + span) on the
;;                         sample rows: key − min is exact and fits a table slot)
;;   mask    u8[m]         the chunk's sample rows (1 = in the sample)
;;   table   i32[cells]    slot → level, −1 for a slot not seen yet
;;   counts  i32[G]        rows per level
;;   ids     i32[n]        levels of the sample rows, in order
;;   state   i32[2]        (levels so far, sample rows so far): read at entry, written at exit
;;   keep    u8[n]         1 for a sample row that survives singleton removal
(module
  (memory (export "memory") 1)

  ;; One key: slot = key − min.
  (func (export "fact1") (param $m i32) (param $mask i32) (param $k i32) (param $min f64)
                         (param $table i32) (param $counts i32) (param $ids i32) (param $state i32)
    (local $end i32) (local $g i32) (local $out i32) (local $t i32) (local $id i32) (local $c i32)
    (local.set $g (i32.load (local.get $state)))
    (local.set $out (i32.add (local.get $ids) (i32.shl (i32.load offset=4 (local.get $state)) (i32.const 2))))
    (local.set $end (i32.add (local.get $mask) (local.get $m)))
    (block $done
      (br_if $done (i32.eqz (local.get $m)))
      (loop $rows
        (if (i32.load8_u (local.get $mask))
          (then
            (local.set $t (i32.add (local.get $table)
              (i32.shl (i32.trunc_f64_u (f64.sub (f64.load (local.get $k)) (local.get $min))) (i32.const 2))))
            (local.set $id (i32.load (local.get $t)))
            (if (i32.lt_s (local.get $id) (i32.const 0))
              (then
                (local.set $id (local.get $g))
                (i32.store (local.get $t) (local.get $g))
                (local.set $g (i32.add (local.get $g) (i32.const 1)))))
            (local.set $c (i32.add (local.get $counts) (i32.shl (local.get $id) (i32.const 2))))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
            (i32.store (local.get $out) (local.get $id))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))))
        (local.set $k (i32.add (local.get $k) (i32.const 8)))
        (local.set $mask (i32.add (local.get $mask) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $mask) (local.get $end)))))
    (i32.store (local.get $state) (local.get $g))
    (i32.store offset=4 (local.get $state) (i32.shr_u (i32.sub (local.get $out) (local.get $ids)) (i32.const 2))))

  ;; Two keys (an interaction a#b): slot = (a − min_a)·span_b + (b − min_b).
  (func (export "fact2") (param $m i32) (param $mask i32) (param $ka i32) (param $mina f64)
                         (param $kb i32) (param $minb f64) (param $spanb i32)
                         (param $table i32) (param $counts i32) (param $ids i32) (param $state i32)
    (local $end i32) (local $g i32) (local $out i32) (local $t i32) (local $id i32) (local $c i32)
    (local.set $g (i32.load (local.get $state)))
    (local.set $out (i32.add (local.get $ids) (i32.shl (i32.load offset=4 (local.get $state)) (i32.const 2))))
    (local.set $end (i32.add (local.get $mask) (local.get $m)))
    (block $done
      (br_if $done (i32.eqz (local.get $m)))
      (loop $rows
        (if (i32.load8_u (local.get $mask))
          (then
            (local.set $t (i32.add (local.get $table) (i32.shl
              (i32.add
                (i32.mul (i32.trunc_f64_u (f64.sub (f64.load (local.get $ka)) (local.get $mina))) (local.get $spanb))
                (i32.trunc_f64_u (f64.sub (f64.load (local.get $kb)) (local.get $minb))))
              (i32.const 2))))
            (local.set $id (i32.load (local.get $t)))
            (if (i32.lt_s (local.get $id) (i32.const 0))
              (then
                (local.set $id (local.get $g))
                (i32.store (local.get $t) (local.get $g))
                (local.set $g (i32.add (local.get $g) (i32.const 1)))))
            (local.set $c (i32.add (local.get $counts) (i32.shl (local.get $id) (i32.const 2))))
            (i32.store (local.get $c) (i32.add (i32.load (local.get $c)) (i32.const 1)))
            (i32.store (local.get $out) (local.get $id))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))))
        (local.set $ka (i32.add (local.get $ka) (i32.const 8)))
        (local.set $kb (i32.add (local.get $kb) (i32.const 8)))
        (local.set $mask (i32.add (local.get $mask) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $mask) (local.get $end)))))
    (i32.store (local.get $state) (local.get $g))
    (i32.store offset=4 (local.get $state) (i32.shr_u (i32.sub (local.get $out) (local.get $ids)) (i32.const 2))))

  ;; One singleton pass over rows [0, m) of three factors (a factor used twice, with counts that
  ;; never reach 2, stands in for a missing one): a kept row whose level has one row in any factor
  ;; is dropped and its levels' counts decremented. Returns the rows dropped, with bit 31 set when
  ;; some count fell to exactly 1 (another pass is needed).
  (func (export "drop3") (param $m i32) (param $i1 i32) (param $i2 i32) (param $i3 i32)
                         (param $c1 i32) (param $c2 i32) (param $c3 i32) (param $keep i32) (result i32)
    (local $end i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $v1 i32) (local $v2 i32) (local $v3 i32)
    (local $dropped i32) (local $again i32)
    (if (i32.eqz (local.get $m)) (then (return (i32.const 0))))
    (local.set $end (i32.add (local.get $keep) (local.get $m)))
    (loop $rows
      (if (i32.load8_u (local.get $keep))
        (then
          (local.set $p1 (i32.add (local.get $c1) (i32.shl (i32.load (local.get $i1)) (i32.const 2))))
          (local.set $p2 (i32.add (local.get $c2) (i32.shl (i32.load (local.get $i2)) (i32.const 2))))
          (local.set $p3 (i32.add (local.get $c3) (i32.shl (i32.load (local.get $i3)) (i32.const 2))))
          (local.set $v1 (i32.load (local.get $p1)))
          (local.set $v2 (i32.load (local.get $p2)))
          (local.set $v3 (i32.load (local.get $p3)))
          (if (i32.or (i32.or (i32.eq (local.get $v1) (i32.const 1)) (i32.eq (local.get $v2) (i32.const 1)))
                      (i32.eq (local.get $v3) (i32.const 1)))
            (then
              (i32.store8 (local.get $keep) (i32.const 0))
              (local.set $dropped (i32.add (local.get $dropped) (i32.const 1)))
              (i32.store (local.get $p1) (i32.sub (local.get $v1) (i32.const 1)))
              (i32.store (local.get $p2) (i32.sub (i32.load (local.get $p2)) (i32.const 1)))
              (i32.store (local.get $p3) (i32.sub (i32.load (local.get $p3)) (i32.const 1)))
              (local.set $again (i32.or (local.get $again)
                (i32.or (i32.or (i32.eq (local.get $v1) (i32.const 2)) (i32.eq (local.get $v2) (i32.const 2)))
                        (i32.eq (local.get $v3) (i32.const 2)))))))))
      (local.set $keep (i32.add (local.get $keep) (i32.const 1)))
      (local.set $i1 (i32.add (local.get $i1) (i32.const 4)))
      (local.set $i2 (i32.add (local.get $i2) (i32.const 4)))
      (local.set $i3 (i32.add (local.get $i3) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $keep) (local.get $end))))
    (i32.or (local.get $dropped) (i32.shl (local.get $again) (i32.const 31))))

  ;; The kept rows' levels renumbered densely in order of first appearance (remap: old → new, −1 =
  ;; not seen), packed to the front of ids itself. Returns the levels left.
  (func (export "subset") (param $m i32) (param $ids i32) (param $keep i32) (param $remap i32) (result i32)
    (local $end i32) (local $out i32) (local $p i32) (local $id i32) (local $g i32)
    (if (i32.eqz (local.get $m)) (then (return (i32.const 0))))
    (local.set $out (local.get $ids))
    (local.set $end (i32.add (local.get $keep) (local.get $m)))
    (loop $rows
      (if (i32.load8_u (local.get $keep))
        (then
          (local.set $p (i32.add (local.get $remap) (i32.shl (i32.load (local.get $ids)) (i32.const 2))))
          (local.set $id (i32.load (local.get $p)))
          (if (i32.lt_s (local.get $id) (i32.const 0))
            (then
              (local.set $id (local.get $g))
              (i32.store (local.get $p) (local.get $g))
              (local.set $g (i32.add (local.get $g) (i32.const 1)))))
          (i32.store (local.get $out) (local.get $id))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))))
      (local.set $keep (i32.add (local.get $keep) (i32.const 1)))
      (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
      (br_if $rows (i32.lt_u (local.get $keep) (local.get $end))))
    (local.get $g))
)
