#include "output/disk_space.hpp"

#include "output/h5.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

#include <cstdlib>
#include <filesystem>

namespace innochain {

namespace fs = std::filesystem;

std::uintmax_t min_free_bytes() {
  if (const char* v = std::getenv("INNOCHAIN_MIN_FREE_BYTES")) {
    char* end = nullptr;
    const unsigned long long n = std::strtoull(v, &end, 10);
    if (end != v && *end == '\0') return n;
  }
  return std::uintmax_t{8} << 20;
}

void ensure_room(const std::string& file, std::uintmax_t extra_bytes) {
  const std::uintmax_t reserve = min_free_bytes();
  std::error_code ec;
  const fs::path p = fs::absolute(file, ec);
  const bool exists = fs::exists(p, ec);
  const fs::path dir = p.parent_path();
  struct statvfs st {};
  if (statvfs(dir.c_str(), &st) != 0) throw IoError(fmt::format("output directory '{}' is gone", dir.string()));
  const std::uintmax_t free_bytes = static_cast<std::uintmax_t>(st.f_bavail) * st.f_frsize;
  if (free_bytes < reserve + extra_bytes)
    throw IoError(
        fmt::format("disk full: {} KiB free on the file system of '{}', innochain needs {} KiB more plus a "
                    "reserve of {} KiB to write '{}'",
                    free_bytes / 1024, dir.string(), extra_bytes / 1024, reserve / 1024, p.string()));
  struct rlimit lim {};
  if (getrlimit(RLIMIT_FSIZE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    const std::uintmax_t size = exists ? fs::file_size(p, ec) : 0;
    if (size + extra_bytes + reserve > lim.rlim_cur)
      throw IoError(
          fmt::format("file size limit: '{}' would exceed the process's file-size limit (ulimit -f) of {} KiB",
                      p.string(), static_cast<std::uintmax_t>(lim.rlim_cur) / 1024));
  }
}

}  // namespace innochain
