/**
 * Flags for Debian's Chromium, shared by the end-to-end tests and the benchmarks: a fake
 * camera at 30 fps, WebRTC allowed on the namespace's private interface with real IPs (not
 * mDNS names the namespace cannot resolve), and no background traffic to the closed network.
 */
export const CHROMIUM_ARGS = [
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream=fps=30',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export const CHROMIUM_PATH = process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium';
