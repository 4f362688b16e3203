#include "parallel/layout.h"

#include <charconv>

#include "util/error.h"

namespace lmp::parallel {
namespace {

int64_t* Field(Layout& l, std::string_view name) {
  if (name == "tp") return &l.tp;
  if (name == "pp") return &l.pp;
  if (name == "ep") return &l.ep;
  if (name == "dp") return &l.dp;
  return nullptr;
}

void CheckDegree(const char* name, int64_t v) {
  if (v < 1 || v > kMaxGpus) {
    throw Error::Option(
        name, "must be a positive integer of at most " + std::to_string(kMaxGpus) + ", got " + std::to_string(v));
  }
}

}  // namespace

int64_t Layout::BatchPerReplica(int64_t batch) const {
  const int64_t replicas = ep * dp;
  return (batch + replicas - 1) / replicas;
}

std::string LayoutText(const Layout& l) {
  std::string s;
  const std::pair<const char*, int64_t> parts[] = {{"tp", l.tp}, {"pp", l.pp}, {"ep", l.ep}, {"dp", l.dp}};
  for (const auto& [name, v] : parts) {
    if (v == 1) continue;
    if (!s.empty()) s += ',';
    s += name;
    s += '=';
    s += std::to_string(v);
  }
  return s.empty() ? "tp=1" : s;
}

Layout ParseLayout(std::string_view text) {
  Layout l;
  bool seen[4] = {false, false, false, false};
  size_t pos = 0;
  if (text.empty()) throw Error::Option("parallel", "is empty; write degrees as tp=8,pp=2,ep=1,dp=1");
  while (pos <= text.size()) {
    const size_t comma = text.find(',', pos);
    const std::string_view part = text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
    const size_t eq = part.find('=');
    const std::string_view name = part.substr(0, eq);
    int64_t* field = eq == std::string_view::npos ? nullptr : Field(l, name);
    if (field == nullptr) {
      throw Error::Option("parallel", "'" + std::string(part) +
                                          "' is not a degree; write name=N with name tp, pp, ep or dp, e.g. tp=8,ep=8");
    }
    const size_t index = static_cast<size_t>(field - &l.tp);
    if (seen[index]) throw Error::Option("parallel", "'" + std::string(name) + "' is given twice; give it once");
    seen[index] = true;
    const std::string_view digits = part.substr(eq + 1);
    int64_t v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || v < 1 || v > kMaxGpus) {
      throw Error::Option("parallel", "'" + std::string(part) + "': " + std::string(name) +
                                          " must be a positive integer of at most " + std::to_string(kMaxGpus));
    }
    *field = v;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  ValidateLayout(l);
  return l;
}

void ValidateLayout(const Layout& l) {
  CheckDegree("tp", l.tp);
  CheckDegree("pp", l.pp);
  CheckDegree("ep", l.ep);
  CheckDegree("dp", l.dp);
  // Each factor is at most 2^20, so the product of two fits; check as it grows.
  int64_t gpus = 1;
  for (int64_t v : {l.tp, l.pp, l.ep, l.dp}) {
    if (__builtin_mul_overflow(gpus, v, &gpus) || gpus > kMaxGpus) {
      throw Error::Option("parallel",
                          "tp x pp x ep x dp is more than " + std::to_string(kMaxGpus) + " GPUs; use smaller degrees");
    }
  }
}

std::vector<int64_t> StageLayers(int64_t layers, int64_t pp) {
  if (pp > layers) {
    throw Error::Option("pp", "asks for " + std::to_string(pp) + " pipeline stages but the model has " +
                                  std::to_string(layers) + " decoder layers; use at most " + std::to_string(layers));
  }
  std::vector<int64_t> out(static_cast<size_t>(pp), layers / pp);
  for (int64_t s = 0; s < layers % pp; ++s) ++out[static_cast<size_t>(s)];
  return out;
}

}  // namespace lmp::parallel
