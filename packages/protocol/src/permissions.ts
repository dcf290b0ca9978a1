// No zod here on purpose: the console imports this file alone (`@sightline/protocol/permissions`).
type Role = 'call-handler' | 'supervisor' | 'admin' | 'dpo' | 'field-officer';

/**
 * Every action an officer can take, and the roles that may take it. This table
 * is the whole access policy: server routes and signalling name a permission,
 * never a role; the console uses it only to hide controls.
 */
export const PERMISSIONS = {
  'session:create': ['call-handler', 'supervisor'],
  'session:read': ['call-handler', 'supervisor', 'dpo'],
  'session:view-live': ['call-handler', 'supervisor'],
  'session:end': ['call-handler', 'supervisor'],
  // Incidents: several callers' sessions on one page. Creating one, and adding, moving or removing
  // sessions and sending further links from it, is the call handler's job; a DPO only reads.
  'incident:create': ['call-handler', 'supervisor'],
  'incident:read': ['call-handler', 'supervisor', 'dpo'],
  'incident:manage': ['call-handler', 'supervisor'],
  // The live wall (every live session at once) is the supervisors' overview; call handlers work one call.
  // It gates a page only: the wall is built from the session list, presence and live views, each
  // already behind session:read or session:view-live, so no route or message returns wall-only data.
  'session:wall': ['supervisor'],
  'outbox:read': ['call-handler', 'supervisor'],
  'evidence:read': ['call-handler', 'supervisor', 'dpo'],
  'evidence:play': ['call-handler', 'supervisor', 'dpo'],
  'evidence:download': ['supervisor', 'dpo'],
  'evidence:annotate': ['call-handler', 'supervisor', 'dpo'],
  // Pilot outcomes (triage/TDIU, bail checks, missing persons): those who run the call, not
  // disclosure (dpo reads them with the session, and never records them).
  'outcome:record': ['call-handler', 'supervisor'],
  // Scheduled bail and court-order checks: those who run them schedule, list and cancel their own;
  // seeing every officer's checks is the supervisors' (the service checks `check:read-all`).
  'check:schedule': ['call-handler', 'supervisor'],
  'check:read': ['call-handler', 'supervisor'],
  'check:read-all': ['supervisor'],
  'evidence:export': ['supervisor', 'dpo'],
  'evidence:redact': ['supervisor', 'dpo'],
  'retention:read': ['supervisor', 'dpo'],
  'retention:manage': ['supervisor'],
  'sar:search': ['dpo'],
  'audit:read': ['supervisor', 'admin', 'dpo'],
  'officer:manage': ['admin'],
  // Machine clients of /api/v1 (a CAD): creating them, their keys and scopes is account management.
  'api-client:manage': ['admin'],
  // Approving another admin's role grant (a second person; the service refuses the requester and the subject).
  'officer:approve': ['admin'],
  'system:read': ['supervisor', 'admin'],
  // The TURN settings page and its "test from this browser" (which issues a credential).
  'turn:check': ['admin'],
  // Webhook endpoints (CAD integration): their URLs, events and signing secrets, and manual retries.
  'webhook:manage': ['admin'],
  // Approving another admin's API client or webhook change that widens what leaves the system
  // (the service refuses the requester): one admin alone must not be able to send out callers' data.
  'integration:approve': ['admin'],
  // Protecting the people who watch: everyone who watches footage reports what they saw clearly
  // and may mark it distressing; only supervisors (who look after their teams) see others'
  // exposure. Not the DPO: this is occupational health data with no evidential purpose; the DPO
  // sees who looked at it in the audit trail. Each officer sees their own on the account page.
  'exposure:report': ['call-handler', 'supervisor', 'dpo', 'field-officer'],
  'wellbeing:read': ['supervisor'],
  // The take-up report (links sent, opened, live, failures, callers' feedback and its free texts,
  // which may name someone): supervisors, who answer for the service's use.
  'report:take-up': ['supervisor'],
  // Field officers (issue 11): a control-room officer shares one session with named field officers
  // for a while; a field officer sees nothing by role alone, only what a live share names.
  'share:manage': ['call-handler', 'supervisor'],
  'share:use': ['field-officer'],
  // Completing or stopping a live view the server already offered this officer (it checks the view is
  // theirs); starting one needs session:view-live, or share:use and a live share.
  'view:connect': ['call-handler', 'supervisor', 'field-officer'],
  // Network location (AML) messages refused as malformed, kept with their raw text (IMEI, IMSI,
  // MSISDN): those who run the control room and the system inspect them (docs/aml.md).
  'aml:quarantine': ['supervisor', 'admin'],
  // Inviting an interpreter into a live call, and removing them: those who run the call (issue 13).
  'interpreter:manage': ['call-handler', 'supervisor'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** True if any of the roles grants the permission. */
export function can(roles: readonly Role[], permission: Permission): boolean {
  const allowed: readonly Role[] = PERMISSIONS[permission];
  return roles.some((r) => allowed.includes(r));
}
