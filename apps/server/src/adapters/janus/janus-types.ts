/** Wire shapes of the Janus core API (https://janus.conf.meetecho.com/docs/rest.html) that we use. */

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface JanusMessage {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number; [key: string]: unknown };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  [key: string]: unknown;
}

/** Events Janus pushes for a handle, without a transaction of ours. */
export interface HandleEvents {
  /** ICE+DTLS is up for this handle's PeerConnection. */
  webrtcup: () => void;
  /** Media started or stopped flowing for one m-line. */
  media: (info: { type: string; mid?: string; receiving: boolean }) => void;
  /** The PeerConnection is gone. */
  hangup: (reason: string) => void;
  slowlink: (info: { uplink: boolean; lost?: number }) => void;
  /** An unsolicited plugin event (e.g. VideoRoom "publishers", "leaving"). */
  event: (data: Record<string, unknown>, jsep?: Jsep) => void;
  /** The handle no longer exists on the Janus side. */
  detached: () => void;
}

export interface ConnectionEvents {
  /** A (re)connection to Janus succeeded and a fresh Janus session exists. */
  connected: () => void;
  /** The transport closed: every handle is gone. */
  disconnected: (reason: string) => void;
}
