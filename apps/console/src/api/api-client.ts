import type {
  AccountChangeResult,
  ApiClientKey,
  ApiError,
  AuditEntry,
  AuthState,
  ChatMessage,
  Check,
  CheckStatus,
  ClassifyRequest,
  ConsoleConfig,
  CreateApiClientRequest,
  CreateExportRequest,
  CreateInviteRequest,
  CreateNoteRequest,
  CreateOfficerRequest,
  CreateRedactionRequest,
  DisposalReport,
  DistressMark,
  DistressMarkRequest,
  ErrorCode,
  EvidenceList,
  EvidenceViewing,
  ExportJob,
  ExposureInterval,
  FieldShare,
  HoldRequest,
  IncidentDetail,
  IncidentSummary,
  IntegrationApproval,
  InterpreterInvite,
  InterpreterInviteCreated,
  InterpreterInviteRequest,
  LibrarySession,
  LoginResult,
  LogoutResult,
  ApiClient as MachineClient,
  MessageList,
  MfaEnrolment,
  MfaSignedIn,
  MyMfaStatus,
  Note,
  OfficerAccount,
  OutboxMessage,
  Outcome,
  OutcomeList,
  PolicyList,
  RecordOutcomeRequest,
  RedactionJob,
  ReviewRequest,
  Role,
  RoleGrant,
  ScheduleChecksRequest,
  ScheduleChecksResponse,
  SessionDetail,
  SessionSummary,
  Share,
  SignedManifest,
  SignInOptions,
  SignInSettings,
  SigningKey,
  SystemStatus,
  TakeUpQuery,
  TakeUpReport,
  TextDelivery,
  TextList,
  TextRoute,
  TurnCheckGrant,
  TurnSettings,
  WebhookDelivery,
  WebhookDeliveryState,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookSecretGrant,
  WellbeingReport,
} from '@sightline/protocol';

/** What the server accepts for a request schema: its zod input type, read without loading zod. */
export type Body<S extends { _input: unknown }> = S['_input'];
/** What the server sends for a response schema. */
export type Reply<S extends { _output: unknown }> = S['_output'];

/** Query parameters; empty and undefined values are left out rather than sent blank. */
export type QueryParams = Readonly<Record<string, string | number | undefined>>;

/** "?a=1&b=x" from the non-empty values, or "" when there are none. */
export function queryString(params: QueryParams): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const seg = encodeURIComponent;

/** Why a request failed: the server's stable code, or one of ours when it never answered in JSON. */
export type FailureCode = ErrorCode | 'network' | 'bad_response';

/** A failed API call, carrying what the officer needs to see and what code can branch on. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  constructor(
    readonly status: number,
    readonly code: FailureCode,
    message: string,
    /** Per-field messages for form errors, keyed by field name ("phone", "password", ...). */
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

const NETWORK_MESSAGE = 'Cannot reach the Sightline server. Check the network connection and try again.';

/** Turns any response that was not a success into an ApiRequestError with a message fit to show. */
export async function toRequestError(res: Response): Promise<ApiRequestError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // A proxy's HTML error page or an empty body: fall through to a status-based message.
  }
  const err = (body as Partial<ApiError> | null)?.error;
  if (err && typeof err.code === 'string' && typeof err.message === 'string') {
    return new ApiRequestError(res.status, err.code, sentence(err.message), err.fields ?? {});
  }
  if (res.status === 429) {
    return new ApiRequestError(429, 'rate_limited', 'Too many requests. Wait a minute and try again.');
  }
  const what = res.status >= 500 ? 'The server had a problem' : 'The server refused the request';
  return new ApiRequestError(res.status, 'bad_response', `${what} (HTTP ${res.status}). Try again.`);
}

/** Server messages are lower-case fragments ("wrong username or password"); show them as sentences. */
export function sentence(message: string): string {
  const t = message.trim();
  if (!t) return t;
  const first = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

// Protocol's IDEMPOTENCY_HEADER; the console imports only types from the protocol package.
const idempotency = (key: string | undefined): Record<string, string> =>
  key ? { 'idempotency-key': key } : {};

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  fetch?: FetchLike;
  /** The CSRF token of the signed-in officer, sent on every request that changes something. */
  csrfToken: () => string | null;
  /** Called when the server says we are not signed in (any request but login). */
  onUnauthenticated?: () => void;
  /** Called with a fresh token when a CSRF failure was fixed by re-reading /api/auth/me. */
  onAuthRefreshed?: (state: AuthState) => void;
}

