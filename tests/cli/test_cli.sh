#!/usr/bin/env bash
# test_cli.sh - the native CLI: JSON shape, seeds aggregation, CSV files, and
# exit status 2 with one line on stderr for every bad flag or value.
#
#   bash tests/cli/test_cli.sh                  the optimised build/gradlab
#   GRADLAB=build/gradlab_san bash tests/cli/test_cli.sh
#                                               under ASan/UBSan (make test-c sets
#                                               ASAN_OPTIONS=detect_leaks=1: a leak
#                                               at any exit fails its check)
set -u
cd "$(dirname "$0")/../.."
G=${GRADLAB:-./build/gradlab}
echo "CLI: $G"
pass=0; fail=0
ok()  { pass=$((pass + 1)); echo "  ok    $*"; }
bad() { fail=$((fail + 1)); echo "  FAIL  $*"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

echo "CLI: JSON output"
if $G --arch both --depth 30 --width 32 --block 2 --act sigmoid --init xavier --data spiral --seed 1 --steps 20 --lr 0.1 --record-every 10 --json > "$tmp/a.json"; then
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const need = ["grad_norm","act_grad_norm","act_mean","act_std","saturation","update_ratio","chi","chi_measured","underflow"];
    const p = d.runs.plain, r = d.runs.residual;
    const errs = [];
    if (d.layers.length !== 32) errs.push("layers " + d.layers.length);
    if (d.config.depth !== 30 || d.config.act !== "sigmoid") errs.push("config");
    for (const run of [p, r]) {
      if (run.status !== "ok") errs.push("status " + run.status);
      const steps = run.history.map((h) => h.step).join(",");
      if (steps !== "0,10,20") errs.push("steps " + steps);
      for (const h of run.history) for (const f of need) if (!Array.isArray(h[f]) || h[f].length !== 32 || h[f].some((v) => typeof v !== "number")) errs.push(f);
    }
    const g = p.history[0].grad_norm, gr = r.history[0].grad_norm;
    if (!(Math.log10(g[0] / g[31]) < -15)) errs.push("plain ratio " + Math.log10(g[0] / g[31]));
    if (!(Math.log10(gr[0] / gr[31]) > -3)) errs.push("residual ratio");
    /* a layer card'"'"'s fields: chi is fan_in * weight_var * act_slope_sq (9 digits printed), fan_in 2, 32, ..., 32 */
    for (const run of [p, r]) for (const h of run.history) {
      for (const f of ["weight_norm", "weight_var", "act_slope_sq", "fan_in"]) if (!Array.isArray(h[f]) || h[f].length !== 32 || h[f].some((v) => !(v > 0))) errs.push(f);
      if (h.fan_in && (h.fan_in[0] !== 2 || h.fan_in.slice(1).some((v) => v !== 32))) errs.push("fan_in " + h.fan_in.slice(0, 3));
      if (h.chi && h.chi.some((c, l) => Math.abs(h.fan_in[l] * h.weight_var[l] * h.act_slope_sq[l] - c) > 2e-8 * c)) errs.push("chi != fan_in * weight_var * act_slope_sq");
      if (h.act_slope_sq && h.act_slope_sq[0] !== 1) errs.push("act_slope_sq[1] " + h.act_slope_sq[0]);
    }
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/a.json" && ok "--arch both --json: config, 32 layers, history at steps 0,10,20 with every field, vanishing plain vs residual; chi = fan_in x weight_var x act_slope_sq" || bad "JSON shape"
else bad "the example command failed"; fi

echo "CLI: seeds"
if $G --arch plain --depth 6 --act tanh --steps 10 --record-every 5 --seeds 1..5 --json > "$tmp/s.json"; then
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const h = d.runs.plain.history;
    const ok = d.seeds[0] === 1 && d.seeds[1] === 5 && h.length === 3 && h.every((e) => e.seeds === 5 && e.grad_norm_p10.length === 8 && e.grad_norm_p90.length === 8 && e.grad_norm.every((m, l) => e.grad_norm_p10[l] <= m && m <= e.grad_norm_p90[l]));
    process.exit(ok ? 0 : 1);
  ' "$tmp/s.json" && ok "--seeds 1..5: per-layer median with p10 <= median <= p90" || bad "seeds output"
else bad "--seeds run failed"; fi

echo "CLI: CSV file"
printf 'x,y,label\n0.1,0.2,0\n0.9,0.8,1\n0.2,0.1,0\n0.8,0.9,1\n' > "$tmp/d.csv"
if $G --arch plain --data "$tmp/d.csv" --depth 2 --width 4 --steps 5 --json > "$tmp/c.json"; then
  node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1])); process.exit(d.config.data === "csv" ? 0 : 1)' "$tmp/c.json" && ok "--data FILE.csv trains" || bad "csv config"
