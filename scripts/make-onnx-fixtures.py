#!/usr/bin/python3
"""Small real PyTorch networks exported to ONNX for edgefit's importer tests.

Writes test/fixtures/onnx/<name>.onnx plus <name>.input<k>.npy (the inputs, ONNX layout) and
<name>.output<k>.npy (PyTorch's outputs on them). Run with Debian's python3-torch (1.13) and onnx:
    /usr/bin/python3 scripts/make-onnx-fixtures.py
BatchNorm statistics are randomized so no normalization is an identity.
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'fixtures', 'onnx')


def randomize_bn(model, gen):
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            n = m.num_features
            m.running_mean.copy_(torch.randn(n, generator=gen) * 0.5)
            m.running_var.copy_(torch.rand(n, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(n, generator=gen) * 0.2)


def conv_bn(cin, cout, k=3, stride=1, groups=1, act=nn.ReLU):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout), act())


class Cnn(nn.Module):
    """Classifier: conv-BN-ReLU, depthwise, 1x1 with a residual add, max pool, strided conv, global pool, linear."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 8)
        self.dw = conv_bn(8, 8, groups=8)
        self.pw = nn.Conv2d(8, 8, 1)
        self.pool = nn.MaxPool2d(2)
        self.down = conv_bn(8, 16, stride=2)
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        x = self.stem(x)
        x = x + self.pw(self.dw(x))
        x = self.down(self.pool(x))
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.head(x)


class MobileBlock(nn.Module):
    """MobileNetV3-style inverted residual: expand + hardswish, depthwise, squeeze-excite (hardsigmoid), project; plus a grouped conv and ReLU6."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(3, 16, stride=2, act=nn.Hardswish)
        self.expand = conv_bn(16, 32, k=1, act=nn.Hardswish)
        self.dw = conv_bn(32, 32, k=5, groups=32, act=nn.Hardswish)
        self.se_reduce = nn.Conv2d(32, 8, 1)
        self.se_expand = nn.Conv2d(8, 32, 1)
        self.project = nn.Sequential(nn.Conv2d(32, 16, 1, bias=False), nn.BatchNorm2d(16))
        self.grouped = conv_bn(16, 24, groups=4, act=nn.ReLU6)
        self.classifier = nn.Sequential(nn.Linear(24, 32), nn.Hardswish(), nn.Dropout(0.2), nn.Linear(32, 5))

    def forward(self, x):
        x = self.stem(x)
        y = self.dw(self.expand(x))
        s = F.adaptive_avg_pool2d(y, 1)
        s = F.hardsigmoid(self.se_expand(F.relu(self.se_reduce(s))))
        x = x + self.project(y * s)
        x = self.grouped(x)
        x = x.mean((2, 3))
        return self.classifier(x)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(20, 32)
        self.bn = nn.BatchNorm1d(32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 6)

    def forward(self, x):
        x = torch.tanh(self.bn(self.fc1(x)))
        x = torch.sigmoid(self.fc2(x)) * x[:, :16]
        return F.log_softmax(self.fc3(x), dim=1), F.softmax(self.fc3(x), dim=-1), torch.logsumexp(x, dim=1)


class Audio(nn.Module):
    """1-D convolutions over [N, C, L] (rank-3 layout), pooling, and a reshape-based head."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Sequential(nn.Conv1d(4, 12, 5, padding=2), nn.BatchNorm1d(12), nn.LeakyReLU(0.1))
        self.pool = nn.AvgPool1d(2)
        self.conv2 = nn.Sequential(nn.Conv1d(12, 12, 3, stride=2, padding=1, groups=12), nn.ELU())
        self.fc = nn.Linear(12 * 8, 3)

    def forward(self, x):
        x = self.conv2(self.pool(self.conv1(x)))
        return self.fc(x.reshape(x.shape[0], -1))


