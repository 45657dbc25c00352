#include "sweep/slurm.hpp"

#include "output/h5.hpp"
#include "sweep/directory.hpp"
#include "sweep/index.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace innochain::sweep {

namespace {

std::optional<std::int64_t> env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  const long long x = std::strtoll(v, &end, 10);
  if (*end != '\0') throw SweepUsageError(fmt::format("{}='{}' is not a whole number", name, v));
  return x;
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

ArrayTask array_task_from_environment() {
  const auto id = env_int("SLURM_ARRAY_TASK_ID");
  if (!id)
    throw SweepUsageError(
        "--slurm-array needs SLURM_ARRAY_TASK_ID (run it as a task of a Slurm job array, e.g. from "
        "the script of --emit-sbatch)");
  const auto count = env_int("SLURM_ARRAY_TASK_COUNT");
  const auto lo = env_int("SLURM_ARRAY_TASK_MIN");
  const auto hi = env_int("SLURM_ARRAY_TASK_MAX");
  ArrayTask t;
  const std::int64_t min = lo.value_or(0);
  t.index = *id - min;
  if (lo && hi)
    t.count = *hi - *lo + 1;
  else if (count)
    t.count = *count;
  else
    throw SweepUsageError("--slurm-array needs SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MIN and _MAX");
  // An array with a step (--array=0-9:2) would leave gaps: the block size follows the ids.
  if (t.count < 1 || t.index < 0 || t.index >= t.count)
    throw SweepUsageError(
        fmt::format("SLURM_ARRAY_TASK_ID={} is outside the array of {} tasks (from {}); use a "
                    "contiguous array such as --array=0-{}",
                    *id, t.count, min, t.count - 1));
  return t;
}

std::pair<std::size_t, std::size_t> block_of(std::size_t runs, const ArrayTask& task) {
  const auto n = static_cast<std::size_t>(task.count);
  const auto k = static_cast<std::size_t>(task.index);
  const std::size_t base = runs / n, extra = runs % n;
  const std::size_t first = k * base + std::min(k, extra);
  return {first, first + base + (k < extra ? 1 : 0)};
}

std::string sbatch_script(const SbatchOptions& o) {
  std::string s = "#!/bin/bash\n";
  s += fmt::format(
      "# Written by `innochain sweep --emit-sbatch`: a Slurm job array of {} tasks; each task runs\n"
      "# its own block of the sweep's runs (innochain sweep --slurm-array). Submit it with\n"
      "#   sbatch THIS_FILE\n"
      "# and, if tasks fail or time out, resubmit it: finished runs are kept.\n",
      o.array_size);
  s += fmt::format("#SBATCH --job-name={}\n", o.job_name);
  s += fmt::format("#SBATCH --partition={}\n", o.partition);
  s += fmt::format("#SBATCH --time={}\n", o.time);
  s += fmt::format("#SBATCH --array=0-{}\n", o.array_size - 1);
  s += "#SBATCH --ntasks=1\n";
  s += fmt::format("#SBATCH --cpus-per-task={}\n", o.cpus_per_task);
  if (!o.account.empty()) s += fmt::format("#SBATCH --account={}\n", o.account);
  if (!o.qos.empty()) s += fmt::format("#SBATCH --qos={}\n", o.qos);
  if (o.mem_mib > 0) s += fmt::format("#SBATCH --mem={}M\n", o.mem_mib);
  if (o.signal_seconds > 0) s += fmt::format("#SBATCH --signal=B:TERM@{}\n", o.signal_seconds);
  s += fmt::format("#SBATCH --output={}-%A_%a.out\n", o.job_name);
  s += "set -euo pipefail\n";
  if (o.signal_seconds > 0)
    s += fmt::format(
        "# {} s before the time limit Slurm sends SIGTERM to this shell, which exec makes innochain:\n"
        "# the runs in flight stop at the end of their month and write DIR/runs/ID.h5.checkpoint;\n"
        "# resubmitting this script continues them from there.\n",
        o.signal_seconds);
  std::string cmd = fmt::format("exec {} sweep {} -o {} --slurm-array --threads {} --jobs {}", shell_quote(o.binary),
                                shell_quote(o.sweep_file), shell_quote(o.dir), o.threads,
                                std::max(1, o.cpus_per_task / std::max(1, o.threads)));
  for (const auto& a : o.sets) cmd += " --set " + shell_quote(a);
  if (!o.spin_up_cache.empty()) cmd += " --spin-up-cache " + shell_quote(o.spin_up_cache);
  s += cmd + "\n";
  return s;
}

void rebuild_index_locked(const std::string& dir, const SweepPlan& plan) {
  const std::string lock_path = (std::filesystem::path(dir) / ".index.lock").string();
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT, 0644);
  if (fd < 0) throw IoError("cannot open '" + lock_path + "'");
  struct Unlock {
    int fd;
    ~Unlock() {
      flock(fd, LOCK_UN);
      ::close(fd);
    }
  } unlock{fd};
  while (flock(fd, LOCK_EX) != 0)
    if (errno != EINTR) throw IoError("cannot lock '" + lock_path + "'");
  std::vector<RunRecord> records;
  records.reserve(plan.runs.size());
  for (std::size_t i = 0; i < plan.runs.size(); ++i) records.push_back(record_on_disk(dir, plan, i));
  write_index(dir, plan, records);
}

}  // namespace innochain::sweep
