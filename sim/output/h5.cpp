#include "output/h5.hpp"

#include <hdf5_hl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>

namespace innochain::h5 {

void quiet_errors() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

Handle create_file(const std::string& path, bool claimed) {
  // Track creation order so readers (netCDF, xarray) list datasets in the order written.
  Handle fcpl(check(H5Pcreate(H5P_FILE_CREATE), "property list"), H5Pclose);
  H5Pset_link_creation_order(fcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  Handle fapl(check(H5Pcreate(H5P_FILE_ACCESS), "property list"), H5Pclose);
  if (claimed) check(H5Pset_file_locking(fapl.id(), false, true), "file locking");
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), fapl.id());
  if (id < 0) throw IoError("cannot create '" + path + "'");
  return Handle(id, H5Fclose);
}

Handle open_file_read(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) throw IoError("cannot open '" + path + "': it does not exist");
    throw IoError("cannot open '" + path + "': " + std::strerror(err));
  }
  if (S_ISDIR(st.st_mode)) throw IoError("cannot open '" + path + "': it is a directory, not an HDF5 file");
  if (!S_ISREG(st.st_mode)) throw IoError("cannot open '" + path + "': not a regular file");
  if (access(path.c_str(), R_OK) != 0) throw IoError("cannot open '" + path + "': " + std::strerror(errno));
  if (H5Fis_hdf5(path.c_str()) <= 0) throw IoError("cannot open '" + path + "': not a readable HDF5 file");
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) throw IoError("cannot open '" + path + "'");
  return Handle(id, H5Fclose);
}

Handle create_group(hid_t parent, const std::string& name) {
  Handle gcpl(check(H5Pcreate(H5P_GROUP_CREATE), "property list"), H5Pclose);
  H5Pset_link_creation_order(gcpl.id(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED);
  return Handle(check(H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT), "create group " + name),
                H5Gclose);
}

Handle open_group(hid_t parent, const std::string& name) {
  return Handle(check(H5Gopen2(parent, name.c_str(), H5P_DEFAULT), "no group '" + name + "'"), H5Gclose);
}

Handle open_dataset(hid_t parent, const std::string& name) {
  return Handle(check(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), "no dataset '" + name + "'"), H5Dclose);
}

Handle string_type() {
  Handle t(check(H5Tcopy(H5T_C_S1), "string type"), H5Tclose);
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  return t;
}

namespace {

void replace_attr(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
}

template <class T>
void write_numeric_attr(hid_t obj, const std::string& name, hid_t type, T value) {
  replace_attr(obj, name);
  Handle space(check(H5Screate(H5S_SCALAR), "dataspace"), H5Sclose);
  Handle attr(check(H5Acreate2(obj, name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), "attribute " + name),
              H5Aclose);
  check(H5Awrite(attr.id(), type, &value), "write attribute " + name);
}

}  // namespace

void write_attr(hid_t obj, const std::string& name, const std::string& value) {
  replace_attr(obj, name);
  Handle type = string_type();
  Handle space(check(H5Screate(H5S_SCALAR), "dataspace"), H5Sclose);
  Handle attr(
      check(H5Acreate2(obj, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT), "attribute " + name),
      H5Aclose);
  const char* p = value.c_str();
  check(H5Awrite(attr.id(), type.id(), &p), "write attribute " + name);
}

void write_attr(hid_t obj, const std::string& name, std::int64_t value) {
  write_numeric_attr(obj, name, H5T_NATIVE_INT64, value);
}
void write_attr(hid_t obj, const std::string& name, std::uint64_t value) {
  write_numeric_attr(obj, name, H5T_NATIVE_UINT64, value);
}
void write_attr(hid_t obj, const std::string& name, double value) {
  write_numeric_attr(obj, name, H5T_NATIVE_DOUBLE, value);
}

bool has_attr(hid_t obj, const std::string& name) { return H5Aexists(obj, name.c_str()) > 0; }

std::string read_string_attr(hid_t obj, const std::string& name) {
  Handle attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "no attribute '" + name + "'"), H5Aclose);
  Handle type = string_type();
  char* p = nullptr;
  check(H5Aread(attr.id(), type.id(), &p), "read attribute " + name);
  std::string out = p ? p : "";
  H5free_memory(p);
  return out;
}

