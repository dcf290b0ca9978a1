// No zod here on purpose: the console's invite form imports this file alone
// (`@sightline/protocol/outcome-labels`); outcomes.ts builds its zod enums from these lists.

/** Display names, shared by the console, the export's report and the timeline. */
export const OUTCOME_LABELS = {
  'no-further-action': 'No further action',
  'advice-given': 'Advice given',
  'crime-recorded': 'Crime recorded',
  'refer-tdiu': 'Refer to TDIU',
  'refer-partner-agency': 'Refer to partner agency',
  'refer-safeguarding': 'Refer for safeguarding',
  'appointment-booked': 'Appointment booked',
  deploy: 'Deploy officers',
  curfew: 'Curfew at an address',
  residence: 'Residence at an address',
  'exclusion-zone': 'Exclusion zone',
  'non-contact': 'Non-contact',
  reporting: 'Reporting condition',
  other: 'Other',
  complied: 'Complied',
  breach: 'Breach',
  'unable-to-verify': 'Unable to verify',
  'no-answer': 'No answer',
  'face-against-custody-image': 'Seen face against custody image',
  'identity-document': 'Photo identity document',
  'known-to-officer': 'Known to the officer',
  'located-safe': 'Located safe',
  'located-harmed': 'Located, harmed or at risk',
  'not-located': 'Not located',
  'search-stood-down': 'Search stood down',
} as const satisfies Record<string, string>;

/** A value's display name. */
export const outcomeLabel = (v: keyof typeof OUTCOME_LABELS): string => OUTCOME_LABELS[v];

/** Choices for the forms, in the order officers see them. */
export const TRIAGE_DECISIONS = [
  'no-further-action',
  'advice-given',
  'crime-recorded',
  'refer-tdiu',
  'refer-partner-agency',
  'refer-safeguarding',
  'appointment-booked',
  'deploy',
] as const;
export const BAIL_CONDITIONS = [
  'curfew',
  'residence',
  'exclusion-zone',
  'non-contact',
  'reporting',
  'other',
] as const;
export const BAIL_RESULTS = ['complied', 'breach', 'unable-to-verify', 'no-answer'] as const;
export const IDENTITY_METHODS = [
  'face-against-custody-image',
  'identity-document',
  'known-to-officer',
  'other',
] as const;
export const MISSING_PERSON_STATUSES = [
  'located-safe',
  'located-harmed',
  'not-located',
  'search-stood-down',
] as const;
/** No-fix alert thresholds a missing-person link may set (minutes). */
export const FIX_ALERT_MINUTES = { min: 1, max: 120, default: 5 } as const;
