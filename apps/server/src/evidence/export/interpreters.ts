import type { DossierInterpreter } from './dossier.js';

/** "interpreter (BSL)", "interpreter (Polish)": the role, never the person. */
export function interpreterRole(i: Pick<DossierInterpreter, 'kind' | 'language'> | undefined): string {
  if (!i) return 'interpreter';
  const what = i.kind === 'bsl' ? 'BSL' : i.language;
  return what ? `interpreter (${what})` : 'interpreter';
}
