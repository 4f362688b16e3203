#ifndef LMP_UTIL_SUGGEST_H_
#define LMP_UTIL_SUGGEST_H_

#include <string>
#include <string_view>
#include <vector>

namespace lmp {

// Case-insensitive edit distance (insert, delete, substitute, transpose).
int EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if close enough to be a plausible typo;
// empty otherwise. Like ninja's SpellcheckString.
std::string ClosestMatch(std::string_view word,
                         const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "" when nothing is close.
std::string DidYouMean(std::string_view word,
                       const std::vector<std::string>& candidates);

std::string ToLower(std::string_view s);

}  // namespace lmp

#endif  // LMP_UTIL_SUGGEST_H_
