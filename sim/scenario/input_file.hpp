// Reading the text files innochain is given (scenarios, their `extends`, sweep files and
// design matrices) with bounded memory: only regular files (or standard input, named
// "-"), at most kMaxInputFileBytes, valid UTF-8 without NUL bytes. A device such as
// /dev/zero or a FIFO is refused at once instead of being read without end.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace innochain {

/// Largest input file innochain reads: 16 MiB, far above any real scenario or design
/// (the full Guangdong baseline is about 20 KiB). Documented in docs/reliability.md.
inline constexpr std::size_t kMaxInputFileBytes = std::size_t{16} << 20;

/// The name under which standard input is read and reported.
inline constexpr const char* kStdinName = "-";
inline constexpr const char* kStdinDisplayName = "<stdin>";

/// What a file that is not a regular file is, for messages: "a directory", "a character
/// device", "a FIFO (named pipe)", "a socket", "a symbolic link" (st_mode of stat / lstat).
const char* file_kind(unsigned mode);

/// The text of a file, or why it could not be read.
struct InputText {
  std::string text;
  std::string error;  ///< empty when `text` is the file's content
  bool ok() const { return error.empty(); }
};

/// Reads PATH ("-": standard input). `what` names the file in messages, e.g. "scenario
/// file". Refuses a path that is missing, not a regular file, or larger than
/// kMaxInputFileBytes; never reads more than kMaxInputFileBytes + 1 bytes.
InputText read_input_file(const std::string& path, const std::string& what);

/// Where a text stops being clean UTF-8: the 1-based line and column (in characters)
/// of the first NUL byte or invalid UTF-8 sequence, and what it is.
struct TextProblem {
  int line = 1;
  int column = 1;
  std::string message;
};

/// The first NUL byte or invalid UTF-8 sequence in `text`, if any.
std::optional<TextProblem> find_text_problem(const std::string& text);

}  // namespace innochain