class UNet(nn.Module):
    """Encoder-decoder with skip concatenations, nearest and bilinear upsampling, a transposed conv and padding."""

    def __init__(self):
        super().__init__()
        self.enc1 = conv_bn(3, 8)
        self.enc2 = conv_bn(8, 16, stride=2)
        self.enc3 = conv_bn(16, 16, stride=2)
        self.up1 = nn.ConvTranspose2d(16, 16, 4, stride=2, padding=1)
        self.dec1 = conv_bn(32, 16)
        self.dec2 = conv_bn(24, 8)
        self.out = nn.Conv2d(8, 2, 1)

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        e3 = self.enc3(F.pad(e2, (1, 1, 1, 1), mode='reflect')[:, :, 1:-1, 1:-1])
        d1 = self.dec1(torch.cat([self.up1(e3), e2], 1))
        d2 = F.interpolate(d1, scale_factor=2, mode='nearest')
        d2 = self.dec2(torch.cat([d2, e1], 1))
        small = F.interpolate(d2, size=(8, 8), mode='bilinear', align_corners=False)
        return torch.sigmoid(self.out(d2)), torch.softmax(small, dim=1)


class Sequence(nn.Module):
    """A batch-first bidirectional LSTM, a bidirectional GRU over its outputs, a linear head on the last step (rank-3 [B,T,F]: convert with ioLayout 'source')."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 8, batch_first=True, bidirectional=True)
        self.gru = nn.GRU(16, 6, batch_first=True, bidirectional=True)
        self.fc = nn.Linear(12, 4)

    def forward(self, x):
        y, _ = self.lstm(x)
        z, h = self.gru(y)
        return self.fc(z[:, -1]), h


class LayoutMix(nn.Module):
    """Axis bookkeeping under stress: one NHWC conv result read through permutes, a softmax over H,
    broadcasts of lower-rank parameters, channel concat / split / gather, strided slices, reductions,
    an in-place reshape and unsqueeze/squeeze; every branch is an output."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 6, 3, padding=1)
        self.bias_c = nn.Parameter(torch.randn(6))
        self.bias_w = nn.Parameter(torch.randn(5, 1))
        self.scale = nn.Parameter(torch.randn(6, 1, 1))

    def forward(self, x):
        y = self.conv(x)
        a = y.permute(0, 2, 3, 1) * 2 + self.bias_c
        c = y.transpose(2, 3) + self.bias_w
        b = torch.softmax(y, dim=2)
        d = torch.cat([y, b * self.scale], dim=1)
        e = d.mean(dim=2)
        f = y[:, 1:5, ::2, 1:]
        g = y.permute(0, 2, 3, 1).reshape(1, 20, 6)
        gathered = y[:, [0, 2, 4]]
        part = torch.split(y, [2, 4], dim=1)[1]
        u = torch.relu(y.unsqueeze(2)).squeeze(2) - y.amax(dim=(2, 3), keepdim=True)
        return a, c, d, e, f, g, gathered, part, u


class TinyTransformer(nn.Module):
    """One encoder block: single-head attention (runtime MatMuls, softmax), LayerNorm, a GELU MLP, residuals ([B,T,D]: ioLayout 'source')."""

    def __init__(self, d=16):
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.norm1 = nn.LayerNorm(d)
        self.norm2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 32), nn.GELU(), nn.Linear(32, d))
        self.d = d

    def forward(self, x):
        q, k, v = self.qkv(self.norm1(x)).split(self.d, dim=-1)
        att = torch.softmax(q @ k.transpose(1, 2) / self.d ** 0.5, dim=-1)
        x = x + self.proj(att @ v)
        return x + self.mlp(self.norm2(x))


def export(name, model, inputs, opset, gen, fold=True):
    randomize_bn(model, gen)
    model.eval()
    with torch.no_grad():
        outputs = model(*inputs)
    if isinstance(outputs, torch.Tensor):
        outputs = (outputs,)
    path = os.path.join(OUT, f'{name}.onnx')
    torch.onnx.export(model, tuple(inputs), path, opset_version=opset, do_constant_folding=fold,
                      training=torch.onnx.TrainingMode.EVAL if fold else torch.onnx.TrainingMode.PRESERVE,
                      input_names=[f'input{k}' for k in range(len(inputs))],
                      output_names=[f'output{k}' for k in range(len(outputs))])
    for k, t in enumerate(inputs):
        np.save(os.path.join(OUT, f'{name}.input{k}.npy'), t.numpy().astype(np.float32))
    for k, t in enumerate(outputs):
        np.save(os.path.join(OUT, f'{name}.output{k}.npy'), np.ascontiguousarray(t.numpy(), dtype=np.float32))
    print(f'{name}: opset {opset}, {os.path.getsize(path)} bytes')


