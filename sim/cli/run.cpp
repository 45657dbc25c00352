// `innochain run [SCENARIO]`: one simulation, written to an HDF5 run file.
#include "cli/commands.hpp"
#include "core/metrics.hpp"
#include "output/checkpoint.hpp"
#include "output/execute.hpp"
#include "output/memory_estimate.hpp"
#include "scenario/decode.hpp"
#include "scenario/schema.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>

namespace innochain::cli {

namespace {

struct RunOptions {
  std::string scenario;
  std::string output;
  std::optional<std::int64_t> seed;
  std::int64_t replication = 0;
  int threads = 0;
  std::optional<std::int64_t> months;
  std::vector<std::string> sets;
  bool force = false;
  bool quiet = false;
  bool timings = false;
  std::int64_t checkpoint_every = 0;
  bool checkpoint_at_start = false;
  std::string checkpoint;
  bool resume = false;
  std::string from_checkpoint;
  std::string spin_up_cache;
  std::string max_memory;
  bool no_memory_check = false;
};

/// Set by SIGINT / SIGTERM: the run loop checks it at the end of every month.
volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_stop_signal(int signal) { stop_signal = signal; }

/// Installs the handlers for one run. SA_RESETHAND: a second signal kills at once.
void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

/// Progress on standard error: a redrawn bar on a terminal, plain lines otherwise.
class Progress {
 public:
  Progress(std::int64_t total, std::int64_t interval, bool quiet)
      : total_(total), interval_(interval), quiet_(quiet), tty_(isatty(STDERR_FILENO) == 1) {}

  void update(std::int64_t done, double seconds) {
    if (quiet_) return;
    if (tty_) {
      constexpr int width = 40;
      const int filled = static_cast<int>(width * done / std::max<std::int64_t>(1, total_));
      std::fprintf(stderr, "\r[%s%s] month %lld/%lld  %.1f s", std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), static_cast<long long>(done),
                   static_cast<long long>(total_), seconds);
      if (done == total_) std::fputc('\n', stderr);
      std::fflush(stderr);
    } else if (done % interval_ == 0 || done == total_) {
      std::fprintf(stderr, "month %lld/%lld (%.0f%%) %.1f s\n", static_cast<long long>(done),
                   static_cast<long long>(total_), 100.0 * done / std::max<std::int64_t>(1, total_), seconds);
    }
  }

 private:
  std::int64_t total_, interval_;
  bool quiet_, tty_;
};

void print_summary(const Scenario& s, const RunResult& r, const std::string& path) {
  const auto& v = r.summary;
  const double seconds = r.wall_seconds;
  const double years = s.horizon_months / 12.0;
  std::printf("%s: %lld months of '%s' in %.2f s -> %s\n", "innochain", static_cast<long long>(s.horizon_months),
              s.name.c_str(), seconds, path.c_str());
  if (s.world.scale != 1.0)
    std::printf("(world.scale = %g: multiply counts and yuan by %g for province-equivalent figures)\n", s.world.scale,
                1.0 / s.world.scale);
  const auto count = [&](const char* label, double value) { std::printf("  %-44s %14.0f\n", label, value); };
  const auto yearly = [&](const char* label, double yuan) {
    std::printf("  %-44s %14.2f\n", label, yuan / years / 1e9);
  };
  count("discoveries", v[m_discoveries]);
  count("breakthroughs", v[m_breakthroughs]);
  count("transfers (licence + spin-off)", v[m_transfers_licence] + v[m_transfers_spinoff]);
  count("  of which bad transfers", v[m_bad_transfers]);
  count("products launched", v[m_products_launched]);
  count("start-ups founded (talent + spin-offs)", v[m_startups_founded] + v[m_spinoffs_founded]);
  count("firm exits", v[m_firm_exits]);
  count("venture deals", v[m_deals_seed] + v[m_deals_series_a] + v[m_deals_series_b]);
  yearly("R&D spending, billion yuan/year",
         v[m_basic_research_spending] + v[m_rd_spending_institutes] + v[m_rd_spending_enterprises]);
  yearly("transfer income, billion yuan/year", v[m_transfer_income]);
  yearly("venture investment, billion yuan/year", v[m_invested_venture] + v[m_invested_guidance]);
  yearly("revenue, billion yuan/year", v[m_revenue]);
}

/// Where the time went: one line per part, seconds and share of the wall time.
void print_timings(const RunResult& r) {
  std::fprintf(stderr, "%-16s %10s %7s\n", "part", "seconds", "share");
  for (const auto& [name, seconds] : r.timings)
    std::fprintf(stderr, "%-16s %10.3f %6.1f%%\n", name.c_str(), seconds, 100.0 * seconds / r.wall_seconds);
  // The run file's fixed cost: creating it (part of "output") and finishing it (after the
  // run file's wall_seconds, so in no line above).
  std::fprintf(stderr, "%-16s %10.3f %6.1f%%\n", " file create", r.create_seconds,
               100.0 * r.create_seconds / r.wall_seconds);
  std::fprintf(stderr, "%-16s %10.3f %6.1f%%\n", " file finish", r.finish_seconds,
               100.0 * r.finish_seconds / r.wall_seconds);
  std::fprintf(stderr, "%-16s %10.3f\n", "wall", r.wall_seconds);
}

/// The range of integer scenario key `path` as a CLI11 check.
CLI::Range schema_range(const std::string& path) {
  for (const Param& p : scenario_schema())
    if (p.path == path) return CLI::Range(static_cast<std::int64_t>(p.lo), static_cast<std::int64_t>(p.hi));
  throw std::logic_error("no scenario key " + path);
}

}  // namespace

