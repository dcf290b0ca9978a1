import { describe, expect, it } from 'vitest';
import { parseReceipt } from './smpp-receipt.js';

describe('SMPP delivery receipts', () => {
  it('reads a delivered receipt in the appendix B form', () => {
    const r = parseReceipt(
      'id:0123456789 sub:001 dlvr:001 submit date:2611300612 done date:2611300613 stat:DELIVRD err:000 text:Police: tap',
    );
    expect(r).toEqual({ id: '0123456789', stat: 'DELIVRD', err: '000', status: 'delivered', reason: null });
  });

  it('turns a final failure into failed with a reason naming the network error', () => {
    const r = parseReceipt(
      'id:abc sub:001 dlvr:000 submit date:2611300612 done date:2611300613 stat:UNDELIV err:034 text:',
    );
    expect(r?.status).toBe('failed');
    expect(r?.reason).toBe('the network could not deliver it (error 034)');
  });

  it('keeps the first id even if the text echoes one, and accepts lower case', () => {
    const r = parseReceipt(
      'id:77 sub:001 dlvr:001 submit date:x done date:y stat:expired err:000 text:id:99',
    );
    expect(r?.id).toBe('77');
    expect(r?.status).toBe('failed');
    expect(r?.reason).toBe('the phone could not be reached before the text expired');
  });

  it('is null for a message that is not a receipt', () => {
    expect(parseReceipt('hello, I cannot open the link')).toBeNull();
  });
});
