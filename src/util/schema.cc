#include "util/schema.h"

#include <map>
#include <memory>
#include <mutex>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "util/embedded.h"
#include "util/error.h"

namespace lmp {
namespace {

const valijson::Schema& CompiledSchema(std::string_view path) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<valijson::Schema>, std::less<>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(path);
  if (it != cache.end()) return *it->second;
  std::string_view text;
  for (const EmbeddedFile& f : EmbeddedFiles()) {
    if (f.path == path) text = f.text;
  }
  const nlohmann::json schema_doc = nlohmann::json::parse(text);
  auto schema = std::make_unique<valijson::Schema>();
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter adapter(schema_doc);
  parser.populateSchema(adapter, *schema);
  return *cache.emplace(std::string(path), std::move(schema)).first->second;
}

std::string ContextToPointer(const std::vector<std::string>& context) {
  std::string ptr;
  for (const std::string& c : context) {
    if (c == "<root>") continue;
    std::string token = c;
    if (token.size() >= 2 && token.front() == '[' && token.back() == ']') {
      token = token.substr(1, token.size() - 2);
    }
    ptr += "/" + PointerToken(token);
  }
  return ptr.empty() ? "/" : ptr;
}

}  // namespace

void ValidateAgainstSchema(const Json& doc, std::string_view schema_path, const std::string& file,
                           std::string_view docs_page) {
  const valijson::Schema& schema = CompiledSchema(schema_path);
  const nlohmann::json plain(doc);
  // The validator caches the std::regex of each "pattern" it meets; a fresh
  // one per document compiled them again for every file, 39% of a whole
  // `lmp analyze` run (callgrind, docs/BENCHMARKS.md). One per thread keeps
  // them, and validation stays safe from several threads.
  thread_local valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter target(plain);
  if (validator.validate(schema, target, &results)) return;
  // The deepest error is the most specific one; outer errors only repeat
  // that something inside failed.
  valijson::ValidationResults::Error best, e;
  while (results.popError(e)) {
    if (e.context.size() > best.context.size()) best = e;
  }
  std::string desc = best.description;
  if (!desc.empty()) desc[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(desc[0])));
  while (!desc.empty() && (desc.back() == '.' || desc.back() == ' ')) desc.pop_back();
  throw Error(file, ContextToPointer(best.context),
              "does not match the schema (" + std::string(schema_path) + "): " + desc +
                  "; see " + std::string(docs_page));
}

}  // namespace lmp
