// innochain: an agent-based simulator of the innovation chain.
#include "cli/commands.hpp"
#include "output/h5.hpp"
#include "scenario/decode.hpp"

#include <fmt/format.h>

#include <malloc.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
  using namespace innochain;
  using namespace innochain::cli;
  // The phases allocate month-sized scratch vectors (one byte to a few per person) that grow
  // with the population; glibc would map each afresh and fault its pages in every month.
  // Keeping freed memory in the heap up to 32 MiB per block and 256 MiB at its top makes
  // them reuse warm pages (docs/performance.md). Results do not depend on it.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
  CLI::App app{"innochain: agent-based simulator of the innovation chain (basic research to market)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(INNOCHAIN_VERSION));
  std::vector<Subcommand> commands = {add_run(app), add_validate(app), add_show(app), add_inspect(app), add_docs(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  try {
    for (const auto& c : commands)
      if (c.app->parsed()) return c.action();
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.str().c_str());
    return kExitBadInput;
  } catch (const IoError& e) {
    std::fprintf(stderr, "innochain: error: %s\n", e.what());
    return kExitIo;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "innochain: internal error: %s\n", e.what());
    return kExitInternal;
  }
  return kExitInternal;
}
