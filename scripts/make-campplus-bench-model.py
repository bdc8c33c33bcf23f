#!/usr/bin/env python3
"""Writes a CAM++ model folder with the REAL widths (growth 32, bn_size 4, init_channels 128,
as iic/speech_campplus_sv_zh-cn_16k-common) and random weights, for cost measurements only
(README "Speaker diarization cost"). No torch needed: the state dict is written in torch.save's
zip layout by hand. Usage: make-campplus-bench-model.py OUT_DIR"""
import collections, io, os, pickle, sys, types, zipfile
import numpy as np

out = sys.argv[1]
feat, emb, growth, bn_size, init = 80, 192, 32, 4, 128
hc = 32
rng = np.random.default_rng(0)
tensors = collections.OrderedDict()

def conv(name, shape):
    fan_in = int(np.prod(shape[1:]))
    tensors[name] = (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype("<f4")

def bn(prefix, c, affine=True):
    if affine:
        tensors[prefix + ".weight"] = np.ones(c, "<f4")
        tensors[prefix + ".bias"] = np.zeros(c, "<f4")
    tensors[prefix + ".running_mean"] = np.zeros(c, "<f4")
    tensors[prefix + ".running_var"] = np.ones(c, "<f4")

conv("head.conv1.weight", (hc, 1, 3, 3)); bn("head.bn1", hc)
for stage, index, stride in [(1, 0, 2), (1, 1, 1), (2, 0, 2), (2, 1, 1)]:
    p = f"head.layer{stage}.{index}"
    conv(p + ".conv1.weight", (hc, hc, 3, 3)); bn(p + ".bn1", hc)
    conv(p + ".conv2.weight", (hc, hc, 3, 3)); bn(p + ".bn2", hc)
    if stride != 1:
        conv(p + ".shortcut.0.weight", (hc, hc, 1, 1)); bn(p + ".shortcut.1", hc)
conv("head.conv2.weight", (hc, hc, 3, 3)); bn("head.bn2", hc)
conv("xvector.tdnn.linear.weight", (init, hc * feat // 8, 5)); bn("xvector.tdnn.nonlinear.batchnorm", init)
c = init
bnc = bn_size * growth
for b, (layers, k) in enumerate([(12, 3), (24, 3), (16, 3)]):
    for i in range(layers):
        p = f"xvector.block{b + 1}.tdnnd{i + 1}"
        cin = c + i * growth
        bn(p + ".nonlinear1.batchnorm", cin)
        conv(p + ".linear1.weight", (bnc, cin, 1))
        bn(p + ".nonlinear2.batchnorm", bnc)
        conv(p + ".cam_layer.linear_local.weight", (growth, bnc, k))
        conv(p + ".cam_layer.linear1.weight", (bnc // 2, bnc, 1))
        tensors[p + ".cam_layer.linear1.bias"] = np.zeros(bnc // 2, "<f4")
        conv(p + ".cam_layer.linear2.weight", (growth, bnc // 2, 1))
        tensors[p + ".cam_layer.linear2.bias"] = np.zeros(growth, "<f4")
    total = c + layers * growth
    bn(f"xvector.transit{b + 1}.nonlinear.batchnorm", total)
    conv(f"xvector.transit{b + 1}.linear.weight", (total // 2, total, 1))
    c = total // 2
bn("xvector.out_nonlinear.batchnorm", c)
conv("xvector.dense.linear.weight", (emb, 2 * c, 1))
bn("xvector.dense.nonlinear.batchnorm", emb, affine=False)

# torch.save's pickle: OrderedDict of torch._utils._rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict()).
torch = types.ModuleType("torch"); utils = types.ModuleType("torch._utils")
def _rebuild_tensor_v2(*a): pass
_rebuild_tensor_v2.__module__ = "torch._utils"; utils._rebuild_tensor_v2 = _rebuild_tensor_v2
class FloatStorage: pass
FloatStorage.__module__ = "torch"; torch.FloatStorage = FloatStorage; torch._utils = utils
sys.modules["torch"] = torch; sys.modules["torch._utils"] = utils

class Ref:
    def __init__(self, key, n): self.key, self.n = key, n
class T:
    def __init__(self, ref, shape):
        self.ref, self.shape = ref, shape
    def __reduce__(self):
        stride, s = [], 1
        for d in reversed(self.shape): stride.insert(0, s); s *= d
        return (_rebuild_tensor_v2, (self.ref, 0, tuple(self.shape), tuple(stride), False, collections.OrderedDict()))
class P(pickle.Pickler):
    def persistent_id(self, obj):
        return ("storage", FloatStorage, obj.key, "cpu", obj.n) if isinstance(obj, Ref) else None

state = collections.OrderedDict()
for i, (name, arr) in enumerate(tensors.items()):
    state[name] = T(Ref(str(i), arr.size), list(arr.shape))
buf = io.BytesIO(); P(buf, protocol=2).dump(state)
os.makedirs(out, exist_ok=True)
with zipfile.ZipFile(os.path.join(out, "campplus_cn_common.bin"), "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", buf.getvalue())
    z.writestr("archive/byteorder", "little")
    for i, arr in enumerate(tensors.values()):
        z.writestr(f"archive/data/{i}", arr.tobytes())
    z.writestr("archive/version", "3\n")
with open(os.path.join(out, "config.yaml"), "w") as f:
    f.write(f"model: CAMPPlus\nmodel_conf:\n  feat_dim: {feat}\n  embedding_size: {emb}\n  growth_rate: {growth}\n"
            f"  bn_size: {bn_size}\n  init_channels: {init}\n  config_str: batchnorm-relu\n  memory_efficient: true\n"
            "  output_level: segment\nfrontend: WavFrontend\nfrontend_conf:\n  fs: 16000\n")
print(f"{len(tensors)} tensors, {sum(a.size for a in tensors.values())} parameters")
