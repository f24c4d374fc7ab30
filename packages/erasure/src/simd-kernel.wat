;; The fast kernel of the erasure codec: GF(2^8) matrix-times-shards with WebAssembly SIMD.
;; Assembled into simd-kernel.wasm by `pnpm --filter @scale-models/erasure assemble`;
;; src/wasm-kernel.ts stages shards in this memory and calls the exports.
;;
;; The trick (ISA-L's, and every fast Reed-Solomon since): multiplying by a constant c is
;; linear over XOR, so for a byte x = (h << 4) ^ l
;;     c * x = c * (h << 4)  ^  c * l
;; and each half has only 16 possible values. Two 16-entry tables per constant therefore
;; multiply 16 bytes at once with two byte shuffles (i8x16.swizzle: x86 pshufb, Arm tbl)
;; and an XOR, instead of 16 lookups in a 256-entry table.
;;
;; We use i8x16.relaxed_swizzle: for lane indices 0..15 it is defined to equal i8x16.swizzle
;; on every engine, and our indices are always nibbles; it only lets the engine drop the
;; out-of-range fix-up that plain swizzle needs on x86 (one instruction per lookup).
;;
;; Memory layout, chosen by the caller:
;;   input i of `count`        at  inputs + i * stride
;;   output r                  at  outputs + r * stride
;;   tables of coefficient (r, i), 32 bytes at tables + (r * count + i) * 32:
;;       16 bytes c * l for l = 0..15, then 16 bytes c * (h << 4) for h = 0..15
;; `length` is a multiple of 64 and `count` is at least 1.
(module
  (import "kernel" "memory" (memory 1))

  ;; c * bytes, given c's two tables and the low and high nibbles of the 16 bytes.
  (func $product
    (param $lowTable v128) (param $highTable v128) (param $low v128) (param $high v128)
    (result v128)
    (v128.xor
      (i8x16.relaxed_swizzle (local.get $lowTable) (local.get $low))
      (i8x16.relaxed_swizzle (local.get $highTable) (local.get $high))))

  ;; Two outputs at once: each 64-byte column of an input is loaded and split into nibbles
  ;; once and feeds both rows. Eight accumulators, four tables, the nibbles and the mask about
  ;; fill the sixteen x86 vector registers (V8 spills two accumulators); four rows or wider
  ;; columns spilled more and measured slower.
  (func (export "dot2")
    (param $tables i32) (param $inputs i32) (param $count i32) (param $stride i32)
    (param $outputs i32) (param $length i32)
    (local $offset i32) (local $input i32) (local $table i32) (local $left i32)
    (local $rowBytes i32) (local $output i32)
    (local $mask v128) (local $bytes v128) (local $low v128) (local $high v128)
    (local $lowA v128) (local $highA v128) (local $lowB v128) (local $highB v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $mask (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $rowBytes (i32.shl (local.get $count) (i32.const 5)))
    (block $done
      (loop $columns
        (br_if $done (i32.ge_u (local.get $offset) (local.get $length)))
        (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0)) (local.set $b1 (v128.const i64x2 0 0))
        (local.set $b2 (v128.const i64x2 0 0)) (local.set $b3 (v128.const i64x2 0 0))
        (local.set $input (i32.add (local.get $inputs) (local.get $offset)))
        (local.set $table (local.get $tables))
        (local.set $left (local.get $count))
        (loop $eachInput
          (local.set $lowA (v128.load (local.get $table)))
          (local.set $highA (v128.load offset=16 (local.get $table)))
          (local.set $lowB (v128.load (i32.add (local.get $table) (local.get $rowBytes))))
          (local.set $highB (v128.load offset=16 (i32.add (local.get $table) (local.get $rowBytes))))

          (local.set $bytes (v128.load offset=0 (local.get $input)))
          (local.set $low (v128.and (local.get $bytes) (local.get $mask)))
          (local.set $high (v128.and (i16x8.shr_u (local.get $bytes) (i32.const 4)) (local.get $mask)))
          (local.set $a0 (v128.xor (local.get $a0)
            (call $product (local.get $lowA) (local.get $highA) (local.get $low) (local.get $high))))
          (local.set $b0 (v128.xor (local.get $b0)
            (call $product (local.get $lowB) (local.get $highB) (local.get $low) (local.get $high))))

          (local.set $bytes (v128.load offset=16 (local.get $input)))
          (local.set $low (v128.and (local.get $bytes) (local.get $mask)))
          (local.set $high (v128.and (i16x8.shr_u (local.get $bytes) (i32.const 4)) (local.get $mask)))
          (local.set $a1 (v128.xor (local.get $a1)
            (call $product (local.get $lowA) (local.get $highA) (local.get $low) (local.get $high))))
          (local.set $b1 (v128.xor (local.get $b1)
            (call $product (local.get $lowB) (local.get $highB) (local.get $low) (local.get $high))))

          (local.set $bytes (v128.load offset=32 (local.get $input)))
          (local.set $low (v128.and (local.get $bytes) (local.get $mask)))
          (local.set $high (v128.and (i16x8.shr_u (local.get $bytes) (i32.const 4)) (local.get $mask)))
          (local.set $a2 (v128.xor (local.get $a2)
            (call $product (local.get $lowA) (local.get $highA) (local.get $low) (local.get $high))))
          (local.set $b2 (v128.xor (local.get $b2)
            (call $product (local.get $lowB) (local.get $highB) (local.get $low) (local.get $high))))

          (local.set $bytes (v128.load offset=48 (local.get $input)))
          (local.set $low (v128.and (local.get $bytes) (local.get $mask)))
          (local.set $high (v128.and (i16x8.shr_u (local.get $bytes) (i32.const 4)) (local.get $mask)))
          (local.set $a3 (v128.xor (local.get $a3)
            (call $product (local.get $lowA) (local.get $highA) (local.get $low) (local.get $high))))
          (local.set $b3 (v128.xor (local.get $b3)
            (call $product (local.get $lowB) (local.get $highB) (local.get $low) (local.get $high))))

          (local.set $input (i32.add (local.get $input) (local.get $stride)))
          (local.set $table (i32.add (local.get $table) (i32.const 32)))
          (br_if $eachInput (local.tee $left (i32.sub (local.get $left) (i32.const 1)))))
        (local.set $output (i32.add (local.get $outputs) (local.get $offset)))
        (v128.store offset=0 (local.get $output) (local.get $a0))
        (v128.store offset=16 (local.get $output) (local.get $a1))
        (v128.store offset=32 (local.get $output) (local.get $a2))
        (v128.store offset=48 (local.get $output) (local.get $a3))
        (local.set $output (i32.add (local.get $output) (local.get $stride)))
        (v128.store offset=0 (local.get $output) (local.get $b0))
        (v128.store offset=16 (local.get $output) (local.get $b1))
        (v128.store offset=32 (local.get $output) (local.get $b2))
        (v128.store offset=48 (local.get $output) (local.get $b3))
        (local.set $offset (i32.add (local.get $offset) (i32.const 64)))
        (br $columns))))

  ;; One output: dot2 without row B, for the last row when the row count is odd.
  (func (export "dot1")
    (param $tables i32) (param $inputs i32) (param $count i32) (param $stride i32)
    (param $outputs i32) (param $length i32)
    (local $offset i32) (local $input i32) (local $table i32) (local $left i32)
    (local $output i32)
    (local $mask v128) (local $bytes v128) (local $low v128) (local $high v128)
    (local $lowA v128) (local $highA v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $mask (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (block $done
      (loop $columns
        (br_if $done (i32.ge_u (local.get $offset) (local.get $length)))
        (local.set $a0 (v128.const i64x2 0 0)) (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0)) (local.set $a3 (v128.const i64x2 0 0))
        (local.set $input (i32.add (local.get $inputs) (local.get $offset)))
        (local.set $table (local.get $tables))
        (local.set $left (local.get $count))
        (loop $eachInput
          (local.set $lowA (v128.load (local.get $table)))
          (local.set $highA (v128.load offset=16 (local.get $table)))

          (local.set $bytes (v128.load offset=0 (local.get $input)))
          (local.set $low (v128.and (local.get $bytes) (local.get $mask)))
          (local.set $high (v128.and (i16x8.shr_u (local.get $bytes) (i32.const 4)) (local.get $mask)))
          (local.set $a0 (v128.xor (local.get $a0)
            (call $product (local.get $lowA) (local.get $highA) (local.get $low) (local.get $high))))

          (local.set $bytes (v128.load offset=16 (local.get $input)))
          (local.set $low (v128.and (local.get $bytes) (local.get $mask)))
          (local.set $high (v128.and (i16x8.shr_u (local.get $bytes) (i32.const 4)) (local.get $mask)))
          (local.set $a1 (v128.xor (local.get $a1)
            (call $product (local.get $lowA) (local.get $highA) (local.get $low) (local.get $high))))

          (local.set $bytes (v128.load offset=32 (local.get $input)))
          (local.set $low (v128.and (local.get $bytes) (local.get $mask)))
          (local.set $high (v128.and (i16x8.shr_u (local.get $bytes) (i32.const 4)) (local.get $mask)))
          (local.set $a2 (v128.xor (local.get $a2)
            (call $product (local.get $lowA) (local.get $highA) (local.get $low) (local.get $high))))

          (local.set $bytes (v128.load offset=48 (local.get $input)))
          (local.set $low (v128.and (local.get $bytes) (local.get $mask)))
          (local.set $high (v128.and (i16x8.shr_u (local.get $bytes) (i32.const 4)) (local.get $mask)))
          (local.set $a3 (v128.xor (local.get $a3)
            (call $product (local.get $lowA) (local.get $highA) (local.get $low) (local.get $high))))

          (local.set $input (i32.add (local.get $input) (local.get $stride)))
          (local.set $table (i32.add (local.get $table) (i32.const 32)))
          (br_if $eachInput (local.tee $left (i32.sub (local.get $left) (i32.const 1)))))
        (local.set $output (i32.add (local.get $outputs) (local.get $offset)))
        (v128.store offset=0 (local.get $output) (local.get $a0))
        (v128.store offset=16 (local.get $output) (local.get $a1))
        (v128.store offset=32 (local.get $output) (local.get $a2))
        (v128.store offset=48 (local.get $output) (local.get $a3))
        (local.set $offset (i32.add (local.get $offset) (i32.const 64)))
        (br $columns))))
)
