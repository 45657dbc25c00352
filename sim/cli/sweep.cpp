// `innochain sweep SWEEP.yaml -o DIR`: many runs of one scenario over a design,
// locally in parallel, under mpirun, or as a Slurm job array (docs/sweeps.md).
#include "cli/commands.hpp"
#include "output/h5.hpp"
#include "output/memory_estimate.hpp"
#include "scenario/input_file.hpp"
#include "sweep/coordinator.hpp"
#include "sweep/directory.hpp"
#include "sweep/local_executor.hpp"
#include "sweep/mpi_executor.hpp"
#include "sweep/plan.hpp"
#include "sweep/runner.hpp"
#include "sweep/slurm.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

namespace innochain::cli {

namespace {

namespace fs = std::filesystem;
using namespace innochain::sweep;

struct SweepOptions {
  std::string sweep_file;
  std::string dir;
  bool resume = false;
  int jobs = 0;
  int threads = 1;
  std::vector<std::string> sets;
  std::string spin_up_cache;
  bool mpi = false;
  bool slurm_array = false;
  std::string emit_sbatch;
  std::string partition;
  std::string time = "01:00:00";
  std::int64_t array_size = 0;
  int cpus_per_task = 1;
  std::string account;
  std::string qos;
  std::string mem;
  std::int64_t signal_before = 300;
  bool dry_run = false;
  bool quiet = false;
};

std::size_t count(const std::vector<RunRecord>& records, RunStatus s) {
  return static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(), [s](const RunRecord& r) { return r.status == s; }));
}

/// Every run's record as found in DIR (resume) or all pending (a new sweep).
std::vector<RunRecord> initial_records(const std::string& dir, const SweepPlan& plan, bool scan) {
  std::vector<RunRecord> records(plan.runs.size());
  if (scan)
    for (std::size_t i = 0; i < plan.runs.size(); ++i) records[i] = record_on_disk(dir, plan, i);
  return records;
}

std::vector<std::size_t> not_complete(const std::vector<RunRecord>& records, std::size_t first, std::size_t last) {
  std::vector<std::size_t> todo;
  for (std::size_t i = first; i < last; ++i)
    if (records[i].status != RunStatus::complete) todo.push_back(i);
  return todo;
}

/// After an interruption: the stopped runs' half-written files go (they would be rewritten
/// anyway; a cancelled run's checkpoint carries its output so far).
void remove_partials(const std::string& dir, const SweepPlan& plan, const std::vector<RunRecord>& records) {
  std::error_code ec;
  for (std::size_t i = 0; i < records.size(); ++i)
    if (records[i].status == RunStatus::pending || records[i].status == RunStatus::cancelled)
      fs::remove(run_path(dir, plan.runs[i]) + ".partial", ec);
}

int exit_code(int stop_signal, const std::vector<RunRecord>& records, const std::string& dir, bool quiet) {
  const std::size_t failed = count(records, RunStatus::failed);
  if (stop_signal != 0) {
    std::fprintf(stderr,
                 "innochain sweep: stopped by %s: %zu runs complete, %zu cancelled (checkpointed where they stopped), "
                 "%zu pending; continue with --resume\n",
                 signal_name(stop_signal).c_str(), count(records, RunStatus::complete),
                 count(records, RunStatus::cancelled), count(records, RunStatus::pending));
    return 128 + stop_signal;
  }
  if (!quiet || failed > 0)
    std::fprintf(stderr, "innochain sweep: %zu runs complete, %zu failed, %zu pending -> %s\n",
                 count(records, RunStatus::complete), failed, count(records, RunStatus::pending),
                 (fs::path(dir) / "index.csv").c_str());
  if (failed > 0) {
    std::fprintf(stderr, "innochain sweep: %zu runs failed (errors in index.csv); rerun them with --resume\n", failed);
    return kExitInternal;
  }
  return kExitOk;
}

int run_local_sweep(const SweepOptions& o, const SweepPlan& plan) {
  prepare_directory(o.dir, plan, o.resume ? DirMode::resume : DirMode::create);
  std::vector<RunRecord> records = initial_records(o.dir, plan, o.resume);
  const auto todo = not_complete(records, 0, records.size());
  if (o.resume && !o.quiet)
    std::fprintf(stderr, "innochain sweep: resuming %s: %zu of %zu runs complete, %zu to run\n", o.dir.c_str(),
                 plan.runs.size() - todo.size(), plan.runs.size(), todo.size());
  const int jobs = o.jobs > 0 ? o.jobs : std::max(1, available_cpus() / o.threads);
  Coordinator c(o.dir, plan, std::move(records), todo, true, o.quiet);
  const int sig = run_local(
      jobs, [&](std::size_t i) { return execute_planned_run(plan, i, o.dir, o.threads, o.spin_up_cache); },
      [&] { return c.next(); }, [&](std::size_t i, RunRecord r) { c.finished(i, std::move(r)); });
  c.close();
  if (sig != 0) remove_partials(o.dir, plan, c.records());
  return exit_code(sig, c.records(), o.dir, o.quiet);
}

