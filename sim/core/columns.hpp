// One column list per table. Every agent table is a structure of arrays whose columns are
// listed once, in an X-macro X(type, name, fill, flags, doc); the list declares the
// columns, resizes them (new rows get `fill`), and is what checkpoints save and load,
// what /snapshots write and what checkpoint validation checks, through for_each_column.
// A column added to the list is everywhere at once; one left out is nowhere.
//
//   #define MY_COLUMNS(X) X(double, cash_yuan, 0.0, kSnapshot, "cash") ...
//   struct My { MY_COLUMNS(INNOCHAIN_DECLARE_COLUMN) INNOCHAIN_TABLE(My, MY_COLUMNS) };
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

namespace innochain {

/// What a column's values refer to, for validation: row ids of another table, or an index
/// into a dimension of the world (-1, "none", only with kNoneAllowed).
enum class Ref : std::uint8_t {
  none = 0,
  institute,
  enterprise,
  financier,
  talent,
  project,
  region,
  field,
  employer,  ///< talent.employer: an institute or an enterprise, as talent.employer_kind says
  holder,    ///< projects.holder: an institute or an enterprise, as projects.holder_kind says
  policy,    ///< a policy instance: its position in the scenario's policies (-1: none)
  cell,      ///< a (field x region) cell: field x regions + region
};

/// Column flags.
enum ColumnFlag : unsigned {
  kSnapshot = 1u << 0,     ///< written to /snapshots/KIND/NAME at the snapshot interval
  kPerField = 1u << 1,     ///< one value per (row, field): index row * fields + field
  kNoneAllowed = 1u << 2,  ///< an id column that may hold -1: none
};
/// A flag word that also says what the column refers to (bits 8-15).
constexpr unsigned ref(Ref r) { return static_cast<unsigned>(r) << 8; }
constexpr Ref column_ref(unsigned flags) { return static_cast<Ref>((flags >> 8) & 0xFFu); }
/// ... and, for codes such as enumerations, how many values they have: a stored value must be
/// below it (bits 16-23; 0: no bound).
constexpr unsigned values_below(unsigned count) { return (count & 0xFFu) << 16; }
constexpr unsigned column_values_below(unsigned flags) { return (flags >> 16) & 0xFFu; }

/// How many values enumeration E has, for columns of type E: specialised next to each
/// enumeration an agent table stores (a column of an enumeration without one fails to build).
template <class E>
struct EnumCount;
/// The flags a column of type T carries by its type: an enumeration's bound.
template <class T>
constexpr unsigned type_flags() {
  if constexpr (std::is_enum_v<T>)
    return values_below(EnumCount<T>::value);
  else
    return 0;
}
#define INNOCHAIN_ENUM_COUNT(E, count)         \
  template <>                                  \
  struct EnumCount<E> {                        \
    static constexpr unsigned value = (count); \
  };

/// A column as for_each_column shows it: its name, flags and description.
struct ColumnInfo {
  const char* name;
  unsigned flags;
  const char* doc;
};

/// Resizes a column; new rows get `fill`. (resize(n) then fill: GCC 12 warns falsely about
/// vector<uint8_t>::resize(n, value) at -O3, -Warray-bounds.)
template <class T, class Fill>
void resize_column(std::vector<T>& column, std::size_t rows, Fill fill) {
  const std::size_t old = column.size();
  column.resize(rows);
  if (rows > old) std::fill(column.begin() + static_cast<std::ptrdiff_t>(old), column.end(), static_cast<T>(fill));
}

/// Sets rows [begin, end) of a column to `value`.
template <class T>
void set_rows(std::vector<T>& column, std::size_t begin, std::size_t end, T value) {
  std::fill(column.begin() + static_cast<std::ptrdiff_t>(begin), column.begin() + static_cast<std::ptrdiff_t>(end),
            value);
}

}  // namespace innochain

#define INNOCHAIN_DECLARE_COLUMN(type, name, fill, flags, doc) std::vector<type> name;
#define INNOCHAIN_RESIZE_COLUMN(type, name, fill, flags, doc) \
  ::innochain::resize_column(name, ((flags) & ::innochain::kPerField) ? rows* fields : rows, fill);
/// Sets rows [begin, end) of a column (not kPerField) to its `fill`.
#define INNOCHAIN_FILL_ROWS(type, name, fill, flags, doc)                                        \
  static_assert(!((flags) & ::innochain::kPerField), "INNOCHAIN_FILL_ROWS: a per-field column"); \
  ::innochain::set_rows(name, begin, end, static_cast<type>(fill));
#define INNOCHAIN_VISIT_COLUMN(type, name, fill, flags, doc) \
  f(self.name, ::innochain::ColumnInfo{#name, (flags) | ::innochain::type_flags<type>(), doc});
#define INNOCHAIN_COUNT_COLUMN(type, name, fill, flags, doc) +1

/// The members every table gets from its column list: the column count,
/// resize_columns(rows[, fields]) (a table's resize() calls it, and resizes the tables it
/// nests, such as its levers), and for_each_column(f), which calls f(column, ColumnInfo) for
/// each column in list order (const or not).
#define INNOCHAIN_TABLE(Table, COLUMNS)                                                              \
  static constexpr std::size_t kColumns = 0 COLUMNS(INNOCHAIN_COUNT_COLUMN);                         \
  void resize_columns(std::size_t rows, std::size_t fields = 1) { COLUMNS(INNOCHAIN_RESIZE_COLUMN) } \
  template <class F>                                                                                 \
  void for_each_column(F&& f) {                                                                      \
    visit_columns(*this, f);                                                                         \
  }                                                                                                  \
  template <class F>                                                                                 \
  void for_each_column(F&& f) const {                                                                \
    visit_columns(*this, f);                                                                         \
  }                                                                                                  \
  template <class Self, class F>                                                                     \
  static void visit_columns(Self& self, F& f) {                                                      \
    COLUMNS(INNOCHAIN_VISIT_COLUMN)                                                                  \
  }
