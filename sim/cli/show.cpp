// `innochain show [SCENARIO]`: print the resolved scenario (after extends and --set).
#include "cli/commands.hpp"
#include "scenario/decode.hpp"

#include <cstdio>
#include <memory>

namespace innochain::cli {

Subcommand add_show(CLI::App& app) {
  struct Options {
    std::string file;
    std::vector<std::string> sets;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("show", "Print the resolved scenario as YAML (every key)");
  sub->add_option("scenario", o->file, "Scenario YAML file (default: the built-in Guangdong baseline)");
  sub->add_option("--set", o->sets, "Override a key: --set path.to.key=value (repeatable)");
  return {sub, [o]() {
            const Scenario s = o->file.empty() ? load_builtin_baseline(o->sets) : load_scenario_file(o->file, o->sets);
            std::fputs(to_yaml(s).c_str(), stdout);
            return kExitOk;
          }};
}

}  // namespace innochain::cli
