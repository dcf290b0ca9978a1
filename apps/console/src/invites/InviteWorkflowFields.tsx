import { BAIL_CONDITIONS, FIX_ALERT_MINUTES, OUTCOME_LABELS } from '@sightline/protocol/outcome-labels';
import { fieldAria } from '../lib/Field.js';
import { useStore } from '../lib/use-store.js';
import type { InviteForm as InviteFormStore } from './invite-form.js';

/**
 * The pilot workflows' part of the invite form: for a location-only link, a missing-person
 * search (tracked for hours, with the no-fix alert's threshold); for a two-way link, the
 * optional details of the bail or court-order check, so the result form starts from them.
 */
export function InviteWorkflowFields({ invite }: { invite: InviteFormStore }) {
  const st = useStore(invite);
  const e = st.errors;
  if (st.mode === 'location')
    return (
      <div className="field field-workflow">
        <label className="check-label">
          <input
            type="checkbox"
            data-testid="invite-missing-person"
            checked={st.missingPerson}
            onChange={(ev) => invite.setWorkflow({ missingPerson: ev.target.checked })}
          />
          Missing person search
        </label>
        {st.missingPerson ? (
          <div className="field">
            <label htmlFor="invite-fix-alert">Alert when no position arrives for (minutes)</label>
            <input
              {...fieldAria('invite-fix-alert', 'hint', e.fixAlertMinutes)}
              data-testid="invite-fix-alert"
              type="number"
              inputMode="numeric"
              min={FIX_ALERT_MINUTES.min}
              max={FIX_ALERT_MINUTES.max}
              step={1}
              value={st.fixAlertMinutes}
              onChange={(ev) => invite.setWorkflow({ fixAlertMinutes: ev.target.value })}
            />
            <p id="invite-fix-alert-hint" className="field-hint">
              The console alerts everyone watching when the phone goes quiet this long.
            </p>
            {e.fixAlertMinutes ? (
              <p id="invite-fix-alert-error" className="field-error" role="alert">
                {e.fixAlertMinutes}
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
    );
  if (st.mode !== 'two-way') return null;
  return (
    <fieldset className="field field-workflow invite-check">
      <legend>Bail or court-order check details (optional)</legend>
      <div className="field">
        <label htmlFor="invite-check-subject">Subject (full name)</label>
        <input
          {...fieldAria('invite-check-subject', null, e.checkSubject)}
          data-testid="invite-check-subject"
          maxLength={100}
          value={st.checkSubject}
          onChange={(ev) => invite.setWorkflow({ checkSubject: ev.target.value })}
        />
        {e.checkSubject ? (
          <p id="invite-check-subject-error" className="field-error" role="alert">
            {e.checkSubject}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="invite-check-condition">Condition</label>
        <select
          {...fieldAria('invite-check-condition', null, e.checkCondition)}
          data-testid="invite-check-condition"
          value={st.checkCondition}
          onChange={(ev) => invite.setWorkflow({ checkCondition: ev.target.value })}
        >
          <option value="">Choose…</option>
          {BAIL_CONDITIONS.map((c) => (
            <option key={c} value={c}>
              {OUTCOME_LABELS[c]}
            </option>
          ))}
        </select>
        {e.checkCondition ? (
          <p id="invite-check-condition-error" className="field-error" role="alert">
            {e.checkCondition}
          </p>
        ) : null}
      </div>
      <div className="field">
        <label htmlFor="invite-check-detail">Condition details</label>
        <input
          {...fieldAria('invite-check-detail', 'hint', e.checkDetail)}
          data-testid="invite-check-detail"
          maxLength={300}
          value={st.checkDetail}
          onChange={(ev) => invite.setWorkflow({ checkDetail: ev.target.value })}
        />
        <p id="invite-check-detail-hint" className="field-hint">
          The address and hours, the zone, the person not to contact…
        </p>
        {e.checkDetail ? (
          <p id="invite-check-detail-error" className="field-error" role="alert">
            {e.checkDetail}
          </p>
        ) : null}
      </div>
    </fieldset>
  );
}