int run_slurm_task(const SweepOptions& o, const SweepPlan& plan) {
  const ArrayTask task = array_task_from_environment();
  prepare_directory(o.dir, plan, DirMode::join);
  const auto [first, last] = block_of(plan.runs.size(), task);
  std::vector<RunRecord> records(plan.runs.size());
  for (std::size_t i = first; i < last; ++i) records[i] = record_on_disk(o.dir, plan, i);
  const auto todo = not_complete(records, first, last);
  if (!o.quiet)
    std::fprintf(stderr, "innochain sweep: array task %lld of %lld: runs %zu-%zu of %zu, %zu to run\n",
                 static_cast<long long>(task.index), static_cast<long long>(task.count), first,
                 last == first ? first : last - 1, plan.runs.size(), todo.size());
  const int jobs = o.jobs > 0 ? o.jobs : std::max(1, available_cpus() / o.threads);
  Coordinator c(o.dir, plan, std::move(records), todo, false, o.quiet);
  const int sig = run_local(
      jobs, [&](std::size_t i) { return execute_planned_run(plan, i, o.dir, o.threads, o.spin_up_cache); },
      [&] { return c.next(); }, [&](std::size_t i, RunRecord r) { c.finished(i, std::move(r)); });
  c.close();
  if (sig != 0) {
    std::vector<RunRecord> mine(c.records().begin() + static_cast<std::ptrdiff_t>(first),
                                c.records().begin() + static_cast<std::ptrdiff_t>(last));
    RunRecord other_block;  // runs of other tasks: not this task's to clean up
    other_block.status = RunStatus::complete;
    std::vector<RunRecord> all(plan.runs.size(), other_block);
    std::copy(mine.begin(), mine.end(), all.begin() + static_cast<std::ptrdiff_t>(first));
    remove_partials(o.dir, plan, all);
  }
  rebuild_index_locked(o.dir, plan);  // the last task to finish leaves the whole index
  const std::size_t failed = c.failed_this_session();
  if (sig != 0) return 128 + sig;
  if (!o.quiet || failed > 0)
    std::fprintf(stderr, "innochain sweep: array task %lld: %zu runs complete, %zu failed\n",
                 static_cast<long long>(task.index), c.complete_this_session(), failed);
  return failed > 0 ? kExitInternal : kExitOk;
}

int run_mpi_sweep(const SweepOptions& o, const SweepPlan& plan) {
  const MpiWorld world = mpi_start();
  struct Stop {
    ~Stop() { mpi_stop(); }
  } stop;
  if (world.size < 2) {
    std::fprintf(stderr,
                 "innochain sweep: error: --mpi needs at least 2 ranks (rank 0 hands out runs, the others "
                 "run them), e.g. mpirun -n 3 innochain sweep ...\n");
    return kExitBadInput;
  }
  if (world.rank != 0) {
    const int code = mpi_broadcast(0);
    if (code != kExitOk) return code;
    const int sig = mpi_work([&](std::size_t i, const MonthCallback& poll_stop) {
      return execute_planned_run(plan, i, o.dir, o.threads, o.spin_up_cache, poll_stop);
    });
    return sig != 0 ? 128 + sig : kExitOk;
  }
  int code = kExitOk;
  try {
    prepare_directory(o.dir, plan, o.resume ? DirMode::resume : DirMode::create);
  } catch (const SweepUsageError& e) {
    std::fprintf(stderr, "innochain sweep: error: %s\n", e.what());
    code = kExitBadInput;
  } catch (const IoError& e) {
    std::fprintf(stderr, "innochain sweep: error: %s\n", e.what());
    code = kExitIo;
  }
  mpi_broadcast(code);
  if (code != kExitOk) return code;
  std::vector<RunRecord> records = initial_records(o.dir, plan, o.resume);
  const auto todo = not_complete(records, 0, records.size());
  if (!o.quiet)
    std::fprintf(stderr, "innochain sweep: MPI: rank 0 hands out %zu runs to %d worker ranks\n", todo.size(),
                 world.size - 1);
  Coordinator c(o.dir, plan, std::move(records), todo, true, o.quiet);
  const int sig = mpi_coordinate(
      world.size, [&] { return c.next(); }, [&](std::size_t i, RunRecord r) { c.finished(i, std::move(r)); });
  c.close();
  if (sig != 0) remove_partials(o.dir, plan, c.records());
  return exit_code(sig, c.records(), o.dir, o.quiet);
}

