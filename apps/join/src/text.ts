/** Everything the caller reads. Plain sentences, no jargon: the reader may be frightened or reading a second language. */
export const text = {
  loading: 'Loading…',
  unavailableTitle: 'This link cannot be used',
  unavailableBody:
    'The link may have expired or already been used. If you still need help, call 999 in an emergency or 101 otherwise, and ask for a new link.',
  consentTitle: (agency: string) => `Share your camera and location with ${agency}`,
  consentWho: (agency: string) => `The ${agency} call handler you are speaking to sent you this link.`,
  consentWhatTitle: 'What you will share',
  consentWhat: [
    'Live video from your phone’s back camera, and sound from its microphone.',
    'Your phone’s location, updated while you share.',
  ],
  consentRecorded: 'Everything you share is recorded, and may be used as evidence.',
  consentStop: 'You can stop at any time: tap “Stop sharing”, or close this page.',
  consentNothingYet:
    'Nothing is shared until you tap “Start sharing”. We never ask for your name or other details here.',
  start: 'Start sharing',
  decline: 'No, do not share',
  starting: 'Starting… If your phone asks, tap “Allow”.',
  sharingBanner: 'You are sharing live video with the police',
  sharingLocationOnly: 'You are sharing your location with the police',
  sharingNothing: 'Nothing is being shared yet',
  stop: 'Stop sharing',
  cameraOn: 'Camera: on',
  cameraOff: 'Camera: off',
  locationOn: (m: number | null) =>
    m === null ? 'Location: finding you…' : `Location: on (within about ${Math.round(m)} m)`,
  locationOff: 'Location: off',
  connection: {
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Connection lost, reconnecting…',
    failed: 'Cannot connect. Keep this page open; it will keep trying.',
    idle: '',
  } as Record<string, string>,
  refusedTitle: 'You chose not to share',
  refusedBody: 'That is fine. Tell the call handler. If you change your mind, you can still share.',
  changeMind: 'Share after all',
  endedTitle: 'Sharing has ended',
  endedBody: 'Thank you. You can close this page now.',
  tryAgain: 'Try again',
  deniedCameraTitle: 'The camera is blocked',
  deniedLocationTitle: 'Location is blocked',
  unavailableCamera: 'This phone did not give us a camera. You can still share your location.',
  unavailableLocation:
    'This phone did not give us its location. Check that Location is turned on in your phone’s settings.',
  help: {
    ios: {
      camera:
        'Tap “aA” in the address bar, then “Website Settings”, and set Camera and Microphone to “Allow”. Then tap “Try again”.',
      location:
        'Open Settings › Privacy & Security › Location Services, turn it on, and set “Safari Websites” to “While Using the App”. Then come back and tap “Try again”.',
    },
    android: {
      camera:
        'Tap the icon to the left of the web address, then “Permissions”, and allow Camera and Microphone. Then tap “Try again”.',
      location:
        'Tap the icon to the left of the web address, then “Permissions”, and allow Location. Check Location is on in your quick settings. Then tap “Try again”.',
    },
    other: {
      camera:
        'Open your browser’s settings for this site and allow the camera and microphone. Then tap “Try again”.',
      location: 'Open your browser’s settings for this site and allow location. Then tap “Try again”.',
    },
  },
};

/** Which set of permission instructions fits this browser. */
export function platform(ua: string): 'ios' | 'android' | 'other' {
  if (/iPhone|iPad|iPod/.test(ua)) return 'ios';
  if (/Android/.test(ua)) return 'android';
  return 'other';
}
