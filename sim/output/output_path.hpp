// The files innochain writes (run files, checkpoints) and what it may replace: only
// regular files are ever replaced, and FILE.partial is claimed with a lock before
// anything truncates it, so a second writer of the same file is refused instead of
// wiping the first one's work (docs/reliability.md, "Nothing lost, nothing overwritten").
#pragma once

#include <string>

namespace innochain {

/// Refuses an output path that innochain must not replace: anything that is not a regular
/// file (a directory, a device such as /dev/null, a FIFO, a socket) is refused even with
/// --force (RequestError, exit 2); an existing regular file is refused unless `force`
/// (IoError, exit 3). `what` names the file in messages ("output file", "checkpoint").
void check_output_path(const std::string& path, bool force, const std::string& what);

/// Refuses (RequestError) two output paths that would write the same file: equal after
/// resolving `.`, `..` and symbolic links, or one the `.partial` of the other.
void check_distinct_outputs(const std::string& a, const std::string& what_a, const std::string& b,
                            const std::string& what_b);

/// The absolute, normalised form of a path (for paths stored in files: a checkpoint
/// resumed from another directory still writes where the run was going to).
std::string absolute_path(const std::string& path);

/// A claim on PATH (a `.partial` file): opened (created if missing) without truncation
/// and locked with flock(LOCK_EX | LOCK_NB) for as long as the object lives. A second
/// process claiming the same path is refused (IoError, exit 3) and the file is left as
/// it was; a path that is not a regular file (or is a symbolic link) is refused
/// (RequestError). A stale file (left by a killed run, no lock held) is claimed and may
/// then be replaced. Files written under a claim are created with HDF5's own locking
/// off (h5::create_file(path, true)): HDF5 would take its lock only after truncating.
class PartialFileClaim {
 public:
  PartialFileClaim() = default;
  explicit PartialFileClaim(std::string path);
  PartialFileClaim(PartialFileClaim&& other) noexcept;
  PartialFileClaim& operator=(PartialFileClaim&& other) noexcept;
  PartialFileClaim(const PartialFileClaim&) = delete;
  PartialFileClaim& operator=(const PartialFileClaim&) = delete;
  ~PartialFileClaim();

  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace innochain