else bad "--data FILE.csv failed"; fi
printf '0.1,0.2,0\n0.9,oops,1\n' > "$tmp/bad.csv"

echo "CLI: conv model on the digits"
if $G --model conv --blocks 2 --channels 4 --data digits --arch both --batch 32 --steps 4 --record-every 2 --act relu --init he --json > "$tmp/conv.json"; then
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const need = ["grad_norm","act_grad_norm","act_mean","act_std","saturation","update_ratio","chi","chi_measured","underflow"];
    const errs = [];
    if (d.layers.join(",") !== "conv_1,conv_2,conv_3,conv_4,conv_5,fc") errs.push("layers " + d.layers);
    if (d.config.model !== "conv" || d.config.blocks !== 2 || d.config.channels !== 4 || d.config.data !== "digits") errs.push("config");
    for (const run of [d.runs.plain, d.runs.residual]) {
      if (run.status !== "ok") errs.push("status " + run.status);
      if (run.history.map((h) => h.step).join(",") !== "0,2,4") errs.push("steps");
      for (const h of run.history) {
        for (const f of need) if (!Array.isArray(h[f]) || h[f].length !== 6) errs.push(f);
        if (!(h.test_acc >= 0 && h.test_acc <= 1 && h.test_loss > 0)) errs.push("test_acc");
      }
    }
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/conv.json" && ok "--model conv --blocks 2 --channels 4 --data digits: 6 layers conv_1..fc, every field, test_loss/test_acc" || bad "conv JSON shape"
else bad "the conv command failed"; fi
head -c 1000 web/data/digits-train.bin > "$tmp/short.bin"
if $G --model conv --blocks 2 --channels 2 --data digits --digits-file web/data/digits-train.bin --arch plain --steps 1 --json > "$tmp/c2.json"; then
  node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1])); process.exit(d.runs.plain.history.every((h) => !("test_acc" in h)) ? 0 : 1)' "$tmp/c2.json" && ok "--digits-file without --digits-test-file: no test split, no test_acc" || bad "--digits-file output"
else bad "--digits-file failed"; fi

echo "CLI: a dead stack (relu std 2: the residual stack's every weight gradient is 0 from step 1)"
if $G --arch both --depth 20 --width 32 --act relu --init normal --init-std 2 --steps 30 --json > "$tmp/dead.json" &&
   $G --arch both --depth 20 --width 32 --act relu --init normal --init-std 2 --steps 30 > "$tmp/dead.txt"; then
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const p = d.runs.plain, r = d.runs.residual, errs = [];
    if (p.status !== "diverged" || p.dead_step !== -1) errs.push("plain: " + p.status + ", dead_step " + p.dead_step);
    if (r.status !== "ok" || r.dead_step !== 10) errs.push("residual dead_step " + r.dead_step);
    const dead = r.history.map((h) => h.step + ":" + h.dead).join(",");
    if (dead !== "0:0,10:1,20:1,30:1") errs.push("residual records " + dead);
    if (!p.history.every((h) => h.dead === 0)) errs.push("plain records dead");
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/dead.json" && ok "--json: residual dead_step 10, records dead 0,1,1,1; plain diverged, dead_step -1" || bad "dead in the JSON"
  # the line sits under the residual table, and the plain table has none
  awk '/^residual/ {r = 1} /died at step/ {print (r ? "residual" : "plain") ": " $0}' "$tmp/dead.txt" > "$tmp/died"
  [ "$(cat "$tmp/died")" = "residual:   died at step 10: every layer's weight gradient is 0 or below float32's smallest normal number" ] &&
    ok "the table says the residual stack died at step 10" || bad "the table's died line: $(cat "$tmp/died")"
else bad "the relu std 2 run failed"; fi

