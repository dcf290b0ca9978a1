import { z } from 'zod';
import { MediaPlaneStatus } from './session.js';

/** GET /healthz: the process is up and serving. `media` is kept for callers that read it (the media plane's state). */
export const HealthResponse = z.object({ ok: z.literal(true), media: MediaPlaneStatus.shape.state });
export type HealthResponse = z.infer<typeof HealthResponse>;

/** One dependency's answer in GET /readyz; `error` never carries an address, path or secret. */
export const ReadinessCheck = z.object({
  ok: z.boolean(),
  ms: z.number().int().min(0),
  error: z.string().optional(),
});

/** GET /readyz: 200 when every check passes, 503 otherwise; `failing` names the checks that did not. */
export const ReadinessResponse = z.object({
  ok: z.boolean(),
  checks: z.object({ database: ReadinessCheck, evidence: ReadinessCheck, janus: ReadinessCheck }),
  failing: z.array(z.enum(['database', 'evidence', 'janus'])),
});
export type ReadinessResponse = z.infer<typeof ReadinessResponse>;
