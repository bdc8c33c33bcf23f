#!/usr/bin/env python3
# Follows torch/serialization.py (_save: zip layout, persistent ids) and torch/_utils.py
# (_rebuild_tensor_v2, _rebuild_parameter), without importing torch.
"""Writes the small synthetic PyTorch checkpoints under Tests/Fixtures/checkpoints/.

Standard library only. The pickles come from Python's own pickler (protocols 2 and 4); the tensor
objects are stand-ins whose __reduce__ names the same torch functions torch.save uses, so the bytes
match what torch writes. Two zip writers: one like PyTorch's (stored entries, 0x0808 flags with data
descriptors, "FB" padding to 64-byte aligned payloads, ZIP64 end records, here also ZIP64 extra
fields in the central directory) and Python's zipfile (unaligned payloads, no ZIP64).

Files (the Swift tests compute the expected values from the same formulas):
  synthetic_v2.pt        protocol 2, torch-like zip; {"state_dict": OrderedDict("module.…")} + extras
  synthetic_v4.pt        protocol 4, zipfile; {"model": OrderedDict(…)} + _rebuild_from_type_v2
  deflated.pt            like v4 but the storages are deflate-compressed
  no_data_pkl.pt         a zip of storages without data.pkl
  short_storage.pt       a storage entry shorter than numel × itemsize
  view_out_of_range.pt   a tensor view that reaches past its storage

Run from the package root:  python3 scripts/make_test_checkpoints.py
"""
import collections
import io
import os
import pickle
import struct
import sys
import types
import zipfile
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures", "checkpoints")

# --- stand-ins for the torch globals the pickle names -------------------------------------------

torch = types.ModuleType("torch")
torch_utils = types.ModuleType("torch._utils")
torch_tensor = types.ModuleType("torch._tensor")
sys.modules.update({"torch": torch, "torch._utils": torch_utils, "torch._tensor": torch_tensor})


def _define(module, name, obj):
    obj.__module__ = module.__name__
    obj.__qualname__ = name
    obj.__name__ = name
    setattr(module, name, obj)
    return obj


def _fn(*args):
    raise RuntimeError("stand-in only")


_rebuild_tensor_v2 = _define(torch_utils, "_rebuild_tensor_v2", lambda *a: _fn())
_rebuild_parameter = _define(torch_utils, "_rebuild_parameter", lambda *a: _fn())
_rebuild_from_type_v2 = _define(torch_tensor, "_rebuild_from_type_v2", lambda *a: _fn())
TensorClass = _define(torch, "Tensor", type("Tensor", (), {}))

STORAGE_TYPES = {}
for _name, _fmt in [("FloatStorage", "<f"), ("HalfStorage", "<e"), ("BFloat16Storage", None),
                    ("DoubleStorage", "<d"), ("LongStorage", "<q"), ("BoolStorage", "<?")]:
    STORAGE_TYPES[_name] = (_define(torch, _name, type(_name, (), {})), _fmt)


class Storage:
    """A storage: its class name, key and raw little-endian bytes."""

    def __init__(self, key, type_name, values, numel=None, raw=None):
        self.key, self.type_name = key, type_name
        cls, fmt = STORAGE_TYPES[type_name]
        self.cls = cls
        if raw is not None:
            self.data = raw
        elif type_name == "BFloat16Storage":
            self.data = b"".join(struct.pack("<I", struct.unpack("<I", struct.pack("<f", v))[0])[2:] for v in values)
        else:
            self.data = b"".join(struct.pack(fmt, v) for v in values)
        self.numel = len(values) if numel is None else numel


class Tensor:
    """reduces like torch.Tensor: _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())"""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())

    def __reduce_ex__(self, protocol):
        return (_rebuild_tensor_v2, self.args)


class Parameter:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.tensor, True, collections.OrderedDict()))


class SubclassTensor:
    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        return (_rebuild_from_type_v2, (_rebuild_tensor_v2, TensorClass, self.tensor.args, {}))


class TorchPickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.cls, obj.key, "cpu", obj.numel)
        return None


def dumps(obj, protocol):
    buffer = io.BytesIO()
    TorchPickler(buffer, protocol=protocol).dump(obj)
    return buffer.getvalue()


# --- the tensors -------------------------------------------------------------------------------

def make_storages():
    s = {}
    s["0"] = Storage("0", "FloatStorage", [i * 0.25 - 1.0 for i in range(12)])
    s["1"] = Storage("1", "FloatStorage", [100.0 + i for i in range(12)])
    s["2"] = Storage("2", "FloatStorage", [-0.5 * i for i in range(20)])
    s["3"] = Storage("3", "HalfStorage", [1.0, -2.5, 65504.0, 2.0 ** -24, -0.0, float("inf")])
    s["4"] = Storage("4", "BFloat16Storage", [1.0, -3.0, 0.15625, 2.0 ** 100])
    s["5"] = Storage("5", "DoubleStorage", [0.1, -1e-3, 12345.678])
    s["6"] = Storage("6", "LongStorage", [-5, 0, 1 << 40])
    s["7"] = Storage("7", "FloatStorage", [3.5])
    s["8"] = Storage("8", "BoolStorage", [True, False, True])
    return s


