// Subcommands of the innochain binary. Each registers itself on the app and
// returns the action to run when it was chosen; actions return the exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace innochain::cli {

/// Exit codes (README.md, docs/reliability.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitIo = 3;
/// The run did not fit in memory after all (std::bad_alloc while running): the estimate
/// checked up front (`innochain show --estimate`) was passed, or the check was skipped.
inline constexpr int kExitOutOfMemory = 4;

using Action = std::function<int()>;

struct Subcommand {
  CLI::App* app;
  Action action;
};

Subcommand add_run(CLI::App& app);
Subcommand add_validate(CLI::App& app);
Subcommand add_show(CLI::App& app);
Subcommand add_inspect(CLI::App& app);
Subcommand add_docs(CLI::App& app);
Subcommand add_compare(CLI::App& app);
Subcommand add_sweep(CLI::App& app);
Subcommand add_export(CLI::App& app);

}  // namespace innochain::cli
