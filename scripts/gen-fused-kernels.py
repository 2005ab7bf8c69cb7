# Prints the fused chunk kernels of src/engine/fe/wasm/kernels.wat (the section between the
# "Fused chunk kernels" banner and "Level counts"): for S = 2, 4, 8, 10 (L = 1, 2, 4, 5 f64x2
# registers) and Q = 2, 3 factors,
#   gather_sS_qQ: reads a chunk of x column by column (column c at xc + c·CS8), adds each row into
#     every factor's group sums and into the column moments (Σx, Σx² at mom, mom + 8S);
#   resid_sS_qQ: x − α_0[id_0] − … − α_{Q−1}[id_{Q−1}] per row, Σ of its squares (at sq), then
#     + shift, written back into the chunk column by column.
# They replace interleave + moments + Q × sums_s and Q × sub_s + squares_shift + deinterleave: the
# same arithmetic in the same order lane by lane (the running moments and squares are loaded from
# memory at entry and stored at exit, so the sums continue across chunks exactly as before).
# `python3 scripts/gen-fused-kernels.py` prints them all.
SH = {1: 4, 2: 5, 4: 6}

def row(L, expr):
    return f'(i32.shl {expr} (i32.const {SH[L]}))' if L in SH else f'(i32.mul {expr} (i32.const {16 * L}))'

def cols_setup(L):
    out = []
    for c in range(2 * L):
        out.append(f'    (local.set $c{c} (i32.add (local.get $xc) (i32.mul (local.get $CS8) (i32.const {c}))))')
    return out

def load_row(L, k):
    return (f'(f64x2.replace_lane 1 (f64x2.splat (f64.load (i32.add (local.get $c{2*k}) (local.get $o))))'
            f' (f64.load (i32.add (local.get $c{2*k+1}) (local.get $o))))')

def head(name, params, vectors, L):
    # signature (chunk size, chunk, column stride, then `params`), locals, the column addresses
    return ([f'  (func (export "{name}") (param $m i32) (param $xc i32) (param $CS8 i32) {params}',
             '    ' + ' '.join(f'(local $c{c} i32)' for c in range(2 * L)) + ' (local $o i32) (local $end i32) (local $p i32)',
             '    ' + ' '.join(f'(local ${v}{k} v128)' for k in range(L) for v in vectors.split()),
             '    (if (i32.eqz (local.get $m)) (then (return)))']
            + cols_setup(L))

def kernel_gather(L, Q):
    S = 2 * L
    p = ' '.join(f'(param $id{q} i32) (param $sx{q} i32)' for q in range(Q))
    out = head(f'gather_s{S}_q{Q}', f'(param $mom i32) {p}', 'v s q', L)
    for k in range(L):
        out.append(f'    (local.set $s{k} (v128.load offset={16*k} (local.get $mom)))')
        out.append(f'    (local.set $q{k} (v128.load offset={8*S + 16*k} (local.get $mom)))')
    out.append('    (local.set $end (i32.shl (local.get $m) (i32.const 3)))')
    out.append('    (loop $rows')
    for k in range(L):
        out.append(f'      (local.set $v{k} {load_row(L, k)})')
        out.append(f'      (local.set $s{k} (f64x2.add (local.get $s{k}) (local.get $v{k})))')
        out.append(f'      (local.set $q{k} (f64x2.add (local.get $q{k}) (f64x2.mul (local.get $v{k}) (local.get $v{k}))))')
    for q in range(Q):
        out.append(f'      (local.set $p (i32.add (local.get $sx{q}) {row(L, f"(i32.load (local.get $id{q}))")}))')
        for k in range(L):
            out.append(f'      (v128.store offset={16*k} (local.get $p) (f64x2.add (v128.load offset={16*k} (local.get $p)) (local.get $v{k})))')
        out.append(f'      (local.set $id{q} (i32.add (local.get $id{q}) (i32.const 4)))')
    out.append('      (local.set $o (i32.add (local.get $o) (i32.const 8)))')
    out.append('      (br_if $rows (i32.lt_u (local.get $o) (local.get $end))))')
    for k in range(L):
        out.append(f'    (v128.store offset={16*k} (local.get $mom) (local.get $s{k}))')
        out.append(f'    (v128.store offset={8*S + 16*k} (local.get $mom) (local.get $q{k}))' + (')' if k == L - 1 else ''))
    return out

def kernel_resid(L, Q):
    S = 2 * L
    p = ' '.join(f'(param $id{q} i32) (param $a{q} i32)' for q in range(Q))
    out = head(f'resid_s{S}_q{Q}', f'(param $sq i32) (param $shf i32) {p}', 'v q h', L)
    for k in range(L):
        out.append(f'    (local.set $q{k} (v128.load offset={16*k} (local.get $sq)))')
        out.append(f'    (local.set $h{k} (v128.load offset={16*k} (local.get $shf)))')
    out.append('    (local.set $end (i32.shl (local.get $m) (i32.const 3)))')
    out.append('    (loop $rows')
    for k in range(L):
        out.append(f'      (local.set $v{k} {load_row(L, k)})')
    for q in range(Q):
        out.append(f'      (local.set $p (i32.add (local.get $a{q}) {row(L, f"(i32.load (local.get $id{q}))")}))')
        for k in range(L):
            out.append(f'      (local.set $v{k} (f64x2.sub (local.get $v{k}) (v128.load offset={16*k} (local.get $p))))')
        out.append(f'      (local.set $id{q} (i32.add (local.get $id{q}) (i32.const 4)))')
    for k in range(L):
        out.append(f'      (local.set $q{k} (f64x2.add (local.get $q{k}) (f64x2.mul (local.get $v{k}) (local.get $v{k}))))')
        out.append(f'      (local.set $v{k} (f64x2.add (local.get $v{k}) (local.get $h{k})))')
        out.append(f'      (f64.store (i32.add (local.get $c{2*k}) (local.get $o)) (f64x2.extract_lane 0 (local.get $v{k})))')
        out.append(f'      (f64.store (i32.add (local.get $c{2*k+1}) (local.get $o)) (f64x2.extract_lane 1 (local.get $v{k})))')
    out.append('      (local.set $o (i32.add (local.get $o) (i32.const 8)))')
    out.append('      (br_if $rows (i32.lt_u (local.get $o) (local.get $end))))')
    for k in range(L):
        out.append(f'    (v128.store offset={16*k} (local.get $sq) (local.get $q{k}))' + (')' if k == L - 1 else ''))
    return out

src = [';; ---------------------------------------------------------------------------------------------',
       ';; Fused chunk kernels (generated by scripts/gen-fused-kernels.py): the group sums and moments of',
       ';; a chunk of x in one pass over it, and its residuals, their squares and shift in one pass, both',
       ';; reading (and writing) the chunk column by column. Lane by lane the same arithmetic, in the same',
       ';; order, as the separate kernels and the JS twins.',
       '']
for L in (4, 5, 2, 1):
    for Q in (3, 2):
        src += kernel_gather(L, Q) + [''] + kernel_resid(L, Q) + ['']
print('\n'.join(src))
