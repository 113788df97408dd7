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
# Fields added to the output since a reference may have been saved are taken
# out before saving and comparing (strip_added), and only they: a residual
# run's per-block statistics (block_factor, block_shortcut, block_branch,
# stem_factor, head_factor in each record, block_layers per run).  Every
# number that was printed before must still be printed byte for byte.
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
)
strip_added() {
  sed -E -e 's/, "block_(factor|shortcut|branch)": \[[^]]*\]//g' -e 's/, "(stem|head)_factor": [^,}]*//g' \
    -e 's/, "block_layers": \[(\[[0-9]+, [0-9]+\](, )?)*\]//g'
}
fail=0; unsaved=0
for i in "${!configs[@]}"; do
  f=$(printf '%s/%02d.out' "$dir" "$i")
  # shellcheck disable=SC2086
  if [ "$mode" = save ]; then $G ${configs[$i]} | strip_added > "$f"; echo "saved $f (exit ${PIPESTATUS[0]})"
  elif [ ! -f "$f" ]; then unsaved=$((unsaved + 1)); echo "  new   $i: no saved output to compare (save again on the commit before): ${configs[$i]}"
  else
    $G ${configs[$i]} | strip_added > "$f.new"
    if cmp -s "$f" "$f.new"; then echo "  same  $i: ${configs[$i]}"; rm -f "$f.new"
    else fail=1; echo "  DIFF  $i: ${configs[$i]}"; cmp "$f" "$f.new" | head -1; fi
  fi
done
[ "$mode" = save ] || { [ $fail = 0 ] && echo "all $((${#configs[@]} - unsaved)) compared outputs byte-identical ($unsaved without a saved output)" || exit 1; }
