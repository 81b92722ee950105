;; SHA-1 (FIPS 180-4, section 6.1) for git's blob ids: generators/shared/sha1.ts writes the
;; message at MESSAGE and calls $hash with its length; the 20-byte digest is left at DIGEST.
;; scripts/assemble-sha1.mjs turns this file into generators/shared/sha1-wasm.ts (wabt), and
;; test/unit/sha1.test.ts checks both that the two agree and the digests against node:crypto.
;;
;; Memory: DIGEST = 0 (20 bytes), W = 64 (the 80-word message schedule), MESSAGE = 1024 (the
;; message, padded in place: room for 72 bytes past it must be there; the caller grows memory).
(module
  (memory (export "memory") 2)

  ;; a 32-bit word from little-endian memory order to big-endian, and back
  (func $bswap (param $x i32) (result i32)
    (i32.or
      (i32.or (i32.shl (local.get $x) (i32.const 24)) (i32.and (i32.shl (local.get $x) (i32.const 8)) (i32.const 0xff0000)))
      (i32.or (i32.and (i32.shr_u (local.get $x) (i32.const 8)) (i32.const 0xff00)) (i32.shr_u (local.get $x) (i32.const 24)))))

  (func (export "hash") (param $len i32)
    (local $total i32) (local $end i32) (local $block i32) (local $i i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32) (local $k i32) (local $t i32)
    (local $h0 i32) (local $h1 i32) (local $h2 i32) (local $h3 i32) (local $h4 i32)

    ;; padding (5.1.1): a 1 bit, zeros up to 8 bytes short of a 64-byte block, the length in bits
    ;; as a 64-bit big-endian number (the high word is the length's top 3 bits)
    (local.set $total (i32.shl (i32.add (i32.shr_u (i32.add (local.get $len) (i32.const 8)) (i32.const 6)) (i32.const 1)) (i32.const 6)))
    (local.set $end (i32.add (i32.const 1024) (local.get $total)))
    (i32.store8 (i32.add (i32.const 1024) (local.get $len)) (i32.const 0x80))
    (memory.fill (i32.add (i32.const 1025) (local.get $len)) (i32.const 0) (i32.sub (i32.sub (local.get $total) (local.get $len)) (i32.const 1)))
    (i32.store (i32.sub (local.get $end) (i32.const 8)) (call $bswap (i32.shr_u (local.get $len) (i32.const 29))))
    (i32.store (i32.sub (local.get $end) (i32.const 4)) (call $bswap (i32.shl (local.get $len) (i32.const 3))))

    (local.set $h0 (i32.const 0x67452301))
    (local.set $h1 (i32.const 0xefcdab89))
    (local.set $h2 (i32.const 0x98badcfe))
    (local.set $h3 (i32.const 0x10325476))
    (local.set $h4 (i32.const 0xc3d2e1f0))

    (local.set $block (i32.const 1024))
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $block) (local.get $end)))

        ;; the schedule (6.1.2 step 1): the block's 16 words, then W[i] = ROTL1(W[i-3] ^ W[i-8] ^ W[i-14] ^ W[i-16])
        (local.set $i (i32.const 0))
        (loop $words
          (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))
            (call $bswap (i32.load (i32.add (local.get $block) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $words (i32.lt_u (local.get $i) (i32.const 16))))
        (loop $schedule
          (i32.store (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))
            (i32.rotl
              (i32.xor
                (i32.xor (i32.load (i32.add (i32.const 52) (i32.shl (local.get $i) (i32.const 2))))
                         (i32.load (i32.add (i32.const 32) (i32.shl (local.get $i) (i32.const 2)))))
                (i32.xor (i32.load (i32.add (i32.const 8) (i32.shl (local.get $i) (i32.const 2))))
                         (i32.load (i32.shl (local.get $i) (i32.const 2)))))
              (i32.const 1)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $schedule (i32.lt_u (local.get $i) (i32.const 80))))

        ;; the 80 rounds (steps 2 to 4): Ch, Parity, Maj, Parity, twenty rounds each
        (local.set $a (local.get $h0))
        (local.set $b (local.get $h1))
        (local.set $c (local.get $h2))
        (local.set $d (local.get $h3))
        (local.set $e (local.get $h4))
        (local.set $i (i32.const 0))
        (loop $rounds
          (if (i32.lt_u (local.get $i) (i32.const 20))
            (then
              (local.set $f (i32.or (i32.and (local.get $b) (local.get $c)) (i32.and (i32.xor (local.get $b) (i32.const -1)) (local.get $d))))
              (local.set $k (i32.const 0x5a827999)))
            (else (if (i32.lt_u (local.get $i) (i32.const 40))
              (then
                (local.set $f (i32.xor (i32.xor (local.get $b) (local.get $c)) (local.get $d)))
                (local.set $k (i32.const 0x6ed9eba1)))
              (else (if (i32.lt_u (local.get $i) (i32.const 60))
                (then
                  (local.set $f (i32.or (i32.or (i32.and (local.get $b) (local.get $c)) (i32.and (local.get $b) (local.get $d))) (i32.and (local.get $c) (local.get $d))))
                  (local.set $k (i32.const 0x8f1bbcdc)))
                (else
                  (local.set $f (i32.xor (i32.xor (local.get $b) (local.get $c)) (local.get $d)))
                  (local.set $k (i32.const 0xca62c1d6))))))))
          (local.set $t
            (i32.add
              (i32.add (i32.rotl (local.get $a) (i32.const 5)) (local.get $f))
              (i32.add (i32.add (local.get $e) (local.get $k)) (i32.load (i32.add (i32.const 64) (i32.shl (local.get $i) (i32.const 2)))))))
          (local.set $e (local.get $d))
          (local.set $d (local.get $c))
          (local.set $c (i32.rotl (local.get $b) (i32.const 30)))
          (local.set $b (local.get $a))
          (local.set $a (local.get $t))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $rounds (i32.lt_u (local.get $i) (i32.const 80))))

        (local.set $h0 (i32.add (local.get $h0) (local.get $a)))
        (local.set $h1 (i32.add (local.get $h1) (local.get $b)))
        (local.set $h2 (i32.add (local.get $h2) (local.get $c)))
        (local.set $h3 (i32.add (local.get $h3) (local.get $d)))
        (local.set $h4 (i32.add (local.get $h4) (local.get $e)))
        (local.set $block (i32.add (local.get $block) (i32.const 64)))
        (br $blocks)))

    (i32.store (i32.const 0) (call $bswap (local.get $h0)))
    (i32.store (i32.const 4) (call $bswap (local.get $h1)))
    (i32.store (i32.const 8) (call $bswap (local.get $h2)))
    (i32.store (i32.const 12) (call $bswap (local.get $h3)))
    (i32.store (i32.const 16) (call $bswap (local.get $h4)))))
