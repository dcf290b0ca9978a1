import type { Dossier, DossierInterpreter } from './dossier.js';

/** "interpreter (BSL)", "interpreter (Polish)": the role, never the person. */
export function interpreterRole(i: Pick<DossierInterpreter, 'kind' | 'language'> | undefined): string {
  if (!i) return 'interpreter';
  const what = i.kind === 'bsl' ? 'BSL' : i.language;
  return what ? `interpreter (${what})` : 'interpreter';
}

/**
 * The dossier as a caller's subject-access package may show it: an interpreter's name,
 * organisation and booking are a third party's personal data (UK GDPR Art. 15(4)), so the
 * timeline says "an interpreter (BSL)" where it named them, and the facts keep only the role.
 * An interpreter's own request is answered from the full record (docs/evidence.md).
 */
export function withoutInterpreterIdentities(d: Dossier): Dossier {
  const named = d.interpreters.filter((i) => i.name);
  const whose = (text: string | null) =>
    text === null ? undefined : named.find((i) => text === i.name || text.includes(i.name!));
  const isInterpreter = (actor: string | null) => actor !== null && named.some((i) => i.name === actor);
  return {
    ...d,
    timeline: d.timeline.map((e) => {
      const actor = isInterpreter(e.actor) ? 'interpreter' : e.actor;
      if (!e.type.startsWith('interpreter.')) return { ...e, actor };
      const i =
        whose(e.actor) ?? whose(e.detail) ?? (d.interpreters.length === 1 ? d.interpreters[0] : undefined);
      return { ...e, actor, detail: `an ${interpreterRole(i)}` };
    }),
    interpreters: d.interpreters.map((i) => ({ ...i, name: null, organisation: null, bookingRef: null })),
  };
}
