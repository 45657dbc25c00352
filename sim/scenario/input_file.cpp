#include "scenario/input_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace innochain {

const char* file_kind(unsigned mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISLNK(mode)) return "a symbolic link";
  return "not a regular file";
}

namespace {

std::string mib(std::size_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

/// Reads at most kMaxInputFileBytes + 1 bytes: one byte more than allowed tells a file
/// (or a stream) that is too long without reading the rest of it.
InputText read_bounded(int fd, const std::string& path, const std::string& what) {
  InputText in;
  std::string& text = in.text;
  char buffer[65536];
  while (text.size() <= kMaxInputFileBytes) {
    const std::size_t want = std::min(sizeof buffer, kMaxInputFileBytes + 1 - text.size());
    const ssize_t n = read(fd, buffer, want);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      in.error = fmt::format("cannot read {} '{}': {}", what, path, std::strerror(errno));
      return in;
    }
    if (n == 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  if (text.size() > kMaxInputFileBytes) {
    in.text.clear();
    in.text.shrink_to_fit();
    in.error =
        fmt::format("{} '{}' is longer than the limit of {} for input files", what, path, mib(kMaxInputFileBytes));
  }
  return in;
}

}  // namespace

InputText read_input_file(const std::string& path, const std::string& what) {
  if (path == kStdinName) return read_bounded(STDIN_FILENO, kStdinDisplayName, what);
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the descriptor is checked
  // before anything is read from it (fstat, so no other file can be swapped in between).
  const int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return {{}, fmt::format("{} '{}' does not exist", what, path)};
    return {{}, fmt::format("cannot access {} '{}': {}", what, path, std::strerror(err))};
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st {};
  if (fstat(fd, &st) != 0) return {{}, fmt::format("cannot access {} '{}': {}", what, path, std::strerror(errno))};
  if (!S_ISREG(st.st_mode))
    return {{},
            fmt::format("{} '{}' is {}, not a regular file (input files must be regular files, or '-' for standard "
                        "input)",
                        what, path, file_kind(st.st_mode))};
  if (static_cast<std::size_t>(st.st_size) > kMaxInputFileBytes)
    return {{},
            fmt::format("{} '{}' is {}, larger than the limit of {} for input files", what, path,
                        mib(static_cast<std::size_t>(st.st_size)), mib(kMaxInputFileBytes))};
  // A regular file read normally: blocking reads from here on.
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return read_bounded(fd, path, what);
}

std::optional<TextProblem> find_text_problem(const std::string& text) {
  int line = 1, column = 1;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c == 0) return TextProblem{line, column, "NUL byte (\\0) in the text: input files must be UTF-8 text"};
    std::size_t length = 1;
    std::uint32_t min = 0, code = c;
    if (c >= 0x80) {
      if ((c & 0xE0) == 0xC0) {
        length = 2, min = 0x80, code = c & 0x1F;
      } else if ((c & 0xF0) == 0xE0) {
        length = 3, min = 0x800, code = c & 0x0F;
      } else if ((c & 0xF8) == 0xF0) {
        length = 4, min = 0x10000, code = c & 0x07;
      } else {
        length = 0;
      }
      bool valid = length > 0 && i + length <= n;
      for (std::size_t k = 1; valid && k < length; ++k) {
        if ((p[i + k] & 0xC0) != 0x80) valid = false;
        code = (code << 6) | (p[i + k] & 0x3F);
      }
      // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8 either.
      if (valid && (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))) valid = false;
      if (!valid)
        return TextProblem{line, column,
                           fmt::format("invalid UTF-8 (byte 0x{:02X}): input files must be UTF-8 text", c)};
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace innochain