double read_double_attr(hid_t obj, const std::string& name) {
  Handle attr(check(H5Aopen(obj, name.c_str(), H5P_DEFAULT), "no attribute '" + name + "'"), H5Aclose);
  double v = 0;
  check(H5Aread(attr.id(), H5T_NATIVE_DOUBLE, &v), "read attribute " + name);
  return v;
}

namespace {

/// A transfer property list for writing variable-length strings: with the default one, HDF5
/// 1.10 allocates (and zeroes) a 1 MiB type-conversion buffer for every such write, which
/// was a third of the cost of creating a run file. Strings are converted in strips of 4 KiB.
Handle string_transfer() {
  Handle dxpl(check(H5Pcreate(H5P_DATASET_XFER), "property list"), H5Pclose);
  check(H5Pset_buffer(dxpl.id(), 4096, nullptr, nullptr), "conversion buffer");
  return dxpl;
}

}  // namespace

Handle write_strings(hid_t parent, const std::string& name, const std::vector<std::string>& values) {
  Handle type = string_type();
  const hsize_t n = values.size();
  Handle space(check(H5Screate_simple(1, &n, nullptr), "dataspace"), H5Sclose);
  Handle ds(check(H5Dcreate2(parent, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  "create " + name),
            H5Dclose);
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, string_transfer().id(), ptrs.data()), "write " + name);
  return ds;
}

void write_string(hid_t parent, const std::string& name, const std::string& value) {
  Handle type = string_type();
  Handle space(check(H5Screate(H5S_SCALAR), "dataspace"), H5Sclose);
  Handle ds(check(H5Dcreate2(parent, name.c_str(), type.id(), space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  "create " + name),
            H5Dclose);
  const char* p = value.c_str();
  check(H5Dwrite(ds.id(), type.id(), H5S_ALL, H5S_ALL, string_transfer().id(), &p), "write " + name);
}

std::string read_string(hid_t parent, const std::string& name) {
  Handle ds = open_dataset(parent, name);
  Handle type = string_type();
  char* p = nullptr;
  check(H5Dread(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &p), "read " + name);
  std::string out = p ? p : "";
  H5free_memory(p);
  return out;
}

std::vector<std::string> read_strings(hid_t parent, const std::string& name) {
  Handle ds = open_dataset(parent, name);
  Handle space(check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(space.id(), &n, nullptr);
  Handle type = string_type();
  std::vector<char*> ptrs(n, nullptr);
  check(H5Dread(ds.id(), type.id(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "read " + name);
  std::vector<std::string> out;
  for (char* p : ptrs) {
    out.emplace_back(p ? p : "");
    H5free_memory(p);
  }
  return out;
}

Handle write_scalar(hid_t parent, const std::string& name, double value) {
  Handle space(check(H5Screate(H5S_SCALAR), "dataspace"), H5Sclose);
  Handle ds(check(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  "create " + name),
            H5Dclose);
  check(H5Dwrite(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &value), "write " + name);
  return ds;
}

std::vector<double> read_doubles(hid_t parent, const std::string& name, std::vector<hsize_t>* dims) {
  Handle ds = open_dataset(parent, name);
  Handle space(check(H5Dget_space(ds.id()), "dataspace"), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.id());
  std::vector<hsize_t> d(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), d.data(), nullptr);
  hsize_t total = 1;
  for (hsize_t x : d) total *= x;
  std::vector<double> out(total);
  if (total) check(H5Dread(ds.id(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read " + name);
  if (dims) *dims = d;
  return out;
}

void check_format_version(hid_t file, const std::string& path, const std::string& what, std::int64_t understood) {
  if (!has_attr(file, "format_version"))
    throw IoError("'" + path + "' has no format_version attribute: not a " + what + " this innochain can read");
  const double version = read_double_attr(file, "format_version");
  if (!(version >= 1) || version != std::floor(version))
    throw IoError("'" + path + "' has format_version " + std::to_string(version) + ", not a whole number from 1");
  if (version > static_cast<double>(understood))
    throw IoError("'" + path + "' is a " + what + " of format_version " +
                  std::to_string(static_cast<long long>(version)) + ", newer than the " + std::to_string(understood) +
                  " this innochain reads: read it with a newer innochain");
}

std::vector<std::string> list_group(hid_t group) {
  std::vector<std::string> names;
  H5Literate(
      group, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  return names;
}

}  // namespace innochain::h5