def qdq_cnn(gen):
    """A static QDQ model as ONNX Runtime's quantizer writes them, built with onnx.helper (conv+ReLU, max
    pool, depthwise conv, residual add, global pool, flatten, linear): int8 activations
    (Q→DQ pairs, asymmetric after ReLU), symmetric per-channel int8 weights, int32 biases at s_x·s_w.
    Expected outputs are the QDQ graph's own semantics evaluated in float64 by torch (quantize: round half
    to even, saturate), not edgefit's integer arithmetic."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    f64 = torch.float64
    x = torch.randn(1, 3, 16, 16, generator=gen, dtype=f64)
    w1 = torch.randn(8, 3, 3, 3, generator=gen, dtype=f64) * 0.3
    b1 = torch.randn(8, generator=gen, dtype=f64) * 0.1
    w2 = torch.randn(8, 1, 3, 3, generator=gen, dtype=f64) * 0.4
    b2 = torch.randn(8, generator=gen, dtype=f64) * 0.1
    w3 = torch.randn(5, 8, generator=gen, dtype=f64) * 0.5
    b3 = torch.randn(5, generator=gen, dtype=f64) * 0.1

    def q(a, s, z):
        return torch.clamp(torch.round(a / s) + z, -128, 127)  # torch.round: half to even

    def qdq(a, s, z):
        return (q(a, s, z) - z) * s

    def weights(w):
        s = w.abs().reshape(w.shape[0], -1).max(1).values / 127
        return torch.round(w / s.reshape(-1, *([1] * (w.dim() - 1)))), s

    def act_params(a, relu):
        if relu:  # [0, max] over the whole int8 range
            return float(a.max()) / 255, -128
        return float(a.abs().max()) / 127, 0

    w1q, s1w = weights(w1)
    w2q, s2w = weights(w2)
    w3q, s3w = weights(w3)
    sx, zx = act_params(x, False)
    xd = qdq(x, sx, zx)
    b1q = torch.round(b1 / (sx * s1w))
    y1 = torch.relu(F.conv2d(xd, w1q * s1w.reshape(-1, 1, 1, 1), b1q * sx * s1w, padding=1))
    s1, z1 = act_params(y1, True)
    p1 = F.max_pool2d(qdq(y1, s1, z1), 2)
    b2q = torch.round(b2 / (s1 * s2w))
    y2 = F.conv2d(p1, w2q * s2w.reshape(-1, 1, 1, 1), b2q * s1 * s2w, padding=1, groups=8)
    s2, z2 = act_params(y2, False)
    res = p1 + qdq(y2, s2, z2)
    sr, zr = act_params(res, False)
    g = qdq(res, sr, zr).mean((2, 3), keepdim=True)
    s3, z3 = act_params(g, False)
    flat = qdq(g, s3, z3).flatten(1)
    b3q = torch.round(b3 / (s3 * s3w))
    y3 = flat @ (w3q * s3w.reshape(-1, 1)).T + b3q * s3 * s3w
    s4, z4 = act_params(y3, False)
    expected = qdq(y3, s4, z4)

    inits = []

    def const(name, array, dtype):
        inits.append(numpy_helper.from_array(np.asarray(array, dtype=dtype), name))
        return name

    nodes = []

    def qdq_nodes(inp, name, s, z):
        const(f'{name}_s', s, np.float32)
        const(f'{name}_z', z, np.int8)
        nodes.append(helper.make_node('QuantizeLinear', [inp, f'{name}_s', f'{name}_z'], [f'{name}_q']))
        nodes.append(helper.make_node('DequantizeLinear', [f'{name}_q', f'{name}_s', f'{name}_z'], [f'{name}_dq']))
        return f'{name}_dq'

    def dq_weights(name, wq, s, axis=0):
        const(f'{name}_q', wq.numpy(), np.int8)
        const(f'{name}_s', s.numpy(), np.float32)
        const(f'{name}_z', np.zeros(len(s)), np.int8)
        nodes.append(helper.make_node('DequantizeLinear', [f'{name}_q', f'{name}_s', f'{name}_z'], [f'{name}'], axis=axis))
        return name

    def dq_bias(name, bq, s):
        const(f'{name}_q', bq.numpy(), np.int32)
        const(f'{name}_s', s.numpy(), np.float32)
        const(f'{name}_z', np.zeros(len(s)), np.int32)
        nodes.append(helper.make_node('DequantizeLinear', [f'{name}_q', f'{name}_s', f'{name}_z'], [f'{name}'], axis=0))
        return name

    a = qdq_nodes('input0', 'x', sx, zx)
    nodes.append(helper.make_node('Conv', [a, dq_weights('w1', w1q, s1w), dq_bias('b1', b1q, sx * s1w)], ['c1'], pads=[1, 1, 1, 1]))
    nodes.append(helper.make_node('Relu', ['c1'], ['r1']))
    a = qdq_nodes('r1', 'y1', s1, z1)
    nodes.append(helper.make_node('MaxPool', [a], ['p1'], kernel_shape=[2, 2], strides=[2, 2]))
    a = qdq_nodes('p1', 'p1', s1, z1)
    nodes.append(helper.make_node('Conv', [a, dq_weights('w2', w2q, s2w), dq_bias('b2', b2q, s1 * s2w)], ['c2'], pads=[1, 1, 1, 1], group=8))
    a = qdq_nodes('c2', 'y2', s2, z2)
    nodes.append(helper.make_node('Add', ['p1_dq', a], ['res']))
    a = qdq_nodes('res', 'res', sr, zr)
    nodes.append(helper.make_node('GlobalAveragePool', [a], ['g']))
    a = qdq_nodes('g', 'g', s3, z3)
    nodes.append(helper.make_node('Flatten', [a], ['f']))
    a = qdq_nodes('f', 'f', s3, z3)
    nodes.append(helper.make_node('Gemm', [a, dq_weights('w3', w3q, s3w), dq_bias('b3', b3q, s3 * s3w)], ['fc'], transB=1))
    out = qdq_nodes('fc', 'out', s4, z4)
    nodes.append(helper.make_node('Identity', [out], ['output0']))
    graph = helper.make_graph(nodes, 'qdq_cnn', [helper.make_tensor_value_info('input0', TensorProto.FLOAT, [1, 3, 16, 16])],
                              [helper.make_tensor_value_info('output0', TensorProto.FLOAT, [1, 5]),
                               helper.make_tensor_value_info('y2_dq', TensorProto.FLOAT, [1, 8, 8, 8])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='make-onnx-fixtures')
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, 'qdq_cnn.onnx'))
    np.save(os.path.join(OUT, 'qdq_cnn.input0.npy'), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qdq_cnn.output0.npy'), expected.numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qdq_cnn.output1.npy'), qdq(y2, s2, z2).numpy().astype(np.float32))
    np.save(os.path.join(OUT, 'qdq_cnn.output_scale.npy'), np.float32([s4, s2]))
    print(f'qdq_cnn: opset 13, {os.path.getsize(os.path.join(OUT, "qdq_cnn.onnx"))} bytes')


def opset18_ops(gen):
    """Opset-18 forms torch 1.13 cannot export (axes as inputs, Split's num_outputs), built with onnx.helper;
    expected outputs from numpy."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    x = torch.randn(1, 4, 6, 6, generator=gen).numpy()
    inits = [numpy_helper.from_array(np.array([1], dtype=np.int64), 'mean_axes'),
             numpy_helper.from_array(np.array([1, 2, 1, 2], dtype=np.int64), 'pads'),
             numpy_helper.from_array(np.array([2, 3], dtype=np.int64), 'pad_axes'),
             numpy_helper.from_array(np.array(0.5, dtype=np.float32), 'pad_value')]
    nodes = [
        helper.make_node('ReduceMean', ['input0', 'mean_axes'], ['mean'], keepdims=0),
        helper.make_node('Split', ['input0'], ['part0', 'part1', 'part2'], axis=2, num_outputs=3),
        helper.make_node('Pad', ['part1', 'pads', 'pad_value', 'pad_axes'], ['padded'], mode='constant'),
        helper.make_node('ReduceMax', ['padded', 'mean_axes'], ['max'], keepdims=1),
    ]
    outputs = {'mean': x.mean(1), 'part0': x[:, :, 0:2], 'padded': None, 'max': None}
    padded = np.pad(x[:, :, 2:4], [(0, 0), (0, 0), (1, 1), (2, 2)], constant_values=0.5)
    outputs['padded'] = padded
    outputs['max'] = padded.max(1, keepdims=True)
    graph = helper.make_graph(nodes, 'opset18', [helper.make_tensor_value_info('input0', TensorProto.FLOAT, list(x.shape))],
                              [helper.make_tensor_value_info(k, TensorProto.FLOAT, list(v.shape)) for k, v in outputs.items()], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 18)], producer_name='make-onnx-fixtures')
    model.ir_version = 8
    onnx.save(model, os.path.join(OUT, 'opset18.onnx'))
    np.save(os.path.join(OUT, 'opset18.input0.npy'), x.astype(np.float32))
    for k, v in enumerate(outputs.values()):
        np.save(os.path.join(OUT, f'opset18.output{k}.npy'), v.astype(np.float32))
    print(f'opset18: {os.path.getsize(os.path.join(OUT, "opset18.onnx"))} bytes')


