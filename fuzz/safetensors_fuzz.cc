// The safetensors header parser. The input is a whole .safetensors file
// (8-byte little-endian length, JSON header, data), handed over as an
// anonymous in-memory file so that nothing is written to disk.

#include <sys/mman.h>
#include <unistd.h>

#include <string>

#include "fuzz/fuzz_util.h"
#include "model/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const int fd = ::memfd_create("fuzz.safetensors", 0);
  if (fd < 0) return 0;
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  lmp::fuzz::Guard([&] { lmp::model::ReadSafetensorsHeader("/proc/self/fd/" + std::to_string(fd)); });
  ::close(fd);
  return 0;
}
