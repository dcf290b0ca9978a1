import { describe, expect, it } from 'vitest';
import { otherIdForms, parseReceipt } from './smpp-receipt.js';

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

  it('offers the hex and decimal spellings of a receipt id (an SMSC may answer in one and report in the other)', () => {
    // 0x1A2B3C = 1715004.
    expect(otherIdForms('1715004')).toEqual(expect.arrayContaining(['1a2b3c', '1A2B3C']));
    expect(otherIdForms('1A2B3C')).toEqual(expect.arrayContaining(['1715004', '1a2b3c']));
    expect(otherIdForms('0001715004')).toEqual(expect.arrayContaining(['1715004', '1a2b3c']));
    expect(otherIdForms('1715004')).not.toContain('1715004');
    expect(otherIdForms('5f0e7c2a-4b1d-4c55-9a3e-2d1b0c9e8f7a')).toEqual([
      '5F0E7C2A-4B1D-4C55-9A3E-2D1B0C9E8F7A',
    ]);
  });
});
