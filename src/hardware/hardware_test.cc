#include "hardware/hardware.h"

#include <gtest/gtest.h>

#include "util/error.h"

namespace lmp::hardware {
namespace {

const Catalog& Embedded() {
  static const Catalog c = Catalog::Embedded();
  return c;
}

std::string Data(const std::string& name) { return std::string(LMP_SOURCE_DIR) + "/tests/data/" + name; }

TEST(HardwareTest, EmbeddedCatalogLoads) {
  EXPECT_EQ(Embedded().devices().size(), 18u);
  const Device& h = Embedded().Get("H100-SXM");
  EXPECT_EQ(h.name, "H100-SXM");
  EXPECT_EQ(h.vendor, "NVIDIA");
  EXPECT_EQ(h.dram_bytes, 80LL * 1024 * 1024 * 1024);
  EXPECT_EQ(h.dram_bandwidth_bytes_per_s, 3.35e12);
  EXPECT_EQ(h.tensor_flops_per_s.at("fp16"), 989.4e12);
  EXPECT_EQ(h.vector_flops_per_s.at("fp32"), 66.9e12);
  EXPECT_EQ(h.file, "<embedded>/hardware/devices.json");
}

// Shared memory per SM / LDS per CU, in KiB as the tuning guides and the ROCm
// table give them; 0 where no figure could be cited (TPU, Gaudi).
TEST(HardwareTest, SramPerCore) {
  EXPECT_EQ(Embedded().Get("V100").sram_per_core_bytes, 96 * 1024);
  EXPECT_EQ(Embedded().Get("A100").sram_per_core_bytes, 164 * 1024);
  EXPECT_EQ(Embedded().Get("A10").sram_per_core_bytes, 100 * 1024);
  EXPECT_EQ(Embedded().Get("L40S").sram_per_core_bytes, 100 * 1024);
  EXPECT_EQ(Embedded().Get("H100-SXM").sram_per_core_bytes, 228 * 1024);
  EXPECT_EQ(Embedded().Get("H200").sram_per_core_bytes, 228 * 1024);
  EXPECT_EQ(Embedded().Get("B200").sram_per_core_bytes, 228 * 1024);
  EXPECT_EQ(Embedded().Get("MI300X").sram_per_core_bytes, 64 * 1024);
  EXPECT_EQ(Embedded().Get("TPU-v5e").sram_per_core_bytes, 0);
  EXPECT_EQ(Embedded().Get("Gaudi-3").sram_per_core_bytes, 0);
  int known = 0;
  for (const Device& d : Embedded().devices()) known += d.sram_per_core_bytes > 0;
  EXPECT_EQ(known, 15);
}

TEST(HardwareTest, SramPerCoreMustBePositive) {
  Catalog c;
  const std::string text = R"({"schema": "lmp.hardware/1", "devices": [{"name": "Mine",
      "memory": {"dram_bytes": 1, "dram_bandwidth_bytes_per_s": 1, "sram_per_core_bytes": 0},
      "tensor_flops_per_s": {}, "vector_flops_per_s": {}, "citation": "x"}]})";
  try {
    c.AddText(text, "mine.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where(), "/devices/0/memory/sram_per_core_bytes");
  }
}

TEST(HardwareTest, LookupByAliasIgnoresCaseAndSeparators) {
  for (const char* n : {"h100", "H100", "nvidia_H100", "NVIDIA-h100", "H100-SXM", "h100_sxm", "h100 sxm",
                        "H100-SXM5-80GB"}) {
    EXPECT_EQ(Embedded().Get(n).name, "H100-SXM") << n;
  }
  EXPECT_EQ(Embedded().Get("4090").name, "RTX-4090");
  EXPECT_EQ(Embedded().Get("TPU_V5E").name, "TPU-v5e");
}

TEST(HardwareTest, NormalizeName) {
  EXPECT_EQ(NormalizeName("NVIDIA_H100 sxm-5"), "nvidia-h100-sxm-5");
}

TEST(HardwareTest, UnknownDeviceSuggests) {
  try {
    Embedded().Get("H100-SMX");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "hardware: unknown device 'H100-SMX' (did you mean 'H100-SXM'?); 'lmp hardware list' lists the "
              "catalog");
  }
}

TEST(HardwareTest, UserFileAddsAndReplaces) {
  Catalog c = Catalog::Embedded();
  c.AddFile(Data("my_hardware.json"));
  EXPECT_EQ(c.devices().size(), 19u);
  EXPECT_EQ(c.Get("TOY").name, "Toy-1");
  // "h100 sxm" names the embedded H100-SXM, so it replaces it, aliases and all.
  const Device& h = c.Get("H100-SXM");
  EXPECT_EQ(h.name, "h100 sxm");
  EXPECT_EQ(h.dram_bandwidth_bytes_per_s, 2.0e12);
  EXPECT_EQ(h.file, Data("my_hardware.json"));
  EXPECT_EQ(h.pointer, "/devices/1");
  EXPECT_THROW(c.Get("nvidia_H100"), Error);
}

TEST(HardwareTest, AliasClashIsAnError) {
  Catalog c = Catalog::Embedded();
  const std::string text = R"({"schema": "lmp.hardware/1", "devices": [{"name": "Mine", "aliases": ["H100"],
      "memory": {"dram_bytes": 1, "dram_bandwidth_bytes_per_s": 1}, "tensor_flops_per_s": {},
      "vector_flops_per_s": {}, "citation": "x"}]})";
  try {
    c.AddText(text, "mine.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.Line(),
              "mine.json: /devices/0: name or alias 'h100' is already used by device 'H100-SXM' "
              "(<embedded>/hardware/devices.json /devices/8); rename it, or give the device that name to replace it");
  }
}

TEST(HardwareTest, SchemaErrorNamesThePointer) {
  Catalog c;
  try {
    c.AddFile(Data("bad_hardware.json"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.file(), Data("bad_hardware.json"));
    EXPECT_EQ(e.where(), "/devices/0/memory/dram_bandwidth_bytes_per_s");
    EXPECT_NE(e.message().find("hardware.schema.json"), std::string::npos) << e.message();
  }
}

TEST(HardwareTest, UnknownPrecisionKeyIsASchemaError) {
  Catalog c;
  const std::string text = R"({"schema": "lmp.hardware/1", "devices": [{"name": "Mine",
      "memory": {"dram_bytes": 1, "dram_bandwidth_bytes_per_s": 1}, "tensor_flops_per_s": {"fp17": 1},
      "vector_flops_per_s": {}, "citation": "x"}]})";
  try {
    c.AddText(text, "mine.json");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where().rfind("/devices/0/tensor_flops_per_s", 0), 0u) << e.where();
  }
}

}  // namespace
}  // namespace lmp::hardware
