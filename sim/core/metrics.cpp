#include "core/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace innochain {

const char* accumulation_name(Accumulation a) {
  switch (a) {
    case Accumulation::flow:
      return "flow";
    case Accumulation::stock:
      return "stock";
    case Accumulation::mean:
      return "mean";
  }
  return "?";
}

std::size_t metric_width(const MetricDef& def, std::size_t fields, std::size_t regions, std::size_t policies) {
  switch (def.dim) {
    case Dim::field:
      return fields;
    case Dim::region:
      return regions;
    case Dim::policy:
      return policies;
    case Dim::none:
      break;
  }
  return 1;
}

MonthMetrics::MonthMetrics(std::size_t fields, std::size_t regions, std::size_t policies) : values_(kMetricCount) {
  for (int m = 0; m < kMetricCount; ++m) values_[m].assign(metric_width(kMetrics[m], fields, regions, policies), 0.0);
}

void MonthMetrics::clear() {
  for (auto& v : values_) std::fill(v.begin(), v.end(), 0.0);
}

double MonthMetrics::total(Metric m) const {
  double s = 0.0;
  for (double v : values_[m]) s += v;
  return s;
}

std::string metrics_reference_markdown() {
  std::string out =
      "| series | dimensions | units | flow/stock/mean | link | meaning |\n"
      "|---|---|---|---|---|---|\n";
  for (const MetricDef& d : kMetrics) {
    const char* dims = d.dim == Dim::field    ? "month × field"
                       : d.dim == Dim::region ? "month × region"
                       : d.dim == Dim::policy ? "month × policy"
                                              : "month";
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", d.name, dims, d.units, accumulation_name(d.accumulation),
                       d.link, d.long_name);
  }
  return out;
}

}  // namespace innochain
