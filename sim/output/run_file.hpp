// The HDF5 run file, layout version 1 (docs/output.md).
#pragma once

#include "core/metrics.hpp"
#include "model/state.hpp"
#include "output/h5.hpp"
#include "output/output_path.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace innochain {

inline constexpr std::int64_t kRunFormatVersion = 1;

/// Provenance and layout of one run.
struct RunInfo {
  std::string scenario_name;
  std::string scenario_yaml;  ///< the resolved scenario (after extends and --set)
  std::uint64_t seed = 0;
  std::int64_t replication = 0;
  std::int64_t threads = 1;
  std::int64_t horizon_months = 0;
  std::vector<std::string> fields;
  std::vector<std::string> regions;
  std::vector<std::string> policies;       ///< policy instance names (the "policy" dimension)
  std::vector<std::string> policy_types;   ///< their instrument types
  std::vector<std::string> policy_levers;  ///< the levers each acts on, comma-separated
  int compression_level = 4;
  std::string sweep_run_id;       ///< non-empty for runs of a sweep (attribute sweep_run_id)
  std::int64_t sweep_point = -1;  ///< the sweep's design point (attribute sweep_point)
};

/// Writes a run file month by month into PATH.partial and renames it to PATH
/// when finished. Memory is bounded: at most one chunk of months is buffered.
class RunFileWriter {
 public:
  /// Refuses an existing PATH unless `force` (IoError) and anything at PATH that is not a
  /// regular file (RequestError); claims PATH.partial (output/output_path.hpp) before
  /// creating it, so a second writer of PATH is refused and the first one's file is kept.
  RunFileWriter(std::string path, bool force, RunInfo info);
  RunFileWriter(const RunFileWriter&) = delete;
  RunFileWriter& operator=(const RunFileWriter&) = delete;
  /// Without finish(), the file stays at PATH.partial with status "partial" (a stopped,
  /// resumable run). When destroyed by an exception (an I/O failure), it abandons the
  /// file instead: no further HDF5 call on it, and PATH.partial is removed.
  ~RunFileWriter();

  /// Appends month `month` (0-based) of every series.
  void append(std::int32_t month, const MonthMetrics& metrics);
  /// Appends the month's events to /events/transfers and /events/deals (those not empty).
  void append_events(const EventLog& events);
  /// Appends one snapshot of the agent tables to /snapshots/KIND/ATTR [snapshot, agent].
  void append_snapshot(std::int32_t month, const State& state);
  /// Writes the buffered months now (finish() does it too).
  void flush();
  /// Seconds spent in each part of the run (setup, phases, output), written by finish()
  /// as root attributes seconds_NAME: provenance for benchmarks, not results.
  void set_timings(std::vector<std::pair<std::string, double>> timings) { timings_ = std::move(timings); }
  /// Writes /summary, marks the file complete and renames it to PATH.
  void finish(double wall_seconds);

  /// Flushes, then copies what is written so far (/month, /series, /events, /snapshots)
  /// into `group` of a checkpoint.
  void save_output(hid_t group);
  /// Writes the months saved by save_output into this (new) file, as if they had been
  /// appended month by month; policy series gain zero columns for instances the saved
  /// run did not have (a branch).
  void restore_output(hid_t group);
  /// Checks output saved by save_output (/month, /series, /events, /snapshots of a checkpoint)
  /// before a run file restores it: months 0..months-1, series shaped for `info`'s run,
  /// event columns of one length per log, snapshots [snapshots x agents], integer values
  /// whole. Throws IoError naming the dataset.
  static void check_saved_output(hid_t group, const RunInfo& info, std::int64_t months);
  /// Months appended so far.
  std::int64_t months_appended() const { return static_cast<std::int64_t>(written_ + month_buffer_.size()); }

  const std::string& partial_path() const { return partial_; }
  /// Run totals (flows) and final values (stocks), per metric, summed over slots.
  const std::vector<double>& summary() const { return summary_; }

 private:
  void create();   ///< the new file's attributes, dimension scales and series
  void abandon();  ///< after a failure: no further HDF5 call on the file; PATH.partial removed

  std::string path_;
  std::string partial_;
  RunInfo info_;
  PartialFileClaim claim_;  ///< declared before file_: released only after the file is closed
  h5::Handle file_;
  h5::Handle month_ds_;
  std::vector<h5::Handle> series_;
  std::vector<std::vector<double>> buffer_;  ///< per metric, months x width, row-major
  std::vector<std::int32_t> month_buffer_;
  hsize_t written_ = 0;
  hsize_t snapshots_ = 0;
  hsize_t chunk_months_ = 120;  ///< months per HDF5 chunk of /month and /series
  hsize_t flush_months_ = 120;  ///< months buffered before they are written
  std::vector<double> summary_;
  bool finished_ = false;
  std::vector<std::pair<std::string, double>> timings_;
  int exceptions_at_start_ = 0;  ///< std::uncaught_exceptions() when constructed
};

/// SHA-256 of a text, as lowercase hex.
std::string sha256_hex(const std::string& text);

}  // namespace innochain
