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
    if (errs.length) { console.error(errs.join("; ")); process.exit(1); }
  ' "$tmp/a.json" && ok "--arch both --json: config, 32 layers, history at steps 0,10,20 with every field, vanishing plain vs residual" || bad "JSON shape"
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

echo "CLI: threads"
a=$($G --arch both --depth 12 --act tanh --steps 15 --record-every 1 --json | md5sum)
b=$($G --arch both --depth 12 --act tanh --steps 15 --record-every 1 --threads 2 --json | md5sum)
c=$($G --model conv --blocks 2 --channels 4 --data digits --arch residual --batch 32 --steps 3 --record-every 1 --json | md5sum)
d=$($G --model conv --blocks 2 --channels 4 --data digits --arch residual --batch 32 --steps 3 --record-every 1 --threads 3 --json | md5sum)
[ "$a" = "$b" ] && [ "$c" = "$d" ] && ok "--threads 2 (dense) and --threads 3 (conv) print the same JSON as one thread" || bad "--threads changes the output"

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
"$G" --help > /dev/null && ok "--help exits 0" || bad "--help"
v=$("$G" --version) && [ "${v#gradlab }" != "$v" ] && ok "--version exits 0: $v" || bad "--version"
"$G" --settings | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const t=JSON.parse(s);process.exit(t.length>20&&t.every(x=>x.name&&x.type&&x.help)?0:1)})' && ok "--settings prints the settings table as JSON" || bad "--settings"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
