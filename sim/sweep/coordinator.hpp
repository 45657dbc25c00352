// The coordinating side of a sweep, shared by the local, MPI and Slurm executors:
// which runs are left, the records of finished ones, the progress display, and
// the index, rewritten as runs finish so a killed sweep leaves a usable index.
#pragma once

#include "sweep/index.hpp"

#include <chrono>
#include <cstdio>
#include <deque>
#include <optional>

namespace innochain::sweep {

/// Runs done / failed / remaining and the estimated time left, on standard error:
/// one redrawn line on a terminal, plain lines otherwise.
class SweepProgress {
 public:
  SweepProgress(std::size_t to_run, bool quiet);
  void update(std::size_t complete, std::size_t failed, bool force_line = false);
  void finish(std::size_t complete, std::size_t failed);

 private:
  std::size_t total_;
  bool quiet_, tty_;
  std::size_t last_printed_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::string line(std::size_t complete, std::size_t failed) const;
};

class Coordinator {
 public:
  /// `todo`: the runs to execute, in order. With `live_index` the index is rewritten
  /// as runs finish (at most every `index_interval` seconds, and at the end).
  Coordinator(std::string dir, const SweepPlan& plan, std::vector<RunRecord> records, std::vector<std::size_t> todo,
              bool live_index, bool quiet, double index_interval = 1.0);

  std::optional<std::size_t> next();
  /// Records a finished run; writes or removes DIR/runs/ID.error accordingly.
  void finished(std::size_t run, RunRecord record);
  /// Final index (if live) and progress line.
  void close();

  std::size_t failed_this_session() const { return failed_; }
  std::size_t complete_this_session() const { return complete_; }
  std::size_t cancelled_this_session() const { return cancelled_; }
  std::size_t to_run() const { return total_; }
  const std::vector<RunRecord>& records() const { return records_; }

 private:
  std::string dir_;
  const SweepPlan& plan_;
  std::vector<RunRecord> records_;
  std::deque<std::size_t> queue_;
  std::size_t total_, complete_ = 0, failed_ = 0, cancelled_ = 0;
  bool live_index_;
  double index_interval_;
  std::chrono::steady_clock::time_point last_index_{};
  SweepProgress progress_;
};

}  // namespace innochain::sweep
