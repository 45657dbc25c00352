// `innochain export DIR -o FILE.csv`: the runs of a sweep directory (or any directory of run
// files) as one tidy long table for pandas, R or a spreadsheet (docs/sweeps.md).
#include "sweep/export.hpp"
#include "cli/commands.hpp"
#include "output/h5.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <stdexcept>

namespace innochain::cli {

namespace {

namespace fs = std::filesystem;

struct ExportCommand {
  std::string dir, output;
  sweep::ExportOptions options;
  bool force = false, quiet = false;
};

}  // namespace

Subcommand add_export(CLI::App& app) {
  auto o = std::make_shared<ExportCommand>();
  CLI::App* sub = app.add_subcommand(
      "export",
      "Write the runs of a sweep directory as one tidy CSV table: run_id, point, design keys, replication, outcome, "
      "field, region, policy, month, value");
  sub->add_option("dir", o->dir, "A sweep directory, a directory of run files, or one run file")->required();
  sub->add_option("-o,--output", o->output, "The CSV file to write ('-': standard output)")->required();
  sub->add_option("--outcome", o->options.outcomes, "A series (or /summary value) to export; repeatable. Default: all");
  sub->add_flag("--summary", o->options.summary, "Export the /summary values (one row per run and outcome)");
  sub->add_flag("--force", o->force, "Replace an existing output file");
  sub->add_flag("-q,--quiet", o->quiet, "No summary line on stderr");
  return {sub, [o]() {
            try {
              sweep::ExportStats stats;
              if (o->output == "-") {
                stats = sweep::export_long_table(o->dir, std::cout, o->options);
                std::cout.flush();
              } else {
                std::error_code ec;
                if (fs::exists(o->output, ec) && !o->force)
                  throw IoError(fmt::format("{} exists (use --force to replace it)", o->output));
                const std::string partial = o->output + ".partial";
                {
                  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
                  if (!out) throw IoError(fmt::format("cannot write '{}'", partial));
                  stats = sweep::export_long_table(o->dir, out, o->options);
                  out.flush();
                  if (!out) throw IoError(fmt::format("cannot write '{}' (disk full?)", partial));
                }
                fs::rename(partial, o->output, ec);
                if (ec) throw IoError(fmt::format("cannot rename '{}' to '{}': {}", partial, o->output, ec.message()));
              }
              if (!o->quiet || stats.skipped > 0)
                std::fprintf(
                    stderr, "innochain export: %zu runs, %zu rows -> %s%s\n", stats.runs, stats.rows, o->output.c_str(),
                    stats.skipped ? fmt::format(" ({} incomplete run files left out)", stats.skipped).c_str() : "");
              return kExitOk;
            } catch (const std::invalid_argument& e) {
              std::error_code ec;
              fs::remove(o->output + ".partial", ec);
              std::fprintf(stderr, "innochain export: error: %s\n", e.what());
              return kExitBadInput;
            } catch (const IoError&) {
              std::error_code ec;
              fs::remove(o->output + ".partial", ec);
              throw;
            }
          }};
}

}  // namespace innochain::cli