Subcommand add_run(CLI::App& app) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* sub = app.add_subcommand("run", "Run one scenario and write an HDF5 run file");
  sub->add_option("scenario", o->scenario,
                  "Scenario YAML file ('-': standard input; default: the built-in Guangdong baseline)");
  sub->add_option("-o,--output", o->output, "Run file to write (default: SCENARIO_NAME.h5)");
  // Checked here against the schema's range (not as the --set it becomes), so a bad value is
  // reported under the option the user typed; a signed type, so -1 is not wrapped around.
  sub->add_option("--seed", o->seed, "Run seed (overrides the scenario's seed)")->check(schema_range("seed"));
  sub->add_option("--replication", o->replication, "Replication index k (common random numbers)")
      ->check(CLI::Range(0, 1000000));
  sub->add_option("--threads", o->threads, "Worker threads (default: all cores)")->check(CLI::Range(1, 1024));
  sub->add_option("--months", o->months, "Months to simulate (overrides horizon_months)")
      ->check(schema_range("horizon_months"));
  sub->add_option("--set", o->sets, "Override a key: --set path.to.key=value (repeatable)");
  sub->add_flag("--force", o->force, "Overwrite an existing output file");
  sub->add_flag("-q,--quiet", o->quiet, "No progress and no summary");
  sub->add_flag("--timings", o->timings, "Print the seconds spent in setup, each phase and output (standard error)");
  sub->add_option("--checkpoint-every", o->checkpoint_every,
                  "Write a checkpoint every N months (also written on SIGINT/SIGTERM)")
      ->check(CLI::Range(1, 100000));
  sub->add_flag("--checkpoint-at-start", o->checkpoint_at_start,
                "Also write a checkpoint at month 0, after the spin-up: policy scenarios branch from it "
                "with --from-checkpoint and skip the spin-up");
  sub->add_option("--checkpoint", o->checkpoint, "Checkpoint file (default: OUTPUT.checkpoint)");
  sub->add_flag("--resume", o->resume,
                "Continue an interrupted run from its checkpoint (scenario, seed and replication come from it)");
  sub->add_option("--from-checkpoint", o->from_checkpoint,
                  "Branch: start this scenario from a baseline run's checkpoint (shared burn-in)");
  sub->add_option("--spin-up-cache", o->spin_up_cache,
                  "Share spin-ups: branch from DIR's month-0 state of this scenario without policies and "
                  "replication, made there first if missing (docs/reliability.md)")
      ->type_name("DIR");
  sub->add_option("--max-memory", o->max_memory,
                  "Refuse the run if its memory estimate exceeds SIZE (e.g. 8G; default: the memory available)")
      ->check([](const std::string& text) {
        try {
          parse_memory_size(text);
          return std::string();
        } catch (const std::invalid_argument& e) {
          return std::string(e.what());
        }
      });
  sub->add_flag("--no-memory-check", o->no_memory_check,
                "Run even if the memory estimate (innochain show --estimate) exceeds the memory available");
  return {sub, [o]() {
            std::vector<std::string> sets = o->sets;
            if (o->seed) sets.push_back(fmt::format("seed={}", *o->seed));
            if (o->months) sets.push_back(fmt::format("horizon_months={}", *o->months));
            std::string path = o->output;
            std::int64_t replication = o->replication;
            Scenario s;
            if (o->resume) {
              // The checkpoint says what the run was; anything else on the command line could only disagree.
              if (!o->scenario.empty() || !sets.empty() || !o->from_checkpoint.empty())
                throw CLI::ValidationError("--resume",
                                           "takes the scenario, seed and overrides from the checkpoint: give only -o "
                                           "and/or --checkpoint (and --threads)");
              if (path.empty() && o->checkpoint.empty())
                throw CLI::ValidationError("--resume", "needs -o FILE (or --checkpoint FILE)");
              const Checkpoint c(o->checkpoint.empty() ? default_checkpoint_path(path) : o->checkpoint);
              if (path.empty()) path = c.identity().output_path;
              replication = c.identity().replication;
              s = load_scenario_text(c.identity().scenario_yaml, c.path() + ":/scenario", ".");
            } else {
              s = o->scenario.empty() ? load_builtin_baseline(sets) : load_scenario_file(o->scenario, sets);
            }
            if (path.empty()) path = s.name + ".h5";
            for (const auto& w : scenario_warnings(s)) std::fprintf(stderr, "innochain: warning: %s\n", w.c_str());
            RunRequest request{path, o->force, replication, o->threads};
            request.checkpoint_path = o->checkpoint;
            request.checkpoint_every = o->checkpoint_every;
            request.checkpoint_at_start = o->checkpoint_at_start;
            request.resume = o->resume;
            request.branch_from = o->from_checkpoint;
            if (!o->spin_up_cache.empty() && (o->resume || !o->from_checkpoint.empty()))
              throw CLI::ValidationError("--spin-up-cache",
                                         "is for fresh runs: not with --resume or --from-checkpoint");
            request.spin_up_cache = o->spin_up_cache;
            request.stop = &stop_signal;
            request.check_memory = !o->no_memory_check;
            if (!o->max_memory.empty()) request.max_memory = parse_memory_size(o->max_memory);
            install_stop_handlers();
            Progress progress(s.horizon_months, s.output.progress_interval_months, o->quiet);
            const RunResult r =
                execute_run(s, request, [&](std::int64_t done, double secs) { progress.update(done, secs); });
            if (r.interrupted) {
              const std::string ckpt = o->checkpoint.empty() ? default_checkpoint_path(path) : o->checkpoint;
              std::fprintf(stderr,
                           "innochain: %s: stopped after month %lld of %lld; checkpoint written to '%s', partial "
                           "output in '%s.partial'\n"
                           "innochain: resume with: innochain run --resume -o %s%s\n",
                           stop_signal == SIGINT ? "SIGINT" : "SIGTERM", static_cast<long long>(r.months_completed),
                           static_cast<long long>(s.horizon_months), ckpt.c_str(), path.c_str(), path.c_str(),
                           o->checkpoint.empty() ? "" : (" --checkpoint " + o->checkpoint).c_str());
              return 128 + static_cast<int>(stop_signal);
            }
            if (!o->quiet) print_summary(s, r, path);
            if (o->timings) print_timings(r);
            return kExitOk;
          }};
}

}  // namespace innochain::cli
