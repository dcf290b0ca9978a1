import { createRequire } from 'node:module';
import type * as Smpp from 'smpp';

// Plain Node's ESM loader sees only the CommonJS exports written out in the smpp package's
// source; gsmCoder is copied onto them at run time, so it is taken from require's module object.
const { gsmCoder } = createRequire(import.meta.url)('smpp') as typeof Smpp;

/** SMPP 3.4 data_coding values used (section 5.2.19). */
export const DATA_CODING_SMSC_DEFAULT = 0x00;
export const DATA_CODING_UCS2 = 0x08;

/** What one SMS carries: 160 GSM 7-bit characters (sent unpacked, one octet each) or 70 UCS-2 characters. */
const SINGLE_SMS_OCTETS = { [DATA_CODING_SMSC_DEFAULT]: 160, [DATA_CODING_UCS2]: 140 } as const;

/** A text ready for submit_sm: its data_coding, the encoded octets, and which field carries them. */
export interface SmppText {
  dataCoding: number;
  octets: Buffer;
  /** `message_payload` when the octets do not fit one SMS: the SMSC splits it. */
  field: 'short_message' | 'message_payload';
}

/**
 * Encodes a text ourselves rather than leaving it to the smpp package, which labels GSM 03.38
 * octets as data_coding 1 (IA5/ASCII), so an SMSC following the spec turns a link's `_` (GSM
 * 0x11) into a control character; picks Latin-1 (3), which many SMSCs do not take; and puts a
 * UCS-2 text of over 127 characters in short_message, whose one-octet length cannot hold it.
 * GSM 03.38 texts go as the SMSC default alphabet (0, GSM 03.38 on the SMSCs we know of; see
 * docs/deployment.md), every other text (Welsh, Polish, Arabic, Urdu, …) as UCS-2 (8).
 */
export function encodeSmppText(body: string): SmppText {
  const gsm = gsmCoder.GSM.charRegex.test(body);
  const dataCoding = gsm ? DATA_CODING_SMSC_DEFAULT : DATA_CODING_UCS2;
  const octets = gsm ? gsmCoder.encode(body, 0x00) : Buffer.from(body, 'utf16le').swap16();
  return {
    dataCoding,
    octets,
    field: octets.length > SINGLE_SMS_OCTETS[dataCoding] ? 'message_payload' : 'short_message',
  };
}
