import { describe, expect, it } from 'vitest';
import { cardIdOf, isCarded } from '../../../functions/supervision/cards.ts';
import { thresholdTrigger } from '../../../functions/supervision/subscriptions.ts';

describe('the thresholds supervision cards', () => {
  it('takes each carded detail-type from the domain that owns its clock only', () => {
    expect(thresholdTrigger.sources).toEqual(['onestop.cases', 'onestop.documents', 'onestop.complaints']);
    expect(thresholdTrigger.accepts('onestop.complaints', 'ComplaintLongOverdue')).toBe(true);
    expect(thresholdTrigger.accepts('onestop.complaints', 'ThresholdWithdrawn')).toBe(true);
    expect(thresholdTrigger.accepts('onestop.cases', 'ComplaintOverdue')).toBe(false);
    expect(thresholdTrigger.accepts('onestop.documents', 'CertificateNotIssued')).toBe(true);
    expect(thresholdTrigger.accepts('onestop.cases', 'CasePromisedLimitPassed')).toBe(true);
    // The rule's pattern pairs any source with any detail-type; the consumer does not.
    expect(thresholdTrigger.accepts('onestop.cases', 'CertificateNotIssued')).toBe(false);
    expect(thresholdTrigger.accepts('onestop.documents', 'CasePromisedLimitPassed')).toBe(false);
    // Delivery and a bad review's tasks have no row in the card table.
    expect(thresholdTrigger.accepts('onestop.cases', 'DeliveryOverdue')).toBe(false);
    expect(thresholdTrigger.accepts('onestop.evaluation', 'CallBackOverdue')).toBe(false);
  });
  it('cards the e-licence clock, with an id of its own per case', () => {
    expect(isCarded({ clockKind: 'e_licence' })).toBe(true);
    expect(isCarded({ clockKind: 'delivery' })).toBe(false);
    expect(cardIdOf({ type: 'case', id: '370982-20261204-00003' }, 'e_licence', 'yellow')).toBe('370982-20261204-00003~e_licence~yellow');
  });
});
