import { describe, expect, it } from 'vitest';
import { renderCoreConfig, renderVideoRoomConfig, renderWebsocketConfig } from './janus-config.js';

const files = {
  dir: '/data/janus',
  libDir: '/usr/lib/x86_64-linux-gnu/janus',
  wsPort: 8188,
  apiSecret: 's3cret',
  adminKey: 'k"ey',
  rtpPortRange: '20000-40000',
  iceEnforceList: 'sl0',
  iceIgnoreList: null,
  nat1to1: null,
  stunServer: 'stun.example.org:3479',
  debugLevel: 4,
};

describe('Janus config rendering', () => {
  it('enforces the media interface, secures the API and marks open recordings', () => {
    const core = renderCoreConfig(files);
    expect(core).toContain('ice_enforce_list = "sl0"');
    expect(core).toContain('api_secret = "s3cret"');
    expect(core).toContain('recordings_tmp_ext = "tmp"');
    expect(core).toContain('stun_server = "stun.example.org"');
    expect(core).toContain('stun_port = 3479');
    expect(core).not.toContain('nat_1_1_mapping');
  });

  it('binds the API to loopback and escapes quotes in secrets', () => {
    expect(renderWebsocketConfig(files)).toContain('ws_ip = "127.0.0.1"');
    expect(renderVideoRoomConfig(files)).toContain('admin_key = "k\\"ey"');
  });

  it("binds a media node's API to the address it is given, so server instances elsewhere reach it", () => {
    expect(renderWebsocketConfig({ ...files, wsIp: '10.0.4.7' })).toContain('ws_ip = "10.0.4.7"');
  });
});
