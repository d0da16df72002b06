/**
 * The TFLite flatbuffer schema (file identifier "TFL3"), written down as data for flatbuf.ts.
 * Field ids follow TFLite's schema.fbs; a union's value id is one past its hidden `_type` field.
 */
import { enumOf, f, table, type Infer, type TableDesc } from './flatbuf.js';

export const TensorTypeNames = enumOf([
  'FLOAT32', 'FLOAT16', 'INT32', 'UINT8', 'INT64', 'STRING', 'BOOL', 'INT16', 'COMPLEX64', 'INT8',
  'FLOAT64', 'COMPLEX128', 'UINT64', 'RESOURCE', 'VARIANT', 'UINT32', 'UINT16', 'INT4', 'BFLOAT16',
]);
export const Padding = enumOf(['SAME', 'VALID']);
export const Activation = enumOf(['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT']);
const LSHProjectionType = enumOf(['UNKNOWN', 'SPARSE', 'DENSE']);
const WeightsFormat = enumOf(['DEFAULT', 'SHUFFLED4x16INT8']);
const LSTMKernelType = enumOf(['FULL', 'BASIC']);
const CombinerType = enumOf(['SUM', 'MEAN', 'SQRTN']);
export const MirrorPadMode = enumOf(['REFLECT', 'SYMMETRIC']);
const DimensionType = enumOf(['DENSE', 'SPARSE_CSR']);
const CustomOptionsFormat = enumOf(['FLEXBUFFERS']);
const RngAlgorithm = enumOf(['DEFAULT', 'PHILOX', 'THREEFRY']);
const ReduceWindowFunction = enumOf(['UNSUPPORTED', 'ADD', 'MUL', 'MINIMUM', 'MAXIMUM', 'ALL', 'ANY']);
const ComparisonDirection = enumOf(['EQ', 'NE', 'GE', 'GT', 'LE', 'LT']);
const ComparisonType = enumOf(['NOTYPE', 'FLOAT', 'FLOAT_TOTAL_ORDER', 'SIGNED', 'UNSIGNED']);

const TT = (id: number, def = 0) => f.enum(id, TensorTypeNames, def);
const ACT = (id: number) => f.enum(id, Activation);
const none = <N extends string>(name: N) => table(name, {});

