#include "output/output_path.hpp"

#include "output/h5.hpp"
#include "scenario/input_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

namespace innochain {

namespace fs = std::filesystem;

namespace {

std::string not_regular(const std::string& what, const std::string& path, mode_t mode) {
  return fmt::format(
      "{} '{}' is {}: innochain only ever replaces regular files, even with --force (choose another path)", what, path,
      file_kind(mode));
}

/// Resolves what exists of the path (symbolic links, `..`) and keeps the rest as written.
fs::path resolved(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal() : p;
}

}  // namespace

void check_output_path(const std::string& path, bool force, const std::string& what) {
  struct stat st {};
  // lstat: a symbolic link would be replaced by the file (the link, not its target), so it is refused too.
  if (lstat(path.c_str(), &st) != 0) return;  // nothing there (or unreachable: the directory checks say why)
  if (!S_ISREG(st.st_mode)) throw RequestError(not_regular(what, path, st.st_mode));
  if (!force) throw IoError(fmt::format("{} '{}' already exists (use --force to overwrite it)", what, path));
}

void check_distinct_outputs(const std::string& a, const std::string& what_a, const std::string& b,
                            const std::string& what_b) {
  const fs::path ra = resolved(a), rb = resolved(b);
  std::error_code ec;
  const bool same = ra == rb || fs::equivalent(a, b, ec);  // equivalent: hard links of one existing file
  if (same || ra.string() + ".partial" == rb.string() || rb.string() + ".partial" == ra.string())
    throw RequestError(
        fmt::format("{} '{}' and {} '{}' are the same file: give them different paths", what_a, a, what_b, b));
}

std::string absolute_path(const std::string& path) {
  std::error_code ec;
  const fs::path p = fs::absolute(path, ec);
  return ec ? path : p.lexically_normal().string();
}

PartialFileClaim::PartialFileClaim(std::string path) : path_(std::move(path)) {
  // A few attempts: the file can be renamed or removed by its previous owner between our
  // open and our lock, and a claim on a name no longer in use would protect nothing.
  for (int attempt = 0; attempt < 16; ++attempt) {
    // No O_TRUNC: the file is only truncated (by HDF5) once the lock is ours.
    const int fd = open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int err = errno;
      struct stat st {};
      if ((err == ELOOP || err == EISDIR || err == ENXIO) && lstat(path_.c_str(), &st) == 0)
        throw RequestError(not_regular("file", path_, st.st_mode));
      throw IoError(fmt::format("cannot create '{}': {}", path_, std::strerror(err)));
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      close(fd);
      throw RequestError(not_regular("file", path_, st.st_mode));
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      if (err == EWOULDBLOCK) {
        close(fd);
        throw IoError(
            fmt::format("'{}' is being written by another innochain process (it holds the lock on it); it is left as "
                        "it is: wait for that run to finish, or write to another file",
                        path_));
      }
      // A file system without flock (some cluster file systems): go on unprotected, as
      // HDF5 does with locking disabled there. Any other failure is reported.
      if (err != ENOLCK && err != ENOSYS && err != EOPNOTSUPP) {
        close(fd);
        throw IoError(fmt::format("cannot lock '{}': {}", path_, std::strerror(err)));
      }
    }
    struct stat now {};
    if (lstat(path_.c_str(), &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino) {
      fd_ = fd;
      return;
    }
    close(fd);
  }
  throw IoError(fmt::format("cannot claim '{}': it keeps being replaced by another process", path_));
}

PartialFileClaim::PartialFileClaim(PartialFileClaim&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

PartialFileClaim& PartialFileClaim::operator=(PartialFileClaim&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

PartialFileClaim::~PartialFileClaim() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

}  // namespace innochain
