#ifndef LMP_MODEL_CONFIG_READER_H_
#define LMP_MODEL_CONFIG_READER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "util/error.h"
#include "util/json_file.h"

namespace lmp::model {

// The largest integer a config key read here may hold: every real model
// dimension, count and length is far below it, and products of a few stay
// within 64 bits.
inline constexpr int64_t kMaxConfigInt = 2'147'483'647;

// Typed access to the keys of a Hugging Face config.json. Every fault (a
// missing required key, a wrong type, a bad value) is an lmp::Error naming
// the file and the key as a JSON pointer ("/num_hidden_layers").
class ConfigReader {
 public:
  ConfigReader(const Json& doc, std::string file) : doc_(doc), file_(std::move(file)) {}

  // A required positive integer.
  int64_t PositiveInt(const std::string& key) const;
  // An optional positive integer; absent or null gives nullopt.
  std::optional<int64_t> OptionalPositiveInt(const std::string& key) const { return OptionalInt(key, 1); }
  // An optional integer of at least `min` and at most kMaxConfigInt; absent
  // or null gives nullopt.
  std::optional<int64_t> OptionalInt(const std::string& key, int64_t min) const;
  // An optional boolean; absent or null gives `fallback`.
  bool OptionalBool(const std::string& key, bool fallback) const;
  // An optional number (integer or not); absent or null gives `fallback`.
  double OptionalNumber(const std::string& key, double fallback) const;
  // An optional string; absent or null gives `fallback`.
  std::string OptionalString(const std::string& key, const std::string& fallback) const;

  bool Has(const std::string& key) const { return doc_.contains(key) && !doc_[key].is_null(); }
  const std::string& file() const { return file_; }
  const Json& doc() const { return doc_; }
  // An error at /key.
  Error At(const std::string& key, const std::string& message) const;

 private:
  const Json& doc_;
  std::string file_;
};

}  // namespace lmp::model

#endif  // LMP_MODEL_CONFIG_READER_H_