// ---- BuiltinOptions members (union order = type id - 1) ----
export const Conv2DOptions = table('Conv2DOptions', {
  padding: f.enum(0, Padding), stride_w: f.i32(1), stride_h: f.i32(2), fused_activation_function: ACT(3),
  dilation_w_factor: f.i32(4, 1), dilation_h_factor: f.i32(5, 1), quantized_bias_type: TT(6),
});
export const DepthwiseConv2DOptions = table('DepthwiseConv2DOptions', {
  padding: f.enum(0, Padding), stride_w: f.i32(1), stride_h: f.i32(2), depth_multiplier: f.i32(3),
  fused_activation_function: ACT(4), dilation_w_factor: f.i32(5, 1), dilation_h_factor: f.i32(6, 1),
});
const ConcatEmbeddingsOptions = table('ConcatEmbeddingsOptions', {
  num_channels: f.i32(0), num_columns_per_channel: f.vector(1, 'i32'), embedding_dim_per_channel: f.vector(2, 'i32'),
});
const LSHProjectionOptions = table('LSHProjectionOptions', { type: f.enum(0, LSHProjectionType) });
export const Pool2DOptions = table('Pool2DOptions', {
  padding: f.enum(0, Padding), stride_w: f.i32(1), stride_h: f.i32(2), filter_width: f.i32(3),
  filter_height: f.i32(4), fused_activation_function: ACT(5),
});
const SVDFOptions = table('SVDFOptions', { rank: f.i32(0), fused_activation_function: ACT(1), asymmetric_quantize_inputs: f.bool(2) });
const RNNOptions = table('RNNOptions', { fused_activation_function: ACT(0), asymmetric_quantize_inputs: f.bool(1) });
export const FullyConnectedOptions = table('FullyConnectedOptions', {
  fused_activation_function: ACT(0), weights_format: f.enum(1, WeightsFormat), keep_num_dims: f.bool(2),
  asymmetric_quantize_inputs: f.bool(3), quantized_bias_type: TT(4),
});
export const SoftmaxOptions = table('SoftmaxOptions', { beta: f.f32(0) });
export const ConcatenationOptions = table('ConcatenationOptions', { axis: f.i32(0), fused_activation_function: ACT(1) });
export const AddOptions = table('AddOptions', { fused_activation_function: ACT(0), pot_scale_int16: f.bool(1, true) });
export const L2NormOptions = table('L2NormOptions', { fused_activation_function: ACT(0) });
const LocalResponseNormalizationOptions = table('LocalResponseNormalizationOptions', {
  radius: f.i32(0), bias: f.f32(1), alpha: f.f32(2), beta: f.f32(3),
});
const LSTMOptions = table('LSTMOptions', {
  fused_activation_function: ACT(0), cell_clip: f.f32(1), proj_clip: f.f32(2),
  kernel_type: f.enum(3, LSTMKernelType), asymmetric_quantize_inputs: f.bool(4),
});
export const ResizeBilinearOptions = table('ResizeBilinearOptions', {
  new_height: f.i32(0), new_width: f.i32(1), align_corners: f.bool(2), half_pixel_centers: f.bool(3),
});
const CallOptions = table('CallOptions', { subgraph: f.u32(0) });
export const ReshapeOptions = table('ReshapeOptions', { new_shape: f.vector(0, 'i32') });
const SkipGramOptions = table('SkipGramOptions', { ngram_size: f.i32(0), max_skip_size: f.i32(1), include_all_ngrams: f.bool(2) });
export const SpaceToDepthOptions = table('SpaceToDepthOptions', { block_size: f.i32(0) });
const EmbeddingLookupSparseOptions = table('EmbeddingLookupSparseOptions', { combiner: f.enum(0, CombinerType) });
export const MulOptions = table('MulOptions', { fused_activation_function: ACT(0) });
export const GatherOptions = table('GatherOptions', { axis: f.i32(0), batch_dims: f.i32(1) });
export const ReducerOptions = table('ReducerOptions', { keep_dims: f.bool(0) });
export const SubOptions = table('SubOptions', { fused_activation_function: ACT(0), pot_scale_int16: f.bool(1, true) });
export const DivOptions = table('DivOptions', { fused_activation_function: ACT(0) });
export const SqueezeOptions = table('SqueezeOptions', { squeeze_dims: f.vector(0, 'i32') });
const SequenceRNNOptions = table('SequenceRNNOptions', {
  time_major: f.bool(0), fused_activation_function: ACT(1), asymmetric_quantize_inputs: f.bool(2),
});
export const StridedSliceOptions = table('StridedSliceOptions', {
  begin_mask: f.i32(0), end_mask: f.i32(1), ellipsis_mask: f.i32(2), new_axis_mask: f.i32(3),
  shrink_axis_mask: f.i32(4), offset: f.bool(5),
});
export const SplitOptions = table('SplitOptions', { num_splits: f.i32(0) });
export const CastOptions = table('CastOptions', { in_data_type: TT(0), out_data_type: TT(1) });
export const ArgMaxOptions = table('ArgMaxOptions', { output_type: TT(0) });
const ArgMinOptions = table('ArgMinOptions', { output_type: TT(0) });
export const TransposeConvOptions = table('TransposeConvOptions', {
  padding: f.enum(0, Padding), stride_w: f.i32(1), stride_h: f.i32(2), fused_activation_function: ACT(3),
  quantized_bias_type: TT(4),
});
const SparseToDenseOptions = table('SparseToDenseOptions', { validate_indices: f.bool(0) });
export const ShapeOptions = table('ShapeOptions', { out_type: TT(0) });
const FakeQuantOptions = table('FakeQuantOptions', { min: f.f32(0), max: f.f32(1), num_bits: f.i32(2), narrow_range: f.bool(3) });
export const PackOptions = table('PackOptions', { values_count: f.i32(0), axis: f.i32(1) });
const OneHotOptions = table('OneHotOptions', { axis: f.i32(0) });
export const UnpackOptions = table('UnpackOptions', { num: f.i32(0), axis: f.i32(1) });
const BidirectionalSequenceLSTMOptions = table('BidirectionalSequenceLSTMOptions', {
  fused_activation_function: ACT(0), cell_clip: f.f32(1), proj_clip: f.f32(2), merge_outputs: f.bool(3),
  time_major: f.bool(4, true), asymmetric_quantize_inputs: f.bool(5),
});
const BidirectionalSequenceRNNOptions = table('BidirectionalSequenceRNNOptions', {
  time_major: f.bool(0), fused_activation_function: ACT(1), merge_outputs: f.bool(2), asymmetric_quantize_inputs: f.bool(3),
});
export const UnidirectionalSequenceLSTMOptions = table('UnidirectionalSequenceLSTMOptions', {
  fused_activation_function: ACT(0), cell_clip: f.f32(1), proj_clip: f.f32(2), time_major: f.bool(3),
  asymmetric_quantize_inputs: f.bool(4), diagonal_recurrent_tensors: f.bool(5),
});
export const ResizeNearestNeighborOptions = table('ResizeNearestNeighborOptions', { align_corners: f.bool(0), half_pixel_centers: f.bool(1) });
export const LeakyReluOptions = table('LeakyReluOptions', { alpha: f.f32(0) });
export const MirrorPadOptions = table('MirrorPadOptions', { mode: f.enum(0, MirrorPadMode) });
export const SplitVOptions = table('SplitVOptions', { num_splits: f.i32(0) });
const UniqueOptions = table('UniqueOptions', { idx_out_type: TT(0, 2) });
const ReverseSequenceOptions = table('ReverseSequenceOptions', { seq_dim: f.i32(0), batch_dim: f.i32(1) });
const IfOptions = table('IfOptions', { then_subgraph_index: f.i32(0), else_subgraph_index: f.i32(1) });
const WhileOptions = table('WhileOptions', { cond_subgraph_index: f.i32(0), body_subgraph_index: f.i32(1) });
export const DepthToSpaceOptions = table('DepthToSpaceOptions', { block_size: f.i32(0) });
export const BatchMatMulOptions = table('BatchMatMulOptions', { adj_x: f.bool(0), adj_y: f.bool(1), asymmetric_quantize_inputs: f.bool(2) });
const CumsumOptions = table('CumsumOptions', { exclusive: f.bool(0), reverse: f.bool(1) });
const CallOnceOptions = table('CallOnceOptions', { init_subgraph_index: f.i32(0) });
const Conv3DOptions = table('Conv3DOptions', {
  padding: f.enum(0, Padding), stride_d: f.i32(1), stride_w: f.i32(2), stride_h: f.i32(3), fused_activation_function: ACT(4),
  dilation_d_factor: f.i32(5, 1), dilation_w_factor: f.i32(6, 1), dilation_h_factor: f.i32(7, 1),
});
const HashtableOptions = table('HashtableOptions', { table_id: f.i32(0), key_dtype: TT(1), value_dtype: TT(2) });
const VarHandleOptions = table('VarHandleOptions', { container: f.string(0), shared_name: f.string(1) });
const RandomOptions = table('RandomOptions', { seed: f.i64(0), seed2: f.i64(1) });
const BucketizeOptions = table('BucketizeOptions', { boundaries: f.vector(0, 'f32') });
export const GeluOptions = table('GeluOptions', { approximate: f.bool(0) });

