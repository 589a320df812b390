// The one header users include: the whole public API of ember (docs/api.md). It pulls in no
// third-party header.
#pragma once
#include "ember/autograd.h"
#include "ember/check.h"
#include "ember/data.h"
#include "ember/device.h"
#include "ember/dtype.h"
#include "ember/error.h"
#include "ember/factory.h"
#include "ember/indexing.h"
#include "ember/io.h"
#include "ember/nn.h"
#include "ember/nn_ops.h"
#include "ember/ops.h"
#include "ember/optim.h"
#include "ember/options.h"
#include "ember/scalar.h"
#include "ember/shape.h"
#include "ember/tensor.h"
#include "ember/types.h"

// fmt::format("{}", t): when the program included fmt before this header, ember's formatters
// come with it; in any other order include <ember/fmt.h> (docs/api.md section 3).
#ifdef FMT_VERSION
#include "ember/fmt.h"
#endif
