#!/bin/sh
# A scripted stand-in for an LLM agent (docs/agents.md): reads one request on
# stdin and answers according to $1. The entry is for the class the request
# names, with one parameter {n}, so it fits tests/data/unknown_class.json.
#   good     the entry as bare JSON
#   prose    the entry inside prose and a ```json fence
#   repair   an unknown parameter in round 1, the good entry in round 2
#   garbage  no JSON, every round
#   hang     never answers
#   fail     exits 3
#   subcall  a composite's entry that calls its sub-layer's class (never fixed)
req=$(cat)
class=$(printf '%s\n' "$req" | sed -n 's/^  "class": "\(.*\)",$/\1/p')
key="${class%%.*}_${class##*.}"
round=$(printf '%s\n' "$req" | sed -n 's/^  "round": \([0-9]*\),$/\1/p')
param=n
[ "$1" = repair ] && [ "$round" = 1 ] && param=num_element
entry() {
  cat <<JSON
{"$key": {"full_class_name": "$class",
  "description": "Basic: an elementwise scale.",
  "parameters": [{"name": "n", "type": "int", "description": "elements"}],
  "parameter_count": 0,
  "operations": [{"name": "scale", "kind": "elementwise", "flops": "{$param}",
    "reads": {"activations": "{n} * {a_bytes}"}, "writes": {"activations": "{n} * {a_bytes}"}}]}}
JSON
}
case "$1" in
  good|repair) entry ;;
  prose) printf 'Here is the entry you asked for.\n\n```json\n'; entry; printf '```\n\nIt counts one FLOP per element.\n' ;;
  garbage) echo "I am sorry, I cannot analyze {this} module." ;;
  hang) sleep 30 ;;
  fail) echo "agent: no API key" >&2; exit 3 ;;
  subcall) cat <<JSON
{"$key": {"full_class_name": "$class", "parameters": [{"name": "n", "description": "rows"}], "parameter_count": 0,
  "operations": [{"name": "residual", "kind": "elementwise", "flops": "{n} + \${torch.nn.Linear}({n}, 4, 4)"}]}}
JSON
  ;;
esac