export const BuiltinOptionsMembers = [
  Conv2DOptions, DepthwiseConv2DOptions, ConcatEmbeddingsOptions, LSHProjectionOptions, Pool2DOptions,
  SVDFOptions, RNNOptions, FullyConnectedOptions, SoftmaxOptions, ConcatenationOptions, AddOptions,
  L2NormOptions, LocalResponseNormalizationOptions, LSTMOptions, ResizeBilinearOptions, CallOptions,
  ReshapeOptions, SkipGramOptions, SpaceToDepthOptions, EmbeddingLookupSparseOptions, MulOptions,
  none('PadOptions'), GatherOptions, none('BatchToSpaceNDOptions'), none('SpaceToBatchNDOptions'),
  none('TransposeOptions'), ReducerOptions, SubOptions, DivOptions, SqueezeOptions, SequenceRNNOptions,
  StridedSliceOptions, none('ExpOptions'), none('TopKV2Options'), SplitOptions, none('LogSoftmaxOptions'),
  CastOptions, none('DequantizeOptions'), none('MaximumMinimumOptions'), ArgMaxOptions, none('LessOptions'),
  none('NegOptions'), none('PadV2Options'), none('GreaterOptions'), none('GreaterEqualOptions'),
  none('LessEqualOptions'), none('SelectOptions'), none('SliceOptions'), TransposeConvOptions,
  SparseToDenseOptions, none('TileOptions'), none('ExpandDimsOptions'), none('EqualOptions'),
  none('NotEqualOptions'), ShapeOptions, none('PowOptions'), ArgMinOptions, FakeQuantOptions, PackOptions,
  none('LogicalOrOptions'), OneHotOptions, none('LogicalAndOptions'), none('LogicalNotOptions'),
  UnpackOptions, none('FloorDivOptions'), none('SquareOptions'), none('ZerosLikeOptions'),
  none('FillOptions'), BidirectionalSequenceLSTMOptions, BidirectionalSequenceRNNOptions,
  UnidirectionalSequenceLSTMOptions, none('FloorModOptions'), none('RangeOptions'),
  ResizeNearestNeighborOptions, LeakyReluOptions, none('SquaredDifferenceOptions'), MirrorPadOptions,
  none('AbsOptions'), SplitVOptions, UniqueOptions, none('ReverseV2Options'), none('AddNOptions'),
  none('GatherNdOptions'), none('CosOptions'), none('WhereOptions'), none('RankOptions'),
  ReverseSequenceOptions, none('MatrixDiagOptions'), none('QuantizeOptions'), none('MatrixSetDiagOptions'),
  none('HardSwishOptions'), IfOptions, WhileOptions, DepthToSpaceOptions, none('NonMaxSuppressionV4Options'),
  none('NonMaxSuppressionV5Options'), none('ScatterNdOptions'), none('SelectV2Options'), none('DensifyOptions'),
  none('SegmentSumOptions'), BatchMatMulOptions, CumsumOptions, CallOnceOptions, none('BroadcastToOptions'),
  none('Rfft2dOptions'), Conv3DOptions, HashtableOptions, none('HashtableFindOptions'),
  none('HashtableImportOptions'), none('HashtableSizeOptions'), VarHandleOptions, none('ReadVariableOptions'),
  none('AssignVariableOptions'), RandomOptions, BucketizeOptions, GeluOptions, none('DynamicUpdateSliceOptions'),
  none('UnsortedSegmentProdOptions'), none('UnsortedSegmentMaxOptions'), none('UnsortedSegmentMinOptions'),
  none('UnsortedSegmentSumOptions'), none('ATan2Options'), none('SignOptions'), none('BitcastOptions'),
  none('BitwiseXorOptions'), none('RightShiftOptions'),
] as const;