int emit_sbatch(const SweepOptions& o, const SweepPlan& plan) {
  if (o.partition.empty() || o.array_size < 1)
    throw SweepUsageError("--emit-sbatch needs --partition NAME and --array-size N (and usually --time HH:MM:SS)");
  if (o.sweep_file == kStdinName)
    throw SweepUsageError("--emit-sbatch needs the sweep file on disk (every array task reads it), not '-'");
  SbatchOptions s;
  std::error_code ec;
  s.binary = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) s.binary = "innochain";
  s.sweep_file = fs::absolute(o.sweep_file).lexically_normal().string();
  s.dir = fs::absolute(o.dir).lexically_normal().string();
  s.partition = o.partition;
  s.time = o.time;
  s.array_size = o.array_size;
  s.cpus_per_task = o.cpus_per_task;
  s.threads = o.threads;
  s.account = o.account;
  s.qos = o.qos;
  s.signal_seconds = o.signal_before;
  s.sets = o.sets;
  if (!o.spin_up_cache.empty()) s.spin_up_cache = fs::absolute(o.spin_up_cache).lexically_normal().string();
  s.job_name = "innochain-" + plan.spec.name;
  if (!o.mem.empty()) {
    // Slurm reads a bare number as megabytes, innochain as bytes: a unit says which is meant.
    if (o.mem.find_first_not_of("0123456789.") == std::string::npos)
      throw SweepUsageError("--mem needs a unit, e.g. --mem 8G (Slurm would read '" + o.mem + "' as megabytes)");
    const std::uint64_t bytes = parse_memory_size(o.mem);
    s.mem_mib = (bytes + (1u << 20) - 1) >> 20;
    // Resources up front: every task runs --jobs runs at once; the largest must fit.
    const int jobs = std::max(1, o.cpus_per_task / std::max(1, o.threads));
    std::size_t largest = 0;
    double need = 0;
    for (std::size_t p = 0; p < plan.scenarios.size(); ++p) {
      const double bytes_p = estimate_memory(plan.scenarios[p]).total_bytes;
      if (bytes_p > need) need = bytes_p, largest = p;
    }
    if (need * jobs > static_cast<double>(bytes))
      throw RequestError(fmt::format(
          "--mem {}: a task runs {} runs at once and each may need up to {} (point {}): ask for at least {}, or "
          "fewer CPUs per task\n{}",
          o.mem, jobs, format_bytes(need), largest, format_bytes(need * jobs),
          describe_memory_estimate(plan.scenarios[largest], estimate_memory(plan.scenarios[largest]))));
  }
  const std::string script = sbatch_script(s);
  if (o.emit_sbatch == "-") {
    std::fputs(script.c_str(), stdout);
  } else {
    std::ofstream out(o.emit_sbatch, std::ios::trunc);
    out << script;
    if (!out) throw IoError("cannot write '" + o.emit_sbatch + "'");
    fs::permissions(o.emit_sbatch, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add, ec);
  }
  if (!o.quiet)
    std::fprintf(stderr, "innochain sweep: %s: %lld array tasks for %zu runs (%zu points x %lld replications)%s\n",
                 o.emit_sbatch == "-" ? "job script" : o.emit_sbatch.c_str(), static_cast<long long>(o.array_size),
                 plan.runs.size(), plan.spec.points.size(), static_cast<long long>(plan.spec.replications),
                 static_cast<std::size_t>(o.array_size) > plan.runs.size() ? " (more tasks than runs: some idle)" : "");
  return kExitOk;
}

