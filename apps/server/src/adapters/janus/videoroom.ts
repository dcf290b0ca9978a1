import type { ServedLayer } from '@sightline/protocol';
import type { JanusConnection } from './janus-connection.js';
import { JanusError } from './janus-errors.js';
import type { JanusHandle } from './janus-handle.js';
import type { Jsep } from './janus-types.js';

export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';

/**
 * Janus numbers simulcast substreams from the lowest (0) up, and targets 2 unless told. The
 * caller publishes two layers (apps/join/src/simulcast.ts): `low` is 0; `high` asks for 2,
 * which Janus serves as the best layer there is (1 with two layers), as its recorder does.
 */
export const SUBSTREAM: Record<ServedLayer, number> = { high: 2, low: 0 };

/** Janus VideoRoom error: room already exists. */
const ROOM_EXISTS = 427;
/** Janus VideoRoom error: no such room. */
const NO_SUCH_ROOM = 426;

export interface RoomOptions {
  room: string;
  description: string;
  /** Janus writes each publisher's .mjr files here. */
  recDir: string;
  /** Ceiling for the publisher's video bitrate, bits per second. */
  bitrate: number;
  /** Seconds between keyframe requests to the publisher, so late viewers and recordings recover quickly. */
  firFreq: number;
}

/**
 * The VideoRoom requests Sightline uses, with the admin key applied. One room
 * per session; the caller is its only publisher; officers are subscribers.
 */
export class VideoRoomApi {
  constructor(
    private readonly connection: JanusConnection,
    private readonly adminKey: string,
  ) {}

  attach(opaqueId: string): Promise<JanusHandle> {
    return this.connection.attach(VIDEOROOM_PLUGIN, opaqueId);
  }

  /** Creates the room; an existing room with this id is fine (idempotent). */
  async createRoom(handle: JanusHandle, o: RoomOptions): Promise<void> {
    try {
      await handle.message({
        request: 'create',
        admin_key: this.adminKey,
        room: o.room,
        description: o.description,
        permanent: false,
        is_private: true,
        // The caller, the officer (two-way, or with an interpreter) and an interpreter.
        publishers: 3,
        bitrate: o.bitrate,
        fir_freq: o.firFreq,
        audiocodec: 'opus',
        // VP8 for Android/desktop, H264 (constrained baseline) for iPhones.
        videocodec: 'vp8,h264',
        h264_profile: '42e01f',
        record: true,
        rec_dir: o.recDir,
        lock_record: true,
        notify_joining: false,
        transport_wide_cc_ext: true,
      });
    } catch (err) {
      if (err instanceof JanusError && err.janusCode === ROOM_EXISTS) return;
      throw err;
    }
  }

  async destroyRoom(handle: JanusHandle, room: string): Promise<void> {
    try {
      await handle.message({ request: 'destroy', room, admin_key: this.adminKey, permanent: false });
    } catch (err) {
      if (err instanceof JanusError && err.janusCode === NO_SUCH_ROOM) return;
      throw err;
    }
  }

  /**
   * Joins as publisher and publishes the offer in one round trip. Recording
   * files are named `<recordingBase>-<audio|video>-<m-line>.mjr` in the room's rec_dir.
   */
  async publish(
    handle: JanusHandle,
    p: {
      room: string;
      id: string;
      display: string;
      offer: Jsep;
      recordingBase: string;
      videoCodec?: 'vp8' | 'h264';
    },
  ): Promise<Jsep> {
    const res = await handle.message(
      {
        request: 'joinandconfigure',
        ptype: 'publisher',
        room: p.room,
        id: p.id,
        display: p.display,
        record: true,
        filename: p.recordingBase,
        ...(p.videoCodec ? { videocodec: p.videoCodec } : {}),
      },
      p.offer,
    );
    if (res.jsep?.type !== 'answer') {
      throw new JanusError(0, 'publish returned no SDP answer', 'plugin');
    }
    return res.jsep;
  }

  /**
   * Sends a publisher's new offer on its existing handle (`configure` with JSEP); Janus answers.
   * With new ICE credentials in the offer this is an ICE restart: Janus keeps the PeerConnection,
   * its DTLS and its recorders, and restarts only ICE.
   */
  async renegotiate(handle: JanusHandle, offer: Jsep): Promise<Jsep> {
    const res = await handle.message({ request: 'configure' }, offer);
    if (res.jsep?.type !== 'answer') {
      throw new JanusError(0, 'configure returned no SDP answer', 'plugin');
    }
    return res.jsep;
  }

  /**
   * Subscribes to a publisher's streams; Janus makes the offer. `layer` picks the simulcast
   * substream (ignored by Janus for a publisher without simulcast, e.g. an iPhone's H264).
   */
  async subscribe(
    handle: JanusHandle,
    p: { room: string; feed: string; layer?: ServedLayer },
  ): Promise<Jsep> {
    const res = await handle.message({
      request: 'join',
      ptype: 'subscriber',
      room: p.room,
      streams: [{ feed: p.feed, ...(p.layer ? { substream: SUBSTREAM[p.layer] } : {}) }],
    });
    if (res.jsep?.type !== 'offer') {
      throw new JanusError(0, 'subscribe returned no SDP offer', 'plugin');
    }
    return res.jsep;
  }

  /**
   * Moves a subscriber to another simulcast substream. Janus switches at the target layer's
   * next keyframe (asking the publisher for one): no renegotiation, the viewer's picture
   * simply changes size.
   */
  async setLayer(handle: JanusHandle, layer: ServedLayer): Promise<void> {
    await handle.message({ request: 'configure', substream: SUBSTREAM[layer] });
  }

  /** Completes a subscription with the viewer's answer. */
  async start(handle: JanusHandle, answer: Jsep): Promise<void> {
    await handle.message({ request: 'start' }, answer);
  }

  /** Asks the publisher for a keyframe now (so a new viewer sees video at once). */
  async requestKeyframe(handle: JanusHandle): Promise<void> {
    await handle.message({ request: 'configure', keyframe: true });
  }
}