// ---- BuiltinOptions2 (StableHLO era) ----
const L = (id: number) => f.vector(id, 'i64');
export const BuiltinOptions2Members = [
  table('StablehloConcatenateOptions', { dimension: f.i64(0) }),
  table('StablehloBroadcastInDimOptions', { broadcast_dimensions: L(0) }),
  table('StablehloSliceOptions', { start_indices: L(0), limit_indices: L(1), strides: L(2) }),
  table('StablehloConvolutionOptions', {
    window_strides: L(0), padding: L(1), lhs_dilation: L(2), rhs_dilation: L(3), window_reversal: f.vector(4, 'bool'),
    input_batch_dimension: f.i64(5), input_feature_dimension: f.i64(6), input_spatial_dimensions: L(7),
    kernel_input_feature_dimension: f.i64(8), kernel_output_feature_dimension: f.i64(9), kernel_spatial_dimensions: L(10),
    output_batch_dimension: f.i64(11), output_feature_dimension: f.i64(12), output_spatial_dimensions: L(13),
    feature_group_count: f.i64(14), batch_group_count: f.i64(15), precision_config: f.vector(16, 'u32'),
  }),
  table('StablehloCustomCallOptions', {
    call_target_name: f.string(0), has_side_effect: f.bool(1), backend_config: f.string(2), api_version: f.i32(3),
    called_computations: f.vector(4, 'i32'), custom_attributes: f.bytes(5),
  }),
  table('StablehloReduceOptions', { dimensions: L(0), body_subgraph_index: f.i32(1) }),
  table('StablehloScatterOptions', {
    indices_are_sorted: f.bool(0), update_window_dims: L(1), inserted_window_dims: L(2), scatter_dims_to_operand_dims: L(3),
    index_vector_dim: f.i64(4), unique_indices: f.bool(5), update_computation_subgraph_index: f.i32(6),
  }),
  table('StablehloCompareOptions', {
    comparison_direction: f.enum(0, ComparisonDirection, 0, 'u32'), compare_type: f.enum(1, ComparisonType, 0, 'u32'),
  }),
  table('StablehloDynamicSliceOptions', { slice_sizes: L(0) }),
  table('StablehloPadOptions', { edge_padding_low: L(0), edge_padding_high: L(1), interior_padding: L(2) }),
  table('StablehloIotaOptions', { iota_dimension: f.i64(0) }),
  table('StablehloDotGeneralOptions', {
    lhs_batching_dimensions: L(0), rhs_batching_dimensions: L(1), lhs_contracting_dimensions: L(2),
    rhs_contracting_dimensions: L(3), precision_config: f.vector(4, 'u32'),
  }),
  table('StablehloReduceWindowOptions', {
    window_dimensions: L(0), window_strides: L(1), base_dilations: L(2), window_dilations: L(3), padding: L(4),
    body_subgraph_index: f.i32(5),
  }),
  table('StablehloSortOptions', { dimension: f.i64(0), is_stable: f.bool(1), comparator_subgraph_index: f.i32(2) }),
  table('StablehloWhileOptions', { cond_subgraph_index: f.i32(0), body_subgraph_index: f.i32(1) }),
  table('StablehloGatherOptions', {
    offset_dims: L(0), collapsed_slice_dims: L(1), start_index_map: L(2), index_vector_dim: f.i64(3), slice_sizes: L(4),
    indices_are_sorted: f.bool(5),
  }),
  table('StablehloTransposeOptions', { permutation: L(0) }),
  none('DilateOptions'),
  table('StablehloRngBitGeneratorOptions', { algorithm: f.enum(0, RngAlgorithm) }),
  table('ReduceWindowOptions', { reduce_function: f.enum(0, ReduceWindowFunction, 0, 'i32') }),
] as const;

