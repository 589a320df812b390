// Neural-network building blocks (docs/api.md section 8): Module, the layers, nn::functional (F),
// nn::init and nn::utils.
#pragma once
#include "ember/nn/functional.h"
#include "ember/nn/init.h"
#include "ember/nn/module.h"
#include "ember/nn/modules.h"
#include "ember/nn/utils.h"
