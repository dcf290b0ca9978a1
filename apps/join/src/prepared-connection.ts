/**
 * A publishing connection and its offer, made while the camera opens. Opening the camera and
 * making the offer each take 30–60 ms on a phone-class CPU, and the offer needs only the kinds
 * of track (the tracks themselves are put in with replaceTrack, which needs no renegotiation),
 * so making both at once takes one of them off the officer's wait for the first frame.
 */
export interface PreparedConnection {
  pc: RTCPeerConnection;
  /** The configuration it was made with (its TURN credential's expiry matters later). */
  config: RTCConfiguration;
  /** Candidates gathered before the offer could be sent: sent after it. */
  candidates: Array<RTCIceCandidate | null>;
}

/** Null where the browser cannot make one; the publisher then makes its connection as usual. */
export async function prepareConnection(
  config: RTCConfiguration,
  videoEncodings: RTCRtpEncodingParameters[] | undefined,
): Promise<PreparedConnection | null> {
  let pc: RTCPeerConnection | null = null;
  try {
    pc = new RTCPeerConnection({ ...config, bundlePolicy: 'max-bundle' });
    const candidates: Array<RTCIceCandidate | null> = [];
    pc.onicecandidate = (e) => candidates.push(e.candidate);
    // The order openCamera's stream lists its tracks in: audio, then video.
    pc.addTransceiver('audio', { direction: 'sendonly' });
    pc.addTransceiver('video', {
      direction: 'sendonly',
      ...(videoEncodings ? { sendEncodings: videoEncodings } : {}),
    });
    await pc.setLocalDescription(await pc.createOffer());
    return { pc, config, candidates };
  } catch {
    // Never fails the publish: it goes the usual way instead.
    try {
      pc?.close();
    } catch {}
    return null;
  }
}

/**
 * Puts the stream's tracks into a prepared connection: true if it fits (one microphone and
 * one camera, offer not yet answered); otherwise the connection is closed and false returned.
 */
export async function fitTracks(prepared: PreparedConnection, stream: MediaStream): Promise<boolean> {
  const { pc } = prepared;
  const tracks = stream.getTracks();
  const kinds = new Set(tracks.map((t) => t.kind));
  const fits = tracks.length === 2 && kinds.has('audio') && kinds.has('video');
  try {
    if (!fits || pc.signalingState !== 'have-local-offer') throw new Error('does not fit');
    for (const t of pc.getTransceivers()) {
      const track = tracks.find((x) => x.kind === t.receiver.track.kind);
      if (!track) throw new Error('does not fit');
      await t.sender.replaceTrack(track);
      t.sender.setStreams?.(stream);
    }
    return true;
  } catch {
    pc.close();
    return false;
  }
}
