// Memory a run will need, estimated before it starts (docs/reliability.md, "Resources up
// front"), and the memory this process may use: a run that cannot fit is refused with the
// estimate (exit 2) instead of being killed by the kernel part-way.
#pragma once

#include "scenario/scenario.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace innochain {

/// The estimate, part by part.
struct MemoryEstimate {
  struct Part {
    std::string name;      ///< e.g. "talent table"
    double rows = 0;       ///< at the horizon (0 for parts that are not tables)
    double row_bytes = 0;  ///< bytes per row, from the checkpoint's column list
    double bytes = 0;
    std::string basis;  ///< how the rows were estimated
  };
  std::vector<Part> parts;
  double total_bytes = 0;
};

/// Estimates the peak resident memory of a run of `scenario`: its agent tables at the
/// horizon (initial counts after world.scale, grown by the scenario's own arrival, entry and
/// project rates; bytes per row from the list of columns a checkpoint saves), the phases'
/// month-sized scratch arrays, the event logs and snapshots a checkpoint copies, and the
/// process itself. Meant to be on the high side (docs/reliability.md gives measured figures).
MemoryEstimate estimate_memory(const Scenario& scenario);

/// The estimate as text (`innochain show --estimate`).
std::string describe_memory_estimate(const Scenario& scenario, const MemoryEstimate& estimate);

/// Memory this process may still use and what limits it.
struct MemoryLimit {
  std::uint64_t bytes = 0;
  std::string source;  ///< e.g. "MemAvailable in /proc/meminfo", "--max-memory"
};

/// The smallest of: MemAvailable (/proc/meminfo), the cgroup's memory limit less its
/// usage (v2 memory.max, v1 memory.limit_in_bytes), RLIMIT_AS and RLIMIT_DATA, and
/// `max_memory` when given. Nothing known: std::nullopt.
std::optional<MemoryLimit> memory_limit(std::optional<std::uint64_t> max_memory = std::nullopt);

/// Refuses (RequestError, exit 2) a run whose estimate exceeds memory_limit(max_memory),
/// quoting the estimate.
void check_memory(const Scenario& scenario, std::optional<std::uint64_t> max_memory);

/// "512M", "8G", "1.5GiB", "2000000000": bytes. Throws std::invalid_argument.
std::uint64_t parse_memory_size(const std::string& text);

/// 1.5 GiB, 300.0 MiB, ... for messages.
std::string format_bytes(double bytes);

}  // namespace innochain
