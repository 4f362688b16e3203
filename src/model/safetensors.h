#ifndef LMP_MODEL_SAFETENSORS_H_
#define LMP_MODEL_SAFETENSORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lmp::model {

// One tensor as a safetensors header describes it.
struct SafetensorsTensor {
  std::string name;
  std::string dtype;  // "BF16", "F32", ...
  std::vector<int64_t> shape;
  int64_t elements = 1;  // product of shape; a scalar (shape []) is 1
};

// Reads the header of one .safetensors file: the 8-byte little-endian length
// N, then N bytes of JSON (tensor name -> dtype, shape, data_offsets; the
// optional "__metadata__" is skipped). Only those 8 + N bytes are read, never
// the weights. Tensors come in header order. Throws lmp::Error naming the
// file and the byte offset or the tensor for a short file, a length past the
// file or over the 100 MB limit, broken JSON, a tensor without dtype or
// shape, a negative dimension, an element count past 64 bits, an unknown
// dtype, or data_offsets whose span is not elements x dtype size or runs past
// the end of the file.
std::vector<SafetensorsTensor> ReadSafetensorsHeader(const std::string& path);

// The safetensors files of a model directory, summed from their headers.
struct CheckpointSummary {
  // Shards named by model.safetensors.index.json, else every *.safetensors
  // in the directory; names relative to it, sorted.
  std::vector<std::string> files_read;
  std::vector<std::string> files_missing;  // listed in the index, not present: not checked
  int64_t tensors = 0;
  int64_t parameters = 0;  // elements summed over every tensor of files_read
};

// Checks `dir`'s checkpoint: std::nullopt when it holds neither
// model.safetensors.index.json nor any *.safetensors file. With the index,
// the shards are the distinct files of its "weight_map", and a shard missing
// locally is listed in files_missing, not an error. Throws lmp::Error for a
// malformed index or header (ReadSafetensorsHeader).
std::optional<CheckpointSummary> CheckCheckpointDirectory(const std::string& dir);

enum class CheckpointStatus { kMatch, kMismatch, kPartial };
const char* CheckpointStatusName(CheckpointStatus s);  // "match", "mismatch", "partial"

// The checkpoint's parameter count next to ours.
struct CheckpointComparison {
  CheckpointSummary checkpoint;
  int64_t our_parameters = 0;
  int64_t difference = 0;  // checkpoint minus ours
  // partial when a shard was not checked (the sum is then a lower bound),
  // else match when the counts are equal, else mismatch.
  CheckpointStatus status = CheckpointStatus::kMatch;
};

CheckpointComparison CompareCheckpoint(const CheckpointSummary& checkpoint, int64_t our_parameters);

}  // namespace lmp::model

#endif  // LMP_MODEL_SAFETENSORS_H_
