#include "scenario/input_file.hpp"

#include "scenario/decode.hpp"

#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace innochain;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

TEST_CASE("clean UTF-8 text has no problem", "[input]") {
  CHECK_FALSE(find_text_problem("name: plain\n"));
  CHECK_FALSE(find_text_problem("description: 广东 创新链 — café\n"));  // 2-, 3-byte sequences
  CHECK_FALSE(find_text_problem("emoji: \xF0\x9F\x98\x80\n"));          // a 4-byte sequence
  CHECK_FALSE(find_text_problem(""));
}

TEST_CASE("NUL bytes and invalid UTF-8 are found at their line and column", "[input]") {
  SECTION("a NUL byte") {
    const auto p = find_text_problem(std::string("a: 1\nname: x\0y\n", 15));
    REQUIRE(p);
    CHECK(p->line == 2);
    CHECK(p->column == 8);
    CHECK_THAT(p->message, Contains("NUL byte"));
  }
  SECTION("columns count characters, not bytes") {
    const auto p = find_text_problem("name: 广东\xE9\n");
    REQUIRE(p);
    CHECK(p->line == 1);
    CHECK(p->column == 9);
    CHECK_THAT(p->message, Contains("invalid UTF-8 (byte 0xE9)"));
  }
  SECTION("a truncated sequence at the end") { CHECK(find_text_problem("name: \xE5\xB9")); }
  SECTION("an overlong encoding of '/'") { CHECK(find_text_problem("a: \xC0\xAF\n")); }
  SECTION("a UTF-16 surrogate") { CHECK(find_text_problem("a: \xED\xA0\x80\n")); }
  SECTION("past U+10FFFF") { CHECK(find_text_problem("a: \xF4\x90\x80\x80\n")); }
  SECTION("a lone continuation byte") { CHECK(find_text_problem("a: \x80\n")); }
}

TEST_CASE("the decoder reports a NUL byte inside a string as an error, not as other text", "[input][decode]") {
  try {
    load_scenario_text(std::string("name: a\0b\n", 10), "t.yaml", ".");
    FAIL("decoded");
  } catch (const ScenarioError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].str() == "t.yaml:1:8: error: NUL byte (\\0) in the text: input files must be UTF-8 text");
  }
}

TEST_CASE("input files: regular files under the size limit only", "[input]") {
  const fs::path dir = fs::temp_directory_path() / ("innochain_input_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string small = (dir / "small.yaml").string();
  std::ofstream(small) << "name: small\n";
  const InputText ok = read_input_file(small, "scenario file");
  CHECK(ok.ok());
  CHECK(ok.text == "name: small\n");
  CHECK_THAT(read_input_file((dir / "missing.yaml").string(), "scenario file").error, Contains("does not exist"));
  CHECK_THAT(read_input_file(dir.string(), "scenario file").error, Contains("is a directory, not a regular file"));
  CHECK_THAT(read_input_file("/dev/zero", "scenario file").error, Contains("is a character device"));
  const std::string big = (dir / "big.yaml").string();
  { std::ofstream(big) << "name: big\n"; }
  fs::resize_file(big, kMaxInputFileBytes + 1);  // sparse: nothing written
  CHECK_THAT(read_input_file(big, "sweep file").error, Contains("larger than the limit of 16.0 MiB"));
  fs::resize_file(big, kMaxInputFileBytes);  // exactly the limit is allowed
  CHECK(read_input_file(big, "sweep file").ok());
  fs::remove_all(dir);
}