// ---- model structure ----
const CustomQuantization = table('CustomQuantization', { custom: f.bytes(0, 16) });
export const QuantizationParameters = table('QuantizationParameters', {
  min: f.vector(0, 'f32'), max: f.vector(1, 'f32'), scale: f.vector(2, 'f32'), zero_point: f.vector(3, 'i64'),
  details: f.union(5, [CustomQuantization]), quantized_dimension: f.i32(6),
});
const Int32Vector = table('Int32Vector', { values: f.vector(0, 'i32') });
const Uint16Vector = table('Uint16Vector', { values: f.vector(0, 'u16') });
const Uint8Vector = table('Uint8Vector', { values: f.vector(0, 'u8') });
const SparseIndexVector = [Int32Vector, Uint16Vector, Uint8Vector] as const;
const DimensionMetadata = table('DimensionMetadata', {
  format: f.enum(0, DimensionType), dense_size: f.i32(1),
  array_segments: f.union(3, SparseIndexVector), array_indices: f.union(5, SparseIndexVector),
});
export const SparsityParameters = table('SparsityParameters', {
  traversal_order: f.vector(0, 'i32'), block_map: f.vector(1, 'i32'), dim_metadata: f.tables(2, DimensionMetadata),
});
const VariantSubType = table('VariantSubType', { shape: f.vector(0, 'i32'), type: TT(1), has_rank: f.bool(2) });
export const TensorTable = table('Tensor', {
  shape: f.vector(0, 'i32'), type: TT(1), buffer: f.u32(2), name: f.string(3),
  quantization: f.table(4, QuantizationParameters), is_variable: f.bool(5), sparsity: f.table(6, SparsityParameters),
  shape_signature: f.vector(7, 'i32'), has_rank: f.bool(8), variant_tensors: f.tables(9, VariantSubType),
});
export const OperatorCodeTable = table('OperatorCode', {
  deprecated_builtin_code: f.i8(0), custom_code: f.string(1), version: f.i32(2, 1), builtin_code: f.i32(3),
});
export const OperatorTable = table('Operator', {
  opcode_index: f.u32(0), inputs: f.vector(1, 'i32'), outputs: f.vector(2, 'i32'),
  builtin_options: f.union(4, BuiltinOptionsMembers), custom_options: f.bytes(5),
  custom_options_format: f.enum(6, CustomOptionsFormat), mutating_variable_inputs: f.vector(7, 'bool'),
  intermediates: f.vector(8, 'i32'), large_custom_options_offset: f.u64(9), large_custom_options_size: f.u64(10),
  builtin_options_2: f.union(12, BuiltinOptions2Members), debug_metadata_index: f.i32(13, -1),
});
export const SubGraphTable = table('SubGraph', {
  tensors: f.tables(0, TensorTable), inputs: f.vector(1, 'i32'), outputs: f.vector(2, 'i32'),
  operators: f.tables(3, OperatorTable), name: f.string(4), debug_metadata_index: f.i32(5, -1),
});
export const BufferTable = table('Buffer', { data: f.bytes(0, 16), offset: f.u64(1), size: f.u64(2) });
const MetadataTable = table('Metadata', { name: f.string(0), buffer: f.u32(1) });
const TensorMap = table('TensorMap', { name: f.string(0), tensor_index: f.u32(1) });
const SignatureDefTable = table('SignatureDef', {
  inputs: f.tables(0, TensorMap), outputs: f.tables(1, TensorMap), signature_key: f.string(2),
  subgraph_index: f.u32(4),
});
export const ModelTable = table('Model', {
  version: f.u32(0), operator_codes: f.tables(1, OperatorCodeTable), subgraphs: f.tables(2, SubGraphTable),
  description: f.string(3), buffers: f.tables(4, BufferTable), metadata_buffer: f.vector(5, 'i32'),
  metadata: f.tables(6, MetadataTable), signature_defs: f.tables(7, SignatureDefTable),
});

