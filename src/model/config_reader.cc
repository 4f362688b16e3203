#include "model/config_reader.h"

namespace lmp::model {
namespace {

std::string TypeName(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number_integer()) return "an integer";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

}  // namespace

Error ConfigReader::At(const std::string& key, const std::string& message) const {
  std::string pointer = "/";
  pointer += PointerToken(key);
  return Error(file_, pointer, message);
}

int64_t ConfigReader::PositiveInt(const std::string& key) const {
  if (!doc_.contains(key)) {
    throw At(key, "missing required key; a config.json of this model_type needs it (see docs/models.md)");
  }
  const std::optional<int64_t> v = OptionalPositiveInt(key);
  if (!v) throw At(key, "must be a positive integer, got null");
  return *v;
}

std::optional<int64_t> ConfigReader::OptionalInt(const std::string& key, int64_t min) const {
  if (!Has(key)) return std::nullopt;
  const Json& v = doc_[key];
  const std::string want = min == 1 ? "a positive integer" : "an integer of at least " + std::to_string(min);
  if (!v.is_number_integer()) throw At(key, "must be " + want + ", got " + TypeName(v) + " " + v.dump());
  // nlohmann stores every non-negative integer as unsigned, 0 included, so
  // both branches check the range.
  const bool too_big = v.is_number_unsigned() ? v.get<uint64_t>() > static_cast<uint64_t>(kMaxConfigInt)
                                              : v.get<int64_t>() > kMaxConfigInt;
  if (too_big) {
    throw At(key, "must be at most " + std::to_string(kMaxConfigInt) + ", got " + v.dump() +
                      "; no model dimension comes near it");
  }
  if (v.get<int64_t>() < min) throw At(key, "must be " + want + ", got " + v.dump());
  return v.get<int64_t>();
}

bool ConfigReader::OptionalBool(const std::string& key, bool fallback) const {
  if (!Has(key)) return fallback;
  const Json& v = doc_[key];
  if (!v.is_boolean()) throw At(key, "must be true or false, got " + TypeName(v) + " " + v.dump());
  return v.get<bool>();
}

double ConfigReader::OptionalNumber(const std::string& key, double fallback) const {
  if (!Has(key)) return fallback;
  const Json& v = doc_[key];
  if (!v.is_number()) throw At(key, "must be a number, got " + TypeName(v) + " " + v.dump());
  return v.get<double>();
}

std::string ConfigReader::OptionalString(const std::string& key, const std::string& fallback) const {
  if (!Has(key)) return fallback;
  const Json& v = doc_[key];
  if (!v.is_string()) throw At(key, "must be a string, got " + TypeName(v) + " " + v.dump());
  return v.get<std::string>();
}

}  // namespace lmp::model