echo "CLI: histograms (--hist 1: hist_edges once, hist_pre/act/grad/wgrad per record and layer)"
# dense, full batch of 64 points, width 16: per layer the counts sum to the
# values (z and phi(z): 64 x 16, the logits 64 x 2; dL/dh the same; dW fan_in
# x fan_out), for norm none, batch and layer
hist_ok=1
for norm in none batch layer; do
  if $G --arch both --depth 4 --width 16 --act sigmoid --norm $norm --data spiral --points 64 --steps 4 --record-every 2 --hist 1 --json > "$tmp/h.json"; then
    node -e '
      const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
      const e = d.hist_edges, errs = [];
      const want = { hist_pre: [65, -8, 8], hist_act: [41, 0, 1], hist_grad: [105, -46, 6], hist_wgrad: [105, -46, 6] };
      for (const [k, [n, a, b]] of Object.entries(want)) if (!e || !e[k] || e[k].length !== n || e[k][0] !== a || e[k][n - 1] !== b) errs.push("edges " + k);
      const fan = [[2, 16], [16, 16], [16, 16], [16, 16], [16, 16], [16, 2]];
      for (const run of [d.runs.plain, d.runs.residual]) for (const h of run.history) {
        if (h.step === undefined || !h.hist_pre) { errs.push("record without histograms"); continue; }
        fan.forEach(([i, o], l) => {
          const sum = (k) => h[k][l].reduce((s, c) => s + c, 0);
          const out = l === 5 ? 64 * 2 : 64 * 16;
          for (const k of Object.keys(want)) if (h[k][l].length !== e[k].length + 1) errs.push(k + " bins");
          if (sum("hist_pre") !== out || sum("hist_act") !== (l === 5 ? 0 : out) || sum("hist_grad") !== out || sum("hist_wgrad") !== i * o) errs.push("sums layer " + (l + 1));
        });
      }
      if (errs.length) { console.error([...new Set(errs)].join("; ")); process.exit(1); }
    ' "$tmp/h.json" || { hist_ok=0; bad "histograms, dense norm=$norm"; }
  else hist_ok=0; bad "dense norm=$norm run"; fi
done
[ $hist_ok = 1 ] && ok "dense, norm none/batch/layer, plain and residual: hist_edges (65, 41, 105, 105 edges), every record and layer's counts sum to its values (the output layer: logits, no phi)"
# conv: batch 32 of 4 channels, 14x14 then 7x7 after block 1's pooling
if $G --model conv --blocks 2 --channels 4 --data digits --arch both --batch 32 --steps 2 --record-every 1 --act relu --init he --norm batch --hist 1 --json > "$tmp/hc.json"; then
  node -e '
    const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
    const errs = [];
    if (d.hist_edges.hist_act.length !== 65) errs.push("relu: hist_act on hist_pre edges");
    const grad = [196, 196, 196, 49, 49].map((p) => 32 * 4 * p).concat([32 * 10]);
    const w = [9 * 1 * 4, 9 * 4 * 4, 9 * 4 * 4, 9 * 4 * 4, 9 * 4 * 4, 4 * 10];
    for (const run of [d.runs.plain, d.runs.residual]) for (const h of run.history) for (let l = 0; l < 6; l++) {
      const sum = (k) => h[k][l].reduce((s, c) => s + c, 0);
      if (sum("hist_grad") !== grad[l] || sum("hist_wgrad") !== w[l]) errs.push("grad/wgrad sums layer " + (l + 1));
      if (l < 5 ? sum("hist_act") !== sum("hist_pre") || ![32 * 4 * 196, 32 * 4 * 49].includes(sum("hist_pre")) : sum("hist_act") !== 0 || sum("hist_pre") !== 320) errs.push("pre/act sums layer " + (l + 1));
    }
    if (errs.length) { console.error([...new Set(errs)].join("; ")); process.exit(1); }
  ' "$tmp/hc.json" && ok "conv, norm=batch: every element of each map counted (dL/dh 32 x 4 x 14 x 14 or 7 x 7, dW 9 c_in x c_out; z and phi(z) equal counts)" || bad "conv histograms"
else bad "conv histogram run"; fi
if $G --arch plain --depth 2 --width 4 --steps 2 --json > "$tmp/h0.json" &&
   $G --arch plain --depth 2 --width 4 --steps 2 --seeds 1..2 --hist 1 --json > "$tmp/hs.json"; then
  node -e '
    const fs = require("fs");
    const a = JSON.parse(fs.readFileSync(process.argv[1])), b = JSON.parse(fs.readFileSync(process.argv[2]));
    const none = (d) => !("hist_edges" in d) && d.runs.plain.history.every((h) => !("hist_pre" in h) && Array.isArray(h.act_unit_std));
    process.exit(a.config.hist === 0 && none(a) && none(b) ? 0 : 1);
  ' "$tmp/h0.json" "$tmp/hs.json" && ok "without --hist 1 (hist is 0 by default), and with --seeds (medians): no histograms; act_unit_std in every record" || bad "default / --seeds output"
