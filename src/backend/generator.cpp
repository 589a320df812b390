// The global generator (backend/generator.h).
#include "backend/generator.h"

namespace ember {

Generator& default_generator() {
  static Generator g;
  return g;
}

}  // namespace ember
