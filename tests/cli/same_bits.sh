#!/usr/bin/env bash
# same_bits.sh - the CLI's output for a fixed set of configs, saved once and
# compared byte for byte later: a restructuring of the engine must not change
# one bit of what it computes.
#
#   bash tests/cli/same_bits.sh save  DIR   write DIR/NN.out for every config
#   bash tests/cli/same_bits.sh check DIR   rerun and cmp against DIR/NN.out
#
# Run "save" on the commit before the change (its own build/gradlab), then
# "check" after; the outputs are not committed (they are the engine's own).
#
# Changes since a reference, by design: a reference saved before them
#   - has no "dead" in its records, no "dead_step" in its runs and no
#     "died at step" line under a table (issue 22's engine piece: added);
#   - has no "act_grad_norm_theory" and "grad_factor_theory" (added), and its
#     "grad_norm_theory" is the old line (redefined: now the law of the weight
#     gradients, its old values are act_grad_norm_theory's law);
#   - has no per-block statistics (issue 25: "block_factor", "block_shortcut",
#     "block_branch", "stem_factor", "head_factor" in a residual run's
#     records, "block_layers" in its run: added);
#   - has no histograms (issue 24: per record "hist_pre", "hist_act",
#     "hist_grad", "hist_wgrad", "hist_edges" once, printed only with
#     hist=1), no per-layer "act_unit_std", no settings "init_value" and
#     "hist" (in the config and in --settings) and no choices "zeros" and
#     "constant" of init (all added);
#   - has no "weight_norm", "weight_var", "act_slope_sq" and "fan_in" (added for
#     the layer's card, issue 25: chi's factors one by one and ||W||).
# Checked against such a reference (each change recognised by a name it added
# missing from the reference's 00.out), the added fields are taken out of the
# new output and grad_norm_theory's values are left out of both, and the
# script says so; every other byte counts.  Against a reference that has
# them, every byte counts.
set -u
cd "$(dirname "$0")/../.."
G=${GRADLAB:-./build/gradlab}
mode=${1:?save or check}; dir=${2:?directory}
mkdir -p "$dir"
configs=(
  "--arch both --depth 20 --width 32 --act sigmoid --init xavier --data spiral --steps 60 --record-every 10 --json"
  "--arch both --depth 20 --width 32 --act sigmoid --init xavier --data spiral --steps 60 --record-every 10 --json --threads 2"
  "--arch both --depth 12 --width 16 --block 1 --act relu --init he --optimizer adam --lr 0.01 --data circles --batch 32 --steps 40 --json"
  "--arch residual --form post --depth 8 --width 24 --act tanh --init orthogonal --optimizer momentum --res-scale invsqrt --data xor --clip 1 --steps 40 --json --threads 2"
  "--arch both --depth 6 --width 8 --act gelu --init normal:0.5 --res-scale rezero --loss mse --data gauss --steps 30 --json"
  "--arch plain --depth 10 --width 12 --act leaky_relu --init he --standardize 1 --data spiral --lr 2 --steps 50 --json"
  "--arch plain --depth 6 --act tanh --steps 10 --record-every 5 --seeds 1..3 --json"
  "--model conv --blocks 2 --channels 4 --data digits --arch both --batch 32 --steps 6 --record-every 2 --act relu --init he --json"
  "--model conv --blocks 2 --channels 4 --data digits --arch both --batch 32 --steps 6 --record-every 2 --act relu --init he --json --threads 2"
  "--model conv --blocks 3 --channels 6 --pool 2 --data digits --arch residual --optimizer adam --lr 0.003 --batch 16 --steps 4 --act gelu --init orthogonal --json --threads 2"
  "--model conv --blocks 1 --channels 3 --pool 0 --data digits --arch plain --act sigmoid --batch 8 --steps 3 --json"
  "--arch both --depth 10 --width 16 --act relu --init normal:2 --lr 5 --steps 20 --record-every 1 --json"
  "--model dense --data digits --arch both --depth 4 --width 16 --batch 64 --steps 4 --record-every 2 --json --threads 2"
  "--arch both --depth 20 --width 32 --steps 30"
  "--arch both --depth 20 --width 32 --act tanh --norm batch --data gauss --points 32 --steps 30 --record-every 1 --json"
  "--arch both --depth 20 --width 32 --act tanh --norm batch --data gauss --points 32 --steps 30 --record-every 1 --json --threads 2"
  "--arch both --depth 20 --width 32 --act tanh --norm batch --data gauss --points 32 --steps 30 --record-every 1 --json --threads 8"
  "--arch both --depth 12 --width 70 --block 2 --act relu --init he --norm batch --optimizer adam --lr 0.01 --data circles --batch 48 --steps 25 --record-every 3 --json --threads 2"
  "--arch residual --form post --depth 8 --width 24 --act sigmoid --norm batch --optimizer momentum --clip 1 --data spiral --batch 16 --steps 25 --json --threads 8"
  "--arch both --depth 10 --width 33 --act gelu --norm layer --data spiral --batch 20 --steps 25 --record-every 2 --json --threads 2"
  "--arch residual --form post --depth 6 --width 16 --act tanh --norm layer --data xor --steps 20 --json"
  "--model dense --data digits --arch both --depth 4 --width 16 --norm batch --batch 64 --steps 4 --record-every 1 --json --threads 2"
  "--arch both --depth 6 --width 20 --act relu --init he --norm batch --data circles --points 200 --steps 12 --record-every 1 --json --threads 2"
  "--arch residual --form post --depth 6 --width 20 --act tanh --norm batch --data spiral --points 300 --batch 150 --steps 12 --json --threads 8"
  "--model conv --blocks 2 --channels 4 --data digits --arch both --norm batch --batch 32 --steps 6 --record-every 1 --act relu --init he --json"
  "--model conv --blocks 2 --channels 4 --data digits --arch both --norm batch --batch 32 --steps 6 --record-every 1 --act relu --init he --json --threads 2"
  "--model conv --blocks 2 --channels 5 --data digits --arch residual --form post --norm batch --batch 12 --steps 4 --act tanh --json --threads 8"
  "--model conv --blocks 2 --channels 4 --data digits --arch both --norm layer --batch 16 --steps 4 --act relu --init he --json --threads 2"
  "--settings"
  # rows shorter than sum_sq's 8 lanes (per-example norms of width 1, 2, 5)
  "--arch both --depth 40 --width 2 --act tanh --steps 20 --record-every 1 --json --threads 2"
  "--arch both --depth 12 --width 5 --act relu --init he --norm batch --batch 16 --steps 20 --record-every 1 --json"
  "--arch both --depth 300 --width 1 --act sigmoid --steps 5 --record-every 1 --json"
  # conv with 8 and 16 channels: whole column tiles in WebAssembly (dW from im2col's columns
  # there), the threaded elementwise ops, pooling and the bias gradient's split by channel
  "--model conv --blocks 2 --channels 8 --data digits --arch both --batch 32 --steps 4 --record-every 2 --act sigmoid --json --threads 3"
  "--model conv --blocks 2 --channels 16 --data digits --arch residual --norm batch --batch 24 --steps 3 --record-every 1 --act relu --init he --json --threads 4"
)
# what the new output has that a reference from before the change lacks
# (applied to both: a no-op on the reference's lines but for grad_norm_theory)
strip_dead='s/, "dead": [0-9.e+-]+//g; s/, "dead_step": (-?[0-9]+|\[[^\]]*\])//g; $_ = "" if /^  died at step /;'
strip_theory='s/, "(act_grad_norm_theory|grad_factor_theory)": \[[^\]]*\]//g; s/"grad_norm_theory": \[[^\]]*\]/"grad_norm_theory": [redefined]/g;'
rules=""
# older_than MARKER RULES MESSAGE: a reference saved before MARKER (a name a change added) existed
# has its fields taken out of the new output by RULES (perl), and the script says MESSAGE
older_than() {
  if [ "$mode" = check ] && ! grep -q "$1" "$dir/00.out"; then
    rules="$rules $2"
    echo "$3"
  fi
}
older_than '"dead_step"' "$strip_dead" "the reference predates dead/dead_step: those fields and the tables' 'died at step' lines are not compared"
older_than '"act_grad_norm_theory"' "$strip_theory" "the reference predates the theory lines of issue 22: act_grad_norm_theory and grad_factor_theory (added) are not compared, nor are grad_norm_theory's values (redefined); every other field is"
strip_blocks='s/, "block_(factor|shortcut|branch)": \[[^\]]*\]//g; s/, "(stem|head)_factor": [^,}]*//g; s/, "block_layers": \[(\[[0-9]+, [0-9]+\](, )?)*\]//g;'
older_than '"block_layers"' "$strip_blocks" "the reference predates the per-block statistics of issue 25: block_* fields, stem_factor, head_factor and block_layers (added) are not compared"
# line by line, as the others: hist_edges is a line of its own in the JSON, and
# each setting a line of its own in --settings (never the last: seed follows)
strip_hist='s/, "hist_(pre|act|grad|wgrad)": \[(\[[0-9, ]*\](, )?)*\]//g; $_ = "" if /^ "hist_edges": \{/; s/, "act_unit_std": \[[^\]]*\]//g; s/, "init_value": [^,}]*//g; s/, "hist": [01]//g; $_ = "" if /^\{"name": "(init_value|hist)", .*\},$/; s/, "zeros", "constant"\]/]/g;'
older_than '"act_unit_std"' "$strip_hist" "the reference predates the histograms of issue 24: hist_* and hist_edges, act_unit_std, the settings init_value and hist and init's choices zeros and constant (added) are not compared"
strip_card='s/, "(weight_norm|weight_var|act_slope_sq|fan_in)(_p10|_p90)?": \[[^\]]*\]//g;'
older_than '"weight_norm"' "$strip_card" "the reference predates the layer card's fields of issue 25: weight_norm, weight_var, act_slope_sq and fan_in (added) are not compared"
norm() { if [ -n "$rules" ]; then perl -pe "$rules" < "$1"; else cat "$1"; fi; }
same() { cmp -s <(norm "$1") <(norm "$2"); }
fail=0; unsaved=0
for i in "${!configs[@]}"; do
  f=$(printf '%s/%02d.out' "$dir" "$i")
  # shellcheck disable=SC2086
  if [ "$mode" = save ]; then $G ${configs[$i]} > "$f"; echo "saved $f (exit $?)"
  elif [ ! -f "$f" ]; then unsaved=$((unsaved + 1)); echo "  new   $i: no saved output to compare (save again on the commit before): ${configs[$i]}"
  else
    $G ${configs[$i]} > "$f.new"
    if same "$f" "$f.new"; then echo "  same  $i: ${configs[$i]}"; rm -f "$f.new"
    else fail=1; echo "  DIFF  $i: ${configs[$i]}"; cmp <(norm "$f") <(norm "$f.new") | head -1; fi
  fi
done
[ "$mode" = save ] || { [ $fail = 0 ] && echo "all $((${#configs[@]} - unsaved)) compared outputs byte-identical ($unsaved without a saved output)" || exit 1; }
