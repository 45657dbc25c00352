#include "output/memory_estimate.hpp"

#include "core/state_io.hpp"
#include "model/state.hpp"
#include "output/checkpoint.hpp"
#include "output/h5.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

namespace innochain {

namespace {

/// Bytes each table's columns take per row, summed per top-level group of persist_state:
/// the same column list checkpoints save, so a new column is counted without a change here.
class RowBytesIo final : public StateIo {
 public:
  std::map<std::string, double> bytes;  ///< per group: "institutes", "talent", ...
  bool loading() const override { return false; }
  void column(const std::string&, std::vector<double>& v) override { add(v); }
  void column(const std::string&, std::vector<float>& v) override { add(v); }
  void column(const std::string&, std::vector<std::int32_t>& v) override { add(v); }
  void column(const std::string&, std::vector<std::uint8_t>& v) override { add(v); }
  void column(const std::string&, std::vector<std::uint16_t>& v) override { add(v); }
  void column(const std::string&, std::vector<std::uint64_t>& v) override { add(v); }
  void push(const std::string& group) override { path_.push_back(group); }
  void pop() override { path_.pop_back(); }

 private:
  std::vector<std::string> path_;
  template <class T>
  void add(const std::vector<T>& v) {
    bytes[path_.empty() ? std::string() : path_.front()] += static_cast<double>(v.size() * sizeof(T));
  }
  // A table's "rows" count is one value per table, not per row.
  void column(const std::string& name, std::vector<std::int64_t>& v) override {
    if (name != "rows") add(v);
  }
};

/// Bytes per row of every table, from a state with one row in each (institutes carry their
/// per-field columns, F values a row).
std::map<std::string, double> row_bytes(std::size_t fields) {
  State one;
  one.institutes.resize(1, fields);
  one.enterprises.resize(1);
  one.financiers.resize(1);
  one.talent.resize(1);
  one.projects.resize(1);
  one.investments.push(0, 0, 0.0, FundingRound::seed, 0);
  RowBytesIo io;
  persist_state(io, one);
  return io.bytes;
}

/// Largest value a policy of type `type` gives parameter `key`, or `fallback`.
double largest_policy_value(const Scenario& s, const std::string& type, const std::string& key, double fallback) {
  double v = fallback;
  for (const auto& p : s.policies)
    if (p.type == type)
      for (const auto& [k, x] : p.values)
        if (k == key) v = std::max(v, x);
  return v;
}

std::uint64_t read_number_file(const std::string& path, bool* found) {
  std::ifstream in(path);
  std::string text;
  *found = static_cast<bool>(in >> text) && text != "max";
  if (!*found) return 0;
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    *found = false;
    return 0;
  }
}

/// "Key:   12345 kB" lines of /proc/meminfo and /proc/self/status, in bytes.
std::optional<std::uint64_t> proc_kib_field(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::istringstream fields(line.substr(key.size() + 1));
    std::uint64_t kib = 0;
    if (fields >> kib) return kib * 1024;
  }
  return std::nullopt;
}

}  // namespace

