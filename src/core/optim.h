// optim.h — AdamW (Adam with decoupled weight decay) and global-norm gradient clipping,
// over every parameter that for_each_parameter enumerates.
#pragma once

#include "core/encoder.h"
#include "core/tensor.h"

#include <string>
#include <vector>

namespace attn {

struct AdamConfig {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.01;  // decoupled; applied to matrices only (see adamw_step)
};

struct AdamState {
    std::vector<Mat> m;  // first moments, one per parameter in for_each_parameter order
    std::vector<Mat> v;  // second moments
    long step = 0;       // t, the number of updates so far
};

// One AdamW update (Loshchilov & Hutter), for t = state.step + 1:
//   m ← β1 m + (1 − β1) g          v ← β2 v + (1 − β2) g²
//   m̂ = m / (1 − β1ᵗ)              v̂ = v / (1 − β2ᵗ)
//   w ← w − lr (m̂ / (√v̂ + ε) + λ w)
// The decay λ w is added to the step, not to the gradient, so it is not rescaled by √v̂.
// It applies to parameters with more than one row (weight matrices and embedding tables) and
// not to biases or LayerNorm gains and shifts ((1, n) rows), the usual choice.
// The state is sized on the first call.
void adamw_step(EncoderParams& params, const EncoderParams& grads, AdamState& state,
                const AdamConfig& config);

// The same update over any list of parameters and their gradients (same order, same shapes),
// for models that are not an EncoderParams (the recurrent networks of recurrent.h). names, when
// given, name the parameters in error messages.
void adamw_step(const std::vector<Mat*>& params, const std::vector<const Mat*>& grads, AdamState& state,
                const AdamConfig& config, const std::vector<std::string>* names = nullptr);

// ‖g‖ over all gradients together, √(Σ_p Σ_i g_pi²).
double grad_norm(const EncoderParams& grads);

// If ‖g‖ > max_norm, scales every gradient by max_norm / ‖g‖ so the direction is kept and the
// length is max_norm. Returns ‖g‖ before clipping.
double clip_grad_norm(EncoderParams& grads, double max_norm);
double clip_grad_norm(const std::vector<Mat*>& grads, double max_norm);

// One optimisation step on a batch of sequences with per-position targets (kIgnoreIndex where
// there is nothing to predict): zero the gradients, forward and backward each sequence,
// average the gradients over the batch, clip them to clip_norm (≤ 0: no clipping), AdamW.
// Returns the mean of the sequences' losses (taken before the update).
double train_step(EncoderParams& params, EncoderParams& grads, AdamState& state,
                  const AdamConfig& adam, const std::vector<std::vector<int>>& tokens,
                  const std::vector<std::vector<int>>& targets, double clip_norm);

}  // namespace attn
