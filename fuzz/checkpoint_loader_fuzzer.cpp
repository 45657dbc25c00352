// libFuzzer harness for checkpoint loading (docs/reliability.md). A valid checkpoint of a
// small run with every instrument, events and snapshots is made once; each input is read as
// a short program of damage to it — cut, grow or overwrite a dataset, write an extreme value
// (-1, INT32_MAX, NaN, infinity...), delete a dataset, change a root attribute, edit the
// scenario text (with or without its SHA-256) — and the damaged file is resumed exactly as
// `innochain run --resume` does (the scenario decoded from the checkpoint, then execute_run).
// The run must either be refused (IoError or IncompatibleCheckpoint: exit 3 or 2; a
// ScenarioError or RequestError for an edited scenario: exit 2) or, if the damage left a
// checkpoint that passes every check, finish its remaining months without a memory error or
// undefined behaviour (AddressSanitizer, UBSan). Anything else is a finding.
#include "output/checkpoint.hpp"
#include "output/execute.hpp"
#include "output/h5.hpp"
#include "output/run_file.hpp"
#include "scenario/decode.hpp"

#include <hdf5.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#ifndef INNOCHAIN_FUZZ_ROOT
#define INNOCHAIN_FUZZ_ROOT "."
#endif

namespace {

using namespace innochain;
namespace fs = std::filesystem;

/// One dataset of the checkpoint: its path, file type, dimensions and raw bytes (file type),
/// or its text for a variable-length string.
struct Dataset {
  std::string path;
  H5T_class_t cls = H5T_NO_CLASS;
  std::size_t element = 0;
  bool is_signed = false;
  std::vector<hsize_t> dims;
  std::vector<unsigned char> bytes;
  std::string text;  ///< H5T_STRING (the scenario)
};

/// A root (or /output) attribute: text or a number.
struct Attribute {
  std::string object, name;
  bool is_text = false;
  std::string text;
  double number = 0;
  bool is_integer = false;
};

struct File {
  std::vector<std::string> groups;  ///< in creation order, parents first
  std::vector<Dataset> datasets;
  std::vector<Attribute> attributes;
};

std::string g_dir;       // scratch directory for this process
File g_base;             // the undamaged checkpoint
std::string g_base_dir;  // where the scenario's extends resolve

std::size_t elements(const Dataset& d) {
  std::size_t n = 1;
  for (hsize_t x : d.dims) n *= static_cast<std::size_t>(x);
  return n;
}

void read_attributes(hid_t obj, const std::string& object, File& out) {
  std::vector<std::string> names;
  H5Aiterate2(
      obj, H5_INDEX_NAME, H5_ITER_INC, nullptr,
      [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->emplace_back(name);
        return 0;
      },
      &names);
  for (const auto& name : names) {
    h5::Handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose);
    h5::Handle type(H5Aget_type(a.id()), H5Tclose);
    Attribute attr{object, name};
    if (H5Tget_class(type.id()) == H5T_STRING) {
      attr.is_text = true;
      attr.text = h5::read_string_attr(obj, name);
    } else {
      attr.is_integer = H5Tget_class(type.id()) == H5T_INTEGER;
      attr.number = h5::read_double_attr(obj, name);
    }
    out.attributes.push_back(attr);
  }
}

herr_t visit(hid_t root, const char* name, const H5O_info_t* info, void* data) {
  File& out = *static_cast<File*>(data);
  const std::string path = name;
  if (path == ".") return 0;
  if (info->type == H5O_TYPE_GROUP) {
    out.groups.push_back(path);
    return 0;
  }
  if (info->type != H5O_TYPE_DATASET) return 0;
  Dataset d;
  d.path = path;
  const hid_t ds = H5Dopen2(root, name, H5P_DEFAULT);
  const hid_t type = H5Dget_type(ds);
  const hid_t space = H5Dget_space(ds);
  d.cls = H5Tget_class(type);
  const int rank = H5Sget_simple_extent_ndims(space);
  d.dims.resize(static_cast<std::size_t>(std::max(rank, 0)));
  if (rank > 0) H5Sget_simple_extent_dims(space, d.dims.data(), nullptr);
  if (d.cls == H5T_STRING) {
    d.text = h5::read_string(root, name);
  } else {
    d.element = H5Tget_size(type);
    d.is_signed = d.cls == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_2;
    d.bytes.resize(elements(d) * d.element);
    if (!d.bytes.empty()) H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.bytes.data());
  }
  H5Sclose(space);
  H5Tclose(type);
  H5Dclose(ds);
  out.datasets.push_back(std::move(d));
  return 0;
}