export type ModelT = Infer<typeof ModelTable>;
export type SubGraphT = Infer<typeof SubGraphTable>;
export type TensorT = Infer<typeof TensorTable>;
export type OperatorT = Infer<typeof OperatorTable>;
export type QuantizationT = Infer<typeof QuantizationParameters>;
export type SparsityT = Infer<typeof SparsityParameters>;
export type TensorTypeName = (typeof TensorTypeNames.names)[number];
/** Typed builtin options of any op: a union discriminated by the options table name. */
export type BuiltinOptions = NonNullable<OperatorT['builtin_options']>;
export type BuiltinOptions2 = NonNullable<OperatorT['builtin_options_2']>;
export type OptionsOf<T extends TableDesc> = Infer<T>;

/** BuiltinOperator codes (index = code; '' marks unused codes). */
export const BUILTIN_OPERATORS: readonly string[] = (() => {
  const names = `ADD AVERAGE_POOL_2D CONCATENATION CONV_2D DEPTHWISE_CONV_2D DEPTH_TO_SPACE DEQUANTIZE EMBEDDING_LOOKUP
  FLOOR FULLY_CONNECTED HASHTABLE_LOOKUP L2_NORMALIZATION L2_POOL_2D LOCAL_RESPONSE_NORMALIZATION LOGISTIC
  LSH_PROJECTION LSTM MAX_POOL_2D MUL RELU RELU_N1_TO_1 RELU6 RESHAPE RESIZE_BILINEAR RNN SOFTMAX SPACE_TO_DEPTH
  SVDF TANH CONCAT_EMBEDDINGS SKIP_GRAM CALL CUSTOM EMBEDDING_LOOKUP_SPARSE PAD UNIDIRECTIONAL_SEQUENCE_RNN GATHER
  BATCH_TO_SPACE_ND SPACE_TO_BATCH_ND TRANSPOSE MEAN SUB DIV SQUEEZE UNIDIRECTIONAL_SEQUENCE_LSTM STRIDED_SLICE
  BIDIRECTIONAL_SEQUENCE_RNN EXP TOPK_V2 SPLIT LOG_SOFTMAX DELEGATE BIDIRECTIONAL_SEQUENCE_LSTM CAST PRELU MAXIMUM
  ARG_MAX MINIMUM LESS NEG PADV2 GREATER GREATER_EQUAL LESS_EQUAL SELECT SLICE SIN TRANSPOSE_CONV SPARSE_TO_DENSE
  TILE EXPAND_DIMS EQUAL NOT_EQUAL LOG SUM SQRT RSQRT SHAPE POW ARG_MIN FAKE_QUANT REDUCE_PROD REDUCE_MAX PACK
  LOGICAL_OR ONE_HOT LOGICAL_AND LOGICAL_NOT UNPACK REDUCE_MIN FLOOR_DIV REDUCE_ANY SQUARE ZEROS_LIKE FILL
  FLOOR_MOD RANGE RESIZE_NEAREST_NEIGHBOR LEAKY_RELU SQUARED_DIFFERENCE MIRROR_PAD ABS SPLIT_V UNIQUE CEIL
  REVERSE_V2 ADD_N GATHER_ND COS WHERE RANK ELU REVERSE_SEQUENCE MATRIX_DIAG QUANTIZE MATRIX_SET_DIAG ROUND
  HARD_SWISH IF WHILE NON_MAX_SUPPRESSION_V4 NON_MAX_SUPPRESSION_V5 SCATTER_ND SELECT_V2 DENSIFY SEGMENT_SUM
  BATCH_MATMUL PLACEHOLDER_FOR_GREATER_OP_CODES CUMSUM CALL_ONCE BROADCAST_TO RFFT2D CONV_3D IMAG REAL
  COMPLEX_ABS HASHTABLE HASHTABLE_FIND HASHTABLE_IMPORT HASHTABLE_SIZE REDUCE_ALL CONV_3D_TRANSPOSE VAR_HANDLE
  READ_VARIABLE ASSIGN_VARIABLE BROADCAST_ARGS RANDOM_STANDARD_NORMAL BUCKETIZE RANDOM_UNIFORM MULTINOMIAL GELU
  DYNAMIC_UPDATE_SLICE RELU_0_TO_1 UNSORTED_SEGMENT_PROD UNSORTED_SEGMENT_MAX UNSORTED_SEGMENT_SUM ATAN2
  UNSORTED_SEGMENT_MIN SIGN BITCAST BITWISE_XOR RIGHT_SHIFT STABLEHLO_LOGISTIC STABLEHLO_ADD STABLEHLO_DIVIDE
  STABLEHLO_MULTIPLY STABLEHLO_MAXIMUM STABLEHLO_RESHAPE STABLEHLO_CLAMP STABLEHLO_CONCATENATE
  STABLEHLO_BROADCAST_IN_DIM STABLEHLO_CONVOLUTION STABLEHLO_SLICE STABLEHLO_CUSTOM_CALL STABLEHLO_REDUCE
  STABLEHLO_ABS STABLEHLO_AND STABLEHLO_COSINE STABLEHLO_EXPONENTIAL STABLEHLO_FLOOR STABLEHLO_LOG
  STABLEHLO_MINIMUM STABLEHLO_NEGATE STABLEHLO_OR STABLEHLO_POWER STABLEHLO_REMAINDER STABLEHLO_RSQRT
  STABLEHLO_SELECT STABLEHLO_SUBTRACT STABLEHLO_TANH STABLEHLO_SCATTER STABLEHLO_COMPARE STABLEHLO_CONVERT
  STABLEHLO_DYNAMIC_SLICE STABLEHLO_DYNAMIC_UPDATE_SLICE STABLEHLO_PAD STABLEHLO_IOTA STABLEHLO_DOT_GENERAL
  STABLEHLO_REDUCE_WINDOW STABLEHLO_SORT STABLEHLO_WHILE STABLEHLO_GATHER STABLEHLO_TRANSPOSE DILATE
  STABLEHLO_RNG_BIT_GENERATOR REDUCE_WINDOW`.split(/\s+/).filter(Boolean);
  const table: string[] = [...names];
  while (table.length < 225) table.push('');
  table[225] = 'TEMP_STREAMING_CONV_2D';
  return table;
})();
export const CUSTOM_CODE = 32;
export const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;
