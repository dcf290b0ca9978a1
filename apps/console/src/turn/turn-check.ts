import type { IceServer } from '@sightline/protocol';

/** What gathering relay-only candidates with a TURN credential produced. */
export interface RelayGathering {
  /** "address:port" of each relay candidate (the TURN server's relay address). */
  relays: string[];
  /** The browser's icecandidateerror reports: the TURN server's answer (401 for a bad credential). */
  errors: Array<{ url: string; code: number; text: string }>;
  /** False if gathering had not finished within the time allowed. */
  complete: boolean;
}

/** The part of RTCPeerConnection a gathering uses (a fake in tests). */
export interface GatheringPeer {
  onicecandidate: ((e: { candidate: { candidate: string } | null }) => void) | null;
  onicecandidateerror: ((e: { url?: string; errorCode?: number; errorText?: string }) => void) | null;
  createDataChannel(label: string): unknown;
  createOffer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(d: { type: string; sdp?: string }): Promise<void>;
  close(): void;
}

export type CreatePeer = (config: { iceServers: IceServer[]; iceTransportPolicy: 'relay' }) => GatheringPeer;

/**
 * Asks the browser to reach the TURN server as a caller forced to relay would: relay-only
 * gathering, so a candidate appears only if the server allocated a relay for this credential.
 */
export function gatherRelay(
  iceServers: IceServer[],
  createPeer: CreatePeer,
  timeoutMs = 10_000,
): Promise<RelayGathering> {
  const pc = createPeer({ iceServers, iceTransportPolicy: 'relay' });
  const relays: string[] = [];
  const errors: RelayGathering['errors'] = [];
  return new Promise<RelayGathering>((resolve) => {
    let settled = false;
    const finish = (complete: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      pc.close();
      resolve({ relays, errors, complete });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    pc.onicecandidate = (e) => {
      if (!e.candidate) return finish(true);
      const c = parseCandidate(e.candidate.candidate);
      if (c?.type === 'relay') relays.push(`${c.address}:${c.port}`);
    };
    pc.onicecandidateerror = (e) =>
      void errors.push({ url: e.url ?? '', code: e.errorCode ?? 0, text: e.errorText ?? '' });
    // A data channel gives the offer something to gather for, with no camera needed.
    pc.createDataChannel('turn-check');
    pc.createOffer()
      .then((offer) => pc.setLocalDescription(offer))
      .catch(() => finish(false));
  });
}

/** Reads type, address and port from an a=candidate line (RFC 8839 §5.1). */
export function parseCandidate(line: string): { type: string; address: string; port: number } | null {
  const f = line
    .replace(/^a=/, '')
    .replace(/^candidate:/, '')
    .split(/\s+/);
  const typIndex = f.indexOf('typ');
  if (f.length < 8 || typIndex < 0) return null;
  return { address: f[4] ?? '', port: Number(f[5]), type: f[typIndex + 1] ?? '' };
}
