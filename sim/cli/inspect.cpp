// `innochain inspect FILE.h5`: what is in a run file or a sweep directory.
#include "output/inspect.hpp"
#include "cli/commands.hpp"
#include "sweep/index.hpp"

#include <cstdio>
#include <memory>

namespace innochain::cli {

Subcommand add_inspect(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  auto digest = std::make_shared<bool>(false);
  CLI::App* sub =
      app.add_subcommand("inspect", "Describe a run file (provenance, series, summary) or a sweep directory");
  sub->add_option("file", *file, "Run file (.h5), sweep directory or its index.h5")->required();
  sub->add_flag("--digest", *digest,
                "Print one bit-exact digest per /series and /summary dataset instead (two runs print the same "
                "lines exactly when their results are bit-identical)");
  return {sub, [file, digest]() {
            if (*digest) {
              RunFile f(*file);
              std::fputs(digest_run_file(*file).c_str(), stdout);
              return f.status() == "complete" ? kExitOk : kExitIo;
            }
            if (sweep::is_sweep_index(*file)) {  // a sweep directory or its index.h5
              std::fputs(sweep::describe_sweep_index(*file).c_str(), stdout);
              return kExitOk;
            }
            RunFile f(*file);
            std::fputs(describe_run_file(*file).c_str(), stdout);
            return f.status() == "complete" ? kExitOk : kExitIo;
          }};
}

}  // namespace innochain::cli
