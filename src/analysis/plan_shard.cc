#include "analysis/plan_shard.h"

#include <algorithm>

#include "formula/parser.h"
#include "util/error.h"
#include "util/json_file.h"

namespace lmp::analysis {

using formula::Binding;
using formula::Scope;

PlanSharder::PlanSharder(const ShardSpec& spec, const model::Model& model, formula::Compiler& compiler,
                         PlanEnvironment& env, const Scope& layer_scope, const Scope& config_scope, Plan& plan)
    : spec_(spec),
      model_(model),
      compiler_(compiler),
      env_(env),
      layer_scope_(layer_scope),
      config_scope_(config_scope),
      plan_(plan) {}

Binding PlanSharder::BindAt(const std::shared_ptr<const formula::Formula>& f, const Scope& scope,
                            const std::string& label, const std::string& where) {
  try {
    return compiler_.EmitBinding(f, scope, label);
  } catch (const Error& e) {
    throw e.Located(model_.file, where);
  }
}

void PlanSharder::Fail(const std::string& where, const std::string& msg) const { throw Error(model_.file, where, msg); }

bool PlanSharder::OnThisStage(std::string_view stage) const {
  if (spec_.layout.pp == 1 || stage.empty()) return true;
  return stage == "first" ? spec_.stage == 0 : spec_.stage + 1 == spec_.layout.pp;
}

// Whether a formula names any of `names` as a parameter: an operation or
// a parameter count that names no rewritten parameter is the same on
// every GPU of the tensor-parallel group, so it is replicated there.
bool PlanSharder::Mentions(const formula::Node& n, const std::vector<std::string>& names) {
  if (n.kind == formula::NodeKind::kParam && std::find(names.begin(), names.end(), n.name) != names.end()) {
    return true;
  }
  return std::any_of(n.children.begin(), n.children.end(),
                     [&](const std::unique_ptr<formula::Node>& c) { return c && Mentions(*c, names); });
}

// What a rule's formulas see: config keys and scenario variables, the
// parent's unsharded parameters as parent_NAME, the layer's own unsharded
// parameters, and the degrees.
Scope PlanSharder::RuleScope(const Scope& original, const Parent& parent) const {
  Scope s = layer_scope_;
  if (parent.original) {
    for (const std::string& n : parent.original->Names()) s.Bind("parent_" + n, *parent.original->Find(n));
  }
  for (const std::string& n : original.Names()) s.Bind(n, *original.Find(n));
  Binding tp, ep;
  tp.value = formula::Value::Int(spec_.layout.tp);
  ep.value = formula::Value::Int(spec_.layout.ep);
  s.Bind("tp", tp);
  s.Bind("ep", ep);
  return s;
}

Binding PlanSharder::BindRule(const parallel::FormulaPtr& f, const Scope& scope, const std::string& label,
                 const std::string& file, const std::string& pointer) {
  try {
    return compiler_.EmitBinding(f, scope, label);
  } catch (const Error& e) {
    throw e.Located(file, pointer);
  }
}

void PlanSharder::CheckRequirements(const parallel::ClassRule& rule, const Scope& scope, const std::string& shown) {
  for (const parallel::Requirement& q : rule.requirements) {
    const int64_t degree = q.divisible_by == "tp" ? spec_.layout.tp : spec_.layout.ep;
    if (degree == 1) continue;
    const Binding b = BindRule(q.value, scope, shown + " requirement", rule.file, q.pointer + "/value");
    if (!b.is_const || !b.value.is_int || b.value.i < 1) {
      throw Error(rule.file, q.pointer + "/value",
                  "must be a positive integer over config values for layer '" + shown + "', got " +
                      (b.is_const ? b.value.ToString() : std::string("a scenario-dependent value")));
    }
    const int64_t v = b.value.i;
    if (v % degree == 0 || (q.or_divides && degree % v == 0)) continue;
    const std::string d = q.divisible_by + "=" + std::to_string(degree);
    throw Error::Option(q.divisible_by,
                        d + (q.or_divides ? " neither divides nor is a multiple of" : " does not divide") + " the " +
                            std::to_string(v) + " " + q.what + " of '" + shown + "' (" + rule.class_name + "); use " +
                            q.divisible_by + " dividing " + std::to_string(v) +
                            (q.or_divides ? " or a multiple of it" : ""));
  }
}

// The layer's parameters as one GPU sees them: a rule's formula where one
// applies (the parent's rule for this child first), else the unsharded
// value, with defaults evaluated again over the sharded parameters.
Scope PlanSharder::ShardedScope(const model::Layer& layer, const db::Module& module, const Scope& original,
                   const Scope& rule_scope, const parallel::LayerRule* self, const parallel::ClassRule* self_owner,
                   const parallel::LayerRule* sub, const parallel::ClassRule* sub_owner, const std::string& shown,
                   std::vector<std::string>* rewritten) {
  for (const auto& [r, owner] : {std::pair{self, self_owner}, std::pair{sub, sub_owner}}) {
    if (!r) continue;
    for (size_t i = 0; i < r->parameters.size(); ++i) {
      const std::string& name = r->parameters[i].first;
      const bool declared = std::any_of(module.params.begin(), module.params.end(),
                                        [&](const formula::ParamDecl& p) { return p.name == name; });
      if (!declared) {
        throw Error(owner->file, r->parameter_pointers[i],
                    module.full_class_name + " (layer '" + shown + "') has no parameter '" + name + "'");
      }
    }
  }
  Scope out;
  for (const formula::ParamDecl& p : module.params) {
    const parallel::FormulaPtr* f = nullptr;
    const std::string* pointer = nullptr;
    const parallel::ClassRule* owner = nullptr;
    for (const auto& [r, o] : {std::pair{self, self_owner}, std::pair{sub, sub_owner}}) {
      if (!r) continue;
      for (size_t i = 0; i < r->parameters.size(); ++i) {
        if (r->parameters[i].first == p.name) {
          f = &r->parameters[i].second;
          pointer = &r->parameter_pointers[i];
          owner = o;
        }
      }
    }
    if (f) {
      const std::string& text = (*f)->text;
      tp_used_ = tp_used_ || text.find("{tp}") != std::string::npos;
      ep_used_ = ep_used_ || text.find("{ep}") != std::string::npos;
      const Binding b = BindRule(*f, rule_scope, shown + " sharded " + p.name, owner->file, *pointer);
      if (b.is_const && !b.value.is_int) {
        throw Error(owner->file, *pointer,
                    "gives " + b.value.ToString() + " for parameter " + p.name + " of layer '" + shown + "' under " +
                        parallel::LayoutText(spec_.layout) + ", not a whole number; fix the rule");
      }
      out.Bind(p.name, b);
      rewritten->push_back(p.name);
      continue;
    }
    const bool given = std::any_of(layer.parameters.begin(), layer.parameters.end(),
                                   [&](const auto& e) { return e.first == p.name; });
    if (given || !p.default_value) {
      out.Bind(p.name, *original.Find(p.name));
    } else {
      out.Bind(p.name, BindAt(p.default_value, out, module.full_class_name + " default of " + p.name,
                              layer.pointer + "/parameters"));
      if (Mentions(*p.default_value->root, *rewritten)) rewritten->push_back(p.name);
    }
  }
  return out;
}

PlanOp PlanSharder::CommOp(const std::string& shown, const std::string& name, const std::string& collective,
              const std::string& group, int64_t size, const std::string& pointer, int64_t count) {
  PlanOp po;
  po.layer = shown;
  po.op = name;
  po.module = "lmp.parallel." + collective;
  po.kind = "communication";
  po.count = count;
  po.pointer = pointer;
  po.collective = collective;
  po.group = group;
  po.group_size = size;
  po.out_slot = compiler_.NewSlot();
  for (int k = 1; k < db::kNumMetrics; ++k) compiler_.NewSlot();
  return po;
}

// Compiles the message size into the operation's reads and writes of
// activations; every other metric is 0.
void PlanSharder::EmitCommMetrics(PlanOp& po, const parallel::FormulaPtr& bytes, const Scope& scope, const std::string& file,
                     const std::string& pointer) {
  static const std::shared_ptr<const formula::Formula> zero = formula::Parse("0");
  for (int k = 0; k < db::kNumMetrics; ++k) {
    const bool message = k == db::kReadsActivations || k == db::kWritesActivations;
    env_.set_metric(k);
    try {
      compiler_.EmitInto(message ? bytes : zero, scope, po.layer + ": " + po.op + " bytes", po.out_slot + k);
    } catch (const Error& e) {
      throw e.Located(file, pointer);
    }
  }
}

void PlanSharder::EmitComms(const parallel::LayerRule& r, const parallel::ClassRule& owner, bool before, const Scope& scope,
               const std::string& shown, const std::string& pointer, int64_t count) {
  for (const parallel::CommRule& c : r.communication) {
    if (c.before != before) continue;
    const int64_t n = c.group == "tp" ? spec_.layout.tp : spec_.layout.ep;
    if (n == 1) continue;
    PlanOp po = CommOp(shown, c.name, c.collective, c.group, n, pointer, count);
    EmitCommMetrics(po, c.bytes, scope, owner.file, c.pointer + "/bytes");
    plan_.ops.push_back(std::move(po));
  }
}

void PlanSharder::EmitSend(const parallel::ClassRule& rule, const std::string& shown, const std::string& pointer,
              int64_t count) {
  PlanOp po = CommOp(shown, "send", "send_recv", "pp", 2, pointer, count);
  EmitCommMetrics(po, rule.pipeline.send_bytes, layer_scope_, rule.file, rule.pipeline.pointer + "/send_bytes");
  plan_.ops.push_back(std::move(po));
}

// This stage's share of each decoder stack of `layer` (a class with
// pipeline stacks): the model's decoder layers, stacks in order (or
// alternating, when interleaved), split by parallel::StageLayers.
std::vector<std::pair<std::string, int64_t>> PlanSharder::StageStacks(const model::Layer& layer,
                                                         const parallel::ClassRule& rule,
                                                         const std::string& shown) {
  std::vector<std::pair<std::string, int64_t>> present;  // stack -> its layers
  for (const std::string& name : rule.pipeline.stacks) {
    for (const model::Layer& sub : layer.sub_layers) {
      if (sub.name != name) continue;
      int64_t r = 1;
      if (sub.repeat) {
        const Binding b = BindAt(sub.repeat, config_scope_, shown + " repeat", sub.pointer + "/repeat");
        if (!b.is_const || !b.value.is_int || b.value.i < 1) Fail(sub.pointer + "/repeat", "bad repeat");
        r = b.value.i;
      }
      present.emplace_back(name, r);
    }
  }
  if (present.empty()) return present;
  stacks_found_ = true;
  int64_t total = 0;
  for (const auto& [name, r] : present) total += r;
  const std::vector<int64_t> stages = parallel::StageLayers(total, spec_.layout.pp);
  int64_t lo = 0;
  for (int64_t s = 0; s < spec_.stage; ++s) lo += stages[static_cast<size_t>(s)];
  const int64_t hi = lo + stages[static_cast<size_t>(spec_.stage)];
  plan_.stage_layers = hi - lo;
  const int64_t n = static_cast<int64_t>(present.size());
  std::vector<std::pair<std::string, int64_t>> shares;
  int64_t first = 0;
  for (int64_t k = 0; k < n; ++k) {
    const int64_t r = present[static_cast<size_t>(k)].second;
    int64_t share = 0;
    if (rule.pipeline.interleaved) {
      // Layer i belongs to stack i mod n; the stacks must hold exactly those.
      const auto upto = [&](int64_t x) { return x > k ? (x - k - 1) / n + 1 : 0; };  // i < x, i = k mod n
      if (upto(total) != r) {
        throw Error(rule.file, rule.pipeline.pointer + "/interleaved",
                    "the stacks of '" + shown + "' do not alternate layer by layer (" + present[0].first + " and " +
                        present[static_cast<size_t>(n - 1)].first + " hold " + std::to_string(present[0].second) +
                        " and " + std::to_string(present[static_cast<size_t>(n - 1)].second) +
                        " layers); make them sequential");
      }
      share = upto(hi) - upto(lo);
    } else {
      share = std::max<int64_t>(0, std::min(hi, first + r) - std::max(lo, first));
      first += r;
    }
    shares.emplace_back(present[static_cast<size_t>(k)].first, share);
  }
  return shares;
}

void PlanSharder::CheckLayoutUsed() const {
  const parallel::Layout& l = spec_.layout;
  if (l.tp > 1 && !tp_used_) {
    throw Error::Option("tp",
                        "no sharding rule covers the classes of " + model_.id +
                            "; use tp=1, or add rules for its classes with a sharding file (docs/parallelism.md)");
  }
  if (l.ep > 1 && !ep_used_) {
    throw Error::Option("ep", model_.id + " has no routed experts to split; use ep=1 (dp replicates a dense model)");
  }
  if (l.pp > 1 && !stacks_found_) {
    throw Error::Option("pp", "no pipeline rule names the decoder stacks of " + model_.id +
                                  "; use pp=1, or add one with a sharding file (docs/parallelism.md)");
  }
}

}  // namespace lmp::analysis
