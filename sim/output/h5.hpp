// Small RAII wrappers over the HDF5 C API: the one HDF5 wrapper of innochain.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace innochain {

/// An I/O failure (unwritable path, full disk, unreadable or foreign file). Exit code 3.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A request that cannot be honoured as given, found before anything is written: an output
/// path that is not a regular file, a checkpoint path that is also the output, a run that
/// needs more memory than there is. Bad input: exit code 2.
class RequestError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace h5 {

/// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  ~Handle() { reset(); }

  hid_t id() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  /// Forgets the identifier without closing it: after a failed write, closing could
  /// make HDF5 write again (and HDF5 1.10 may crash on a full disk); the process is
  /// about to exit and H5dont_atexit keeps HDF5 from closing it then.
  void release() { id_ = H5I_INVALID_HID; }
  /// Closes now; returns false if HDF5 reported an error (e.g. a failed flush).
  bool reset() {
    bool ok = true;
    if (id_ >= 0 && close_) ok = close_(id_) >= 0;
    id_ = H5I_INVALID_HID;
    return ok;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*close_)(hid_t) = nullptr;
};

/// Throws IoError with `what` when an HDF5 call failed (negative id or status).
inline hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw IoError("HDF5: " + what);
  return id;
}

/// Silences HDF5's own error stack printing; we report errors ourselves.
void quiet_errors();

/// Creates (truncates) PATH. `claimed`: the caller holds a PartialFileClaim on PATH
/// (output/output_path.hpp), so HDF5's own file lock is left off — HDF5 takes it only
/// after truncating, which is what let a second writer wipe the first one's file.
Handle create_file(const std::string& path, bool claimed = false);
/// Opens PATH read-only; IoError saying "does not exist" for a missing file and "not a
/// readable HDF5 file" only for a file that is there.
Handle open_file_read(const std::string& path);
Handle create_group(hid_t parent, const std::string& name);
Handle open_group(hid_t parent, const std::string& name);
Handle open_dataset(hid_t parent, const std::string& name);
/// A variable-length UTF-8 string type.
Handle string_type();

void write_attr(hid_t obj, const std::string& name, const std::string& value);
void write_attr(hid_t obj, const std::string& name, std::int64_t value);
void write_attr(hid_t obj, const std::string& name, std::uint64_t value);
void write_attr(hid_t obj, const std::string& name, double value);
bool has_attr(hid_t obj, const std::string& name);
std::string read_string_attr(hid_t obj, const std::string& name);
double read_double_attr(hid_t obj, const std::string& name);

/// A 1-D dataset of strings (used for the field and region dimension scales).
Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values);
/// A scalar string dataset.
void write_string(hid_t parent, const std::string& name, const std::string& value);
std::string read_string(hid_t parent, const std::string& name);
std::vector<std::string> read_strings(hid_t parent, const std::string& name);
/// A scalar double dataset.
Handle write_scalar(hid_t parent, const std::string& name, double value);
/// Reads a whole numeric dataset as doubles, with its dimensions.
std::vector<double> read_doubles(hid_t parent, const std::string& name, std::vector<hsize_t>* dims = nullptr);
/// Refuses (IoError, exit 3) a file whose root attribute format_version is missing, not a
/// whole number, or newer than `understood`: its layout may have changed in ways this
/// program would misread. `what` names the kind of file ("run file", "sweep index").
void check_format_version(hid_t file, const std::string& path, const std::string& what, std::int64_t understood);

/// Names of the members of a group, in name order.
std::vector<std::string> list_group(hid_t group);

}  // namespace h5
}  // namespace innochain