def state_dict(prefix, s, subclass=False):
    d = collections.OrderedDict()
    d[prefix + "plain.weight"] = Tensor(s["0"], 0, [3, 4], [4, 1])
    d[prefix + "param.weight"] = Parameter(Tensor(s["0"], 4, [2, 4], [4, 1]))
    # like FSMN-VAD conv_left: [c, 0, k, 0] = storage[k * 4 + c]
    d[prefix + "conv.weight"] = Tensor(s["1"], 0, [4, 1, 3, 1], [1, 4, 4, 1])
    d[prefix + "shared.a"] = Tensor(s["2"], 0, [2, 3], [3, 1])
    d[prefix + "shared.b"] = Tensor(s["2"], 6, [5], [1])
    d[prefix + "shared.col"] = Tensor(s["2"], 11, [4], [2])
    d[prefix + "shared.t"] = Tensor(s["2"], 0, [3, 2], [1, 3])
    d[prefix + "half.weight"] = Tensor(s["3"], 0, [2, 3], [3, 1])
    d[prefix + "bf16.weight"] = Tensor(s["4"], 0, [2, 2], [2, 1])
    d[prefix + "double.bias"] = Tensor(s["5"], 0, [3], [1])
    d[prefix + "long.steps"] = Tensor(s["6"], 0, [3], [1])
    d[prefix + "scale"] = Tensor(s["7"], 0, [], [])
    d[prefix + "mask"] = Tensor(s["8"], 0, [3], [1])
    if subclass:
        d[prefix + "typed.weight"] = SubclassTensor(Tensor(s["1"], 0, [12], [1]))
    # what nn.Module.state_dict() attaches; pickled as BUILD {"_metadata": OrderedDict(...)}
    d._metadata = collections.OrderedDict([("", {"version": 1}), ("plain", {"version": 2})])
    return d


# --- zip writers -------------------------------------------------------------------------------

def torch_like_zip(path, files, force_zip64_extra=True):
    """Stored entries, 0x0808 flags + data descriptors, 64-byte aligned payloads, ZIP64 end records."""
    out = bytearray()
    central = bytearray()
    for name, data in files:
        nb = name.encode()
        offset = len(out)
        crc = zlib.crc32(data)
        header_len = 30 + len(nb) + 4
        pad = (-(offset + header_len)) % 64
        extra = struct.pack("<HH", 0x4246, pad) + b"Z" * pad  # "FB" padding field
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0x0808, 0, 0, 0x21, 0, 0, 0, len(nb), len(extra))
        out += nb + extra
        assert len(out) % 64 == 0
        out += data
        out += struct.pack("<IIQQ", 0x08074B50, crc, len(data), len(data))
        if force_zip64_extra:
            z64 = struct.pack("<HHQQQ", 0x0001, 24, len(data), len(data), offset)
            sizes, off32 = (0xFFFFFFFF, 0xFFFFFFFF), 0xFFFFFFFF
        else:
            z64 = b""
            sizes, off32 = (len(data), len(data)), offset
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0x0808, 0, 0, 0x21, crc,
                               sizes[0], sizes[1], len(nb), len(z64), 0, 0, 0, 0, off32)
        central += nb + z64
    cd_offset = len(out)
    out += central
    z64_offset = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(files), len(files), len(central), cd_offset)
    out += struct.pack("<IIQI", 0x07064B50, 0, z64_offset, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(files), len(files), len(central), cd_offset, 0)
    with open(path, "wb") as f:
        f.write(out)


def stdlib_zip(path, files, deflate=()):
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if name in deflate else zipfile.ZIP_STORED
            z.writestr(info, data)


def archive(prefix, pkl, storages):
    files = [(prefix + "data.pkl", pkl), (prefix + "byteorder", b"little")]
    files += [(prefix + "data/" + s.key, s.data) for s in storages]
    files += [(prefix + "version", b"3\n")]
    return files


def main():
    os.makedirs(OUT, exist_ok=True)
    s = make_storages()
    storages = list(s.values())

    root_v2 = {"state_dict": state_dict("module.", s), "epoch": 7, "step": 1 << 40, "neg": -70000,
               "lr": 0.001, "flag": True, "nothing": None, "list": [1, 2, 3], "blob": b"xy"}
    torch_like_zip(os.path.join(OUT, "synthetic_v2.pt"), archive("synthetic_v2/", dumps(root_v2, 2), storages))

    root_v4 = {"model": state_dict("", s, subclass=True), "step": 1 << 40, "blob": b"xy", "tags": {1, 2}}
    v4 = archive("archive/", dumps(root_v4, 4), storages)
    stdlib_zip(os.path.join(OUT, "synthetic_v4.pt"), v4)
    stdlib_zip(os.path.join(OUT, "deflated.pt"), v4, deflate={n for n, _ in v4 if "/data/" in n})

    stdlib_zip(os.path.join(OUT, "no_data_pkl.pt"),
               [("archive/byteorder", b"little"), ("archive/data/0", s["0"].data)])

    short = Storage("0", "FloatStorage", [1.0] * 10, numel=12)  # 40 bytes for 12 floats
    stdlib_zip(os.path.join(OUT, "short_storage.pt"),
               archive("archive/", dumps({"w": Tensor(short, 0, [3, 4], [4, 1])}, 2), [short]))

    small = Storage("0", "FloatStorage", [1.0] * 12)
    stdlib_zip(os.path.join(OUT, "view_out_of_range.pt"),
               archive("archive/", dumps({"w": Tensor(small, 0, [4, 4], [4, 1])}, 2), [small]))


if __name__ == "__main__":
    main()