File read_file(const std::string& path) {
  File out;
  h5::Handle f = h5::open_file_read(path);
  read_attributes(f.id(), "/", out);
  H5Ovisit(f.id(), H5_INDEX_NAME, H5_ITER_INC, visit, &out);
  h5::Handle g = h5::open_group(f.id(), "output");
  read_attributes(g.id(), "output", out);
  return out;
}

hid_t file_type(const Dataset& d) {
  if (d.cls == H5T_FLOAT) return d.element == 4 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE;
  switch (d.element) {
    case 1:
      return d.is_signed ? H5T_STD_I8LE : H5T_STD_U8LE;
    case 2:
      return d.is_signed ? H5T_STD_I16LE : H5T_STD_U16LE;
    case 4:
      return d.is_signed ? H5T_STD_I32LE : H5T_STD_U32LE;
    default:
      return d.is_signed ? H5T_STD_I64LE : H5T_STD_U64LE;
  }
}

void write_file(const File& file, const std::string& path) {
  h5::Handle f = h5::create_file(path);
  for (const auto& g : file.groups) h5::create_group(f.id(), g);
  for (const auto& d : file.datasets) {
    if (d.cls == H5T_STRING) {
      h5::write_string(f.id(), d.path, d.text);
      continue;
    }
    const hid_t type = file_type(d);
    h5::Handle space(H5Screate_simple(static_cast<int>(d.dims.size()), d.dims.data(), nullptr), H5Sclose);
    h5::Handle ds(H5Dcreate2(f.id(), d.path.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                  H5Dclose);
    if (!d.bytes.empty()) H5Dwrite(ds.id(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, d.bytes.data());
  }
  for (const auto& a : file.attributes) {
    h5::Handle obj(H5Oopen(f.id(), a.object == "/" ? "." : a.object.c_str(), H5P_DEFAULT), H5Oclose);
    if (a.is_text)
      h5::write_attr(obj.id(), a.name, a.text);
    else if (a.is_integer)
      h5::write_attr(obj.id(), a.name, static_cast<std::int64_t>(a.number));
    else
      h5::write_attr(obj.id(), a.name, a.number);
  }
}

/// Reads the input a byte at a time (zeros once it is used up).
struct Input {
  const std::uint8_t* data;
  std::size_t size, pos = 0;
  unsigned byte() { return pos < size ? data[pos++] : 0u; }
  unsigned word() { return byte() << 8 | byte(); }
};

/// Writes `value` into element k of an integer or floating-point dataset.
void put(Dataset& d, std::size_t k, long double value) {
  unsigned char* p = d.bytes.data() + k * d.element;
  if (d.cls == H5T_FLOAT) {
    if (d.element == 4) {
      const float x = static_cast<float>(value);
      std::memcpy(p, &x, 4);
    } else {
      const double x = static_cast<double>(value);
      std::memcpy(p, &x, 8);
    }
    return;
  }
  // Integers: two's complement, little-endian, cut to the element's size.
  const auto x = std::isfinite(value) ? static_cast<std::int64_t>(std::fmax(std::fmin(value, 9.2e18L), -9.2e18L)) : 0;
  for (std::size_t b = 0; b < d.element; ++b)
    p[b] = static_cast<unsigned char>(static_cast<std::uint64_t>(x) >> (8 * b));
}

void damage(File& f, Input& in) {
  const unsigned steps = 1 + in.byte() % 4;
  for (unsigned step = 0; step < steps && !f.datasets.empty(); ++step) {
    const unsigned op = in.byte() % 9;
    Dataset& d = f.datasets[in.word() % f.datasets.size()];
    const std::size_t n = elements(d);
    const bool numeric = d.cls == H5T_INTEGER || d.cls == H5T_FLOAT;
    const std::size_t row = d.dims.empty() || d.dims[0] == 0 ? 0 : n / static_cast<std::size_t>(d.dims[0]) * d.element;
    switch (op) {
      case 0:  // cut the first dimension
        if (numeric && !d.dims.empty()) {
          d.dims[0] = in.word() % (d.dims[0] + 1);
          d.bytes.resize(static_cast<std::size_t>(d.dims[0]) * row);
        }
        break;
      case 1:  // grow it by copies of the last row
        if (numeric && !d.dims.empty() && d.dims[0] > 0) {
          const unsigned extra = 1 + in.byte() % 8;
          for (unsigned k = 0; k < extra; ++k) d.bytes.insert(d.bytes.end(), d.bytes.end() - row, d.bytes.end());
          d.dims[0] += extra;
        }
        break;
      case 2:  // raw bytes into one element
        if (numeric && n > 0) {
          const std::size_t k = in.word() % n;
          for (std::size_t b = 0; b < d.element; ++b)
            d.bytes[k * d.element + b] = static_cast<unsigned char>(in.byte());
        }
        break;
      case 3:
      case 4: {  // an extreme value into one element, or into all
        static const long double special[] = {-1,     0,       1,   2147483647, -2147483648.0L, 65535, 255,
                                              1e300L, -1e300L, NAN, INFINITY,   -INFINITY,      1e9L,  -2};
        const long double v = special[in.byte() % (sizeof special / sizeof special[0])];
        if (numeric && n > 0) {
          if (op == 3)
            put(d, in.word() % n, v);
          else
            for (std::size_t k = 0; k < n; ++k) put(d, k, v);
        }
        break;
      }
      case 5:  // a value just past the rows (ids one too far)
        if (numeric && n > 0) put(d, in.word() % n, static_cast<long double>(n + in.byte() % 3));
        break;
      case 6:  // delete
        f.datasets.erase(f.datasets.begin() + (&d - f.datasets.data()));
        break;
      case 7: {  // a root attribute
        Attribute& a = f.attributes[in.byte() % f.attributes.size()];
        if (a.is_text)
          a.text = in.byte() % 2 ? "partial" : a.text.substr(0, a.text.size() / 2);
        else
          a.number += static_cast<int>(in.byte() % 5) - 2;
        break;
      }
      case 8: {  // the scenario text, with its SHA-256 recomputed or not
        for (auto& s : f.datasets) {
          if (s.cls != H5T_STRING || s.text.empty()) continue;
          const std::size_t at = in.word() % s.text.size();
          s.text[at] = static_cast<char>(in.byte() % 2 ? '0' + in.byte() % 10 : in.byte());
          if (in.byte() % 2)
            for (auto& a : f.attributes)
              if (a.name == "scenario_sha256") a.text = sha256_hex(s.text);
        }
        break;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  h5::quiet_errors();
  H5dont_atexit();
  const char* base = fs::exists("/dev/shm") ? "/dev/shm" : "/tmp";
  std::string dir = std::string(base) + "/innochain_checkpoint_fuzz_XXXXXX";
  if (!mkdtemp(dir.data())) std::abort();
  g_dir = dir;
  g_base_dir = std::string(INNOCHAIN_FUZZ_ROOT) + "/tests/data/reliability";
  // Every instrument, events and snapshots (tests/data/reliability/all_instruments.yaml),
  // small enough for hundreds of runs a second; the checkpoint at month 12 of 14.
  const Scenario s = load_scenario_file(g_base_dir + "/all_instruments.yaml",
                                        {"world.scale=0.002", "horizon_months=14", "output.compression_level=0"});
  RunRequest r;
  r.path = g_dir + "/base.h5";
  r.force = true;
  r.threads = 1;
  r.checkpoint_every = 12;
  r.check_memory = false;
  execute_run(s, r);
  g_base = read_file(g_dir + "/base.h5.checkpoint");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  File f = g_base;
  Input in{data, size};
  damage(f, in);
  const std::string checkpoint = g_dir + "/damaged.ckpt", out = g_dir + "/resumed.h5";
  write_file(f, checkpoint);
  std::error_code ec;
  fs::remove(out, ec);
  // What `innochain run --resume --checkpoint FILE -o OUT` does (sim/cli/run.cpp).
  try {
    const Checkpoint c(checkpoint);
    const Scenario s = load_scenario_text(c.identity().scenario_yaml, checkpoint + ":/scenario", g_base_dir);
    RunRequest r;
    r.path = out;
    r.force = true;
    r.replication = c.identity().replication;
    r.threads = 1;
    r.checkpoint_path = checkpoint;
    r.resume = true;
    execute_run(s, r);
  } catch (const IoError&) {
  } catch (const IncompatibleCheckpoint&) {
  } catch (const RequestError&) {
  } catch (const ScenarioError&) {
  }
  fs::remove(out + ".partial", ec);
  return 0;
}
