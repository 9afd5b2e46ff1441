;; The engine's own WASM kernels, four float32 lanes at a time (128-bit SIMD), on the memory of
;; TF.js's WASM backend (imported): simd.ts instantiates the module on that memory, and the kernels
;; call its functions with the byte addresses of TF.js's tensors. `npm run wasm-kernels` assembles
;; it into simd-module.ts.
(module
  (import "env" "memory" (memory 1))

  ;; Relu6's input gradient: dx = dy * m, m 1 where 0 < x <= 6, 0 elsewhere, and x itself where x
  ;; is NaN: TF.js's dy * (lessEqual(x, 6) * step(x)) bit for bit (-0 and NaN included), over
  ;; `count` values (a multiple of 4; the caller does the rest).
  (func (export "relu6InputGradient")
    (param $dy i32) (param $x i32) (param $dx i32) (param $count i32)
    (local $p i32) (local $end i32) (local $v v128)
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (local.set $p (i32.const 0))
    (block $done (loop $values
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $v (v128.load (i32.add (local.get $x) (local.get $p))))
      (v128.store (i32.add (local.get $dx) (local.get $p))
        (f32x4.mul
          (v128.load (i32.add (local.get $dy) (local.get $p)))
          (v128.or
            (v128.and
              (v128.and
                (f32x4.gt (local.get $v) (v128.const f32x4 0 0 0 0))
                (f32x4.le (local.get $v) (v128.const f32x4 6 6 6 6)))
              (v128.const f32x4 1 1 1 1))
            (v128.and (local.get $v) (f32x4.ne (local.get $v) (local.get $v))))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $values)))
  )

  ;; The input gradient of a 2D max pool, NHWC: each window's dy is added at the first position,
  ;; in row-major window order, whose x equals the window's maximum y (the forward pool's output),
  ;; as TF.js's CPU MaxPoolGrad does, ties and negative windows included. dx must be zero on
  ;; entry; channels from `channels4` (a multiple of 4) to `channels` are left to the caller.
  (func (export "scatterToMaxima")
    (param $x i32) (param $y i32) (param $dy i32) (param $dx i32)
    (param $batch i32) (param $inHeight i32) (param $inWidth i32)
    (param $channels i32) (param $channels4 i32)
    (param $outHeight i32) (param $outWidth i32)
    (param $strideHeight i32) (param $strideWidth i32)
    (param $filterHeight i32) (param $filterWidth i32)
    (param $top i32) (param $left i32)
    (local $pixel i32) (local $row i32) (local $image i32) (local $image4 i32)
    (local $n i32) (local $i i32) (local $j i32) (local $k i32)
    (local $r i32) (local $r0 i32) (local $r1 i32)
    (local $c i32) (local $c0 i32) (local $c1 i32)
    (local $o i32) (local $p i32) (local $rowStart i32)
    (local $max v128) (local $grad v128) (local $pending v128) (local $hit v128)
    (local $at v128)
    ;; Bytes per input pixel, per input row, per image.
    (local.set $pixel (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $row (i32.mul (local.get $pixel) (local.get $inWidth)))
    (local.set $image (i32.mul (local.get $row) (local.get $inHeight)))
    (local.set $channels4 (i32.shl (local.get $channels4) (i32.const 2)))
    (if (i32.eqz (local.get $channels4)) (then (return)))
    ;; $o: the byte offset of y's and dy's (n, i, j, 0); $image4: x's and dx's of (n, 0, 0, 0).
    (local.set $o (i32.const 0))
    (local.set $image4 (i32.const 0))
    (local.set $n (i32.const 0))
    (block $batchDone (loop $batchLoop
      (br_if $batchDone (i32.ge_u (local.get $n) (local.get $batch)))
      (local.set $i (i32.const 0))
      (block $rowsDone (loop $rowsLoop
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $outHeight)))
        ;; The window's rows [r0, r1), clipped to the image.
        (local.set $r0
          (i32.sub (i32.mul (local.get $i) (local.get $strideHeight)) (local.get $top)))
        (local.set $r1 (i32.add (local.get $r0) (local.get $filterHeight)))
        (if (i32.lt_s (local.get $r0) (i32.const 0)) (then (local.set $r0 (i32.const 0))))
        (if (i32.gt_s (local.get $r1) (local.get $inHeight))
          (then (local.set $r1 (local.get $inHeight))))
        (local.set $j (i32.const 0))
        (block $colsDone (loop $colsLoop
          (br_if $colsDone (i32.ge_u (local.get $j) (local.get $outWidth)))
          (local.set $c0
            (i32.sub (i32.mul (local.get $j) (local.get $strideWidth)) (local.get $left)))
          (local.set $c1 (i32.add (local.get $c0) (local.get $filterWidth)))
          (if (i32.lt_s (local.get $c0) (i32.const 0)) (then (local.set $c0 (i32.const 0))))
          (if (i32.gt_s (local.get $c1) (local.get $inWidth))
            (then (local.set $c1 (local.get $inWidth))))
          (local.set $k (i32.const 0))
          (block $channelsDone (loop $channelsLoop
            ;; Four channels: their maxima, their dy, and which of them are still to place.
            (local.set $max (v128.load (i32.add (local.get $y) (i32.add (local.get $o) (local.get $k)))))
            (local.set $grad (v128.load (i32.add (local.get $dy) (i32.add (local.get $o) (local.get $k)))))
            (local.set $pending (v128.const i32x4 -1 -1 -1 -1))
            (local.set $r (local.get $r0))
            (block $windowRowsDone (loop $windowRowsLoop
              (br_if $windowRowsDone (i32.ge_s (local.get $r) (local.get $r1)))
              (local.set $rowStart
                (i32.add
                  (i32.add (local.get $image4) (i32.mul (local.get $r) (local.get $row)))
                  (i32.add (i32.mul (local.get $c0) (local.get $pixel)) (local.get $k))))
              (local.set $p (local.get $rowStart))
              (local.set $c (local.get $c0))
              (block $windowColsDone (loop $windowColsLoop
                (br_if $windowColsDone (i32.ge_s (local.get $c) (local.get $c1)))
                ;; The channels whose maximum is here and not yet placed take their dy.
                (local.set $hit
                  (v128.and
                    (f32x4.eq (v128.load (i32.add (local.get $x) (local.get $p))) (local.get $max))
                    (local.get $pending)))
                (local.set $pending (v128.andnot (local.get $pending) (local.get $hit)))
                (local.set $at (v128.load (i32.add (local.get $dx) (local.get $p))))
                (v128.store (i32.add (local.get $dx) (local.get $p))
                  (v128.bitselect
                    (f32x4.add (local.get $at) (local.get $grad))
                    (local.get $at)
                    (local.get $hit)))
                (local.set $p (i32.add (local.get $p) (local.get $pixel)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br $windowColsLoop)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br $windowRowsLoop)))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br_if $channelsLoop (i32.lt_u (local.get $k) (local.get $channels4)))))
          (local.set $o (i32.add (local.get $o) (local.get $pixel)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $colsLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rowsLoop)))
      (local.set $image4 (i32.add (local.get $image4) (local.get $image)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $batchLoop)))))
