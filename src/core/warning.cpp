// The public checks' failure path (ember/check.h) and the per-thread warning handler.
#include <iostream>

#include "ember/check.h"

namespace ember {

namespace {
thread_local WarningHandler* current_handler = nullptr;
}  // namespace

void WarningHandler::process(const Warning& warning) {
  std::cerr << "Warning: " << warning.msg() << " (" << warning.file() << ":" << warning.line() << ")\n";
}

void set_warning_handler(WarningHandler* handler) noexcept { current_handler = handler; }
WarningHandler* get_warning_handler() noexcept { return current_handler; }

namespace detail {

void check_failed(const char* condition, std::string message, int kind) {
  if (kind == kCheckInternal) {
    // message is "file:line: " and what the caller added.
    if (message.size() >= 2 && message.compare(message.size() - 2, 2, ": ") == 0) message.resize(message.size() - 2);
    throw Error("internal assert failed: " + std::string(condition) + " at " + message + " (a bug: please report it)");
  }
  if (message.empty()) message = "Expected " + std::string(condition) + " to be true, but got false.";
  switch (kind) {
    case kCheckIndex:
      throw IndexError(message);
    case kCheckValue:
      throw ValueError(message);
    case kCheckType:
      throw TypeError(message);
    default:
      throw Error(message);
  }
}

void warn(std::string message, const char* file, int line) {
  static WarningHandler default_handler;
  WarningHandler* handler = current_handler ? current_handler : &default_handler;
  handler->process(Warning(std::move(message), file, line));
}

}  // namespace detail
}  // namespace ember
