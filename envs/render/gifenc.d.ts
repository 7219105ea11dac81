/**
 * Types for the parts of `gifenc` (1.0.x, CommonJS, no bundled types) that envs/render/gif.ts uses.
 * Node exposes a CommonJS module only as a default import, hence `export =`.
 */
declare module 'gifenc' {
  namespace gifenc {
    /** RGB (or RGBA) colours, at most 256. */
    type Palette = number[][];

    interface WriteFrameOptions {
      palette?: Palette;
      /** Milliseconds; stored in hundredths of a second. */
      delay?: number;
      /** -1: play once, 0: loop forever, n: n extra loops. Only read on the first frame. */
      repeat?: number;
      transparent?: boolean;
      transparentIndex?: number;
      dispose?: number;
      first?: boolean;
      colorDepth?: number;
    }

    interface Encoder {
      writeFrame(index: Uint8Array, width: number, height: number, options?: WriteFrameOptions): void;
      finish(): void;
      /** A copy of the bytes written so far. */
      bytes(): Uint8Array;
      bytesView(): Uint8Array;
      reset(): void;
    }

    interface QuantizeOptions {
      format?: 'rgb565' | 'rgb444' | 'rgba4444';
      oneBitAlpha?: boolean | number;
      clearAlpha?: boolean;
      clearAlphaThreshold?: number;
      clearAlphaColor?: number;
    }
  }

  const gifenc: {
    GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): gifenc.Encoder;
    /** `rgba` must own its whole buffer (gifenc views `rgba.buffer` from offset 0). */
    quantize(rgba: Uint8Array | Uint8ClampedArray, maxColors: number, options?: gifenc.QuantizeOptions): gifenc.Palette;
    applyPalette(rgba: Uint8Array | Uint8ClampedArray, palette: gifenc.Palette, format?: 'rgb565' | 'rgb444' | 'rgba4444'): Uint8Array;
  };
  export = gifenc;
}
