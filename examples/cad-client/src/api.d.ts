// Generated from docs/api/openapi.json by openapi-typescript: do not edit.
// Regenerate with `npm run openapi` (root) or `npm run generate -w examples/cad-client`.

export interface paths {
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
export type webhooks = Record<string, never>;
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
}