else bad "default or --seeds run"; fi

echo "CLI: init=zeros and init=constant"
if $G --arch plain --depth 2 --width 4 --steps 1 --init constant:-0.5 --json > "$tmp/i1.json" &&
   $G --arch plain --depth 2 --width 4 --steps 1 --init constant --init-value 2 --json > "$tmp/i2.json" &&
   $G --arch plain --depth 2 --width 4 --steps 1 --init zeros --json > "$tmp/i3.json"; then
  node -e '
    const fs = require("fs");
    const [a, b, c] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f)));
    const ok = a.config.init === "constant" && a.config.init_value === -0.5 && b.config.init === "constant" && b.config.init_value === 2 &&
      c.config.init === "zeros" && c.runs.plain.history[0].act_std.slice(0, 3).every((v) => v === 0);
    process.exit(ok ? 0 : 1);
  ' "$tmp/i1.json" "$tmp/i2.json" "$tmp/i3.json" && ok "--init constant:-0.5 and --init constant --init-value 2 set init and init_value; --init zeros: act_std 0 in the hidden layers at step 0" || bad "init constant/zeros"
else bad "init constant/zeros runs"; fi
if $G --sweep init_value=0.1,0.5 --init constant --arch plain --depth 2 --width 4 --json > "$tmp/si.json"; then
  node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1])).sweep; process.exit(d.name === "init_value" && d.values.join() === "0.1,0.5" ? 0 : 1)' "$tmp/si.json" && ok "--sweep init_value=0.1,0.5 --init constant" || bad "init_value sweep"
else bad "the init_value sweep failed"; fi

echo "CLI: threads"
a=$($G --arch both --depth 12 --act tanh --steps 15 --record-every 1 --json | md5sum)
b=$($G --arch both --depth 12 --act tanh --steps 15 --record-every 1 --threads 2 --json | md5sum)
c=$($G --model conv --blocks 2 --channels 4 --data digits --arch residual --batch 32 --steps 3 --record-every 1 --json | md5sum)
d=$($G --model conv --blocks 2 --channels 4 --data digits --arch residual --batch 32 --steps 3 --record-every 1 --threads 3 --json | md5sum)
[ "$a" = "$b" ] && [ "$c" = "$d" ] && ok "--threads 2 (dense) and --threads 3 (conv) print the same JSON as one thread" || bad "--threads changes the output"

