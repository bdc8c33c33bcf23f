// Follows torch.nn.Conv1d / Conv2d (cross-correlation, zero padding) for CAM++'s layers.

import SenseVoiceTensor

/// A 1-D or 2-D convolution without bias, run as one matrix product over an unfolded input
/// (im2col) on the tensor runtime's BLAS.
///
/// Activations are channel-major: `x[channel, time]` for 1-D, `x[channel, height, width]` for 2-D
/// (CAM++'s head convolves over mel bins × frames). The weight is torch's `[out, in, k…]`,
/// which row-major is already the `[out, in·k…]` matrix the product needs.
struct Convolution: Sendable {
    let weight: [Float]
    let outChannels: Int
    let inChannels: Int
    /// Kernel height (1 for a 1-D convolution) and width.
    let kernelH: Int
    let kernelW: Int
    /// Stride along height (2-D) or time (1-D); the 2-D width stride is always 1 in CAM++.
    let stride: Int
    let padH: Int
    let padW: Int
    let dilation: Int

    /// A 1-D convolution `Conv1d(in, out, kernel, stride, padding, dilation)`.
    init(conv1d weight: Tensor, stride: Int = 1, padding: Int = 0, dilation: Int = 1) {
        precondition(weight.shape.count == 3, "Conv1d weight must be [out, in, k], found \(weight.shape)")
        self.weight = weight.array
        outChannels = weight.shape[0]
        inChannels = weight.shape[1]
        kernelH = 1
        kernelW = weight.shape[2]
        self.stride = stride
        padH = 0
        padW = padding
        self.dilation = dilation
    }

    /// A 2-D convolution `Conv2d(in, out, kernel, stride=(strideH, 1), padding)`.
    init(conv2d weight: Tensor, strideH: Int, padding: Int) {
        precondition(weight.shape.count == 4, "Conv2d weight must be [out, in, kh, kw], found \(weight.shape)")
        self.weight = weight.array
        outChannels = weight.shape[0]
        inChannels = weight.shape[1]
        kernelH = weight.shape[2]
        kernelW = weight.shape[3]
        stride = strideH
        padH = padding
        padW = padding
        dilation = 1
    }

    /// Output length of a 1-D convolution over `length` frames.
    func outputLength(_ length: Int) -> Int {
        (length + 2 * padW - dilation * (kernelW - 1) - 1) / stride + 1
    }

    /// Output height of a 2-D convolution over `height` rows.
    func outputHeight(_ height: Int) -> Int {
        (height + 2 * padH - (kernelH - 1) - 1) / stride + 1
    }

    /// `y[out, outLength] = conv1d(x[in, length])`; `y` may not alias `x`.
    func run1D(_ x: UnsafePointer<Float>, length: Int, into y: UnsafeMutablePointer<Float>, ldy: Int? = nil) {
        let tOut = outputLength(length)
        let ldy = ldy ?? tOut
        if kernelW == 1, stride == 1, padW == 0 {
            weight.withUnsafeBufferPointer { w in
                BLAS.gemm(m: outChannels, n: tOut, k: inChannels, a: w.baseAddress!, lda: inChannels,
                          b: x, ldb: length, c: y, ldc: ldy)
            }
            return
        }
        multiplyLowered(rows: inChannels * kernelW, columns: tOut, into: y, ldy: ldy) { c in
            for ci in 0..<inChannels {
                for k in 0..<kernelW {
                    let row = c + (ci * kernelW + k) * tOut
                    let src = x + ci * length
                    let offset = k * dilation - padW
                    for t in 0..<tOut {
                        let s = t * stride + offset
                        if s >= 0, s < length { row[t] = src[s] }
                    }
                }
            }
        }
    }

    /// `y[out, outHeight, width] = conv2d(x[in, height, width])` with width stride 1; `y` may not alias `x`.
    func run2D(_ x: UnsafePointer<Float>, height: Int, width: Int, into y: UnsafeMutablePointer<Float>) {
        let hOut = outputHeight(height)
        let wOut = width + 2 * padW - (kernelW - 1)
        let n = hOut * wOut
        multiplyLowered(rows: inChannels * kernelH * kernelW, columns: n, into: y, ldy: n) { c in
            for ci in 0..<inChannels {
                for kh in 0..<kernelH {
                    for kw in 0..<kernelW {
                        let row = c + ((ci * kernelH + kh) * kernelW + kw) * n
                        for ho in 0..<hOut {
                            let hi = ho * stride + kh - padH
                            guard hi >= 0, hi < height else { continue }
                            let src = x + (ci * height + hi) * width
                            let dst = row + ho * wOut
                            let lo = max(0, padW - kw), hiW = min(wOut, width + padW - kw)
                            var wo = lo
                            while wo < hiW {
                                dst[wo] = src[wo + kw - padW]
                                wo += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// `y[out, n] = weight[out, rows] · cols[rows, n]` (row stride `ldy`), where `fill` writes the
    /// lowered input `cols` (im2col; it starts zeroed, so padding needs no writes).
    private func multiplyLowered(rows: Int, columns n: Int, into y: UnsafeMutablePointer<Float>, ldy: Int,
                                 _ fill: (UnsafeMutablePointer<Float>) -> Void) {
        var cols = [Float](repeating: 0, count: rows * n)
        cols.withUnsafeMutableBufferPointer { cb in
            let c = cb.baseAddress!
            fill(c)
            weight.withUnsafeBufferPointer { w in
                BLAS.gemm(m: outChannels, n: n, k: rows, a: w.baseAddress!, lda: rows, b: c, ldb: n, c: y, ldc: ldy)
            }
        }
    }
}
