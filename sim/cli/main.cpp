// innochain: an agent-based simulator of the innovation chain.
#include "cli/commands.hpp"
#include "output/checkpoint.hpp"
#include "output/h5.hpp"
#include "scenario/decode.hpp"

#include <fmt/format.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <cstdio>
#include <exception>
#include <new>

int main(int argc, char** argv) {
  using namespace innochain;
  using namespace innochain::cli;
#if defined(__GLIBC__)
  // The phases allocate month-sized scratch arrays that grow with the population. With
  // glibc's adaptive thresholds each would be mapped afresh (or the heap trimmed) and its
  // pages faulted in again every month: about 1 s of system time in a full-scale run
  // (docs/performance.md). Blocks up to 64 MiB come from the heap, which keeps up to 256 MiB
  // free at its top. Results do not depend on it.
  mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
#endif
  // HDF5 must not close files left open after an I/O failure when the process exits
  // (see h5::Handle::release); every file is closed by its owner otherwise.
  H5dont_atexit();
  CLI::App app{"innochain: agent-based simulator of the innovation chain (basic research to market)"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(INNOCHAIN_VERSION));
  std::vector<Subcommand> commands = {add_run(app),  add_validate(app), add_show(app),  add_inspect(app),
                                      add_docs(app), add_compare(app),  add_sweep(app), add_export(app)};
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
  } catch (const CLI::ValidationError& e) {
    std::fprintf(stderr, "innochain: error: %s\n", e.what());
    return kExitBadInput;
  } catch (const IncompatibleCheckpoint& e) {
    std::fprintf(stderr, "innochain: error: %s\n", e.what());
    return kExitBadInput;
  } catch (const RequestError& e) {
    std::fprintf(stderr, "innochain: error: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::bad_alloc&) {
    // Everything allocated is gone with the stack; the run file's writer has removed its
    // FILE.partial on the way out, so no output is left.
    std::fprintf(stderr,
                 "innochain: error: out of memory (std::bad_alloc): the run needs more memory than this process can "
                 "have; no output was written (see innochain show --estimate, --max-memory)\n");
    return kExitOutOfMemory;
  } catch (const IoError& e) {
    std::fprintf(stderr, "innochain: error: %s\n", e.what());
    return kExitIo;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "innochain: internal error: %s\n", e.what());
    return kExitInternal;
  }
  return kExitInternal;
}
