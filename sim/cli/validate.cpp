// `innochain validate SCENARIO...`: decode each scenario and report every error.
#include "cli/commands.hpp"
#include "scenario/decode.hpp"

#include <cstdio>
#include <memory>

namespace innochain::cli {

Subcommand add_validate(CLI::App& app) {
  struct Options {
    std::vector<std::string> files;
    std::vector<std::string> sets;
  };
  auto o = std::make_shared<Options>();
  CLI::App* sub = app.add_subcommand("validate", "Check scenario files without running them");
  sub->add_option("scenario", o->files, "Scenario YAML files ('-': standard input)")->required();
  sub->add_option("--set", o->sets, "Override a key: --set path.to.key=value (repeatable)");
  return {sub, [o]() {
            int code = kExitOk;
            for (const auto& f : o->files) {
              try {
                load_scenario_file(f, o->sets);
                std::printf("%s: ok\n", f.c_str());
              } catch (const ScenarioError& e) {
                for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.str().c_str());
                code = kExitBadInput;
              }
            }
            return code;
          }};
}

}  // namespace innochain::cli
