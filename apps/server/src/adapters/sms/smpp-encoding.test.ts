import { Language, SessionMode } from '@sightline/protocol';
import * as smpp from 'smpp';
import { describe, expect, it } from 'vitest';
import { SmsTexts } from '../../invites/sms-text.js';
import { DATA_CODING_SMSC_DEFAULT, DATA_CODING_UCS2, encodeSmppText } from './smpp-encoding.js';

// A link as the server makes them: base64url tokens often hold `_` and `-`.
const LINK = 'https://sightline.example.police.uk/j/Ab_Cd-EfGhIjKlMnOpQrStUvWxYz_0123456789-abcde?l=xx';

/** What a handset shows, decoding the octets as SMPP 3.4 defines each data_coding. */
function asTheSpecReadsIt(dataCoding: number, octets: Buffer): string {
  if (dataCoding === DATA_CODING_SMSC_DEFAULT) return smpp.gsmCoder.decode(octets, 0x00);
  if (dataCoding === DATA_CODING_UCS2) return Buffer.from(octets).swap16().toString('utf16le');
  throw new Error(`unexpected data_coding ${dataCoding}`);
}

/** The submit_sm put on the wire and parsed back, as an SMSC parses it: the text it reads. */
function throughTheWire(text: ReturnType<typeof encodeSmppText>): string {
  const pdu = new smpp.PDU('submit_sm', {
    sequence_number: 1,
    destination_addr: '447700900001',
    data_coding: text.dataCoding,
    [text.field]: text.octets,
  });
  const parsed = smpp.PDU.fromBuffer(pdu.toBuffer());
  expect(Number(parsed.data_coding)).toBe(text.dataCoding);
  return String((parsed[text.field] as { message: unknown }).message);
}

describe('SMPP text encoding', () => {
  it('sends a GSM 03.38 text as the SMSC default alphabet, so a link’s "_" is GSM 0x11, not an ASCII control character', () => {
    const text = encodeSmppText('Police: open https://x.example/j/a_b');
    expect(text.dataCoding).toBe(DATA_CODING_SMSC_DEFAULT);
    expect(text.field).toBe('short_message');
    expect([...text.octets.subarray(-3)]).toEqual([0x61, 0x11, 0x62]);
  });

  it('puts a text longer than one SMS in message_payload (160 GSM characters, 70 UCS-2)', () => {
    expect(encodeSmppText('a'.repeat(160)).field).toBe('short_message');
    expect(encodeSmppText('a'.repeat(161)).field).toBe('message_payload');
    expect(encodeSmppText('ś'.repeat(70)).field).toBe('short_message');
    expect(encodeSmppText('ś'.repeat(71)).field).toBe('message_payload');
  });

  const texts = new SmsTexts(null);
  for (const language of Language.options) {
    it(`${language}: every invitation arrives as written and fits an SMPP PDU`, () => {
      for (const mode of SessionMode.options) {
        const body = texts.render(language, mode, { agency: null, link: LINK });
        const text = encodeSmppText(body);
        expect(asTheSpecReadsIt(text.dataCoding, text.octets), `${language} ${mode}`).toBe(body);
        // short_message's length is one octet: a longer text must never be put there.
        if (text.field === 'short_message') expect(text.octets.length).toBeLessThanOrEqual(160);
        expect(throughTheWire(text), `${language} ${mode}`).toBe(body);
      }
    });
  }

  it('sends Welsh, Polish and Arabic as UCS-2 and English as GSM', () => {
    const coding = (l: Language) =>
      encodeSmppText(texts.render(l, 'video', { agency: null, link: LINK })).dataCoding;
    expect(coding('en')).toBe(DATA_CODING_SMSC_DEFAULT);
    for (const l of ['cy', 'pl', 'ar'] as const) expect(coding(l), l).toBe(DATA_CODING_UCS2);
  });
});
