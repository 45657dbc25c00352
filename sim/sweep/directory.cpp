#include "sweep/directory.hpp"

#include "output/h5.hpp"
#include "sweep/index.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace innochain::sweep {

namespace fs = std::filesystem;

void prepare_directory(const std::string& dir, const SweepPlan& plan, DirMode mode) {
  std::error_code ec;
  const fs::path d(dir);
  const fs::path copy = d / "sweep.yaml";
  if (fs::exists(d, ec)) {
    if (mode == DirMode::create)
      throw SweepUsageError(
          fmt::format("'{}' already exists; use --resume to continue that sweep, or choose a new "
                      "directory",
                      dir));
    if (!fs::is_directory(d, ec)) throw SweepUsageError(fmt::format("'{}' exists and is not a directory", dir));
    if (fs::exists(copy, ec)) {
      std::ifstream in(copy, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (text.str() != plan.spec.text)
        throw SweepUsageError(
            fmt::format("'{}' holds a different sweep file ({}); a sweep directory continues only "
                        "the sweep that made it, use a new directory",
                        dir, copy.string()));
    }
  }
  fs::create_directories(d / "runs", ec);
  if (ec) throw IoError(fmt::format("cannot create '{}': {}", (d / "runs").string(), ec.message()));
  if (access(dir.c_str(), W_OK) != 0) throw IoError(fmt::format("'{}' is not writable", dir));
  if (mode != DirMode::join) {
    // One coordinator per directory: the lock lives as long as this process (and its workers).
    const std::string lock = (d / ".sweep.lock").string();
    const int fd = open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw IoError("cannot open '" + lock + "'");
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      throw SweepUsageError(fmt::format("another sweep is running in '{}' (it holds {})", dir, lock));
    }
  }
  if (!fs::exists(copy, ec)) {
    const std::string partial = fmt::format("{}.partial.{}", copy.string(), getpid());
    {
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      out << plan.spec.text;
      if (!out) throw IoError("cannot write '" + partial + "'");
    }
    fs::rename(partial, copy, ec);
    if (ec) throw IoError(fmt::format("cannot write '{}': {}", copy.string(), ec.message()));
  }
  write_design(dir, plan);
}

}  // namespace innochain::sweep
