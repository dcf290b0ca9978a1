import type { TurnCheckGrant } from '@sightline/protocol';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { DomainError } from '../lib/errors.js';
import type { IceServerIssuer } from './ice-servers.js';

/** An admin's "test from this browser": a TURN credential of its own, audited. */
export class TurnCheck {
  constructor(
    private readonly ice: IceServerIssuer,
    private readonly audit: Pick<AuditService, 'record'>,
  ) {}

  /** Issues TURN-only ICE servers for the officer's browser to gather relay candidates with. */
  async issue(actor: Extract<Actor, { type: 'officer' }>, ip: string | null): Promise<TurnCheckGrant> {
    const grant = this.ice.forCheck(actor.id);
    if (!grant || grant.expiresAt === null)
      throw new DomainError('turn_not_configured', 'no TURN server is configured (SIGHTLINE_TURN_URLS)');
    // A credential that opens relays on the force's TURN server is a security event.
    await this.audit.record({
      actor,
      action: 'turn.credential.issued',
      detail: { purpose: 'check', expiresAt: grant.expiresAt },
      ip,
    });
    return { iceServers: grant.iceServers, expiresAt: grant.expiresAt };
  }
}
