// One visitor for saving and loading run state (checkpoints, docs/reliability.md).
// Code that owns state lists its members once, in a function taking a StateIo&;
// the same list is used to write a checkpoint and to read it back, so the two
// cannot drift. The HDF5 implementations live in sim/output/checkpoint.cpp.
#pragma once

#include "core/columns.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace innochain {

/// Loaded values that cannot be the state they claim to be (a list whose parts disagree):
/// the checkpoint loader reports it as a damaged checkpoint, naming the dataset.
class InconsistentState : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class StateIo {
 public:
  virtual ~StateIo() = default;
  /// True when reading (members are overwritten), false when writing.
  virtual bool loading() const = 0;

  virtual void column(const std::string& name, std::vector<double>& v) = 0;
  virtual void column(const std::string& name, std::vector<float>& v) = 0;
  virtual void column(const std::string& name, std::vector<std::int32_t>& v) = 0;
  virtual void column(const std::string& name, std::vector<std::int64_t>& v) = 0;
  virtual void column(const std::string& name, std::vector<std::uint8_t>& v) = 0;
  virtual void column(const std::string& name, std::vector<std::uint16_t>& v) = 0;
  virtual void column(const std::string& name, std::vector<std::uint64_t>& v) = 0;

  /// Enumerations are stored as their underlying integer type.
  template <class E>
  requires std::is_enum_v<E>
  void column(const std::string& name, std::vector<E>& v) {
    using U = std::conditional_t<sizeof(E) == 1, std::uint8_t, std::int32_t>;
    std::vector<U> tmp;
    if (!loading()) {
      tmp.reserve(v.size());
      for (E e : v) tmp.push_back(static_cast<U>(e));
    }
    column(name, tmp);
    if (loading()) {
      v.clear();
      v.reserve(tmp.size());
      for (U u : tmp) v.push_back(static_cast<E>(u));
    }
  }
  static_assert(std::is_same_v<std::size_t, std::uint64_t>, "std::size_t columns are stored as uint64");

  /// A column with its metadata (core/columns.hpp flags: what its values refer to, how many
  /// values a code has): saved and loaded as column(name, v); a validating visitor
  /// (checkpoint loading) reads the flags through next_flags.
  template <class T>
  void column(const std::string& name, std::vector<T>& v, unsigned flags) {
    next_flags(flags | type_flags<T>());
    column(name, v);
  }

  /// Scalars are one-element columns.
  template <class T>
  void scalar(const std::string& name, T& x) {
    using Stored = std::conditional_t<std::is_same_v<T, bool>, std::uint8_t,
                                      std::conditional_t<std::is_same_v<T, std::size_t>, std::uint64_t, T>>;
    std::vector<Stored> one{static_cast<Stored>(x)};
    column(name, one);
    if (!loading()) return;
    expect(one.size() == 1, name + " must hold one value, it holds " + std::to_string(one.size()));
    x = static_cast<T>(one[0]);
  }

  /// While loading: refuses (InconsistentState) values that disagree with each other, e.g.
  /// two columns of one list with different lengths. Owners of state check with it what
  /// they rely on beyond the columns' own flags.
  void expect(bool ok, const std::string& what) const {
    if (loading() && !ok) throw InconsistentState(what);
  }

  /// The flags of the column that comes next (see column(name, v, flags)); ignored by
  /// visitors that only save or load.
  virtual void next_flags(unsigned) {}

  /// Enters / leaves a named group (nested names keep members of different owners apart).
  virtual void push(const std::string& group) = 0;
  virtual void pop() = 0;
};

}  // namespace innochain
