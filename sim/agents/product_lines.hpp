// Product lines: what a firm sells (docs/model.md, Market). A firm's revenue is the sum of its
// lines' shares of their field's output; firms grow by adding lines (their own launches, which
// take over a line of the field, and acquisitions) and shrink when their lines are taken over
// by better products (Klette and Kortum 2004). The goods of a field are a fixed set: a line whose
// owner exits leaves its good vacant until a launch or an entering SME takes it up again. Rows are
// never reused: a takeover ends the old line and appends a new one, so a line's row is its whole
// life.
#pragma once

#include "core/columns.hpp"

#include <cstdint>
#include <vector>

namespace innochain {

enum class LineStatus : std::uint8_t {
  active = 0,  ///< on the market
  displaced,   ///< taken over by a launched product of the field (creative destruction)
  vacant,      ///< its owner exited: the good waits for a new producer (its demand goes to the other lines)
  closed,      ///< its owner exited and its good has since been taken up by a new line
};
inline constexpr int kLineStatuses = 4;
INNOCHAIN_ENUM_COUNT(LineStatus, kLineStatuses)

/// A line whose good can be taken over: on the market, or vacant since its owner exited.
inline bool takeable(LineStatus s) { return s == LineStatus::active || s == LineStatus::vacant; }

// clang-format off
/// X(type, name, fill for new rows, flags, meaning): see core/columns.hpp.
#define INNOCHAIN_PRODUCT_LINE_COLUMNS(X) \
  X(std::int32_t, owner, -1, kSnapshot | ref(Ref::enterprise), "the enterprise selling it") \
  X(std::uint16_t, field, 0, kSnapshot | ref(Ref::field), "field (the market it sells in)") \
  X(double, appeal, 0.0, kSnapshot, "market weight: its share of the field's output is appeal^theta over the field's sum") \
  X(double, demand_shock, 0.0, 0, "x: the log demand shock in its appeal (log points; 0 when it came on the market)") \
  X(double, shock_variance, 0.0, 0, "v: the variance of x given its value at entry; the appeal is its entry appeal times exp(x - v/2)") \
  X(double, quality, 1.0, 0, "quality of the product relative to the line it took over (1 for lines present at the start)") \
  X(std::int32_t, launched_month, -1, kSnapshot, "month it came on the market (negative: before month 0, during the spin-up or, -1, constructed)") \
  X(std::int32_t, project, -1, ref(Ref::project) | kNoneAllowed, "the launched project it came from, -1 for lines of initial firms and new SMEs") \
  X(LineStatus, status, LineStatus::active, kSnapshot, "active, displaced (taken over), vacant (owner exited, good not yet taken up) or closed (owner exited, good taken up)") \
  X(std::int32_t, ended_month, -1, 0, "month it was displaced or closed, -1 while active")
// clang-format on

struct ProductLines {
  INNOCHAIN_PRODUCT_LINE_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  std::size_t size() const { return owner.size(); }
  INNOCHAIN_TABLE(ProductLines, INNOCHAIN_PRODUCT_LINE_COLUMNS)
  void resize(std::size_t rows) { resize_columns(rows); }
  /// Appends an active line; returns its id.
  std::int32_t add(std::int32_t owner_id, std::size_t field_id, double appeal_weight, double product_quality,
                   std::int32_t month, std::int32_t project_id) {
    const std::size_t l = size();
    resize(l + 1);
    owner[l] = owner_id;
    field[l] = static_cast<std::uint16_t>(field_id);
    appeal[l] = appeal_weight;
    quality[l] = product_quality;
    launched_month[l] = month;
    project[l] = project_id;
    return static_cast<std::int32_t>(l);
  }
};

}  // namespace innochain