echo "CLI: a residual run's blocks; --change"
if $G --arch both --depth 8 --width 16 --block 2 --act tanh --data spiral --steps 20 --record-every 10 --json > "$tmp/b.json" &&
   $G --model conv --blocks 3 --channels 4 --pool 1 --data digits --arch residual --form post --batch 16 --steps 2 --record-every 1 --json > "$tmp/bc.json"; then
  node -e '
    const fs = require("fs");
    const d = JSON.parse(fs.readFileSync(process.argv[1])), c = JSON.parse(fs.readFileSync(process.argv[2]));
    const errs = [];
    const p = d.runs.plain, r = d.runs.residual;
    if ("block_layers" in p || p.history.some((h) => "block_factor" in h || "stem_factor" in h)) errs.push("plain has blocks");
    if (JSON.stringify(r.block_layers) !== "[[2,3],[4,5],[6,7],[8,9]]") errs.push("dense block_layers " + JSON.stringify(r.block_layers));
    if (JSON.stringify(c.runs.residual.block_layers) !== "[[2,3],[4,5],[6,7]]") errs.push("conv block_layers " + JSON.stringify(c.runs.residual.block_layers));
    for (const h of [...r.history, ...c.runs.residual.history]) {
      const nb = h.block_factor.length;
      for (const f of ["block_factor", "block_shortcut", "block_branch"]) if (!Array.isArray(h[f]) || h[f].length !== nb || !h[f].every((v) => v > 0)) errs.push(f);
      /* the telescoped product, to the 9 printed digits */
      const prod = h.block_factor.reduce((a, v) => a * v, h.stem_factor * h.head_factor);
      if (!(Math.abs(prod / h.chain_product[0] - 1) < 1e-7)) errs.push("product " + prod + " vs chain_product " + h.chain_product[0]);
    }
    if (!r.history.every((h) => h.block_shortcut.every((v) => v === 1))) errs.push("pre shortcut share 1");
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/b.json" "$tmp/bc.json" && ok "--json: block_layers per residual run, block_factor/shortcut/branch per record, stem * blocks * head = chain_product[1]; none for plain" || bad "blocks in the JSON"
else bad "the block runs failed"; fi
if $G --arch both --depth 6 --width 16 --act relu --init he --data spiral --steps 40 --record-every 10 --json > "$tmp/u.json" &&
   $G --arch both --depth 6 --width 16 --act relu --init he --data spiral --steps 40 --record-every 10 --change 20:lr=5e-2 --change 25:momentum=0.5 --change 13:clip=0.05 --json > "$tmp/ch.json"; then
  node -e '
    const fs = require("fs");
    const u = JSON.parse(fs.readFileSync(process.argv[1])), c = JSON.parse(fs.readFileSync(process.argv[2]));
    const errs = [];
    if (JSON.stringify(c.changes) !== JSON.stringify([{ step: 13, settings: { clip: 0.05 } }, { step: 20, settings: { lr: 0.05 } }, { step: 25, settings: { momentum: 0.5 } }])) errs.push("changes " + JSON.stringify(c.changes));
    if ("changes" in u) errs.push("changes without --change");
    for (const a of ["plain", "residual"]) {
      const hu = u.runs[a].history, hc = c.runs[a].history;
      if (hc.map((h) => h.step).join() !== "0,10,20,30,40") errs.push(a + " steps " + hc.map((h) => h.step));
      /* up to the first change (update 13) the run is the unchanged one, record 10 and its update included */
      for (const i of [0, 1]) if (JSON.stringify(hu[i]) !== JSON.stringify(hc[i])) errs.push(a + " record " + hu[i].step + " differs");
      if (JSON.stringify(hu[2].grad_norm) === JSON.stringify(hc[2].grad_norm)) errs.push(a + " clip at 13 changed nothing");
    }
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/u.json" "$tmp/ch.json" && ok "--change 13:clip=0.05 20:lr=5e-2 25:momentum=0.5: listed in step order, canonical values; records 0 and 10 those of the unchanged run, record 20 not" || bad "--change"
else bad "the --change runs failed"; fi

if $G --arch residual --depth 4 --width 8 --steps 3 --record-every 1 --json --digits 17 > "$tmp/d17.json" &&
   $G --arch residual --depth 4 --width 8 --steps 3 --record-every 1 --json > "$tmp/d9.json"; then
  node -e '
    const fs = require("fs");
    const a = JSON.parse(fs.readFileSync(process.argv[1])), b = JSON.parse(fs.readFileSync(process.argv[2]));
    let n = 0, bad = 0, longer = 0;
    const walk = (x, y) => {
      if (typeof x === "number") { n++; if (Number(x.toPrecision(9)) !== y) bad++; if (String(x).replace(/[-.]|e.*$/g, "").replace(/^0+/, "").length > 9) longer++; return; }
      if (x && typeof x === "object") for (const k of Object.keys(x)) walk(x[k], y[k]);
    };
    walk(a.runs, b.runs);
    process.exit(n > 100 && bad === 0 && longer > 0 ? 0 : 1);
  ' "$tmp/d17.json" "$tmp/d9.json" && ok "--digits 17: every number, rounded to 9 digits, is the default output's" || bad "--digits 17"
else bad "the --digits runs failed"; fi

