import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_evidence.js';
import * as m0003 from './0003_caller.js';
import * as m0004 from './0004_fix_once.js';
import * as m0005 from './0005_role_grants.js';
import * as m0006 from './0006_video_stopped.js';
import * as m0007 from './0007_outbox_private.js';
import * as m0008 from './0008_upload_writer.js';
import * as m0009 from './0009_run_once.js';
import * as m0010 from './0010_media_nodes.js';
import * as m0011 from './0011_postgres.js';
import * as m0012 from './0012_evidence_viewings.js';
import * as m0013 from './0013_sms_delivery.js';
import * as m0014 from './0014_sign_in.js';
import * as m0015 from './0015_incidents.js';
import * as m0016 from './0016_field_shares.js';
import * as m0018 from './0018_exposure.js';
import * as m0019 from './0019_outcomes.js';
import * as m0020 from './0020_outcome_disposal.js';
import * as m0021 from './0021_api_clients.js';
import * as m0022 from './0022_webhooks.js';
import * as m0023 from './0023_aml.js';
import * as m0024 from './0024_ops.js';
import * as m0026 from './0026_approvals.js';
import * as m0027 from './0027_interpreters.js';
import * as m0028 from './0028_scheduled_checks.js';
import * as m0029 from './0029_consent_texts.js';
import * as m0030 from './0030_take_up.js';
import * as m0031 from './0031_one_interpreter.js';
import * as m0033 from './0033_feedback_unlinked.js';

/** Migrations in order. Never edit one that has shipped: add the next number. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_evidence': m0002,
  '0003_caller': m0003,
  '0004_fix_once': m0004,
  '0005_role_grants': m0005,
  '0006_video_stopped': m0006,
  '0007_outbox_private': m0007,
  '0008_upload_writer': m0008,
  '0009_run_once': m0009,
  '0010_media_nodes': m0010,
  '0011_postgres': m0011,
  '0012_evidence_viewings': m0012,
  '0013_sms_delivery': m0013,
  '0014_sign_in': m0014,
  '0015_incidents': m0015,
  '0018_exposure': m0018,
  '0019_outcomes': m0019,
  '0016_field_shares': m0016,
  '0020_outcome_disposal': m0020,
  '0021_api_clients': m0021,
  '0022_webhooks': m0022,
  '0023_aml': m0023,
  '0024_ops': m0024,
  '0026_approvals': m0026,
  '0027_interpreters': m0027,
  '0028_scheduled_checks': m0028,
  // 0029 follows 0028, not 0025: 0026 has shipped, and Kysely refuses a gap filled later.
  '0029_consent_texts': m0029,
  '0030_take_up': m0030,
  '0031_one_interpreter': m0031,
  '0033_feedback_unlinked': m0033,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