/** Typed access to the console's HTTP API. Every method rejects with ApiRequestError. */
export class ApiClient {
  readonly #fetch: FetchLike;

  constructor(private readonly opts: ApiClientOptions) {
    this.#fetch = opts.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  /** Signed in, or `{ mfa }`: a code (or setting up TOTP) comes next. */
  login(username: string, password: string): Promise<LoginResult> {
    return this.request('POST', '/api/auth/login', { username, password }, { authProbe: true });
  }
  /** `endSessionUrl`: the identity provider's sign-out, for an officer who signed in with SSO. */
  logout(): Promise<LogoutResult> {
    return this.request('POST', '/api/auth/logout', {});
  }
  signInOptions(): Promise<SignInOptions> {
    return this.request('GET', '/api/auth/options', undefined, { authProbe: true });
  }
  /** The code step after the password: a TOTP code or a recovery code. */
  mfaCode(code: string): Promise<MfaSignedIn> {
    return this.request('POST', '/api/auth/mfa', { code }, { authProbe: true });
  }
  /** The enrolment step the MFA policy forces: a new secret to scan. */
  mfaEnrolStep(): Promise<MfaEnrolment> {
    return this.request('POST', '/api/auth/mfa/enrol', {}, { authProbe: true });
  }
  mfaEnrolStepConfirm(code: string): Promise<MfaSignedIn> {
    return this.request('POST', '/api/auth/mfa/enrol/confirm', { code }, { authProbe: true });
  }
  myMfa(): Promise<MyMfaStatus> {
    return this.request('GET', '/api/account/mfa');
  }
  beginMfa(): Promise<MfaEnrolment> {
    return this.request('POST', '/api/account/mfa/enrol', {});
  }
  confirmMfa(code: string): Promise<{ recoveryCodes: string[] }> {
    return this.request('POST', '/api/account/mfa/confirm', { code });
  }
  signInSettings(): Promise<SignInSettings> {
    return this.request('GET', '/api/admin/sign-in');
  }
  setMfaPolicy(requireForLocal: boolean, reason: string): Promise<SignInSettings['mfa']> {
    return this.request('PUT', '/api/admin/sign-in/mfa-policy', { requireForLocal, reason });
  }
  resetMfa(officerId: string, reason: string): Promise<{ ok: true; hadMfa: boolean }> {
    return this.request('POST', `/api/officers/${seg(officerId)}/mfa/reset`, { reason });
  }
  /** Who is signed in; rejects with code "unauthenticated" when no one is. */
  me(): Promise<AuthState> {
    return this.request('GET', '/api/auth/me', undefined, { authProbe: true });
  }
  config(): Promise<ConsoleConfig> {
    return this.request('GET', '/api/config');
  }
  /** TURN as configured (never the secret); admins only. */
  turnSettings(): Promise<TurnSettings> {
    return this.request('GET', '/api/turn');
  }
  /** A short-lived TURN credential for "test from this browser" (audited). */
  turnCheck(): Promise<TurnCheckGrant> {
    return this.request('POST', '/api/turn/check', {});
  }
  /** Webhook endpoints (admins); never their secrets. */
  async webhookEndpoints(): Promise<WebhookEndpoint[]> {
    return (await this.request<{ endpoints: WebhookEndpoint[] }>('GET', '/api/webhooks')).endpoints;
  }
  /** A new endpoint and its signing secret, shown once. */
  createWebhook(body: WebhookEndpointInput): Promise<WebhookSecretGrant> {
    return this.request('POST', '/api/webhooks', body);
  }
  updateWebhook(id: string, body: WebhookEndpointInput): Promise<WebhookEndpoint> {
    return this.request('PUT', `/api/webhooks/${seg(id)}`, body);
  }
  rotateWebhookSecret(id: string): Promise<WebhookSecretGrant> {
    return this.request('POST', `/api/webhooks/${seg(id)}/rotate-secret`, {});
  }
  async webhookDeliveries(state?: WebhookDeliveryState): Promise<WebhookDelivery[]> {
    const q = state ? `?state=${state}` : '';
    return (await this.request<{ deliveries: WebhookDelivery[] }>('GET', `/api/webhooks/deliveries${q}`))
      .deliveries;
  }
  retryWebhookDelivery(id: string): Promise<WebhookDelivery> {
    return this.request('POST', `/api/webhooks/deliveries/${seg(id)}/retry`, {});
  }

  async sessions(): Promise<SessionSummary[]> {
    return (await this.request<{ sessions: SessionSummary[] }>('GET', '/api/sessions')).sessions;
  }
  /** One press of Send: `key` makes a retry of the same press safe (the server sends one text per key). */
  createInvite(
    body: Body<typeof CreateInviteRequest>,
    key?: string,
  ): Promise<{ session: SessionSummary; link: string }> {
    return this.request('POST', '/api/sessions', body, { headers: idempotency(key) });
  }
  /** Every text of a session's link, and the gateways a resend may take. */
  texts(sessionId: string): Promise<TextList> {
    return this.request('GET', `/api/sessions/${seg(sessionId)}/texts`);
  }
  /** Texts the same link again, by the configured gateway or the fallback; `key` as for createInvite. */
  resendText(
    sessionId: string,
    route: TextRoute,
    key: string,
  ): Promise<{ session: SessionSummary; text: TextDelivery }> {
    return this.request(
      'POST',
      `/api/sessions/${seg(sessionId)}/texts`,
      { route },
      { headers: idempotency(key) },
    );
  }
  session(id: string): Promise<SessionDetail> {
    return this.request('GET', `/api/sessions/${encodeURIComponent(id)}`);
  }
  async endSession(id: string, reason?: string): Promise<SessionSummary> {
    const body = reason ? { reason } : {};
    const res = await this.request<{ session: SessionSummary }>(
      'POST',
      `/api/sessions/${encodeURIComponent(id)}/end`,
      body,
    );
    return res.session;
  }
  /** A session's stored evidence and the recordings it came from. */
  evidence(sessionId: string): Promise<Reply<typeof EvidenceList>> {
    return this.request('GET', `/api/sessions/${seg(sessionId)}/evidence`);
  }
  /** Starts an audited viewing of an item; playback fetches its bytes only through the returned url. */
  startViewing(itemId: string): Promise<EvidenceViewing> {
    return this.request('POST', `/api/evidence/${seg(itemId)}/viewings`, {});
  }
  /** A session's chat so far, both directions. */
  async messages(sessionId: string): Promise<ChatMessage[]> {
    const res = await this.request<Reply<typeof MessageList>>(
      'GET',
      `/api/sessions/${seg(sessionId)}/messages`,
    );
    return res.messages;
  }
  async outbox(): Promise<OutboxMessage[]> {
    return (await this.request<{ messages: OutboxMessage[] }>('GET', '/api/outbox')).messages;
  }
  async officers(): Promise<OfficerAccount[]> {
    return (await this.request<{ officers: OfficerAccount[] }>('GET', '/api/officers')).officers;
  }
  /** Creates an account; the roles asked for wait as a grant for a second admin. */
  createOfficer(body: CreateOfficerRequest): Promise<AccountChangeResult> {
    return this.request('POST', '/api/officers', body);
  }
  disableOfficer(id: string, reason: string): Promise<OfficerAccount> {
    return this.request('POST', `/api/officers/${seg(id)}/disable`, { reason });
  }
  enableOfficer(id: string, reason: string): Promise<OfficerAccount> {
    return this.request('POST', `/api/officers/${seg(id)}/enable`, { reason });
  }
  /** Removed roles go at once; added ones wait as a grant for a second admin. */
  setOfficerRoles(id: string, roles: Role[], reason: string): Promise<AccountChangeResult> {
    return this.request('PUT', `/api/officers/${seg(id)}/roles`, { roles, reason });
  }
  resetOfficerPassword(id: string, password: string, reason: string): Promise<AccountChangeResult> {
    return this.request('POST', `/api/officers/${seg(id)}/password`, { password, reason });
  }
  /** The officer's team (null: none); links they send from now on count for it in the take-up report. */
  setOfficerTeam(id: string, team: string | null, reason: string): Promise<AccountChangeResult> {
    return this.request('PUT', `/api/officers/${seg(id)}/team`, { team, reason });
  }
  /** Machine clients of /api/v1 (admins). */
  async apiClients(): Promise<MachineClient[]> {
    return (await this.request<{ clients: MachineClient[] }>('GET', '/api/api-clients')).clients;
  }
  /** Creates a client; its key is in the answer, once. */
  createApiClient(body: Body<typeof CreateApiClientRequest>): Promise<ApiClientKey> {
    return this.request('POST', '/api/api-clients', body);
  }
  /** A new key in place of the old (shown once); the old one stops working at once. */
  rotateApiClient(id: string): Promise<ApiClientKey> {
    return this.request('POST', `/api/api-clients/${seg(id)}/rotate`);
  }
  apiClientAction(id: string, action: 'revoke' | 'disable' | 'enable'): Promise<MachineClient> {
    return this.request('POST', `/api/api-clients/${seg(id)}/${action}`);
  }
  /** API client and webhook changes waiting for a second admin, then recent decisions. */
  async integrationApprovals(): Promise<IntegrationApproval[]> {
    return (await this.request<{ approvals: IntegrationApproval[] }>('GET', '/api/integration-approvals'))
      .approvals;
  }
  decideIntegration(
    id: string,
    decision: 'approve' | 'refuse',
    reason: string,
  ): Promise<IntegrationApproval> {
    return this.request('POST', `/api/integration-approvals/${seg(id)}/${decision}`, { reason });
  }
  async roleGrants(): Promise<RoleGrant[]> {
    return (await this.request<{ grants: RoleGrant[] }>('GET', '/api/role-grants')).grants;
  }
  approveRoleGrant(id: string, reason: string): Promise<RoleGrant> {
    return this.request('POST', `/api/role-grants/${seg(id)}/approve`, { reason });
  }
  refuseRoleGrant(id: string, reason: string): Promise<RoleGrant> {
    return this.request('POST', `/api/role-grants/${seg(id)}/refuse`, { reason });
  }
  async audit(query: { limit: number; subjectId?: string; action?: string }): Promise<AuditEntry[]> {
    const q = new URLSearchParams({ limit: String(query.limit) });
    if (query.subjectId) q.set('subjectId', query.subjectId);
    if (query.action) q.set('action', query.action);
    return (await this.request<{ entries: AuditEntry[] }>('GET', `/api/audit?${q}`)).entries;
  }
  systemStatus(): Promise<SystemStatus> {
    return this.request('GET', '/api/system/status');
  }

  // Evidence library, retention, exports, redaction and subject access (protocol: evidence-api.ts).

  async librarySessions(query: QueryParams): Promise<LibrarySession[]> {
    const path = `/api/library/sessions${queryString(query)}`;
    return (await this.request<{ sessions: LibrarySession[] }>('GET', path)).sessions;
  }
  librarySession(id: string): Promise<LibrarySession> {
    return this.request('GET', `/api/library/sessions/${seg(id)}`);
  }
  async notes(sessionId: string): Promise<Note[]> {
    return (await this.request<{ notes: Note[] }>('GET', `/api/sessions/${seg(sessionId)}/notes`)).notes;
  }
  addNote(sessionId: string, body: Body<typeof CreateNoteRequest>): Promise<Note> {
    return this.request('POST', `/api/sessions/${seg(sessionId)}/notes`, body);
  }
  /** Scheduled checks: this officer's, or everyone's (supervisors); an audited read. */
  async checks(query: { scope: 'mine' | 'all'; status?: CheckStatus }): Promise<Check[]> {
    const q = new URLSearchParams({ scope: query.scope, ...(query.status ? { status: query.status } : {}) });
    return (await this.request<{ checks: Check[] }>('GET', `/api/checks?${q}`)).checks;
  }
  /** `key`: one press of Schedule; the server answers a retry with the series the first made. */
  scheduleChecks(body: Body<typeof ScheduleChecksRequest>, key: string): Promise<ScheduleChecksResponse> {
    return this.request('POST', '/api/checks', body, { headers: idempotency(key) });
  }
  cancelSeries(seriesId: string, reason: string): Promise<{ cancelled: number }> {
    return this.request('POST', `/api/checks/series/${seg(seriesId)}/cancel`, { reason });
  }
  /** A session's workflow (check details, no-fix alert) and its structured outcomes. */
  outcomes(sessionId: string): Promise<OutcomeList> {
    return this.request('GET', `/api/sessions/${seg(sessionId)}/outcomes`);
  }
  /** `key`: one press of Record; the server answers a retry with the first record. */
  recordOutcome(sessionId: string, body: RecordOutcomeRequest, key: string): Promise<Outcome> {
    return this.request('POST', `/api/sessions/${seg(sessionId)}/outcomes`, body, {
      headers: idempotency(key),
    });
  }
  policies(): Promise<Reply<typeof PolicyList>> {
    return this.request('GET', '/api/retention/policies');
  }
  classify(sessionId: string, body: Body<typeof ClassifyRequest>): Promise<LibrarySession> {
    return this.request('POST', `/api/sessions/${seg(sessionId)}/classification`, body);
  }
  hold(sessionId: string, body: Body<typeof HoldRequest>): Promise<LibrarySession> {
    return this.request('POST', `/api/sessions/${seg(sessionId)}/hold`, body);
  }
  review(sessionId: string, body: Body<typeof ReviewRequest>): Promise<LibrarySession> {
    return this.request('POST', `/api/sessions/${seg(sessionId)}/review`, body);
  }
  async reviewQueue(): Promise<LibrarySession[]> {
    const res = await this.request<{ sessions: LibrarySession[] }>('GET', '/api/retention/review-queue');
    return res.sessions;
  }
  disposalPreview(): Promise<DisposalReport> {
    return this.request('GET', '/api/retention/disposal-preview');
  }
  createExport(body: Body<typeof CreateExportRequest>): Promise<ExportJob> {
    return this.request('POST', '/api/exports', body);
  }
  async exports(): Promise<ExportJob[]> {
    return (await this.request<{ jobs: ExportJob[] }>('GET', '/api/exports')).jobs;
  }
  exportJob(id: string): Promise<ExportJob> {
    return this.request('GET', `/api/exports/${seg(id)}`);
  }
  createRedaction(evidenceId: string, body: CreateRedactionRequest): Promise<RedactionJob> {
    return this.request('POST', `/api/evidence/${seg(evidenceId)}/redactions`, body);
  }
  redactionJob(id: string): Promise<RedactionJob> {
    return this.request('GET', `/api/redactions/${seg(id)}`);
  }
  async sarSessions(query: { phone: string; from?: number; to?: number }): Promise<LibrarySession[]> {
    const path = `/api/sar/sessions${queryString(query)}`;
    return (await this.request<{ sessions: LibrarySession[] }>('GET', path)).sessions;
  }
  signingKey(): Promise<Reply<typeof SigningKey>> {
    return this.request('GET', '/api/keys/signing');
  }
  manifest(sessionId: string): Promise<Reply<typeof SignedManifest>> {
    return this.request('GET', `/api/sessions/${seg(sessionId)}/manifest`);
  }
  async incidents(): Promise<IncidentSummary[]> {
    return (await this.request<{ incidents: IncidentSummary[] }>('GET', '/api/incidents')).incidents;
  }
  createIncident(body: {
    title: string;
    cadReference?: string;
    sessionId?: string;
  }): Promise<IncidentSummary> {
    return this.request('POST', '/api/incidents', body);
  }
  incident(id: string): Promise<IncidentDetail> {
    return this.request('GET', `/api/incidents/${seg(id)}`);
  }
  /** Adds the session to the incident, moving it out of any other. */
  addToIncident(incidentId: string, sessionId: string): Promise<IncidentSummary> {
    return this.request('POST', `/api/incidents/${seg(incidentId)}/sessions`, { sessionId });
  }
  async removeFromIncident(sessionId: string): Promise<SessionSummary> {
    return (
      await this.request<{ session: SessionSummary }>('DELETE', `/api/sessions/${seg(sessionId)}/incident`)
    ).session;
  }
  /** A further link sent from an incident: the session is born in it. `key` as for createInvite. */
  incidentInvite(
    incidentId: string,
    body: Body<typeof CreateInviteRequest>,
    key?: string,
  ): Promise<{ session: SessionSummary; link: string }> {
    return this.request('POST', `/api/incidents/${seg(incidentId)}/invites`, body, {
      headers: idempotency(key),
    });
  }
  createIncidentExport(incidentId: string, reason: string): Promise<ExportJob> {
    return this.request('POST', `/api/incidents/${seg(incidentId)}/exports`, { reason });
  }
  /** Footage seen clearly; `keepalive` lets the browser finish it after the tab has closed. */
  async reportExposure(intervals: ExposureInterval[], keepalive = false): Promise<void> {
    await this.request('POST', '/api/exposure/intervals', { intervals }, { keepalive });
  }
  markDistressing(body: DistressMarkRequest): Promise<DistressMark> {
    return this.request('POST', '/api/exposure/marks', body);
  }
  wellbeing(days = 7): Promise<WellbeingReport> {
    return this.request('GET', `/api/wellbeing${queryString({ days })}`);
  }
  /** The take-up report (supervisors); each load is an audited read. */
  takeUpReport(q: TakeUpQuery): Promise<TakeUpReport> {
    return this.request('GET', `/api/reports/take-up${queryString(q)}`);
  }
  myExposure(days = 7): Promise<WellbeingReport> {
    return this.request('GET', `/api/exposure/mine${queryString({ days })}`);
  }

  // Field officers (issue 11): the control room's shares of a session, and a field officer's own.
  async fieldOfficers(): Promise<{ id: string; name: string }[]> {
    return (await this.request<{ officers: { id: string; name: string }[] }>('GET', '/api/field-officers'))
      .officers;
  }
  /** Interpreters invited to a session (their names are personal data: the read is audited). */
  async interpreters(sessionId: string): Promise<InterpreterInvite[]> {
    return (
      await this.request<{ invites: InterpreterInvite[] }>(
        'GET',
        `/api/sessions/${seg(sessionId)}/interpreters`,
      )
    ).invites;
  }
  /** Invites an interpreter; the link comes back once. */
  inviteInterpreter(sessionId: string, body: InterpreterInviteRequest): Promise<InterpreterInviteCreated> {
    return this.request('POST', `/api/sessions/${seg(sessionId)}/interpreters`, body);
  }
  /** Revokes an unopened link, or removes the interpreter from the call. */
  removeInterpreter(id: string): Promise<InterpreterInvite> {
    return this.request('POST', `/api/interpreters/${seg(id)}/remove`, {});
  }
  async shares(sessionId: string): Promise<Share[]> {
    return (await this.request<{ shares: Share[] }>('GET', `/api/sessions/${seg(sessionId)}/shares`)).shares;
  }
  async createShares(sessionId: string, officerIds: string[], durationSeconds: number): Promise<Share[]> {
    const body = { officerIds, durationSeconds };
    return (await this.request<{ shares: Share[] }>('POST', `/api/sessions/${seg(sessionId)}/shares`, body))
      .shares;
  }
  async incidentShares(incidentId: string): Promise<Share[]> {
    return (await this.request<{ shares: Share[] }>('GET', `/api/incidents/${seg(incidentId)}/shares`))
      .shares;
  }
  async createIncidentShares(
    incidentId: string,
    officerIds: string[],
    durationSeconds: number,
  ): Promise<Share[]> {
    const body = { officerIds, durationSeconds };
    return (await this.request<{ shares: Share[] }>('POST', `/api/incidents/${seg(incidentId)}/shares`, body))
      .shares;
  }
  async revokeShare(id: string): Promise<Share> {
    return (await this.request<{ share: Share }>('POST', `/api/shares/${seg(id)}/revoke`)).share;
  }
  async myShares(): Promise<FieldShare[]> {
    return (await this.request<{ shares: FieldShare[] }>('GET', '/api/field/shares')).shares;
  }
  openShare(id: string): Promise<FieldShare> {
    return this.request('GET', `/api/field/shares/${seg(id)}`);
  }

  private async request<T>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    opts: {
      authProbe?: boolean;
      retried?: boolean;
      headers?: Record<string, string>;
      keepalive?: boolean;
    } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = this.opts.csrfToken();
    if (method !== 'GET' && token) headers['x-csrf-token'] = token;
    let res: Response;
    try {
      res = await this.#fetch(path, {
        method,
        headers,
        credentials: 'same-origin',
        ...(opts.keepalive ? { keepalive: true } : {}),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new ApiRequestError(0, 'network', NETWORK_MESSAGE);
    }
    if (res.ok) {
      try {
        return (await res.json()) as T;
      } catch {
        throw new ApiRequestError(
          res.status,
          'bad_response',
          'The server sent an unreadable answer. Try again.',
        );
      }
    }
    const err = await toRequestError(res);
    if (err.code === 'unauthenticated' && !opts.authProbe) this.opts.onUnauthenticated?.();
    // The token rotates when the officer signs in elsewhere in this browser: fetch it and try once more.
    if (err.code === 'csrf_failed' && !opts.retried) {
      const fresh = await this.me().catch(() => null);
      if (fresh) {
        this.opts.onAuthRefreshed?.(fresh);
        return this.request(method, path, body, { ...opts, retried: true });
      }
    }
    throw err;
  }
}

/** The message to show for a failure, preferring the server's own words. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiRequestError) return err.message;
  return 'Something went wrong in the console. Reload the page and try again.';
}
