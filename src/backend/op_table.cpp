// The names and kinds of the elementwise op rows (backend/op_table.h).
#include "backend/op_table.h"

namespace ember {

namespace {
#define EMBER_NAME_ROW(Name, name, kind, expr, ...) #name,
const char* kUnaryNames[] = {EMBER_UNARY_OPS(EMBER_NAME_ROW)};
const char* kBinaryNames[] = {EMBER_BINARY_OPS(EMBER_NAME_ROW)};
#undef EMBER_NAME_ROW
#define EMBER_KIND_ROW(Name, name, kind, expr, ...) UnaryKind::kind,
const UnaryKind kUnaryKinds[] = {EMBER_UNARY_OPS(EMBER_KIND_ROW)};
#undef EMBER_KIND_ROW
#define EMBER_KIND_ROW(Name, name, kind, expr, ...) BinaryKind::kind,
const BinaryKind kBinaryKinds[] = {EMBER_BINARY_OPS(EMBER_KIND_ROW)};
#undef EMBER_KIND_ROW
}  // namespace

const char* op_name(UnaryOp op) { return kUnaryNames[static_cast<int>(op)]; }
const char* op_name(BinaryOp op) { return kBinaryNames[static_cast<int>(op)]; }
UnaryKind op_kind(UnaryOp op) { return kUnaryKinds[static_cast<int>(op)]; }
BinaryKind op_kind(BinaryOp op) { return kBinaryKinds[static_cast<int>(op)]; }

}  // namespace ember
