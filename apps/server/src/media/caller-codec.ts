import type { CallerPlatform } from '@sightline/protocol';

/**
 * The video codec to ask of a caller: H264 for iPhones and iPads, which encode it in hardware
 * (better picture and battery than VP8 in software); the default (VP8, simulcast) for the rest.
 * The page's own detection counts first: an iPad's Safari says "Macintosh", which the user
 * agent alone cannot tell from a Mac. Older pages send no platform; the user agent decides then.
 */
export function callerVideoCodec(
  userAgent: string | null,
  platform: CallerPlatform | undefined,
): 'h264' | undefined {
  if (platform === 'ios') return 'h264';
  if (platform === undefined && /iPhone|iPad|iPod/.test(userAgent ?? '')) return 'h264';
  return undefined;
}