MemoryEstimate estimate_memory(const Scenario& s) {
  const double T = static_cast<double>(s.horizon_months);
  const double scale = s.world.scale;
  const auto scaled = [&](std::int64_t n) { return static_cast<double>(Scenario::scaled(n, scale)); };
  const double institutes = scaled(s.agents.institutes.count);
  const double enterprises0 = scaled(s.agents.enterprises.count);
  const double financiers0 = scaled(s.agents.financiers.count);
  const double talent0 = scaled(s.agents.talent.count);
  const auto& chain = s.chain;

  // Month by month, as the model grows its tables (rows are never removed: leavers, exited
  // firms and finished projects keep their ids), with every rate at its upper end:
  // - talent: arrivals at the yearly inflow share of the people in the province (times the
  //   largest talent-programme multiplier); departures only at the employed rate, lowered by
  //   the largest retention, so the people in the province are not underestimated;
  // - enterprises: new SMEs at their yearly entry share, start-ups founded by talent (which
  //   also covers spin-offs, few by comparison);
  // - projects: each firm starts one a month with probability 1 - exp(-zeta x R&D staff), at
  //   the mean staff per firm (concave: an upper bound); each institute discovers at its
  //   Cobb-Douglas rate (reference institute: 100 researchers, 10 million yuan a month;
  //   doubled for the spread of budgets and spill-overs);
  // - investments: deals_per_month for every venture and guidance fund, every month.
  const double inflow_multiplier =
      std::max(largest_policy_value(s, "talent_programme", "researcher_inflow_multiplier", 1.0),
               largest_policy_value(s, "talent_programme", "engineer_inflow_multiplier", 1.0));
  const double retention = largest_policy_value(s, "talent_programme", "outflow_reduction", 0.0);
  const double arrival_rate = chain.talent.inflow_per_year * inflow_multiplier / 12.0;
  const double departure_rate = chain.talent.outflow_per_year * std::max(0.0, 1.0 - retention) / 12.0;
  const double founding_rate =
      s.agents.talent.entrepreneurial_propensity_mean * chain.entry.talent_founding_per_year / 12.0;
  const double staff_share = s.agents.talent.share_engineer + s.agents.talent.share_industry_scientist;
  const double researchers_per_institute = s.agents.talent.share_researcher * talent0 / std::max(1.0, institutes);
  const double institute_rate =
      chain.basic_research.discoveries_per_month *
      std::pow(s.agents.institutes.budget_yuan_per_month_median / 1.0e7, chain.basic_research.budget_elasticity) *
      std::pow(researchers_per_institute / 100.0, chain.basic_research.researcher_elasticity) * 2.0;
  const double funds =
      financiers0 * (s.agents.financiers.share_venture_capital + s.agents.financiers.share_guidance_fund);
  double sub_funds = 0;
  for (const auto& p : s.policies)
    if (p.type == "guidance_fund")
      for (const auto& [k, x] : p.values)
        if (k == "sub_funds") sub_funds += x;
  double people = talent0, talent = talent0, enterprises = enterprises0, projects = 0, investments = 0;
  // The tables grow through the spin-up too (docs/model.md 3.1); snapshots and event logs cover
  // only the recorded months (T).
  for (std::int64_t month = 0; month < s.world.spin_up_months + s.horizon_months; ++month) {
    const double staff_per_firm = staff_share * people / std::max(1.0, enterprises);
    projects += enterprises * (1.0 - std::exp(-chain.breakthrough.rd_staff_zeta * staff_per_firm)) +
                institutes * institute_rate;
    enterprises += enterprises0 * chain.entry.sme_entry_per_year / 12.0 + people * founding_rate;
    investments += static_cast<double>(chain.finance.deals_per_month) * (funds + sub_funds);
    talent += people * arrival_rate;
    people *= 1.0 + arrival_rate - departure_rate;
  }
  const double financiers = financiers0 + sub_funds;

  const auto per_row = row_bytes(s.world.fields.size());
  const auto bytes_of = [&](const char* table) {
    const auto it = per_row.find(table);
    return it == per_row.end() ? 0.0 : it->second;
  };
  MemoryEstimate e;
  const auto table = [&](const char* name, double rows, double extra_row_bytes, std::string basis) {
    const double row = bytes_of(name) + extra_row_bytes;
    e.parts.push_back({std::string(name) + " table", rows, row, rows * row, std::move(basis)});
    return rows * row;
  };
  double tables = 0;
  tables += table("institutes", institutes, 0, "count x world.scale");
  // Enterprises also sit in the per-field index (4 bytes), and each policy instance may
  // keep a value per firm (rd_subsidy's yearly use: 8 bytes).
  tables += table("enterprises", enterprises, 4.0 + 8.0 * static_cast<double>(s.policies.size()),
                  "count x world.scale, SME entry and start-ups founded by talent to the horizon");
  tables += table("financiers", financiers, 0, "count x world.scale, guidance sub-funds");
  tables += table("talent", talent, 0, "count x world.scale, arrivals to the horizon");
  // Projects: the active list and the transfer and launch queues (4 bytes each).
  tables += table("projects", projects, 12.0, "firms' R&D starts and institutes' discoveries to the horizon");
  tables += table("investments", investments, 0, "deals_per_month x funds x months (an upper bound)");
  // The phases' month-sized scratch arrays and per-thread partials, and the allocator's
  // slack: measured at about half the tables (docs/reliability.md).
  e.parts.push_back({"scratch arrays (0.6 x tables)", 0, 0, 0.6 * tables, "phases' month-sized buffers"});
  // A checkpoint (periodic or on a signal) copies the output so far one dataset at a time:
  // the largest is a snapshot column [snapshots x talent] of doubles; event logs whole.
  if (s.output.snapshot_interval_months > 0) {
    const double snapshots = std::floor(T / static_cast<double>(s.output.snapshot_interval_months));
    e.parts.push_back({"snapshot column copied by a checkpoint", snapshots * talent, 8.0,
                       8.0 * snapshots * talent * 2.0, "snapshots x talent rows, read and written"});
  }
  double events = 0;
  if (s.output.events_transfers) events += institutes * s.agents.institutes.transfer_office_capacity * T * 36.0;
  if (s.output.events_deals) events += investments * 28.0;
  if (s.output.events_launches) events += projects * 0.1 * 32.0;
  if (events > 0) e.parts.push_back({"event logs copied by a checkpoint", 0, 0, events, "events to the horizon"});
  // The program, its libraries, HDF5's caches and the threads' stacks (measured: ~30 MiB).
  e.parts.push_back({"program, libraries, HDF5", 0, 0, 40.0 * (1 << 20), "measured"});
  for (const auto& p : e.parts) e.total_bytes += p.bytes;
  return e;
}