int sweep_action(const SweepOptions& o) {
  SweepPlan plan;
  try {
    SweepSpec spec = load_sweep_file(o.sweep_file);
    if (o.dry_run) {
      // Every point checked in turn, nothing kept per point or run: memory does not grow with the design.
      const std::string line = fmt::format(
          "{}: {} design over {} keys, {} points x {} replications = {} runs; every point is valid\n", o.sweep_file,
          spec.kind, spec.keys.size(), spec.points.size(), spec.replications, run_count(spec));
      check_points(std::move(spec), o.sets);
      std::fputs(line.c_str(), stdout);
      return kExitOk;
    }
    plan = make_plan(std::move(spec), o.sets);
  } catch (const ScenarioError& e) {
    if (launcher_rank() == 0)  // under mpirun every rank finds the same problems: print them once
      for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.str().c_str());
    return kExitBadInput;
  }
  try {
    if (o.dir.empty()) throw SweepUsageError("-o DIR is required (the sweep directory to write)");
    if (!o.emit_sbatch.empty()) return emit_sbatch(o, plan);
    const bool mpi = o.mpi || launched_by_mpirun();
    if (mpi && o.slurm_array) throw SweepUsageError("--slurm-array and MPI do not mix: use one or the other");
    if (mpi && !mpi_built_in())
      throw SweepUsageError(
          "started under mpirun (or with --mpi) but this innochain was built without MPI; install "
          "libopenmpi-dev and rebuild");
    if (o.slurm_array && o.resume)
      throw SweepUsageError("--slurm-array already keeps finished runs (each task resumes its block); drop --resume");
    if (mpi) return run_mpi_sweep(o, plan);
    if (o.slurm_array) return run_slurm_task(o, plan);
    return run_local_sweep(o, plan);
  } catch (const SweepUsageError& e) {
    std::fprintf(stderr, "innochain sweep: error: %s\n", e.what());
    return kExitBadInput;
  }
}

}  // namespace

Subcommand add_sweep(CLI::App& app) {
  auto o = std::make_shared<SweepOptions>();
  CLI::App* sub = app.add_subcommand("sweep", "Run a parameter sweep (locally, under mpirun, or as a Slurm job array)");
  sub->add_option("sweep", o->sweep_file, "Sweep file (YAML, see docs/sweeps.md)")->required();
  sub->add_option("-o,--output", o->dir, "Sweep directory to write (refused if it exists, unless --resume)");
  sub->add_flag("--resume", o->resume,
                "Continue the sweep in DIR: keep complete runs, rerun failed/missing/partial ones");
  sub->add_option("--jobs", o->jobs, "Runs at once on this machine (default: CPUs / --threads)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--threads", o->threads, "Threads per run (default 1)")->check(CLI::Range(1, 1024));
  sub->add_option("--set", o->sets, "Override a key in every run: --set path.to.key=value (repeatable)");
  sub->add_option("--spin-up-cache", o->spin_up_cache,
                  "Share spin-ups: each run branches from DIR's month-0 state of its scenario without policies "
                  "and replication, made there first if missing (docs/reliability.md)")
      ->type_name("DIR");
  sub->add_flag("--mpi", o->mpi,
                "Run as an MPI job (automatic when mpirun starts more than one rank): rank 0 hands out runs");
  sub->add_flag("--slurm-array", o->slurm_array,
                "Run this Slurm array task's block of runs (SLURM_ARRAY_TASK_ID and _COUNT or _MIN/_MAX)");
  sub->add_option("--emit-sbatch", o->emit_sbatch, "Write a Slurm job-array script to FILE ('-': standard output)");
  sub->add_option("--partition", o->partition, "Slurm partition (with --emit-sbatch)");
  sub->add_option("--time", o->time, "Slurm time limit per array task (with --emit-sbatch; default 01:00:00)");
  sub->add_option("--array-size", o->array_size, "Number of Slurm array tasks (with --emit-sbatch)")
      ->check(CLI::Range(1, 1000000));
  sub->add_option("--cpus-per-task", o->cpus_per_task, "CPUs per array task (with --emit-sbatch; default 1)")
      ->check(CLI::Range(1, 4096));
  sub->add_option("--account", o->account, "Slurm account (with --emit-sbatch; optional)");
  sub->add_option("--qos", o->qos, "Slurm quality of service (with --emit-sbatch; optional)");
  sub->add_option("--mem", o->mem,
                  "Memory per array task, e.g. 8G (with --emit-sbatch; checked against the runs' memory estimate)");
  sub->add_option("--signal-before", o->signal_before,
                  "Seconds before the time limit at which Slurm sends SIGTERM (--signal=B:TERM@N): the runs in "
                  "flight stop with a checkpoint that a resubmission continues; 0: none (with --emit-sbatch; "
                  "default 300)")
      ->check(CLI::Range(0, 86400));
  sub->add_flag("--dry-run", o->dry_run, "Validate the sweep file and every point, print the run count, run nothing");
  sub->add_flag("-q,--quiet", o->quiet, "No progress display");
  return {sub, [o]() { return sweep_action(*o); }};
}

}  // namespace innochain::cli
