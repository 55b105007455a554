import { DomainError } from '../errors';

/** The parts of a resolution staff write: the result the owner reads, and a complaint's summary. */
export const RESOLUTION_FIELDS = ['result', 'rootCause', 'correctiveAction', 'preventiveAction'] as const;
export type ResolutionField = (typeof RESOLUTION_FIELDS)[number];

/**
 * A resolution refused because required parts are empty; `fields` names each one, so a desk
 * can mark them next to what was typed. Code `summary_required` when only a complaint's
 * summary is missing, `result_required` when only the result is, else `fields_required`.
 */
export class MissingFieldsError extends DomainError {
  readonly fields: readonly ResolutionField[];

  constructor(reference: string, fields: readonly ResolutionField[]) {
    const summaryOnly = !fields.includes('result');
    const code = summaryOnly
      ? 'summary_required'
      : fields.length === 1
        ? 'result_required'
        : 'fields_required';
    const names: Record<ResolutionField, string> = {
      result: 'the result the owner will read',
      rootCause: 'root cause',
      correctiveAction: 'corrective action',
      preventiveAction: 'preventive action',
    };
    super(
      code,
      summaryOnly
        ? `Complaint ${reference} needs its root cause, corrective action and preventive action to be resolved`
        : `Case ${reference} needs ${fields.map((f) => names[f]).join(', ')} to be resolved`,
    );
    this.fields = fields;
  }
}
