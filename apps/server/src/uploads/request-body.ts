import { PassThrough, type Readable } from 'node:stream';

/**
 * A request body that can be given to pipeline() without pipeline destroying the
 * request itself when writing fails. On a failure we answer (e.g. 507 "storage full")
 * and `discard()` reads the rest of the body away, so the client gets that answer
 * instead of a reset connection. A body the client abandons still ends the pipeline.
 */
export function detachableBody(body: Readable): { source: Readable; discard(): void } {
  const source = new PassThrough();
  body.pipe(source);
  const lost = (err?: Error) => {
    if (!body.readableEnded) source.destroy(err ?? new Error('the request body was cut off'));
  };
  body.once('error', lost);
  body.once('close', () => lost());
  return {
    source,
    discard() {
      body.unpipe(source);
      body.resume();
    },
  };
}
