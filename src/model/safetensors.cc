#include "model/safetensors.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "util/error.h"
#include "util/json_file.h"

namespace lmp::model {
namespace {

namespace fs = std::filesystem;

// The safetensors format caps the header at 100 MB; a larger length means a
// corrupt file (or some other file), and reading it would waste memory.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;

// The byte sizes of the dtypes safetensors writes for whole-byte elements.
constexpr std::pair<const char*, int64_t> kDtypeBytes[] = {
    {"BOOL", 1}, {"U8", 1},  {"I8", 1},  {"F8_E4M3", 1}, {"F8_E5M2", 1}, {"I16", 2}, {"U16", 2},
    {"F16", 2},  {"BF16", 2}, {"I32", 4}, {"U32", 4},     {"F32", 4},     {"I64", 8}, {"U64", 8},
    {"F64", 8}};

// What a reader can do about a broken checkpoint file.
constexpr const char* kRedownload =
    "download the file again, or pass the config.json itself as MODEL to skip the checkpoint check";

std::optional<int64_t> DtypeBytes(const std::string& dtype) {
  for (const auto& [name, bytes] : kDtypeBytes) {
    if (dtype == name) return bytes;
  }
  return std::nullopt;
}

std::string KnownDtypes() {
  std::string out;
  for (const auto& [name, bytes] : kDtypeBytes) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::string ShapeText(const std::vector<int64_t>& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

// A non-negative JSON integer that fits int64_t, else nullopt.
std::optional<int64_t> NonNegativeInt(const Json& v) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u <= static_cast<uint64_t>(INT64_MAX)) return static_cast<int64_t>(u);
    return std::nullopt;
  }
  if (v.is_number_integer() && v.get<int64_t>() >= 0) return v.get<int64_t>();
  return std::nullopt;
}

SafetensorsTensor ParseTensor(const std::string& path, const std::string& name, const Json& v,
                              int64_t data_bytes) {
  const std::string where = "tensor '" + name + "'";
  auto fail = [&](const std::string& what) -> Error {
    return Error(path, where, what + "; the header is malformed: " + kRedownload);
  };
  if (!v.is_object()) throw fail("is not an object with dtype, shape and data_offsets");
  SafetensorsTensor t;
  t.name = name;
  if (!v.contains("dtype") || !v["dtype"].is_string()) throw fail("has no dtype (a string such as \"BF16\")");
  t.dtype = v["dtype"].get<std::string>();
  if (!v.contains("shape") || !v["shape"].is_array()) throw fail("has no shape (an array of dimensions)");
  for (size_t i = 0; i < v["shape"].size(); ++i) {
    const Json& d = v["shape"][i];
    if (!d.is_number_integer()) throw fail("shape dimension " + std::to_string(i) + " is not an integer: " + d.dump());
    if (d.is_number_unsigned() && d.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      throw fail("shape dimension " + std::to_string(i) + " " + d.dump() + " does not fit 64 bits");
    }
    const int64_t dim = d.get<int64_t>();
    if (dim < 0) throw fail("shape dimension " + std::to_string(i) + " is " + std::to_string(dim) + ", negative");
    t.shape.push_back(dim);
  }
  for (const int64_t dim : t.shape) {
    if (__builtin_mul_overflow(t.elements, dim, &t.elements)) {
      throw fail("the element count of shape " + ShapeText(t.shape) + " overflows 64 bits");
    }
  }
  const std::optional<int64_t> dtype_bytes = DtypeBytes(t.dtype);
  if (!dtype_bytes) {
    throw Error(path, where,
                "unknown dtype '" + t.dtype + "' (lmp knows " + KnownDtypes() +
                    "); pass the config.json itself as MODEL to skip the checkpoint check");
  }
  const Json* offsets = v.contains("data_offsets") ? &v["data_offsets"] : nullptr;
  std::optional<int64_t> begin, end;
  if (offsets != nullptr && offsets->is_array() && offsets->size() == 2) {
    begin = NonNegativeInt((*offsets)[0]);
    end = NonNegativeInt((*offsets)[1]);
  }
  if (!begin || !end || *begin > *end) {
    throw fail("has no valid data_offsets (two non-negative integers [begin, end], begin <= end)");
  }
  int64_t bytes = 0;
  if (__builtin_mul_overflow(t.elements, *dtype_bytes, &bytes)) {
    throw fail("the byte size of shape " + ShapeText(t.shape) + " of " + t.dtype + " overflows 64 bits");
  }
  if (*end - *begin != bytes) {
    throw fail("data_offsets [" + std::to_string(*begin) + ", " + std::to_string(*end) + "] span " +
               std::to_string(*end - *begin) + " bytes, but shape " + ShapeText(t.shape) + " of " + t.dtype +
               " needs " + std::to_string(bytes));
  }
  if (*end > data_bytes) {
    throw Error(path, where,
                "data_offsets end " + std::to_string(*end) + " runs past the " + std::to_string(data_bytes) +
                    " data bytes after the header; the file is truncated: " + kRedownload);
  }
  return t;
}

}  // namespace

