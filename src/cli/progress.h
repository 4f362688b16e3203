#ifndef LMP_CLI_PROGRESS_H_
#define LMP_CLI_PROGRESS_H_

#include <cstdint>
#include <cstdio>
#include <string>

namespace lmp::cli {

// A one-line bar redrawn in place on stderr, at most once per percent, for
// long commands on a terminal (sweep, plan).
class ProgressBar {
 public:
  explicit ProgressBar(std::string unit) : unit_(std::move(unit)) {}
  void Update(int64_t done, int64_t total) {
    const int percent = static_cast<int>(done * 100 / total);
    if (percent == shown_) return;
    shown_ = percent;
    constexpr int kWidth = 40;
    const int filled = percent * kWidth / 100;
    std::fprintf(stderr, "\r[%s%s] %3d%% %lld/%lld %s", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, ' ').c_str(), percent, static_cast<long long>(done),
                 static_cast<long long>(total), unit_.c_str());
    if (done == total) std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

 private:
  std::string unit_;
  int shown_ = -1;
};

}  // namespace lmp::cli

#endif  // LMP_CLI_PROGRESS_H_