def opset20_gelu(gen):
    """ONNX's own Gelu (opset 20, exact and tanh forms), built with onnx.helper; expected from torch."""
    import onnx
    from onnx import TensorProto, helper

    x = torch.randn(2, 3, 8, generator=gen) * 3
    nodes = [helper.make_node('Gelu', ['input0'], ['output0']), helper.make_node('Gelu', ['input0'], ['output1'], approximate='tanh')]
    graph = helper.make_graph(nodes, 'gelu', [helper.make_tensor_value_info('input0', TensorProto.FLOAT, list(x.shape))],
                              [helper.make_tensor_value_info(f'output{k}', TensorProto.FLOAT, list(x.shape)) for k in range(2)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 20)], producer_name='make-onnx-fixtures')
    model.ir_version = 9
    onnx.save(model, os.path.join(OUT, 'opset20_gelu.onnx'))
    np.save(os.path.join(OUT, 'opset20_gelu.input0.npy'), x.numpy())
    np.save(os.path.join(OUT, 'opset20_gelu.output0.npy'), F.gelu(x.double()).float().numpy())
    np.save(os.path.join(OUT, 'opset20_gelu.output1.npy'), F.gelu(x.double(), approximate='tanh').float().numpy())
    print(f'opset20_gelu: {os.path.getsize(os.path.join(OUT, "opset20_gelu.onnx"))} bytes')


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    # Without constant folding (and with the model's own eval mode preserved) the exporter keeps
    # BatchNormalization nodes and shape arithmetic.
    export('cnn', Cnn(), [torch.randn(1, 3, 32, 32, generator=gen)], 13, gen, fold=False)
    export('mobile_block', MobileBlock(), [torch.randn(1, 3, 32, 32, generator=gen)], 17, gen)
    export('mlp', Mlp(), [torch.randn(4, 20, generator=gen)], 13, gen)
    export('audio', Audio(), [torch.randn(2, 4, 32, generator=gen)], 11, gen)
    export('sequence', Sequence(), [torch.randn(2, 6, 5, generator=gen)], 14, gen)
    export('layout_mix', LayoutMix(), [torch.randn(1, 3, 4, 5, generator=gen)], 13, gen)
    export('transformer', TinyTransformer(), [torch.randn(2, 6, 16, generator=gen)], 13, gen)
    export('transformer_opset17', TinyTransformer(), [torch.randn(2, 6, 16, generator=gen)], 17, gen)
    qdq_cnn(gen)
    opset18_ops(gen)
    opset20_gelu(gen)
    export('unet', UNet(), [torch.randn(1, 3, 16, 16, generator=gen)], 13, gen)
    export('unet_opset17', UNet(), [torch.randn(1, 3, 16, 16, generator=gen)], 17, gen, fold=False)


if __name__ == '__main__':
    main()
