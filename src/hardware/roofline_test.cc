#include "hardware/roofline.h"

#include <gtest/gtest.h>

#include "model/model.h"
#include "util/error.h"

namespace lmp::hardware {
namespace {

using analysis::Analysis;
using analysis::Plan;
using analysis::Scenario;
using analysis::Stage;

const Catalog& Embedded() {
  static const Catalog c = Catalog::Embedded();
  return c;
}

const Plan& Llama7b() {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  static const Plan plan = analysis::BuildPlan(model::LoadModel("meta-llama/Llama-2-7b-hf"), db, "fused");
  return plan;
}

size_t Index(const Plan& plan, const std::string& layer, const std::string& op) {
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    if (plan.ops[i].layer == layer && plan.ops[i].op == op) return i;
  }
  ADD_FAILURE() << "no operation " << layer << "." << op;
  return 0;
}

Scenario Bits(int w, int a) {
  Scenario s;
  s.w_bits = w;
  s.a_bits = a;
  return s;
}

TEST(OnDeviceTest, UnsetSramTakesTheDevicesSharedMemory) {
  Scenario s;
  EXPECT_EQ(OnDevice(s, Embedded().Get("H100-SXM")).sram_bytes, 233'472);
  EXPECT_EQ(OnDevice(s, Embedded().Get("MI300X")).sram_bytes, 65'536);
  // No figure for the TPU: still unset, so the default applies.
  EXPECT_EQ(OnDevice(s, Embedded().Get("TPU-v5e")).sram_bytes, 0);
  EXPECT_EQ(analysis::SramBytes(OnDevice(s, Embedded().Get("TPU-v5e"))), 131'072);
  // An explicit --sram-bytes wins over the device.
  s.sram_bytes = 49'152;
  EXPECT_EQ(OnDevice(s, Embedded().Get("H100-SXM")).sram_bytes, 49'152);
}

TEST(PeakForTest, MatmulUsesTensorAtTheInputPrecision) {
  const Device& h = Embedded().Get("H100-SXM");
  const Peak fp16 = PeakFor(h, "matmul", Bits(16, 16));
  EXPECT_EQ(fp16.unit, "tensor");
  EXPECT_EQ(fp16.precision, "fp16");
  EXPECT_EQ(fp16.flops_per_s, 989.4e12);
  // W4A16 dequantizes to fp16 and computes there.
  EXPECT_EQ(PeakFor(h, "matmul", Bits(4, 16)).precision, "fp16");
  EXPECT_EQ(PeakFor(h, "attention", Bits(16, 16)).flops_per_s, 989.4e12);
  const Peak int8 = PeakFor(h, "matmul", Bits(8, 8));
  EXPECT_EQ(int8.precision, "int8");
  EXPECT_EQ(int8.flops_per_s, 1978.9e12);
  // W4A8 computes in int8 too.
  EXPECT_EQ(PeakFor(h, "matmul", Bits(4, 8)).precision, "int8");
  // No fp32 tensor path on NVIDIA (TF32 is a different precision): vector fp32.
  const Peak fp32 = PeakFor(h, "matmul", Bits(32, 32));
  EXPECT_EQ(fp32.unit, "vector");
  EXPECT_EQ(fp32.flops_per_s, 66.9e12);
  // AMD lists matrix fp32.
  const Peak mi = PeakFor(Embedded().Get("MI300X"), "matmul", Bits(32, 32));
  EXPECT_EQ(mi.unit, "tensor");
  EXPECT_EQ(mi.flops_per_s, 163.4e12);
}

TEST(PeakForTest, OtherKindsUseVector) {
  const Device& h = Embedded().Get("H100-SXM");
  for (const char* kind : {"elementwise", "norm", "softmax", "reduction", "gather", "copy"}) {
    const Peak p = PeakFor(h, kind, Bits(16, 16));
    EXPECT_EQ(p.unit, "vector") << kind;
    EXPECT_EQ(p.precision, "fp16") << kind;
    EXPECT_EQ(p.flops_per_s, 133.8e12) << kind;
  }
  EXPECT_EQ(PeakFor(h, "softmax", Bits(32, 32)).flops_per_s, 66.9e12);
}

TEST(PeakForTest, FallsBackToBf16) {
  const Peak tensor = PeakFor(Embedded().Get("TPU-v5e"), "matmul", Bits(16, 16));
  EXPECT_EQ(tensor.precision, "bf16");
  EXPECT_EQ(tensor.flops_per_s, 197.0e12);
  const Peak vector = PeakFor(Embedded().Get("Gaudi-3"), "norm", Bits(16, 16));
  EXPECT_EQ(vector.precision, "bf16");
  EXPECT_EQ(vector.flops_per_s, 28.7e12);
}

TEST(PeakForTest, MissingPrecisionNamesDeviceAndPrecision) {
  try {
    PeakFor(Embedded().Get("V100"), "matmul", Bits(8, 8));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "<embedded>/hardware/devices.json: /devices/0: device 'V100-SXM2-32GB' lists no tensor peak for int8, "
              "needed by matmul operations; choose another w_bits/a_bits or another device, or add the figure in "
              "a hardware_file");
  }
}

TEST(PeakForTest, TpuVectorOpsRunAtTheEstimatedFp32Peak) {
  const Peak p = PeakFor(Embedded().Get("TPU-v5e"), "softmax", Bits(16, 16));
  EXPECT_EQ(p.precision, "fp32");
  EXPECT_EQ(p.flops_per_s, 3.07e12);
}

TEST(PeakForTest, ComputeOptionPicksTheTensorPrecision) {
  Scenario s = Bits(8, 8);
  s.compute = "fp8";
  const Peak fp8 = PeakFor(Embedded().Get("H100-SXM"), "matmul", s);
  EXPECT_EQ(fp8.precision, "fp8");
  EXPECT_EQ(fp8.flops_per_s, 1978.9e12);
  // Only matrix kinds follow --compute.
  EXPECT_EQ(PeakFor(Embedded().Get("H100-SXM"), "norm", s).precision, "fp16");
  s.compute = "bf16";
  EXPECT_EQ(PeakFor(Embedded().Get("H100-SXM"), "matmul", s).flops_per_s, 989.4e12);
  s.compute = "fp8";
  try {
    PeakFor(Embedded().Get("A100-80GB-SXM"), "matmul", s);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "<embedded>/hardware/devices.json: /devices/3: device 'A100-80GB-SXM' lists no tensor peak for fp8, "
              "needed by matmul operations; choose another compute or another device, or add the figure in "
              "a hardware_file");
  }
}

// Round numbers: 1 TB/s, 100 TFLOP/s tensor, 10 TFLOP/s vector.
Device Toy() {
  Device d;
  d.name = "toy";
  d.dram_bandwidth_bytes_per_s = 1e12;
  d.tensor_flops_per_s = {{"fp16", 100e12}};
  d.vector_flops_per_s = {{"fp16", 10e12}};
  return d;
}

TEST(RooflineTest, HandMadeStage) {
  Plan plan;
  plan.ops = {{"a", "mm", "M", "matmul", 3, 0, "/layers/0"}, {"b", "add", "E", "elementwise", 2, 0, "/layers/1"}};
  analysis::StageResult st;
  // matmul: 4e12 FLOPs, 4e9 bytes -> compute 0.04 s, memory 0.004 s.
  // add: 1e9 FLOPs, 1e9 bytes -> compute 1e-4 s, memory 1e-3 s.
  st.ops = {{4'000'000'000'000, 1'000'000'000, 1'000'000'000, 0, 1'500'000'000, 500'000'000},
            {1'000'000'000, 0, 300'000'000, 200'000'000, 500'000'000, 0}};
  const RooflineStage r = Roofline(plan, st, Toy(), Scenario{});
  ASSERT_EQ(r.ops.size(), 2u);
  EXPECT_EQ(r.ops[0].bytes, 4'000'000'000);
  EXPECT_DOUBLE_EQ(r.ops[0].intensity_flops_per_byte, 1000.0);
  EXPECT_DOUBLE_EQ(r.ops[0].compute_time_s, 0.04);
  EXPECT_DOUBLE_EQ(r.ops[0].memory_time_s, 0.004);
  EXPECT_DOUBLE_EQ(r.ops[0].time_s, 0.04);
  EXPECT_EQ(r.ops[0].bound, Bound::kCompute);
  EXPECT_EQ(r.ops[1].bytes, 1'000'000'000);
  EXPECT_DOUBLE_EQ(r.ops[1].intensity_flops_per_byte, 1.0);
  EXPECT_DOUBLE_EQ(r.ops[1].compute_time_s, 1e-4);
  EXPECT_DOUBLE_EQ(r.ops[1].time_s, 1e-3);
  EXPECT_EQ(r.ops[1].bound, Bound::kMemory);
  // 3 x 0.04 + 2 x 0.001.
  EXPECT_DOUBLE_EQ(r.time_s, 0.122);
  ASSERT_EQ(r.time_by_kind_s.size(), 2u);
  EXPECT_EQ(r.time_by_kind_s[0].first, "matmul");
  EXPECT_DOUBLE_EQ(r.time_by_kind_s[0].second, 0.12);
  EXPECT_EQ(r.time_by_kind_s[1].first, "elementwise");
  EXPECT_DOUBLE_EQ(r.time_by_kind_s[1].second, 0.002);
}

// Llama-2-7b flash prefill at 2048 on H100: 228 KiB gives Bc = 228, Br = 128,
// the tiles of the 128 KiB case in src/analysis/flash_test.cc, so
// 36,863,737,856 FLOPs over 285,212,672 bytes of K/V plus Q and O, 16,777,216
// each: 318,767,104 bytes, intensity ~116 under the ridge 989.4 / 3.35 ~ 295.
// Memory-bound only because every K/V re-read is charged to DRAM (docs/flash.md).
TEST(RooflineTest, FlashPrefillOnH100) {
  static const db::ModuleDb db = db::ModuleDb::Embedded();
  const Plan plan = analysis::BuildPlan(model::LoadModel("meta-llama/Llama-2-7b-hf"), db, "flash");
  const Device& h = Embedded().Get("H100-SXM");
  Scenario s;
  s.profile = "flash";
  s.stages = {Stage::kPrefill};
  s = OnDevice(s, h);
  ASSERT_EQ(s.sram_bytes, 233'472);
  const Analysis a = analysis::Analyze(plan, s);
  const RooflineStage stage = Roofline(plan, a.stages[0], h, s);
  const RooflineOp& op = stage.ops[Index(plan, "model.layers.self_attn", "flash_attention")];
  EXPECT_EQ(op.bytes, 318'767'104);
  EXPECT_DOUBLE_EQ(op.intensity_flops_per_byte, 36'863'737'856.0 / 318'767'104.0);
  EXPECT_DOUBLE_EQ(op.compute_time_s, 36'863'737'856.0 / 989.4e12);
  EXPECT_DOUBLE_EQ(op.time_s, 318'767'104.0 / 3.35e12);
  EXPECT_EQ(op.bound, Bound::kMemory);
}

TEST(RooflineTest, Llama2_7bDecodeOnH100IsMemoryBound) {
  const Plan& plan = Llama7b();
  Scenario s;
  s.stages = {Stage::kDecode};
  s.decode_kv_len = 2048;
  const Analysis a = analysis::Analyze(plan, s);
  const Device& h = Embedded().Get("H100-SXM");
  const RooflineStage r = Roofline(plan, a.stages[0], h, s);
  double sum = 0;
  for (size_t i = 0; i < plan.ops.size(); ++i) {
    const RooflineOp& op = r.ops[i];
    if (plan.ops[i].kind == "matmul") {
      EXPECT_EQ(op.bound, Bound::kMemory) << plan.ops[i].layer << "." << plan.ops[i].op;
    }
    if (op.bound == Bound::kMemory) {
      EXPECT_DOUBLE_EQ(op.time_s, static_cast<double>(op.bytes) / 3.35e12);
      sum += static_cast<double>(plan.ops[i].count) * static_cast<double>(op.bytes) / 3.35e12;
    } else {
      sum += static_cast<double>(plan.ops[i].count) * op.time_s;
    }
  }
  EXPECT_DOUBLE_EQ(r.time_s, sum);
  // q_proj at batch 1: 2 * 4096 * 4096 FLOPs over 4096 * 4096 * 2 weight bytes
  // + 4096 * 2 in + 4096 * 2 out.
  const RooflineOp& q = r.ops[Index(plan, "model.layers.self_attn.q_proj", "linear")];
  EXPECT_EQ(q.bytes, 33'570'816);
  EXPECT_DOUBLE_EQ(q.time_s, 33'570'816 / 3.35e12);
  EXPECT_DOUBLE_EQ(q.intensity_flops_per_byte, 33'554'432.0 / 33'570'816.0);
}

TEST(RooflineTest, Llama2_7bPrefillQProjIsComputeBound) {
  const Plan& plan = Llama7b();
  Scenario s;
  s.prompt_len = 2048;
  s.stages = {Stage::kPrefill};
  const Analysis a = analysis::Analyze(plan, s);
  const RooflineAnalysis r = RooflineAll(plan, a, Embedded().Get("H100-SXM"));
  const RooflineOp& q = r.stages[0].ops[Index(plan, "model.layers.self_attn.q_proj", "linear")];
  // 2 * 2048 * 4096 * 4096 FLOPs; weights 4096^2 * 2 B, in and out 2048 * 4096 * 2 B each.
  EXPECT_EQ(q.bytes, 67'108'864);
  EXPECT_DOUBLE_EQ(q.intensity_flops_per_byte, 1024.0);
  EXPECT_EQ(q.bound, Bound::kCompute);
  EXPECT_DOUBLE_EQ(q.time_s, 68'719'476'736 / 989.4e12);
  ASSERT_FALSE(r.peaks_by_kind.empty());
  EXPECT_EQ(r.peaks_by_kind[0].first, "gather");
}

}  // namespace
}  // namespace lmp::hardware
