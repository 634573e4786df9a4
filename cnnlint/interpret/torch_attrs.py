"""Which attribute names torch's own modules may have: ``hasattr(layer, "do_output")`` can be False.

pytorchcv marks the stages whose output a multi-output backbone returns with a plain flag
(``stage.do_output = True``) and asks every child ``hasattr(module, "do_output")``: for a torch layer or
container the answer is False unless the code set it, provided torch itself never defines that name.
``TORCH_NAMES`` is the union of the public names of torch.nn's module classes, of their instances built
with many arguments and of every ``self.NAME`` in torch/nn/modules (tests/test_hasattr_torch.py holds it
to torch); names torch makes up at run time (an RNN's ``weight_ih_l0``) start with weight or bias.
"""

from __future__ import annotations

TORCH_NAMES = frozenset({
    'T_destination', 'a', 'acc_dtype', 'acc_policy', 'activation', 'activation_relu_or_gelu', 'activations',
    'add_module', 'add_zero_attn', 'affine', 'align_corners', 'all_weights', 'alloc_input_chunk_acc_buf',
    'alloc_input_grad_acc_buf', 'alloc_linear_bias_grad_chunk', 'alloc_logits_acc_buf', 'alloc_weight_grad_chunk',
    'alpha', 'append', 'apply', 'approximate', 'batch_chunk_size', 'batch_first', 'bchunk_size', 'bchunk_start',
    'beta', 'bfloat16', 'bidirectional', 'bind_chunk', 'blank', 'buffers', 'call_super_init', 'ceil_mode',
    'check_forward_args', 'check_hidden_size', 'check_input', 'children', 'choices', 'chunking_method', 'clear',
    'cls_to_become', 'compile', 'compute_input_grad', 'compute_linear_bias_grad', 'compute_linear_weight_grad',
    'conv1', 'conv2', 'convert_sync_batchnorm', 'copy', 'corrected_target', 'count_include_pad', 'cpu', 'ctx',
    'cuda', 'cutoffs', 'd_model', 'decoder', 'delta', 'dilation', 'dim', 'distance_function', 'div_value',
    'divisor_override', 'double', 'downscale_factor', 'dropout', 'dropout1', 'dropout2', 'dropout3', 'dtype',
    'dump_patches', 'elementwise_affine', 'embed_dim', 'embedding_dim', 'enable_nested_tensor', 'encoder',
    'end_dim', 'eps', 'eval', 'extend', 'extra_repr', 'fc1', 'fc2', 'flatten_parameters', 'float', 'forward',
    'from_pretrained', 'fromkeys', 'full', 'gather', 'generate_square_subsequent_mask', 'get', 'get_buffer',
    'get_expected_cell_size', 'get_expected_hidden_size', 'get_extra_state', 'get_parameter', 'get_submodule',
    'grad_input', 'grad_input_dtype', 'grad_linear_bias', 'groups', 'half', 'has_uninitialized_params', 'head',
    'head_bias', 'head_dim', 'head_size', 'hidden_size', 'hook', 'ignore_index', 'in1_features', 'in2_features',
    'in_channels', 'in_features', 'in_proj_bias', 'in_proj_weight', 'include_last_offset', 'init',
    'initialize_parameters', 'inplace', 'input', 'input_chunk', 'input_chunk_acc', 'input_chunk_acc_buf',
    'input_size', 'insert', 'ipu', 'items', 'k', 'k_proj_weight', 'kdim', 'keepdim', 'kernel_size', 'keys',
    'label_smoothing', 'lambd', 'layers', 'linear', 'linear1', 'linear2', 'linear_bias', 'linear_weight',
    'linear_weight_cast_dtype', 'linears', 'load_state_dict', 'log_input', 'log_prob', 'log_target', 'logits',
    'logits_buf', 'logits_downcast', 'loss_grad_output', 'lower', 'margin', 'mask_check', 'max_norm', 'max_val',
    'merge_masks', 'min_val', 'missing_keys', 'mode', 'module', 'modules', 'momentum', 'mtia', 'multihead_attn',
    'n_classes', 'n_clusters', 'name', 'named_buffers', 'named_children', 'named_modules', 'named_parameters',
    'needs_input_grad', 'neg_weight_target', 'negative_slope', 'nhead', 'nonlinearity', 'norm', 'norm1', 'norm2',
    'norm3', 'norm_first', 'norm_type', 'normalized_shape', 'num_batches', 'num_batches_tracked', 'num_channels',
    'num_classes', 'num_embeddings', 'num_features', 'num_groups', 'num_heads', 'num_layers', 'num_parameters',
    'options', 'out_channels', 'out_features', 'out_proj', 'output_padding', 'output_ratio', 'output_size', 'p',
    'padding', 'padding_idx', 'padding_mode', 'parallel_apply', 'parameters', 'params', 'permute_hidden', 'pop',
    'popitem', 'pos_weight', 'predict', 'process_group', 'proj_size', 'q_proj_weight', 'recompute_scale_factor',
    'reduction', 'register_backward_hook', 'register_buffer', 'register_forward_hook', 'register_forward_pre_hook',
    'register_full_backward_hook', 'register_full_backward_pre_hook', 'register_load_state_dict_post_hook',
    'register_load_state_dict_pre_hook', 'register_module', 'register_parameter', 'register_state_dict_post_hook',
    'register_state_dict_pre_hook', 'relu1', 'relu2', 'replicate', 'requires_grad_', 'reset_parameters',
    'reset_running_stats', 'return_indices', 'running_mean', 'running_var', 'save_for_backward', 'saved_tensors',
    'scale_factor', 'scale_grad_by_freq', 'scatter', 'self_attn', 'set_extra_state', 'set_submodule', 'setdefault',
    'share_memory', 'shortlist_size', 'size', 'sparse', 'start_dim', 'state_dict', 'stride', 'swap', 'tail',
    'target', 'threshold', 'tmp', 'to', 'to_empty', 'track_running_stats', 'train', 'training', 'transposed',
    'type', 'unexpected_keys', 'unflattened_size', 'update', 'upper', 'upscale_factor', 'use_acc_dtype',
    'use_nested_tensor', 'v_proj_weight', 'value', 'values', 'vdim', 'with_module', 'xpu', 'zero_grad',
    'zero_infinity'
})  # fmt: skip


def torch_may_define(name: str) -> bool:
    """Whether torch itself may give a module an attribute ``name`` (private, dunder or made-up ones too)."""
    return not name.isidentifier() or name.startswith("_") or name.startswith(("weight", "bias")) or name in TORCH_NAMES