std::string format_bytes(double bytes) {
  if (bytes >= 1024.0 * 1024 * 1024 * 1024) return fmt::format("{:.1f} TiB", bytes / (1024.0 * 1024 * 1024 * 1024));
  if (bytes >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GiB", bytes / (1024.0 * 1024 * 1024));
  if (bytes >= 1024.0 * 1024) return fmt::format("{:.1f} MiB", bytes / (1024.0 * 1024));
  return fmt::format("{:.0f} KiB", bytes / 1024.0);
}

std::string describe_memory_estimate(const Scenario& s, const MemoryEstimate& e) {
  std::string out = fmt::format("memory estimate for '{}' ({} months, world.scale {}): about {}\n", s.name,
                                s.horizon_months, s.world.scale, format_bytes(e.total_bytes));
  for (const auto& p : e.parts) {
    if (p.rows > 0)
      out += fmt::format("  {:<40} {:>12} {:>14.0f} rows x {:>5.0f} bytes  ({})\n", p.name, format_bytes(p.bytes),
                         p.rows, p.row_bytes, p.basis);
    else
      out += fmt::format("  {:<40} {:>12}  ({})\n", p.name, format_bytes(p.bytes), p.basis);
  }
  return out;
}

std::optional<MemoryLimit> memory_limit(std::optional<std::uint64_t> max_memory) {
  std::optional<MemoryLimit> best;
  const auto consider = [&](std::uint64_t bytes, std::string source) {
    if (!best || bytes < best->bytes) best = MemoryLimit{bytes, std::move(source)};
  };
  if (const auto avail = proc_kib_field("/proc/meminfo", "MemAvailable"))
    consider(*avail, "MemAvailable in /proc/meminfo");
  // The cgroup's limit (a Slurm job, a container): every level up to the root counts.
  std::ifstream cgroups("/proc/self/cgroup");
  std::string line;
  while (std::getline(cgroups, line)) {
    const auto first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    std::string path = line.substr(second + 1);
    const bool v2 = line.rfind("0::", 0) == 0;
    if (!v2 && controllers.find("memory") == std::string::npos) continue;
    const std::string root = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
    const char* limit_file = v2 ? "/memory.max" : "/memory.limit_in_bytes";
    const char* usage_file = v2 ? "/memory.current" : "/memory.usage_in_bytes";
    while (true) {
      bool has_limit = false, has_usage = false;
      const std::uint64_t limit = read_number_file(root + path + limit_file, &has_limit);
      const std::uint64_t usage = read_number_file(root + path + usage_file, &has_usage);
      if (has_limit && limit < (std::uint64_t{1} << 60))  // v1 writes "no limit" as a huge number
        consider(limit > usage ? limit - usage : 0, fmt::format("cgroup limit {}{}", root + path, limit_file));
      if (path.empty() || path == "/") break;
      path = path.substr(0, path.find_last_of('/'));
    }
  }
  struct rlimit lim {};
  if (getrlimit(RLIMIT_AS, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY) {
    const std::uint64_t used = proc_kib_field("/proc/self/status", "VmSize").value_or(0);
    consider(lim.rlim_cur > used ? lim.rlim_cur - used : 0, "address-space limit (ulimit -v)");
  }
  if (max_memory) consider(*max_memory, "--max-memory");
  return best;
}

void check_memory(const Scenario& s, std::optional<std::uint64_t> max_memory) {
  const auto limit = memory_limit(max_memory);
  if (!limit) return;
  const MemoryEstimate e = estimate_memory(s);
  if (e.total_bytes <= static_cast<double>(limit->bytes)) return;
  throw RequestError(fmt::format(
      "the run needs about {} of memory, more than the {} it may use ({}); make world.scale or the agent counts "
      "smaller, or shorten horizon_months (--max-memory sets the limit, --no-memory-check skips this check)\n{}",
      format_bytes(e.total_bytes), format_bytes(static_cast<double>(limit->bytes)), limit->source,
      describe_memory_estimate(s, e)));
}

std::uint64_t parse_memory_size(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw std::invalid_argument("'" + text + "' is not a size such as 512M, 8G or 2000000000");
  }
  std::string unit = text.substr(used);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.ends_with("IB")) unit.erase(unit.size() - 2);
  if (unit.ends_with("B")) unit.pop_back();
  double factor = 1;
  if (unit == "K")
    factor = 1024.0;
  else if (unit == "M")
    factor = 1024.0 * 1024;
  else if (unit == "G")
    factor = 1024.0 * 1024 * 1024;
  else if (unit == "T")
    factor = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty())
    throw std::invalid_argument("'" + text + "': unknown unit (use K, M, G or T)");
  if (!(value > 0) || !std::isfinite(value) || value * factor > 1.8e19)
    throw std::invalid_argument("'" + text + "' is not a positive size");
  return static_cast<std::uint64_t>(value * factor);
}

}  // namespace innochain
