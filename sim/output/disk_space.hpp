// Room on the output file system. HDF5 1.10 can crash (not fail cleanly) when a write
// hits a full disk or the file-size limit, so innochain never lets it get there: before
// every batch of writes it checks that the file system keeps a reserve free and the
// file stays below RLIMIT_FSIZE, and stops with an IoError (exit 3) otherwise.
#pragma once

#include <cstdint>
#include <string>

namespace innochain {

/// Bytes that must stay free on the output file system (default 8 MiB; the
/// environment variable INNOCHAIN_MIN_FREE_BYTES overrides it, for tests).
std::uintmax_t min_free_bytes();

/// Throws IoError unless the file system holding `file` (or its directory, if the file
/// does not exist yet) has `extra_bytes` plus the reserve free, and `file` can grow by
/// `extra_bytes` plus the reserve within RLIMIT_FSIZE.
void ensure_room(const std::string& file, std::uintmax_t extra_bytes = 0);

}  // namespace innochain
