/** A failure reported by Janus itself (core API or plugin). */
export class JanusError extends Error {
  constructor(
    readonly janusCode: number,
    readonly reason: string,
    readonly source: 'core' | 'plugin' | 'transport',
  ) {
    super(`Janus ${source} error ${janusCode}: ${reason}`);
    this.name = 'JanusError';
  }
}
