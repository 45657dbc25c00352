#include "sweep/coordinator.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace innochain::sweep {

namespace {

std::string duration_text(double seconds) {
  const long s = std::lround(seconds);
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

}  // namespace

SweepProgress::SweepProgress(std::size_t to_run, bool quiet)
    : total_(to_run), quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1) {}

std::string SweepProgress::line(std::size_t complete, std::size_t failed) const {
  const std::size_t finished = complete + failed;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::size_t remaining = total_ - std::min(total_, finished);
  std::string eta = "?";
  if (finished > 0) eta = duration_text(elapsed / static_cast<double>(finished) * static_cast<double>(remaining));
  return fmt::format("runs {}/{}: {} done, {} failed, {} remaining; {} elapsed, ~{} left", finished, total_, complete,
                     failed, remaining, duration_text(elapsed), remaining == 0 ? "0s" : eta);
}

void SweepProgress::update(std::size_t complete, std::size_t failed, bool force_line) {
  if (quiet_) return;
  const std::size_t finished = complete + failed;
  if (tty_) {
    constexpr int width = 30;
    const int filled = static_cast<int>(width * finished / std::max<std::size_t>(1, total_));
    std::fprintf(stderr, "\r\033[K[%s%s] %s", std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), line(complete, failed).c_str());
    std::fflush(stderr);
    return;
  }
  // Plain lines: about 50 over the sweep, and every failure.
  const std::size_t step = std::max<std::size_t>(1, total_ / 50);
  if (force_line || finished >= last_printed_ + step || finished == total_) {
    last_printed_ = finished;
    std::fprintf(stderr, "sweep: %s\n", line(complete, failed).c_str());
  }
}

void SweepProgress::finish(std::size_t complete, std::size_t failed) {
  if (quiet_) return;
  if (tty_)
    std::fprintf(stderr, "\r\033[K[%s] %s\n", std::string(30, '#').c_str(), line(complete, failed).c_str());
  else if (last_printed_ != complete + failed || total_ == 0)
    std::fprintf(stderr, "sweep: %s\n", line(complete, failed).c_str());
}

Coordinator::Coordinator(std::string dir, const SweepPlan& plan, std::vector<RunRecord> records,
                         std::vector<std::size_t> todo, bool live_index, bool quiet, double index_interval)
    : dir_(std::move(dir)),
      plan_(plan),
      records_(std::move(records)),
      queue_(todo.begin(), todo.end()),
      total_(todo.size()),
      live_index_(live_index),
      index_interval_(index_interval),
      progress_(todo.size(), quiet) {
  if (live_index_) {
    write_index(dir_, plan_, records_);
    last_index_ = std::chrono::steady_clock::now();
  }
}

std::optional<std::size_t> Coordinator::next() {
  if (queue_.empty()) return std::nullopt;
  const std::size_t i = queue_.front();
  queue_.pop_front();
  return i;
}

void Coordinator::finished(std::size_t run, RunRecord record) {
  // DIR/runs/ID.error or ID.cancelled say what happened to a run that did not complete
  // (Slurm array tasks rebuild the index from them); at most one of them is there.
  const std::string err = error_path(dir_, plan_.runs[run]);
  const std::string cancelled = cancelled_path(dir_, plan_.runs[run]);
  std::error_code ec;
  std::filesystem::remove(record.status == RunStatus::failed ? cancelled : err, ec);
  if (record.status == RunStatus::failed || record.status == RunStatus::cancelled) {
    std::ofstream out(record.status == RunStatus::failed ? err : cancelled, std::ios::trunc);
    out << record.error;
  } else {
    std::filesystem::remove(cancelled, ec);
  }
  if (record.status == RunStatus::failed)
    ++failed_;
  else if (record.status == RunStatus::cancelled)
    ++cancelled_;
  else
    ++complete_;
  const bool failed = record.status == RunStatus::failed;
  if (failed)
    std::fprintf(stderr, "%srun %s (point %lld, replication %lld) failed: %s\n",
                 isatty(STDERR_FILENO) == 1 ? "\r\033[K" : "", plan_.runs[run].id.c_str(),
                 static_cast<long long>(plan_.runs[run].point), static_cast<long long>(plan_.runs[run].replication),
                 record.error.c_str());
  records_[run] = std::move(record);
  progress_.update(complete_, failed_, failed);
  const auto now = std::chrono::steady_clock::now();
  if (live_index_ && std::chrono::duration<double>(now - last_index_).count() >= index_interval_) {
    write_index(dir_, plan_, records_);
    last_index_ = now;
  }
}

void Coordinator::close() {
  if (live_index_) write_index(dir_, plan_, records_);
  progress_.finish(complete_, failed_);
}

}  // namespace innochain::sweep