echo "CLI: bad flags and values exit 2 with one line on stderr"
expect_2() {
  local want="$1"; shift
  "$G" "$@" > "$tmp/out" 2> "$tmp/err"; local rc=$?
  local lines; lines=$(wc -l < "$tmp/err")
  if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && grep -q -- "$want" "$tmp/err"; then ok "$* -> 2: $(cat "$tmp/err")"
  else bad "$* -> rc $rc, $lines lines: $(head -c 200 "$tmp/err")"; fi
}
expect_2 "depth" --depth 0
expect_2 "depth" --depth 1001
expect_2 "depth" --depth 7 --block 2
expect_2 "width" --width abc
expect_2 "lr" --lr nan
expect_2 "lr" --lr -1
expect_2 "act" --act swish
expect_2 "unknown setting" --colour red
expect_2 "needs a value" --depth
expect_2 "unexpected argument" stray
expect_2 "seeds" --seeds 5..1
expect_2 "cannot read" --data /nonexistent.csv
expect_2 "line 2" --data "$tmp/bad.csv" --arch plain
expect_2 "budget" --depth 1000 --width 1024 --batch 4096 --points 8192 --arch plain
expect_2 "batch" --points 100 --batch 200
expect_2 "model" --model conv --arch plain
expect_2 "cannot read" --model conv --digits-file /nonexistent.bin
expect_2 "digits: " --model conv --digits-file "$tmp/short.bin"
expect_2 "pool" --model conv --data digits --blocks 1 --pool 1
expect_2 "channels" --model conv --data digits --channels 65
expect_2 "out of range" --threads 0
expect_2 "out of range" --threads 9
expect_2 "whole number" --threads two
expect_2 "--digits: '18' is not a whole number in \[1, 17\]" --digits 18
expect_2 "--digits" --digits x
expect_2 "is not STEP:name=value" --change 5
expect_2 "is not STEP:name=value" --change x:lr=1
expect_2 "is not STEP:name=value" --change -1:lr=1
expect_2 "is not STEP:name=value" --change 5:lr=
expect_2 "depth: cannot change during a run; only lr, clip and momentum can" --change 5:depth=3 --steps 10
expect_2 "lr: 20 is out of range" --change 5:lr=20 --steps 10
expect_2 "the run has 10 steps" --change 10:lr=0.1 --steps 10
expect_2 "a sweep has no run to change" --change 5:lr=0.1 --sweep depth=2,4
expect_2 "after 'constant:'" --init constant:abc
expect_2 "init_value: 101 is out of range" --init-value 101
expect_2 "hist: '2' is not a boolean" --hist 2

echo "CLI: sweeps (--sweep)"
if $G --sweep depth=4,8,16 --seeds 1..3 --arch both --width 16 --act sigmoid --json > "$tmp/sw.json"; then
  for s in 1 2 3; do $G --depth 8 --width 16 --act sigmoid --arch plain --steps 0 --seed $s --json > "$tmp/one$s.json" || bad "single run seed $s"; done
  node -e '
    const fs = require("fs");
    const d = JSON.parse(fs.readFileSync(process.argv[1])).sweep;
    const errs = [];
    if (d.name !== "depth" || d.values.join() !== "4,8,16" || d.seeds.join() !== "1,3" || d.steps !== 0) errs.push("header " + JSON.stringify([d.name, d.values, d.seeds, d.steps]));
    for (const arch of ["plain", "residual"]) for (const m of ["grad_ratio_log10", "act_grad_ratio_log10", "chi_geomean", "grad_ratio_theory_log10"]) {
      const e = d[arch] && d[arch][m];
      if (!e || ["median", "p10", "p90", "nulls"].some((q) => !Array.isArray(e[q]) || e[q].length !== 3)) { errs.push(arch + " " + m); continue; }
      if (e.median.some((v, i) => !(e.p10[i] <= v && v <= e.p90[i]))) errs.push(arch + " " + m + " p10 <= median <= p90");
    }
    if ("final_loss" in d.plain) errs.push("final_loss at init");
    const p = d.plain.grad_ratio_log10.median;
    if (!(p[0] > p[1] && p[1] > p[2])) errs.push("plain medians not falling " + p);
    /* depth 8 plain against three single runs: the median of log10(g[1]/g[out]), of the act ratio, of the chi geomean */
    const one = [1, 2, 3].map((s) => JSON.parse(fs.readFileSync(process.argv[2].replace("SEED", s))).runs.plain.history[0]);
    const med = (v) => v.sort((a, b) => a - b)[1];
    const L = one[0].grad_norm.length;
    const want = {
      grad_ratio_log10: med(one.map((h) => Math.log10(h.grad_norm[0] / h.grad_norm[L - 1]))),
      act_grad_ratio_log10: med(one.map((h) => Math.log10(h.act_grad_norm[0] / h.act_grad_norm[L - 1]))),
      chi_geomean: med(one.map((h) => Math.exp(h.chi.slice(1, L - 1).reduce((s, c) => s + Math.log(c), 0) / (L - 2)))),
    };
    for (const [m, w] of Object.entries(want)) if (!(Math.abs(d.plain[m].median[1] - w) <= 1e-6 * Math.max(1, Math.abs(w)))) errs.push(m + " " + d.plain[m].median[1] + " vs single runs " + w);
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/sw.json" "$tmp/oneSEED.json" && ok "--sweep depth=4,8,16 --seeds 1..3 --json: the shape, p10 <= median <= p90, plain falling, depth 8 medians = those of three single runs" || bad "sweep JSON"
else bad "the sweep command failed"; fi
if $G --sweep lr=0.01..1:3 --steps 5 --arch plain --depth 4 --json > "$tmp/sw2.json" &&
   $G --sweep width=8..64:4 --arch residual --json > "$tmp/sw3.json"; then
  node -e '
    const fs = require("fs");
    const a = JSON.parse(fs.readFileSync(process.argv[1])).sweep, b = JSON.parse(fs.readFileSync(process.argv[2])).sweep;
    const errs = [];
    if (a.values.map((v) => v.toPrecision(6)).join() !== "0.0100000,0.100000,1.00000") errs.push("log-spaced lr " + a.values);
    if (a.steps !== 5 || "residual" in a) errs.push("steps/arch");
    for (const m of ["final_loss", "final_acc"]) if (!a.plain[m] || a.plain[m].median.length !== 3 || a.plain[m].median.some((v) => typeof v !== "number")) errs.push(m);
    if (!Array.isArray(a.plain.diverged_share) || a.plain.diverged_share.some((v) => !(v >= 0 && v <= 1))) errs.push("diverged_share");
    if (b.values.join() !== "8,27,45,64" || "plain" in b || !b.residual) errs.push("linear width " + b.values);
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/sw2.json" "$tmp/sw3.json" && ok "--sweep lr=0.01..1:3 --steps 5: log-spaced, final_loss/final_acc/diverged_share; width=8..64:4: linear 8,27,45,64, residual only" || bad "sweep ranges"
else bad "the range sweeps failed"; fi
if $G --sweep depth=2,4 --seeds 1..2 > "$tmp/sw.txt" && grep -q "^sweep depth: 2 values x 2 seeds" "$tmp/sw.txt" && grep -q "^plain" "$tmp/sw.txt" && grep -q "^residual" "$tmp/sw.txt"; then
  ok "--sweep without --json: a table ($(wc -l < "$tmp/sw.txt") lines)"
