// The one header users include: the whole public API of ember.
#pragma once
#include "ember/device.h"
#include "ember/dtype.h"
#include "ember/error.h"
#include "ember/factory.h"
#include "ember/format.h"
#include "ember/indexing.h"
#include "ember/io.h"
#include "ember/ops.h"
#include "ember/options.h"
#include "ember/scalar.h"
#include "ember/shape.h"
#include "ember/tensor.h"
