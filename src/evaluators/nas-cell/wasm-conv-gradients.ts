/**
 * Convolution gradients for the tfjs wasm backend.
 *
 * wasm ships Conv2D and Conv2DBackpropInput but not Conv2DBackpropFilter, so
 * no conv net can train on it out of the box. Both gradients are expressed
 * here as one forward Conv2D (XNNPACK, the fastest kernel wasm has) plus
 * cheap transposes:
 *
 * - filter gradient ("conv trick"): dW[kh,kw,ci,co] = sum_{n,oh,ow} xPad[n, oh*s + kh*d, ow*s + kw*d, ci] * dy[n,oh,ow,co]
 *   is a valid convolution of xPad^T [Cin, Hp, Wp, N] with dy^T [OH, OW, N, Cout] used
 *   as the filter, dilated by the stride and strided by the dilation; the result is
 *   [Cin, KH, KW, Cout], transposed to [KH, KW, Cin, Cout].
 * - input gradient (stride 1, no dilation): a convolution of dy with the
 *   spatially flipped, in/out-swapped filter, padded by (K - 1 - pad).
 *
 * Measured on [64,14,14,8] x [3,3,8,8]: filter gradient 2 ms against 40 ms for
 * an im2col (slices + concat + matmul) version, input gradient several times
 * faster than wasm's own kernel (bench/nas-cell/backend-step-time.ts).
 */
import * as tf from '@tensorflow/tfjs';

type Padding = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

interface ConvGradientAttrs {
  strides: [number, number] | number;
  pad: Padding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: [number, number] | number;
}

type FilterGradientAttrs = ConvGradientAttrs & { filterShape: [number, number, number, number] };
type InputGradientAttrs = ConvGradientAttrs & { inputShape: [number, number, number, number] };

function pair(value: [number, number] | number | undefined): [number, number] {
  if (value === undefined) return [1, 1];
  return typeof value === 'number' ? [value, value] : value;
}

/** dW of a 2-D NHWC convolution, composed from pad, transpose, conv2d and slice. */
export function conv2dFilterGradient(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: FilterGradientAttrs): tf.Tensor4D {
  if (attrs.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (wasm): only NHWC is supported, as by the wasm Conv2D kernel');
  const [dilationH, dilationW] = pair(attrs.dilations);
  const info = tf.backend_util.computeConv2DInfo(x.shape, attrs.filterShape, attrs.strides, [dilationH, dilationW], attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { filterHeight, filterWidth, strideHeight, strideWidth, padInfo } = info;
  if ((strideHeight > 1 || strideWidth > 1) && (dilationH > 1 || dilationW > 1)) {
    throw new Error('Conv2DBackpropFilter (wasm): strides and dilations both above 1 are not supported');
  }
  return tf.tidy(() => {
    const padded = padInfo.top || padInfo.bottom || padInfo.left || padInfo.right
      ? tf.pad(x, [[0, 0], [padInfo.top, padInfo.bottom], [padInfo.left, padInfo.right], [0, 0]])
      : x;
    // Batch becomes the contracted channel axis; input channels become the batch.
    const xT = tf.transpose(padded, [3, 1, 2, 0]) as tf.Tensor4D;
    const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
    const grad = tf.conv2d(xT, dyT, [dilationH, dilationW], 'valid', 'NHWC', [strideHeight, strideWidth]);
    // Bottom/right padding can leave extra rows the kernel never reads: keep the first KH x KW.
    const exact = grad.shape[1] === filterHeight && grad.shape[2] === filterWidth ? grad : tf.slice(grad, [0, 0, 0, 0], [-1, filterHeight, filterWidth, -1]);
    return tf.transpose(exact, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/** dx of a stride-1, undilated 2-D NHWC convolution: a convolution of dy with the flipped, transposed filter. */
export function conv2dInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, attrs: InputGradientAttrs): tf.Tensor4D {
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filter.shape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { filterHeight, filterWidth, padInfo } = info;
  return tf.tidy(() => {
    const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
    const pad: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [filterHeight - 1 - padInfo.top, filterHeight - 1 - padInfo.bottom],
      [filterWidth - 1 - padInfo.left, filterWidth - 1 - padInfo.right],
      [0, 0],
    ];
    return tf.conv2d(dy, flipped, 1, pad);
  });
}

/** True when the fast input gradient applies (else wasm's own kernel runs). */
function fastInputGradientApplies(attrs: InputGradientAttrs, filterShape: number[]): boolean {
  const [sh, sw] = pair(attrs.strides);
  const [dh, dw] = pair(attrs.dilations);
  if (sh !== 1 || sw !== 1 || dh !== 1 || dw !== 1 || attrs.dataFormat === 'NCHW') return false;
  const info = tf.backend_util.computeConv2DInfo(attrs.inputShape, filterShape as [number, number, number, number], 1, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const { padInfo } = info;
  // Padding wider than the kernel would need negative padding in the flipped convolution.
  return padInfo.top < filterShape[0] && padInfo.bottom < filterShape[0] && padInfo.left < filterShape[1] && padInfo.right < filterShape[1];
}

/**
 * Registers both kernels for the wasm backend, once per thread (tfjs kernels
 * are per-thread globals). Nested ops inside a kernel are not recorded on the
 * gradient tape: the engine only tapes at kernel depth 0.
 */
export function registerWasmConvGradients(): void {
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => conv2dFilterGradient(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs as unknown as FilterGradientAttrs),
    });
  }
  const original = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (original && !(original.kernelFunc as { dejaFast?: boolean }).dejaFast) {
    const fallback = original.kernelFunc;
    const kernelFunc: tf.KernelFunc & { dejaFast?: boolean } = (args) => {
      const attrs = args.attrs as unknown as InputGradientAttrs;
      const filter = args.inputs.filter as tf.Tensor4D;
      return fastInputGradientApplies(attrs, filter.shape)
        ? conv2dInputGradient(args.inputs.dy as tf.Tensor4D, filter, attrs)
        : fallback(args);
    };
    kernelFunc.dejaFast = true;
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
}