else bad "sweep table: $(head -c 300 "$tmp/sw.txt")"; fi
many=$(seq -s, 1 201)
expect_2 "unknown setting 'colour'" --sweep colour=1,2
expect_2 "act is not a numeric setting" --sweep act=1,2
expect_2 "no values" --sweep depth=
expect_2 "empty value" --sweep depth=4,,8
expect_2 "'x' is not a number" --sweep width=8,x
expect_2 "depth: 1001 is out of range" --sweep depth=1..1001:3
expect_2 "lr: 20 is out of range" --sweep lr=0.1,20 --steps 5
expect_2 "more than 200 values" --sweep "depth=$many"
expect_2 "201 values, at most 200" --sweep depth=1..500:201
expect_2 "is not a multiple of block" --sweep depth=2,3 --arch plain
expect_2 "only when init=normal" --sweep init_std=0.05,0.1
expect_2 "only when init=constant" --sweep init_value=0.1,0.2
expect_2 "seeds" --sweep depth=2,4 --seeds 3..1
echo "CLI: planes (--sweep twice)"
P="--init normal --act tanh --width 16 --points 64 --block 1 --arch both --seeds 1..2"
if $G --sweep init_std=0.125,0.25,0.5 --sweep depth=2,5 $P --steps 6 --json > "$tmp/pl.json" &&
   $G --sweep init_std=0.125,0.25,0.5 --depth 5 $P --steps 6 --json > "$tmp/row.json" &&
   $G --sweep depth=2,5 --init-std 0.25 $P --steps 6 --json > "$tmp/col.json"; then
  node -e '
    const fs = require("fs");
    const [pl, row, col] = process.argv.slice(1).map((f) => JSON.parse(fs.readFileSync(f)).sweep);
    const errs = [];
    const [a0, a1] = pl.axes || [];
    if (!a0 || a0.name !== "init_std" || a0.values.join() !== "0.125,0.25,0.5" || a1.name !== "depth" || a1.values.join() !== "2,5") errs.push("axes " + JSON.stringify(pl.axes));
    if ("name" in pl || "values" in pl) errs.push("a plane has axes, not name/values");
    /* the mean field of the weight-scale axis: sigma_w = sqrt(16) init_std; xi null from chi = 1 on */
    if (a0.sigma_w.join() !== "0.5,1,2" || a0.chi_mf[0] !== 0.25 || Math.abs(a0.chi_mf[1] - 1) > 1e-12 || !(a0.chi_mf[2] > 1)) errs.push("chi_mf " + a0.chi_mf);
    if (a0.xi[1] !== null || a0.xi[2] !== null || a0.depth_6xi[1] !== null || !(Math.abs(a0.depth_6xi[0] - 6 * a0.xi[0]) < 1e-6)) errs.push("xi " + a0.xi + " depth_6xi " + a0.depth_6xi);
    if (!(a0.depth_6xi_c[2] > 0) || "chi_mf" in a1) errs.push("xi_c / depth axis");
    for (const arch of ["plain", "residual"]) {
      for (const m of ["grad_ratio_log10", "act_grad_ratio_log10", "chi_geomean", "grad_ratio_theory_log10", "final_loss", "final_acc"]) {
        const g = pl[arch][m];
        for (const q of ["median", "p10", "p90", "nulls"]) if (!Array.isArray(g[q]) || g[q].length !== 2 || g[q].some((r) => r.length !== 3)) errs.push(arch + " " + m + " " + q + " not 2 rows x 3 columns");
        /* row depth=5 is the 1-D init_std sweep at depth 5; column init_std=0.25 the 1-D depth sweep */
        for (const q of ["median", "p10", "p90", "nulls"]) {
          if (JSON.stringify(g[q][1]) !== JSON.stringify(row[arch][m][q])) errs.push(arch + " " + m + " " + q + " row depth=5 " + g[q][1] + " vs " + row[arch][m][q]);
          if (JSON.stringify(g[q].map((r) => r[1])) !== JSON.stringify(col[arch][m][q])) errs.push(arch + " " + m + " " + q + " column init_std=0.25");
        }
      }
      const d = pl[arch].diverged_share;
      if (JSON.stringify(d[1]) !== JSON.stringify(row[arch].diverged_share) || JSON.stringify(d.map((r) => r[1])) !== JSON.stringify(col[arch].diverged_share)) errs.push("diverged_share " + JSON.stringify(d));
    }
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/pl.json" "$tmp/row.json" "$tmp/col.json" && ok "--sweep init_std=... --sweep depth=... --json: axes, mean field (chi_mf, xi null at chi >= 1), 2 x 3 grids (rows = depth); row depth=5 and column init_std=0.25 print the 1-D sweeps' numbers" || bad "plane JSON"
else bad "the plane commands failed"; fi
if $G --sweep init_std=0.125,0.5 --sweep depth=2,4 $P > "$tmp/pl.txt" && grep -q "^sweep init_std x depth: 2 x 2 values x 2 seeds" "$tmp/pl.txt" &&
   grep -q "^  chi_mf" "$tmp/pl.txt" && grep -q "^plain: grad_ratio_log10" "$tmp/pl.txt" && grep -q "^residual" "$tmp/pl.txt"; then
  ok "a plane without --json: the mean field and a grid per stack ($(wc -l < "$tmp/pl.txt") lines)"