std::vector<SafetensorsTensor> ReadSafetensorsHeader(const std::string& path) {
  std::error_code ec;
  const uintmax_t file_bytes = fs::file_size(path, ec);
  std::ifstream in(path, std::ios::binary);
  if (ec || !in) throw Error(path, "", "cannot open file; check the path and its permissions");
  if (file_bytes < 8) {
    throw Error(path, "byte 0",
                "the file is " + std::to_string(file_bytes) +
                    " bytes, shorter than the 8-byte header length a safetensors file starts with; " + kRedownload);
  }
  unsigned char length_bytes[8];
  in.read(reinterpret_cast<char*>(length_bytes), 8);
  if (in.gcount() != 8) throw Error(path, "byte 0", "cannot read the 8-byte header length");
  uint64_t header_bytes = 0;
  for (int i = 7; i >= 0; --i) header_bytes = (header_bytes << 8) | length_bytes[i];
  if (header_bytes > kMaxHeaderBytes) {
    throw Error(path, "byte 0",
                "header length " + std::to_string(header_bytes) +
                    " is over the 100,000,000-byte limit of the format: not a safetensors file (a Git LFS "
                    "pointer?); " + kRedownload);
  }
  if (header_bytes > file_bytes - 8) {
    throw Error(path, "byte 0",
                "header length " + std::to_string(header_bytes) + " runs past the end of the file (" +
                    std::to_string(file_bytes) + " bytes): truncated or not a safetensors file; " + kRedownload);
  }
  std::string header(header_bytes, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_bytes));
  if (static_cast<uint64_t>(in.gcount()) != header_bytes) {
    throw Error(path, "byte 8", "cannot read the " + std::to_string(header_bytes) + "-byte header");
  }
  if (const size_t deep = JsonTooDeepAt(header); deep != std::string::npos) {
    throw Error(path, "byte " + std::to_string(8 + deep),
                "the header nests JSON more than " + std::to_string(kMaxJsonDepth) + " levels deep; " + kRedownload);
  }
  Json doc;
  try {
    doc = Json::parse(header);
  } catch (const Json::out_of_range& e) {
    // A number beyond a double (1e999); nlohmann gives no position.
    std::string what = e.what();
    if (const size_t sp = what.find("] "); sp != std::string::npos) what = what.substr(sp + 2);
    throw Error(path, "byte 8", "invalid JSON in the header: " + what + "; " + kRedownload);
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based and points just past the offending character.
    const uint64_t at = std::min<uint64_t>(e.byte == 0 ? 0 : e.byte - 1, header_bytes);
    std::string what = e.what();
    // nlohmann's text is "[json.exception.parse_error.101] parse error at
    // line 1, column 2: syntax error ..."; keep the tail.
    if (const size_t colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    throw Error(path, "byte " + std::to_string(8 + at), "invalid JSON in the header: " + what + "; " + kRedownload);
  }
  if (!doc.is_object()) {
    throw Error(path, "byte 8", "the header is not a JSON object of tensors; " + std::string(kRedownload));
  }
  const int64_t data_bytes = static_cast<int64_t>(file_bytes - 8 - header_bytes);
  std::vector<SafetensorsTensor> tensors;
  for (const auto& [name, v] : doc.items()) {
    if (name == "__metadata__") continue;
    tensors.push_back(ParseTensor(path, name, v, data_bytes));
  }
  return tensors;
}

std::optional<CheckpointSummary> CheckCheckpointDirectory(const std::string& dir) {
  std::error_code ec;
  const fs::path root(dir);
  const fs::path index = root / "model.safetensors.index.json";
  std::set<std::string> shards;  // sorted and distinct
  if (fs::is_regular_file(index, ec)) {
    const Json doc = LoadJsonFile(index.string());
    const Json* map = doc.is_object() && doc.contains("weight_map") ? &doc["weight_map"] : nullptr;
    if (map == nullptr || !map->is_object()) {
      throw Error(index.string(), "/weight_map",
                  "missing or not an object (tensor name -> shard file); fix the index, or remove it to check "
                  "every *.safetensors file in the directory");
    }
    for (const auto& [tensor, shard] : map->items()) {
      if (!shard.is_string()) {
        throw Error(index.string(), "/weight_map/" + PointerToken(tensor),
                    "must be a shard file name (a string), got " + shard.dump());
      }
      shards.insert(shard.get<std::string>());
    }
  } else {
    for (const fs::directory_entry& e : fs::directory_iterator(root, ec)) {
      if (e.is_regular_file(ec) && e.path().extension() == ".safetensors") shards.insert(e.path().filename().string());
    }
    if (shards.empty()) return std::nullopt;
  }
  CheckpointSummary s;
  for (const std::string& shard : shards) {
    const fs::path file = root / shard;
    if (!fs::is_regular_file(file, ec)) {
      s.files_missing.push_back(shard);
      continue;
    }
    for (const SafetensorsTensor& t : ReadSafetensorsHeader(file.string())) {
      ++s.tensors;
      if (__builtin_add_overflow(s.parameters, t.elements, &s.parameters)) {
        throw Error(file.string(), "tensor '" + t.name + "'",
                    "the checkpoint's parameter count overflows 64 bits; the header is malformed: " +
                        std::string(kRedownload));
      }
    }
    s.files_read.push_back(shard);
  }
  return s;
}

const char* CheckpointStatusName(CheckpointStatus s) {
  switch (s) {
    case CheckpointStatus::kMatch: return "match";
    case CheckpointStatus::kMismatch: return "mismatch";
    case CheckpointStatus::kPartial: return "partial";
  }
  return "?";
}

CheckpointComparison CompareCheckpoint(const CheckpointSummary& checkpoint, int64_t our_parameters) {
  CheckpointComparison c;
  c.checkpoint = checkpoint;
  c.our_parameters = our_parameters;
  // Both counts are non-negative int64, so the difference fits.
  c.difference = checkpoint.parameters - our_parameters;
  if (!checkpoint.files_missing.empty()) {
    c.status = CheckpointStatus::kPartial;
  } else {
    c.status = c.difference == 0 ? CheckpointStatus::kMatch : CheckpointStatus::kMismatch;
  }
  return c;
}

}  // namespace lmp::model
