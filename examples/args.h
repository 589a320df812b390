// A tiny command-line parser shared by the examples: "--name value" options with defaults,
// "--flag" switches and a generated --help text.
#pragma once
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

class Args {
 public:
  explicit Args(std::string usage) : usage_(std::move(usage)) {}

  // Declares an option with its default value and help text.
  Args& option(const std::string& name, const std::string& default_value, const std::string& help) {
    order_.push_back(name);
    values_[name] = default_value;
    help_[name] = help;
    return *this;
  }

  // Parses argv; prints the help and exits for --help, or an error and exits 2 when an
  // option is unknown or lacks its value.
  void parse(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        print_help(std::cout);
        std::exit(0);
      }
      std::string name = arg.rfind("--", 0) == 0 ? arg.substr(2) : "";
      if (!values_.count(name)) fail("unknown argument '" + arg + "'");
      if (i + 1 >= argc) fail("missing value for '" + arg + "'");
      values_[name] = argv[++i];
    }
  }

  const std::string& str(const std::string& name) const { return values_.at(name); }
  long integer(const std::string& name) const {
    char* end = nullptr;
    long value = std::strtol(str(name).c_str(), &end, 10);
    check_number(name, end);
    return value;
  }
  double number(const std::string& name) const {
    char* end = nullptr;
    double value = std::strtod(str(name).c_str(), &end);
    check_number(name, end);
    return value;
  }

 private:
  void check_number(const std::string& name, const char* end) const {
    if (str(name).empty() || *end != '\0') fail("--" + name + " expects a number, got '" + str(name) + "'");
  }

  [[noreturn]] void fail(const std::string& message) const {
    std::cerr << "error: " << message << "\n\n";
    print_help(std::cerr);
    std::exit(2);
  }

  void print_help(std::ostream& os) const {
    os << usage_ << "\n\nOptions:\n";
    for (const auto& name : order_) {
      std::string left = "  --" + name + " " + (values_.at(name).empty() ? "" : "(" + values_.at(name) + ")");
      os << left << std::string(left.size() < 34 ? 34 - left.size() : 1, ' ') << help_.at(name) << "\n";
    }
    os << "  --help                          this text\n";
  }

  std::string usage_;
  std::vector<std::string> order_;
  std::map<std::string, std::string> values_, help_;
};