else bad "plane table: $(head -c 300 "$tmp/pl.txt")"; fi
expect_2 "depth is swept twice" --sweep depth=2,4 --sweep depth=8
expect_2 "init_std is swept twice" --init normal --sweep init_std=0.1 --sweep init-std=0.2
expect_2 "act is not a numeric setting" --sweep depth=2,4 --sweep act=1,2
expect_2 "at most two" --sweep depth=2 --sweep width=8 --sweep points=16
expect_2 "depth=3, block=2 (plain): depth: 3 is not a multiple of block" --sweep depth=2,3 --sweep block=1,2 --arch plain
expect_2 "800000 units, at most 400000" --block 1 --sweep depth=5..24:20 --sweep width=5..24:20 --seeds 1..1000 --arch both
expect_2 "layer-steps of work" --block 1 --sweep depth=500..1000:50 --sweep width=8..16:5 --steps 100 --seeds 1..10
expect_2 "layer-steps of work" --model conv --data digits --sweep blocks=100 --sweep channels=1..10:10 --seeds 1..100 --steps 1000 --arch plain
"$G" --help > /dev/null && ok "--help exits 0" || bad "--help"
v=$("$G" --version) && [ "${v#gradlab }" != "$v" ] && ok "--version exits 0: $v" || bad "--version"
"$G" --settings | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);process.exit(t.length>20&&t.every(x=>x.name&&x.type&&x.help)?0:1)})' && ok "--settings prints the settings table as JSON" || bad "--settings"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
