import {
  CONSOLE_MESSAGE_PERMISSIONS,
  type ConsoleToServer,
  ConsoleToServer as ConsoleToServerSchema,
} from '@sightline/protocol';
import type { Permission } from '../auth/permissions.js';

/** Every message type the console socket accepts, read from the protocol schema itself. */
export function consoleMessageTypes(): string[] {
  return ConsoleToServerSchema.options.map((o) => o.shape.type.value);
}

/**
 * Fails (at boot) if any console message type has no entry in the policy table,
 * as a route without `auth` does: a new message cannot ship without a decision.
 */
export function assertConsolePolicy(
  types: readonly string[] = consoleMessageTypes(),
  table: Record<string, Permission | null> = CONSOLE_MESSAGE_PERMISSIONS,
): void {
  const missing = types.filter((t) => !Object.hasOwn(table, t));
  if (missing.length) throw new Error(`console messages declare no permission: ${missing.join(', ')}`);
}

/** The permission a console message needs, or null when any signed-in officer may send it. */
export function permissionFor(type: ConsoleToServer['type']): Permission | null {
  return CONSOLE_MESSAGE_PERMISSIONS[type];
}
