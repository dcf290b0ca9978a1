// A headless caller and viewer in Node (werift), so one machine can carry many sessions:
// Chromium is far too heavy for that on 2 cores. They speak the same signalling as the
// real caller page and console.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, type RtpPacket } from 'werift';

const CACHE = join(dirname(fileURLToPath(import.meta.url)), '../../../bench/.cache');
const MEDIA_IP = process.env.SIGHTLINE_MEDIA_IP ?? '10.77.0.1';

export const CODECS = {
  video: [
    new RTCRtpCodecParameters({
      mimeType: 'video/VP8',
      clockRate: 90000,
      payloadType: 96,
      rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'goog-remb' }],
    }),
  ],
  audio: [
    new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 }),
  ],
};

export function newPeer(): RTCPeerConnection {
  // Bind ICE to the namespace's private interface: Janus ignores loopback candidates.
  return new RTCPeerConnection({
    codecs: CODECS,
    iceInterfaceAddresses: { udp4: MEDIA_IP },
    iceUseIpv6: false,
  });
}

/** A 10 s VP8 (about 1.5 Mbit/s, 720p) + Opus clip, encoded once and cached; looped as the camera. */
export function ensureClip(): string {
  const file = join(CACHE, 'loop-720p-vp8-1500k.webm');
  if (existsSync(file)) return file;
  mkdirSync(CACHE, { recursive: true });
  // Encoded under a name of its own and renamed into place: the two integration passes start
  // side by side, and on a fresh clone one of them used to find the other's half-written clip
  // (it exists, so it was taken), play nothing, and record an 'empty' session.
  const partial = `${file}.${process.pid}.partial.webm`;
  try {
    encodeClip(partial);
    renameSync(partial, file);
  } finally {
    rmSync(partial, { force: true });
  }
  return file;
}

function encodeClip(file: string): void {
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=1280x720:rate=30',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    '10',
    '-c:v',
    'libvpx',
    '-b:v',
    '1500k',
    '-minrate',
    '1500k',
    '-maxrate',
    '1500k',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-g',
    '60',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-ac',
    '2',
    file,
  ]);
}

/**
 * Plays the clip forever as RTP (no re-encoding) into two local UDP ports and fans each
 * packet out to every registered track. One ffmpeg feeds all synthetic callers.
 */
export class RtpSource {
  readonly video = new Set<MediaStreamTrack>();
  readonly audio = new Set<MediaStreamTrack>();
  #ffmpeg: ChildProcess | null = null;
  #sockets = [createSocket('udp4'), createSocket('udp4')];

  async start(clip: string): Promise<void> {
    const ports: number[] = [];
    for (const [i, sock] of this.#sockets.entries()) {
      const targets = i === 0 ? this.video : this.audio;
      sock.on('message', (buf) => {
        for (const t of targets) t.writeRtp(buf);
      });
      await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
      ports.push(sock.address().port);
    }
    this.#ffmpeg = spawn(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-re',
        '-stream_loop',
        '-1',
        '-i',
        clip,
        '-map',
        '0:v',
        '-c',
        'copy',
        '-payload_type',
        '96',
        '-f',
        'rtp',
        `rtp://127.0.0.1:${ports[0]}?pkt_size=1200`,
        '-map',
        '0:a',
        '-c',
        'copy',
        '-payload_type',
        '111',
        '-f',
        'rtp',
        `rtp://127.0.0.1:${ports[1]}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    // Never outlive the test or benchmark that started it.
    const ffmpeg = this.#ffmpeg;
    process.once('exit', () => ffmpeg.kill('SIGKILL'));
    await this.#firstPackets(ffmpeg);
  }

  /**
   * Resolves once both tracks have a packet, so a source that plays nothing fails here, with
   * ffmpeg's words, rather than later as a session whose recording is rightly 'empty'.
   */
  #firstPackets(ffmpeg: ChildProcess): Promise<void> {
    let stderr = '';
    ffmpeg.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    const packet = (sock: Socket) => new Promise<void>((r) => sock.once('message', () => r()));
    return new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        reject(new Error(`the synthetic camera (ffmpeg) ${why}: ${stderr.trim() || 'no output'}`));
      };
      const exited = (code: number | null, signal: string | null) =>
        fail(`exited (${signal ?? code}) before sending RTP`);
      const timer = setTimeout(() => fail('sent no RTP within 30 s'), 30_000);
      ffmpeg.once('exit', exited);
      void Promise.all(this.#sockets.map(packet)).then(() => {
        clearTimeout(timer);
        ffmpeg.off('exit', exited);
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    this.#ffmpeg?.kill('SIGKILL');
    for (const s of this.#sockets) s.close();
  }
}

/** Creates a sendonly offer with one video and one audio track fed by the source. */
export async function publisherOffer(source: RtpSource) {
  const pc = newPeer();
  const video = new MediaStreamTrack({ kind: 'video' });
  const audio = new MediaStreamTrack({ kind: 'audio' });
  pc.addTransceiver(video, { direction: 'sendonly' });
  pc.addTransceiver(audio, { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await waitForGathering(pc);
  return {
    pc,
    sdp: pc.localDescription!.sdp,
    async accept(answer: string) {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      source.video.add(video);
      source.audio.add(audio);
    },
    /** An ICE restart offer on the same connection (new credentials and candidates), as after a network change. */
    async restartOffer(): Promise<string> {
      pc.restartIce();
      await pc.setLocalDescription(await pc.createOffer());
      await waitForGathering(pc);
      return pc.localDescription!.sdp;
    },
    /** Applies the answer to a restart; media goes on on the same connection. */
    async acceptRestart(answer: string) {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    },
    /** Stops or restarts sending media while the connection stays up (a tunnel, a frozen phone). */
    silence(on: boolean) {
      for (const [set, track] of [
        [source.video, video],
        [source.audio, audio],
      ] as const) {
        if (on) set.delete(track);
        else set.add(track);
      }
    },
    close() {
      source.video.delete(video);
      source.audio.delete(audio);
      void pc.close();
    },
  };
}

/** Received-media counters for one viewer: bytes, packets and sequence-number gaps. */
export class ReceiveStats {
  bytes = 0;
  packets = 0;
  lost = 0;
  #last = new Map<number, number>();

  onPacket(rtp: RtpPacket): void {
    this.bytes += rtp.payload.length + 12;
    this.packets++;
    const prev = this.#last.get(rtp.header.ssrc);
    const seq = rtp.header.sequenceNumber;
    if (prev !== undefined) {
      const gap = (seq - prev + 65536) % 65536;
      if (gap > 1 && gap < 3000) this.lost += gap - 1;
    }
    this.#last.set(rtp.header.ssrc, seq);
  }

  snapshot() {
    return { bytes: this.bytes, packets: this.packets, lost: this.lost };
  }
}

/** Answers a Janus subscriber offer; counts what arrives. */
export async function viewerAnswer(offer: string, stats: ReceiveStats) {
  const pc = newPeer();
  pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => stats.onPacket(rtp)));
  await pc.setRemoteDescription({ type: 'offer', sdp: offer });
  await pc.setLocalDescription(await pc.createAnswer());
  await waitForGathering(pc);
  return { pc, sdp: pc.localDescription!.sdp };
}

async function waitForGathering(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise<void>((resolve) => {
    const sub = pc.iceGatheringStateChange.subscribe((s) => {
      if (s === 'complete') {
        sub.unSubscribe();
        resolve();
      }
    });
  });
}
