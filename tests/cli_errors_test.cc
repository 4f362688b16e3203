// Runs the real lmp binary on every kind of bad input: exit code 2 and one exact line.
#include <gtest/gtest.h>

#include <string>

#include "cli_testing.h"

namespace {

using lmp::testing::FirstLine;
using lmp::testing::Lmp;
using lmp::testing::Result;

// Every bad input: exit code 2 and one line naming the file and the place.
struct BadInput {
  const char* name;
  const char* args;
  const char* first_line;
};

class CliErrorTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliErrorTest, ExitsTwoWithOneLine) {
  const Result r = Lmp(GetParam().args);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(FirstLine(r.err), GetParam().first_line);
}

INSTANTIATE_TEST_SUITE_P(
    BadInputs, CliErrorTest,
    ::testing::Values(
        BadInput{"BrokenJson", "module list --db broken.json",
                 "lmp: error: broken.json: 2:50: invalid JSON: syntax error while parsing value - unexpected '}'; "
                 "expected '[', '{', or a literal; fix the syntax at this place"},
        BadInput{"FormulaTypo", "analyze Llama-2-7b-hf --db formula_typo.json",
                 "lmp: error: formula_typo.json: /modules/my_Scale/operations/0/flops, col 5: unknown parameter "
                 "{num_element} (did you mean {num_elements}?); declare it in \"parameters\" or fix the name"},
        BadInput{"CallCycle", "module list --db cycle.json",
                 "lmp: error: cycle.json: /modules/my_B/operations/0/flops, col 5: module call cycle: my.mod.A -> "
                 "my.mod.B -> my.mod.A; a module can't call itself"},
        BadInput{"UnknownClass", "analyze unknown_class.json",
                 "lmp: error: unknown_class.json: /layers/0/class: unknown module class "
                 "'torch.nn.modules.rnn.LSTM'; add an entry for it with --db FILE (see "
                 "docs/module-db.md), or have an agent write one with --analyze-missing agent (docs/agents.md)"},
        BadInput{"ModelFormulaTypo", "analyze model_formula_typo.json",
                 "lmp: error: model_formula_typo.json: /layers/0/parameters/in_features: proj parameter in_features, "
                 "col 1: unknown parameter {hiden_size} (did you mean {hidden_size}?)"},
        BadInput{"UnknownModel", "analyze llama-2-7b-hff",
                 "lmp: error: llama-2-7b-hff: no such file, and no catalog model has this id (did you mean "
                 "'Llama-2-7b-hf'?); 'lmp models' lists the catalog"},
        BadInput{"ZeroBatch", "analyze Llama-2-7b-hf --batch 0",
                 "lmp: error: --batch: must be a positive integer, got 0"},
        BadInput{"NegativeBatch", "analyze Llama-2-7b-hf --batch -4",
                 "lmp: error: --batch: must be a positive integer, got -4"},
        BadInput{"UnknownProfile", "analyze Llama-2-7b-hf --profile bogus",
                 "lmp: error: --profile: unknown profile 'bogus'; choose fused, flash or eager"},
        BadInput{"MisspelledProfile", "analyze Llama-2-7b-hf --profile flsh",
                 "lmp: error: --profile: unknown profile 'flsh' (did you mean 'flash'?); choose fused, flash or eager"},
        BadInput{"ZeroSram", "analyze Llama-2-7b-hf --profile flash --sram-bytes 0",
                 "lmp: error: --sram-bytes: must be a positive integer, got 0"},
        BadInput{"NegativeSramInModuleEval", "module eval Linear N=1 in_features=1 out_features=1 --sram-bytes -8",
                 "lmp: error: --sram-bytes: must be a positive integer, got -8"},
        BadInput{"NonNumericBatch", "analyze Llama-2-7b-hf --batch many",
                 "lmp: error: Could not convert: --batch = many; see 'lmp --help'"},
        BadInput{"ZeroBits", "analyze Llama-2-7b-hf --stage both --kv-bits 0",
                 "lmp: error: --kv-bits: must be a bit width from 1 to 64, got 0"},
        BadInput{"UnknownModule", "module show LlamaRMSNrom",
                 "lmp: error: unknown module 'LlamaRMSNrom' (did you mean 'LlamaRMSNorm'?); list modules with 'lmp "
                 "module list', or add one with --db FILE"},
        BadInput{"MissingEvalParameters", "module eval Linear N=1",
                 "lmp: error: torch.nn.modules.linear.Linear needs parameter(s): "
                 "in_features, out_features; pass them as NAME=VALUE"},
        BadInput{"UnknownCommand", "anaylze Llama-2-7b-hf",
                 "lmp: error: unknown command 'anaylze' (did you mean 'analyze'?); see "
                 "'lmp --help'"},
        BadInput{"Overflow", "analyze Llama-2-7b-hf --batch 100000000 --seq 100000000",
                 "lmp: error: <embedded>/models/meta-llama--Llama-2-7b-hf.json: /layers/0/sub_layers/0/sub_layers/0: "
                 "64-bit integer overflow in '{num_indices} * {embedding_dim}' (model.embed_tokens: "
                 "torch.nn.modules.sparse.Embedding op embedding reads.weights, col 1); check the sizes and the "
                 "formulas"},
        BadInput{"UnknownHardware", "analyze Llama-2-7b-hf --hardware H100-SMX",
                 "lmp: error: --hardware: unknown device 'H100-SMX' (did you mean 'H100-SXM'?); 'lmp hardware list' "
                 "lists the catalog"},
        BadInput{"BadHardwareFile", "analyze tiny_model.json --hardware toy --hardware-file bad_hardware.json",
                 "lmp: error: bad_hardware.json: /devices/0/memory/dram_bandwidth_bytes_per_s: does not match the "
                 "schema (schema/hardware.schema.json): expected number greater than 0.000000; see docs/hardware.md"},
        BadInput{"HardwareFileAlone", "analyze tiny_model.json --hardware-file my_hardware.json",
                 "lmp: error: --hardware-file: has no effect without --hardware NAME; add it, or drop --hardware-file"},
        BadInput{
            "NoPeakForPrecision", "analyze Llama-2-7b-hf --hardware v100 --w-bits 8 --a-bits 8",
            "lmp: error: <embedded>/hardware/devices.json: /devices/0: device 'V100-SXM2-32GB' lists no tensor "
            "peak for int8, needed by matmul operations; choose another --w-bits/--a-bits or another device, or add "
            "the figure in a --hardware-file"},
        BadInput{"UnknownHardwareShow", "hardware show rtx5090",
                 "lmp: error: hardware show: unknown device 'rtx5090' (did you mean 'rtx4090'?); 'lmp hardware list' "
                 "lists the catalog"},
        BadInput{"SweepBadStep", "sweep --model Llama-2-7b-hf --hardware h100 --prompt 128:8192:*2",
                 "lmp: error: --prompt: bad step '*2' in '128:8192:*2'; write xFACTOR (e.g. x2) or +STEP (e.g. +8)"},
        BadInput{"SweepStopBelowStart", "sweep --model Llama-2-7b-hf --hardware h100 --batch 64:1:x2",
                 "lmp: error: --batch: stop 1 is below start 64 in '64:1:x2'"},
        BadInput{"SweepZeroFactor", "sweep --model Llama-2-7b-hf --hardware h100 --gen 1:64:x0",
                 "lmp: error: --gen: factor must be a positive integer, got 0 in '1:64:x0'"},
        BadInput{"SweepNotInteger", "sweep --model Llama-2-7b-hf --hardware h100 --batch 1,2.5",
                 "lmp: error: --batch: '2.5' is not an integer"},
        BadInput{"SweepTooMany",
                 "sweep --model Llama-2-7b-hf --hardware all --batch 1:1000:+1 --prompt 1:1000:+1 --gen 1:1000:+1",
                 "lmp: error: too many scenarios: the lists make 18000000000, more than the limit of 1000000000; "
                 "shorten them"},
        BadInput{"SweepUnknownDevice", "sweep --model Llama-2-7b-hf --hardware h100,H100-SMX",
                 "lmp: error: --hardware: unknown device 'H100-SMX' (did you mean 'H100-SXM'?); 'lmp hardware list' "
                 "lists the catalog"},
        BadInput{"SweepBadWhere", "sweep --model Llama-2-7b-hf --hardware h100 --where fit",
                 "lmp: error: --where: unknown condition 'fit'; use fits or !fits"},
        BadInput{"SweepBadFormat", "sweep --model Llama-2-7b-hf --hardware h100 --format xml",
                 "lmp: error: --format: unknown format 'xml'; use csv, jsonl or markdown"},
        BadInput{"CompareUnknownKey", "compare Llama-2-7b-hf --hardware h100 --a w-bits=4 --b w-bit=4",
                 "lmp: error: --b: unknown key 'w-bit' (did you mean 'w-bits'?); keys: model, hardware, batch, "
                 "prompt, gen, w-bits, a-bits, kv-bits, w-group-size, compute, profile, sram-bytes, runtime, tp, "
                 "pp, ep, dp, microbatches"},
        BadInput{"CompareBadValue", "compare Llama-2-7b-hf --hardware h100 --a batch=0 --b batch=1",
                 "lmp: error: --batch: A: must be a positive integer, got 0"},
        BadInput{"ZeroHeads", "analyze config_zero_heads.json",
                 "lmp: error: config_zero_heads.json: /n_head: must be a positive integer, got 0"},
        BadInput{"ZeroHeadsFit", "fit config_zero_heads.json --hardware h100",
                 "lmp: error: config_zero_heads.json: /n_head: must be a positive integer, got 0"},
        BadInput{"NumberBeyondDouble", "analyze config_number_overflow.json",
                 "lmp: error: config_number_overflow.json: 2:16: invalid JSON: number overflow parsing '1e400', "
                 "beyond the range of a double; write a smaller number"},
        BadInput{"HugeConfigInt", "analyze config_huge_heads.json",
                 "lmp: error: config_huge_heads.json: /n_head: must be at most 2147483647, got 4294967296; no model "
                 "dimension comes near it"},
        BadInput{"UnknownCluster", "cluster show hgx-h100-9",
                 "lmp: error: cluster show: unknown cluster 'hgx-h100-9' (did you mean 'HGX-H100-8'?); 'lmp cluster "
                 "list' lists the catalog"},
        BadInput{"HugeBatch", "analyze Llama-2-7b-hf --batch 9000000000000000000",
                 "lmp: error: --batch: must be at most 2147483648, got 9000000000000000000"},
        BadInput{"HugeFile", "analyze /dev/zero",
                 "lmp: error: /dev/zero: larger than 64 MiB, the most any lmp input may be; check that this is the "
                 "file you meant"},
        BadInput{"DeepNesting", "analyze deep_nesting.json",
                 "lmp: error: deep_nesting.json: 1:257: JSON nested more than 256 levels deep; no lmp input needs "
                 "that"},
        BadInput{"BrokenPipe", "analyze /dev/fd/3 3< broken.json",
                 "lmp: error: /dev/fd/3: 2:50: invalid JSON: syntax error while parsing value - unexpected '}'; "
                 "expected '[', '{', or a literal; fix the syntax at this place"},
        BadInput{"UnknownRuntime", "generate Llama-2-7b-hf --hardware h100 --runtime servng",
                 "lmp: error: --runtime: unknown runtime 'servng' (did you mean 'serving'?); 'lmp runtime list' "
                 "lists them"},
        BadInput{"RuntimeWithoutHardware", "analyze Llama-2-7b-hf --runtime serving",
                 "lmp: error: --runtime: times need a device; add --hardware NAME, or drop --runtime"},
        BadInput{"GenZero", "generate Llama-2-7b-hf --hardware h100 --gen 0",
                 "lmp: error: --gen: must be a positive integer, got 0"},
        BadInput{"GenWithoutHardware", "generate Llama-2-7b-hf",
                 "lmp: error: --hardware is required; see 'lmp --help'"},
        BadInput{"GroupSizeUnquantized", "analyze Llama-2-7b-hf --w-group-size 128",
                 "lmp: error: --w-group-size: applies to quantized weights only; add --w-bits below 16 (e.g. 4), or "
                 "drop it"},
        BadInput{
            "UnknownCompute", "generate Llama-2-7b-hf --hardware h100 --compute fp9",
            "lmp: error: --compute: unknown precision 'fp9' (did you mean 'fp8'?); use auto, fp32, tf32, bf16, fp16, "
            "fp8, int8, fp4 or int4"},
        BadInput{"FitZeroGen", "fit Llama-2-7b-hf --hardware h100 --gen 0",
                 "lmp: error: --gen: must be a positive integer, got 0"},
        BadInput{"FitZeroBatch", "fit Llama-2-7b-hf --hardware h100 --batch 0",
                 "lmp: error: --batch: must be a positive integer, got 0"},
        BadInput{"FitBatchAndPrompt", "fit Llama-2-7b-hf --hardware h100 --batch 2 --prompt 100",
                 "lmp: error: --prompt: is what 'lmp fit' solves for when --batch is given; drop one of them"},
        BadInput{"OutputInMissingDirectory", "analyze Llama-2-7b-hf -o /nonexistent-lmp-dir/r.txt",
                 "lmp: error: /nonexistent-lmp-dir/r.txt: cannot open '/nonexistent-lmp-dir/r.txt.tmp' for writing: "
                 "No such file or directory; check the directory"},
        BadInput{"FitNoHardware", "fit Llama-2-7b-hf", "lmp: error: --hardware is required; see 'lmp --help'"},
        BadInput{"FitBadBits", "fit Llama-2-7b-hf --hardware h100 --kv-bits 0",
                 "lmp: error: --kv-bits: must be a bit width from 1 to 64, got 0"},
        BadInput{
            "UnsupportedModelType", "analyze config_t5.json",
            "lmp: error: config_t5.json: /model_type: no builder for model_type 't5' (supported: deepseek_v2, "
            "deepseek_v3, falcon, gemma, gemma2, gpt2, gpt_neox, llama, mistral, mixtral, opt, phi3, qwen2, qwen3, "
            "qwen3_moe); write an architecture JSON for this model (docs/architecture.md) and pass its path"},
        BadInput{"ConfigMissingKey", "inspect config_missing_key.json",
                 "lmp: error: config_missing_key.json: /num_hidden_layers: missing required key; a config.json of "
                 "this model_type needs it (see docs/models.md)"},
        BadInput{"ConfigWrongType", "analyze config_wrong_type.json",
                 "lmp: error: config_wrong_type.json: /num_attention_heads: must be a positive integer, got a string "
                 "\"4\""},
        BadInput{"DirectoryWithoutConfig", "analyze .",
                 "lmp: error: .: a directory without config.json; give a model directory, a config.json, an "
                 "architecture JSON or a catalog id ('lmp models')"},
        BadInput{"UnknownBuiltModel", "analyze mistral-7b-v0.2",
                 "lmp: error: mistral-7b-v0.2: no such file, and no catalog model has this id (did you mean "
                 "'Mistral-7B-v0.1'?); 'lmp models' lists the catalog"},
        BadInput{"LfsPointerCheckpoint", "inspect lfs_pointer_checkpoint",
                 "lmp: error: lfs_pointer_checkpoint/model.safetensors: byte 0: header length 2336927755350992246 is "
                 "over the 100,000,000-byte limit of the format: not a safetensors file (a Git LFS pointer?); "
                 "download the file again, or pass the config.json itself as MODEL to skip the checkpoint check"},
        BadInput{"MissingFile", "analyze missing.json",
                 "lmp: error: missing.json: no such file, and no catalog model has this "
                 "id; 'lmp models' lists the catalog"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return std::string(info.param.name); });

}  // namespace
