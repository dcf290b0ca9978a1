// Generated from docs/api/openapi.json by openapi-typescript: do not edit.
// Regenerate with `npm run openapi` (root) or `npm run generate -w examples/cad-client`.

export interface paths {
    "/api/v1/incidents/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An incident's summary: its sessions, their states and latest locations */
        get: operations["getIncident"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/invites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Text a caller a link for a call handler
         * @description Creates a session and texts its link, as the call handler named by username would from the console (same validation, per-number limits and SMS gateway). Send an Idempotency-Key so a retry sends no second text.
         */
        post: operations["createInvite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/oauth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange client credentials for an access token
         * @description grant_type=client_credentials, form-encoded; client_secret_basic or client_secret_post. Tokens last 10 minutes; `scope` may narrow the client’s scopes.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A session's state, latest location and evidence list */
        get: operations["getSession"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sessions/{id}/end": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End a session
         * @description Idempotent: ending an ended session returns it unchanged. Answers with the state only (reading a session needs sessions:read).
         */
        post: operations["endSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers HTTP */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: database, evidence store and media reachable */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface webhooks {
    "session.opened": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The caller opened the link (first open, on the device that claimed it) */
        post: operations["sessionOpenedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "session.consented": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The caller agreed to share */
        post: operations["sessionConsentedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "session.refused": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The caller refused */
        post: operations["sessionRefusedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "session.live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The caller's stream reached the server, or a location-only link sent its first fix */
        post: operations["sessionLiveWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "session.location": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new position: at most one per session every SIGHTLINE_WEBHOOK_LOCATION_SECONDS, the newest */
        post: operations["sessionLocationWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "session.ended": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The session ended (officer, caller, time limit…) */
        post: operations["sessionEndedWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "evidence.stored": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An evidence item was stored and its hash checked */
        post: operations["evidenceStoredWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "export.ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A signed export including this session finished (one event per session in it) */
        post: operations["exportReadyWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export interface components {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getIncident: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        title: string;
                        cadReference: string | null;
                        createdAt: number;
                        closedAt: number | null;
                        sessionCount: number;
                        sessions: {
                            id: string;
                            reference: string | null;
                            /** @enum {string} */
                            state: "sent" | "opened" | "consented" | "refused" | "live" | "ended" | "expired";
                            /** @enum {string} */
                            mode: "video" | "location" | "two-way";
                            /** @enum {string} */
                            language: "en" | "cy" | "pl" | "ro" | "bn" | "ur" | "ar" | "es" | "pt" | "so" | "tr" | "gu";
                            phoneMasked: string;
                            verificationCode: string;
                            callHandler: {
                                id: string;
                                name: string;
                            };
                            incidentId: string | null;
                            createdAt: number;
                            expiresAt: number;
                            openedAt: number | null;
                            consentedAt: number | null;
                            liveAt: number | null;
                            endedAt: number | null;
                            endReason: string | null;
                            latestLocation: {
                                lat: number;
                                lon: number;
                                accuracy: number;
                                fixedAt: number;
                                receivedAt: number;
                            } | null;
                        }[];
                    };
                };
            };
        };
    };
    createInvite: {
        parameters: {
            query?: never;
            header?: {
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    phone: string;
                    reference?: string;
                    /**
                     * @default video
                     * @enum {string}
                     */
                    mode?: "video" | "location" | "two-way";
                    /**
                     * @default en
                     * @enum {string}
                     */
                    language?: "en" | "cy" | "pl" | "ro" | "bn" | "ur" | "ar" | "es" | "pt" | "so" | "tr" | "gu";
                    /** @default 120 */
                    locationMinutes?: number;
                    workflow?: {
                        /** @enum {string} */
                        kind: "bail-check";
                        check: {
                            subject: string;
                            /** @enum {string} */
                            condition: "curfew" | "residence" | "exclusion-zone" | "non-contact" | "reporting" | "other";
                            conditionDetail: string;
                        };
                    } | {
                        /** @enum {string} */
                        kind: "missing-person";
                        /** @default 5 */
                        fixAlertMinutes?: number;
                    };
                    validMinutes?: number;
                    callHandler: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        session: {
                            id: string;
                            reference: string | null;
                            /** @enum {string} */
                            state: "sent" | "opened" | "consented" | "refused" | "live" | "ended" | "expired";
                            /** @enum {string} */
                            mode: "video" | "location" | "two-way";
                            /** @enum {string} */
                            language: "en" | "cy" | "pl" | "ro" | "bn" | "ur" | "ar" | "es" | "pt" | "so" | "tr" | "gu";
                            phoneMasked: string;
                            verificationCode: string;
                            callHandler: {
                                id: string;
                                name: string;
                            };
                            incidentId: string | null;
                            createdAt: number;
                            expiresAt: number;
                            openedAt: number | null;
                            consentedAt: number | null;
                            liveAt: number | null;
                            endedAt: number | null;
                            endReason: string | null;
                            latestLocation: {
                                lat: number;
                                lon: number;
                                accuracy: number;
                                fixedAt: number;
                                receivedAt: number;
                            } | null;
                        };
                    };
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    grant_type?: string;
                    scope?: string;
                    client_id?: string;
                    client_secret?: string;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        access_token: string;
                        /** @enum {string} */
                        token_type: "Bearer";
                        expires_in: number;
                        scope: string;
                    };
                };
            };
            /** @description Default Response */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error: "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope";
                        error_description: string;
                    } | {
                        error: {
                            /** @enum {string} */
                            code: "bad_request" | "bad_message" | "message_too_large" | "unauthenticated" | "forbidden" | "csrf_failed" | "not_found" | "link_unavailable" | "invalid_phone_number" | "consent_required" | "already_decided" | "consent_text_unknown" | "not_publishing" | "unknown_view" | "session_not_live" | "session_ended" | "media_unavailable" | "rate_limited" | "invite_limit_number" | "invite_limit_officer" | "conflict" | "damaged_in_transit" | "storage_unavailable" | "turn_not_configured" | "share_ended" | "webhook_url_refused" | "client_pending_approval" | "link_not_yet_open" | "interpreter_needs_video" | "internal";
                            message: string;
                            fields?: {
                                [key: string]: string;
                            };
                        };
                    };
                };
            };
            /** @description Default Response */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        error: "invalid_request" | "invalid_client" | "invalid_grant" | "unauthorized_client" | "unsupported_grant_type" | "invalid_scope";
                        error_description: string;
                    };
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        session: {
                            id: string;
                            reference: string | null;
                            /** @enum {string} */
                            state: "sent" | "opened" | "consented" | "refused" | "live" | "ended" | "expired";
                            /** @enum {string} */
                            mode: "video" | "location" | "two-way";
                            /** @enum {string} */
                            language: "en" | "cy" | "pl" | "ro" | "bn" | "ur" | "ar" | "es" | "pt" | "so" | "tr" | "gu";
                            phoneMasked: string;
                            verificationCode: string;
                            callHandler: {
                                id: string;
                                name: string;
                            };
                            incidentId: string | null;
                            createdAt: number;
                            expiresAt: number;
                            openedAt: number | null;
                            consentedAt: number | null;
                            liveAt: number | null;
                            endedAt: number | null;
                            endReason: string | null;
                            latestLocation: {
                                lat: number;
                                lon: number;
                                accuracy: number;
                                fixedAt: number;
                                receivedAt: number;
                            } | null;
                        };
                        evidence: {
                            id: string;
                            /** @enum {string} */
                            kind: "master" | "working-copy" | "location-track" | "redacted-copy" | "caller-upload" | "device-copy" | "aml-message";
                            mediaType: string;
                            size: number;
                            sha256: string;
                            storedAt: number;
                            disposedAt: number | null;
                        }[];
                    };
                };
            };
        };
    };
    endSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    reason?: string;
                } | null;
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        session: {
                            id: string;
                            /** @enum {string} */
                            state: "sent" | "opened" | "consented" | "refused" | "live" | "ended" | "expired";
                            endedAt: number | null;
                            endReason: string | null;
                        };
                    };
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        ok: true;
                        /** @enum {string} */
                        media: "starting" | "up" | "down";
                    };
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                        checks: {
                            database: {
                                ok: boolean;
                                ms: number;
                                error?: string;
                            };
                            evidence: {
                                ok: boolean;
                                ms: number;
                                error?: string;
                            };
                            janus: {
                                ok: boolean;
                                ms: number;
                                error?: string;
                            };
                        };
                        failing: ("database" | "evidence" | "janus")[];
                    };
                };
            };
            /** @description Default Response */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                        checks: {
                            database: {
                                ok: boolean;
                                ms: number;
                                error?: string;
                            };
                            evidence: {
                                ok: boolean;
                                ms: number;
                                error?: string;
                            };
                            janus: {
                                ok: boolean;
                                ms: number;
                                error?: string;
                            };
                        };
                        failing: ("database" | "evidence" | "janus")[];
                    };
                };
            };
        };
    };
    sessionOpenedWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` values while a rotated secret's grace period runs. Refuse it when `t` is more than 300 seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md. */
                "sightline-signature": string;
                /** @description The event id (the body’s `id`), the same on every retry: de-duplicate on it. */
                "sightline-event-id": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique per event (the same on every retry): receivers de-duplicate on it. */
                    id: string;
                    /** @description When it happened, epoch milliseconds. */
                    occurredAt: number;
                    /** @description The Sightline session. */
                    sessionId: string;
                    /** @description The session's CAD incident reference (as given on the invite), or null. */
                    reference: string | null;
                    /** @constant */
                    type: "session.opened";
                    data: Record<string, never>;
                };
            };
        };
        responses: {
            /** @description Gone: the endpoint is disabled until an admin enables it again. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Stored: the delivery is done. Answer quickly; do slow work afterwards. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer (or none in time) is retried with exponential backoff. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    sessionConsentedWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` values while a rotated secret's grace period runs. Refuse it when `t` is more than 300 seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md. */
                "sightline-signature": string;
                /** @description The event id (the body’s `id`), the same on every retry: de-duplicate on it. */
                "sightline-event-id": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique per event (the same on every retry): receivers de-duplicate on it. */
                    id: string;
                    /** @description When it happened, epoch milliseconds. */
                    occurredAt: number;
                    /** @description The Sightline session. */
                    sessionId: string;
                    /** @description The session's CAD incident reference (as given on the invite), or null. */
                    reference: string | null;
                    /** @constant */
                    type: "session.consented";
                    data: Record<string, never>;
                };
            };
        };
        responses: {
            /** @description Gone: the endpoint is disabled until an admin enables it again. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Stored: the delivery is done. Answer quickly; do slow work afterwards. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer (or none in time) is retried with exponential backoff. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    sessionRefusedWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` values while a rotated secret's grace period runs. Refuse it when `t` is more than 300 seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md. */
                "sightline-signature": string;
                /** @description The event id (the body’s `id`), the same on every retry: de-duplicate on it. */
                "sightline-event-id": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique per event (the same on every retry): receivers de-duplicate on it. */
                    id: string;
                    /** @description When it happened, epoch milliseconds. */
                    occurredAt: number;
                    /** @description The Sightline session. */
                    sessionId: string;
                    /** @description The session's CAD incident reference (as given on the invite), or null. */
                    reference: string | null;
                    /** @constant */
                    type: "session.refused";
                    data: Record<string, never>;
                };
            };
        };
        responses: {
            /** @description Gone: the endpoint is disabled until an admin enables it again. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Stored: the delivery is done. Answer quickly; do slow work afterwards. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer (or none in time) is retried with exponential backoff. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    sessionLiveWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` values while a rotated secret's grace period runs. Refuse it when `t` is more than 300 seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md. */
                "sightline-signature": string;
                /** @description The event id (the body’s `id`), the same on every retry: de-duplicate on it. */
                "sightline-event-id": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique per event (the same on every retry): receivers de-duplicate on it. */
                    id: string;
                    /** @description When it happened, epoch milliseconds. */
                    occurredAt: number;
                    /** @description The Sightline session. */
                    sessionId: string;
                    /** @description The session's CAD incident reference (as given on the invite), or null. */
                    reference: string | null;
                    /** @constant */
                    type: "session.live";
                    data: {
                        /**
                         * @description media: the camera stream arrived; location: a location-only link sent its first fix.
                         * @enum {string}
                         */
                        via: "media" | "location";
                    };
                };
            };
        };
        responses: {
            /** @description Gone: the endpoint is disabled until an admin enables it again. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Stored: the delivery is done. Answer quickly; do slow work afterwards. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer (or none in time) is retried with exponential backoff. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    sessionLocationWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` values while a rotated secret's grace period runs. Refuse it when `t` is more than 300 seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md. */
                "sightline-signature": string;
                /** @description The event id (the body’s `id`), the same on every retry: de-duplicate on it. */
                "sightline-event-id": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique per event (the same on every retry): receivers de-duplicate on it. */
                    id: string;
                    /** @description When it happened, epoch milliseconds. */
                    occurredAt: number;
                    /** @description The Sightline session. */
                    sessionId: string;
                    /** @description The session's CAD incident reference (as given on the invite), or null. */
                    reference: string | null;
                    /** @constant */
                    type: "session.location";
                    /** @description The newest fix; at most one event per session every SIGHTLINE_WEBHOOK_LOCATION_SECONDS. */
                    data: {
                        lat: number;
                        lon: number;
                        /** @description Radius in metres. */
                        accuracy: number;
                        /** @description The phone's time of the fix, epoch ms. */
                        fixTime: number;
                    };
                };
            };
        };
        responses: {
            /** @description Gone: the endpoint is disabled until an admin enables it again. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Stored: the delivery is done. Answer quickly; do slow work afterwards. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer (or none in time) is retried with exponential backoff. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    sessionEndedWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` values while a rotated secret's grace period runs. Refuse it when `t` is more than 300 seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md. */
                "sightline-signature": string;
                /** @description The event id (the body’s `id`), the same on every retry: de-duplicate on it. */
                "sightline-event-id": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique per event (the same on every retry): receivers de-duplicate on it. */
                    id: string;
                    /** @description When it happened, epoch milliseconds. */
                    occurredAt: number;
                    /** @description The Sightline session. */
                    sessionId: string;
                    /** @description The session's CAD incident reference (as given on the invite), or null. */
                    reference: string | null;
                    /** @constant */
                    type: "session.ended";
                    data: {
                        /** @description officer, caller, time_limit, … */
                        reason: string;
                    };
                };
            };
        };
        responses: {
            /** @description Gone: the endpoint is disabled until an admin enables it again. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Stored: the delivery is done. Answer quickly; do slow work afterwards. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer (or none in time) is retried with exponential backoff. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    evidenceStoredWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` values while a rotated secret's grace period runs. Refuse it when `t` is more than 300 seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md. */
                "sightline-signature": string;
                /** @description The event id (the body’s `id`), the same on every retry: de-duplicate on it. */
                "sightline-event-id": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique per event (the same on every retry): receivers de-duplicate on it. */
                    id: string;
                    /** @description When it happened, epoch milliseconds. */
                    occurredAt: number;
                    /** @description The Sightline session. */
                    sessionId: string;
                    /** @description The session's CAD incident reference (as given on the invite), or null. */
                    reference: string | null;
                    /** @constant */
                    type: "evidence.stored";
                    data: {
                        evidenceId: string;
                        /** @description recording, photo, location-track, … */
                        kind: string;
                        sha256: string;
                        size: number;
                    };
                };
            };
        };
        responses: {
            /** @description Gone: the endpoint is disabled until an admin enables it again. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Stored: the delivery is done. Answer quickly; do slow work afterwards. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer (or none in time) is retried with exponential backoff. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
    exportReadyWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret>`; two `v1` values while a rotated secret's grace period runs. Refuse it when `t` is more than 300 seconds from your clock (replay window) or no `v1` matches. See docs/webhooks.md. */
                "sightline-signature": string;
                /** @description The event id (the body’s `id`), the same on every retry: de-duplicate on it. */
                "sightline-event-id": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Unique per event (the same on every retry): receivers de-duplicate on it. */
                    id: string;
                    /** @description When it happened, epoch milliseconds. */
                    occurredAt: number;
                    /** @description The Sightline session. */
                    sessionId: string;
                    /** @description The session's CAD incident reference (as given on the invite), or null. */
                    reference: string | null;
                    /** @constant */
                    type: "export.ready";
                    data: {
                        /** @description The export job; download it from the console. */
                        exportId: string;
                        /** @description Every session in the export (an incident export has several). */
                        sessionIds: string[];
                    };
                };
            };
        };
        responses: {
            /** @description Gone: the endpoint is disabled until an admin enables it again. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Stored: the delivery is done. Answer quickly; do slow work afterwards. */
            "2XX": {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Any other answer (or none in time) is retried with exponential backoff. */
            default: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
        };
    };
}
