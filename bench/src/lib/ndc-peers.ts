// A cheaper synthetic caller and viewer for the capacity knee: libdatachannel (C++, through
// node-datachannel) does ICE, DTLS and SRTP on its own threads, so the benchmark's one Node
// thread only hands each RTP packet over, instead of encrypting it in JavaScript as werift does.
import type { RtpSource } from '@sightline/testkit/synthetic';
import { Audio, PeerConnection, RtcpReceivingSession, type Track, Video } from 'node-datachannel';
import type { RtpPacket } from 'werift';
import type { ViewerMeter } from './frame-delay.js';

const MEDIA_IP = process.env.SIGHTLINE_MEDIA_IP ?? '10.77.0.1';
const VIDEO_PT = 96;
const AUDIO_PT = 111;
let count = 0;

function newPeer(role: string): PeerConnection {
  // Bound to the namespace's private interface, as Janus ignores loopback candidates.
  return new PeerConnection(`${role}-${++count}`, { iceServers: [], bindAddress: MEDIA_IP });
}

/** Resolves once all local candidates are in the description (no trickle in this signalling). */
function gathered(pc: PeerConnection): Promise<string> {
  return new Promise((resolve) => {
    const done = () => resolve(pc.localDescription()!.sdp);
    if (pc.gatheringState() === 'complete') return done();
    pc.onGatheringStateChange((s) => {
      if (s === 'complete') done();
    });
  });
}

/** What the RTP source fans packets out to: the same `writeRtp` a werift track has. */
class Sink {
  constructor(
    private readonly track: Track,
    private readonly ssrc: number,
  ) {}

  writeRtp(buf: Buffer): void {
    if (!this.track.isOpen()) return;
    const p = Buffer.from(buf);
    p.writeUInt32BE(this.ssrc, 8);
    this.track.sendMessageBinary(p);
  }
}

/** A sendonly VP8 + Opus publisher fed by the shared source; the same shape as the werift one. */
export async function ndcPublisher(source: RtpSource) {
  const pc = newPeer('pub');
  const ssrc = { video: 0x10000000 + count * 2, audio: 0x10000001 + count * 2 };
  const video = new Video('0', 'SendOnly');
  video.addVP8Codec(VIDEO_PT);
  video.addSSRC(ssrc.video, 'bench');
  const audio = new Audio('1', 'SendOnly');
  audio.addOpusCodec(AUDIO_PT);
  audio.addSSRC(ssrc.audio, 'bench');
  // Held here: a track object that is collected stops its callbacks.
  const tracks = [pc.addTrack(video), pc.addTrack(audio)];
  for (const t of tracks) t.onMessage(() => {}); // Janus's RTCP; read so it does not queue
  const sinks = { video: new Sink(tracks[0]!, ssrc.video), audio: new Sink(tracks[1]!, ssrc.audio) };
  const targets = source as unknown as { video: Set<Sink>; audio: Set<Sink> };
  pc.setLocalDescription();
  const sdp = await gathered(pc);
  const silence = (on: boolean) => {
    for (const k of ['video', 'audio'] as const) {
      if (on) targets[k].delete(sinks[k]);
      else targets[k].add(sinks[k]);
    }
  };
  return {
    sdp,
    tracks,
    async accept(answer: string) {
      pc.setRemoteDescription(answer, 'answer');
      silence(false);
    },
    silence,
    close() {
      silence(true);
      pc.close();
    },
  };
}

/** Answers a Janus subscriber offer; hands every RTP packet that arrives to the meter. */
export async function ndcViewer(offer: string, meter: ViewerMeter) {
  const pc = newPeer('view');
  const tracks: Track[] = [];
  pc.onTrack((t) => {
    tracks.push(t);
    t.setMediaHandler(new RtcpReceivingSession());
    t.onMessage((buf) => {
      const pt = buf[1]! & 0x7f;
      if (pt >= 72 && pt <= 76) return; // RTCP (RFC 5761)
      meter.onPacket({
        header: {
          payloadType: pt,
          sequenceNumber: buf.readUInt16BE(2),
          timestamp: buf.readUInt32BE(4),
          ssrc: buf.readUInt32BE(8),
        },
        payload: buf.subarray(12),
      } as RtpPacket);
    });
  });
  pc.setRemoteDescription(offer, 'offer');
  const sdp = await gathered(pc);
  return { sdp, tracks, close: () => pc.close() };
}
