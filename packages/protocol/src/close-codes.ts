// No zod here on purpose: the console imports this file alone (`@sightline/protocol/close-codes`).

/** Why the server closed a console's socket, where the console must act on the reason (4000-4999 are ours). */
export const ConsoleCloseCode = {
  /** Signed out, disabled or password reset: the sign-in is over; do not reconnect. */
  signedOut: 4403,
  /** The officer's roles changed: reconnect, and the new connection carries the new roles. */
  rolesChanged: 4409,
} as const;
