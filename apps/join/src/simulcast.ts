/**
 * The caller's video as two simulcast layers, so a viewer on a thin link (a field officer's
 * phone on 4G) can take a lighter stream while the control room and the recording keep the
 * full picture. Why two layers and these numbers: docs/performance.md, "A lighter stream for
 * mobile viewers" (measured with bench/src/mobile-viewer.ts).
 *
 * Janus reads rids high-first by default ("hml"): the first encoding is the top substream, the
 * one its recorder keeps. iPhones publish H264 (hardware): no simulcast there, one encoding.
 */

/** The light layer: half the width and height (640×360 from a 720p camera). */
export const LOW_LAYER = { rid: 'l', scaleResolutionDownBy: 2, maxBitrate: 300_000 } as const;
/** The full layer, as published without simulcast (the room's bitrate caps it). */
export const HIGH_LAYER = { rid: 'h', scaleResolutionDownBy: 1 } as const;

/**
 * The video `sendEncodings` for this caller: two layers when the server has simulcast on and
 * the phone publishes VP8; undefined (the browser's single encoding) otherwise.
 */
export function videoEncodings(
  simulcast: boolean,
  platform: 'ios' | 'android' | 'other',
): RTCRtpEncodingParameters[] | undefined {
  if (!simulcast || platform === 'ios') return undefined;
  return [{ ...HIGH_LAYER }, { ...LOW_LAYER }];
}

/** The light layer while the caller's own uplink is thin: 320×180, so it takes little from the full layer. */
export const THIN_LOW_LAYER = { scaleResolutionDownBy: 4, maxBitrate: 100_000 } as const;

/**
 * A video step's encodings: its frame-rate ceiling on every layer, the full layer at full
 * size, and the light layer shrunk while the uplink is thin ("low" or "stills"). The browser
 * feeds the lowest layer first, so on a thin uplink a 300 kbit/s light layer would take the
 * bits the evidence needs; it is not switched off, as a viewer watching it would freeze.
 */
export function steppedEncodings<E extends RTCRtpEncodingParameters>(
  encodings: E[],
  step: 'smooth' | 'low' | 'stills',
): E[] {
  const maxFramerate = step === 'stills' ? 1 : step === 'low' ? 15 : 30;
  const light = step === 'smooth' ? LOW_LAYER : THIN_LOW_LAYER;
  return encodings.map((e) =>
    e.rid === LOW_LAYER.rid
      ? {
          ...e,
          maxFramerate,
          scaleResolutionDownBy: light.scaleResolutionDownBy,
          maxBitrate: light.maxBitrate,
        }
      : { ...e, maxFramerate, scaleResolutionDownBy: 1 },
  );
}
